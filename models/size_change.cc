#include "models/size_change.h"

#include <algorithm>
#include <fmt/format.h>

#include "models/fs_internal.h"
#include "models/invalidate.h"
#include "models/zeroing.h"

namespace crashsim {
namespace {

// truncate_setsize / truncate_pagecache for a smaller size: the cached tail of the new EOF page
// reads zero (truncate_inode_partial_folio; a DAX inode has no folio), and pages wholly past the
// new EOF go, with their mappings.
void TruncatePageCache(Machine& m, int pid, uint32_t ino, uint64_t new_size,
                       const std::string& what) {
  Inode& inode = m.inode(ino);
  const uint32_t bs = m.block_size();
  const uint64_t keep_pages = (new_size + bs - 1) / bs;
  if (new_size % bs != 0 && !m.faults.truncate_skips_tail_zeroing) {
    auto entry = inode.tree.find(new_size / bs);
    if (entry != inode.tree.end() && !entry->second.dax) {
      Tagged& folio = entry->second.MutableFolio();
      for (uint64_t pos = new_size % bs; pos < bs; ++pos) {
        folio.bytes[pos] = 0;
        folio.origins[pos] = kOriginZero;
      }
    }
  }
  WaitForBios(m, ino, keep_pages * bs, UINT64_MAX);
  DropPages(m, ino, keep_pages, UINT64_MAX);
  RecordSizeCut(m, pid, ino, new_size, what);
}

std::string SetSizeXfs(Machine& m, int pid, uint32_t ino, uint64_t new_size,
                       const std::string& what) {
  Inode& inode = m.inode(ino);
  const uint32_t bs = m.block_size();
  const uint64_t old_size = inode.size_bytes;
  std::vector<std::string> notes;
  if (new_size == 0 && old_size == 0 && inode.core.extents.empty()) {
    // Nothing to truncate: only the timestamps change (xfs_setattr_nonsize).
    LogTimestampUpdate(m, ino, what);
    return "empty file: timestamps logged";
  }
  bool did_zero = false;
  const bool zeroing = !m.faults.truncate_skips_tail_zeroing;
  if (new_size > old_size) {
    did_zero = zeroing && ZeroPastEof(m, pid, ino, old_size, new_size, what);
    if (did_zero) notes.push_back("zeroed past the old EOF");
  } else {
    // The page holding the new EOF is written back first, so that a dirty page over an unwritten
    // block is converted before its tail is zeroed.
    const FlushUnmapResult flushed = WriteAndWaitRange(m, ino, new_size, new_size + 1);
    if (flushed.pages + flushed.dax_entries > 0) {
      notes.push_back("wrote back the new EOF page");
    }
    if (new_size % bs != 0 && zeroing) {
      did_zero = !ZeroFileRange(m, ino, new_size, (new_size / bs + 1) * bs, what).empty();
      if (did_zero) notes.push_back("zeroed the rest of the new EOF block");
    }
  }
  inode.size_bytes = new_size;
  if (new_size < old_size) TruncatePageCache(m, pid, ino, new_size, what);
  const uint64_t disk_size = inode.core.size_bytes;
  if (did_zero || (new_size > disk_size && old_size != disk_size)) {
    const FlushUnmapResult flushed = WriteAndWaitRange(m, ino, disk_size, new_size);
    if (flushed.pages + flushed.dax_entries > 0) {
      notes.push_back(fmt::format("wrote back and waited for [{}, {}) before logging the size",
                                  disk_size, new_size));
    }
  }
  FreedBlocks freed;
  if (new_size <= old_size) freed = UnmapBlocks(m, ino, (new_size + bs - 1) / bs, UINT64_MAX);
  inode.core.size_bytes = new_size;
  TouchTimes(m, ino);
  const uint64_t seq = LogInode(m, ino, kFieldSize | (freed.empty() ? 0 : kFieldExtents),
                                what + ": set size " + std::to_string(new_size));
  ReleaseAfter(m, freed, seq);
  if (new_size <= old_size) inode.flush_on_close = true;
  notes.push_back(fmt::format("size {} logged in transaction {}", new_size, seq));
  return fmt::format("{}", fmt::join(notes, "; "));
}

std::string SetSizeExt4(Machine& m, int pid, uint32_t ino, uint64_t new_size,
                        const std::string& what) {
  Inode& inode = m.inode(ino);
  const uint32_t bs = m.block_size();
  const uint64_t old_size = inode.size_bytes;
  std::vector<std::string> notes;
  inode.size_bytes = new_size;
  FreedBlocks freed;
  std::vector<uint64_t> ordered;
  if (new_size <= old_size) {
    if (new_size < old_size) TruncatePageCache(m, pid, ino, new_size, what);
    // ext4_truncate.
    if (new_size == 0 && m.config->auto_da_alloc) inode.flush_on_close = true;
    if (new_size % bs != 0 && !m.faults.truncate_skips_tail_zeroing) {
      const ByteRanges zeroed = ZeroFileRange(m, ino, new_size, (new_size / bs + 1) * bs, what);
      if (!zeroed.empty()) notes.push_back("zeroed the rest of the new EOF block");
      ordered = OrderZeroedPages(m, ino, zeroed);
    }
    freed = UnmapBlocks(m, ino, (new_size + bs - 1) / bs, UINT64_MAX);
  }
  inode.core.size_bytes = new_size;
  TouchTimes(m, ino);
  const uint64_t seq = LogInode(m, ino, kFieldSize | (freed.empty() ? 0 : kFieldExtents),
                                what + ": set size " + std::to_string(new_size), {},
                                std::move(ordered));
  ReleaseAfter(m, freed, seq);
  notes.push_back(fmt::format("size {} logged in transaction {}", new_size, seq));
  return fmt::format("{}", fmt::join(notes, "; "));
}

}  // namespace

std::string SetFileSize(Machine& m, int pid, uint32_t ino, uint64_t new_size,
                        const std::string& what) {
  return IsExt4(m) ? SetSizeExt4(m, pid, ino, new_size, what)
                   : SetSizeXfs(m, pid, ino, new_size, what);
}

}  // namespace crashsim
