#include "models/zeroing.h"

#include <algorithm>
#include <set>

#include "models/fs_internal.h"
#include "models/kernel_extents.h"
#include "sim/base/found.h"

namespace crashsim {
namespace {

// The blocks of [first, last) that may hold data: mapped, reserved by delayed allocation, or
// cached. Holes without a folio read zero already, so only these need a look.
std::set<uint64_t> CandidateBlocks(const Inode& inode, uint64_t first, uint64_t last) {
  std::set<uint64_t> blocks;
  inode.core.extents.ForEachBlock(first, last,
                                  [&](uint64_t block, const Extent&) { blocks.insert(block); });
  for (auto it = inode.delalloc.lower_bound(first); it != inode.delalloc.end() && it->first < last;
       ++it) {
    blocks.insert(it->first);
  }
  for (auto it = inode.tree.lower_bound(first); it != inode.tree.end() && it->first < last; ++it) {
    blocks.insert(it->first);
  }
  return blocks;
}

// Whether the page-cache path zeroes `block`: iomap skips holes and unwritten extents (a
// delalloc reservation counts as data); ext4's buffer heads skip only holes.
bool FolioPathZeroes(const Machine& m, const Inode& inode, uint64_t block) {
  if (inode.delalloc.count(block)) return true;
  const auto extent = inode.core.extents.Find(block);
  if (!extent) return false;
  return IsExt4(m) || extent->state == ExtentState::kWritten;
}

void ZeroInFolio(Machine& m, uint32_t ino, uint64_t block, uint64_t lo, uint64_t hi) {
  const uint32_t bs = m.block_size();
  TreeEntry& entry = CachedPage(m, ino, block);
  Tagged& folio = entry.MutableFolio();
  for (uint64_t pos = lo; pos < hi; ++pos) {
    folio.bytes[pos - block * bs] = 0;
    folio.origins[pos - block * bs] = kOriginZero;
  }
  entry.dirty = true;
}

// dax_zero_iter: written blocks only; a shared one is copied to a private block first (the CoW
// that xfs_direct_write_iomap_begin sets up for IOMAP_ZERO), then the bytes are zeroed in place.
bool ZeroInPmem(Machine& m, uint32_t ino, uint64_t block, uint64_t lo, uint64_t hi,
                const std::string& what) {
  Inode& inode = m.inode(ino);
  const auto extent = inode.core.extents.Find(block);
  if (!extent || extent->state != ExtentState::kWritten) {
    return false;
  }
  const uint32_t bs = m.block_size();
  const Unshared unshared = UnshareBlock(m, ino, block);
  if (unshared == Unshared::kNoSpace) return false;  // no block for the copy: nothing zeroed
  if (unshared == Unshared::kCopied) {
    LogInode(m, ino, kFieldExtents,
             what + ": copy-on-write remap of block " + std::to_string(block) + " before zeroing");
  }
  const uint64_t physical = FOUND_EXTENT(inode.core.extents, block).physical_block;
  m.device.AppendKernelCopy(physical * bs + lo % bs, TagZeroes(hi - lo),
                            what + ": zero " + m.PathOf(ino) + " bytes " + std::to_string(lo) +
                                "-" + std::to_string(hi - 1));
  return true;
}

}  // namespace

ByteRanges ZeroFileRange(Machine& m, uint32_t ino, uint64_t begin, uint64_t end,
                         const std::string& what) {
  ByteRanges zeroed;
  if (begin >= end) return zeroed;
  const uint32_t bs = m.block_size();
  const uint64_t first = begin / bs;
  const uint64_t last = (end - 1) / bs + 1;
  const bool dax = m.inode(ino).core.dax && !m.faults.dax_zeroing_through_folio;
  for (uint64_t block : CandidateBlocks(m.inode(ino), first, last)) {
    const uint64_t lo = std::max(begin, block * bs);
    const uint64_t hi = std::min(end, (block + 1) * bs);
    if (dax) {
      if (!ZeroInPmem(m, ino, block, lo, hi, what)) continue;
    } else {
      if (!FolioPathZeroes(m, m.inode(ino), block)) continue;
      ZeroInFolio(m, ino, block, lo, hi);
    }
    if (!zeroed.empty() && zeroed.back().second == lo) {
      zeroed.back().second = hi;
    } else {
      zeroed.emplace_back(lo, hi);
    }
  }
  return zeroed;
}

bool ZeroPastEof(Machine& m, int pid, uint32_t ino, uint64_t old_size, uint64_t new_offset,
                 const std::string& what) {
  if (IsExt4(m) || m.faults.no_eof_zeroing || new_offset <= old_size) return false;
  const ByteRanges zeroed = ZeroFileRange(m, ino, old_size, new_offset, what);
  RecordZeroes(m, pid, ino, zeroed, what);
  return !zeroed.empty();
}

std::vector<uint64_t> OrderZeroedPages(Machine& m, uint32_t ino, const ByteRanges& zeroed) {
  std::vector<uint64_t> groups;
  if (m.config->fs != FsKind::kExt4Ordered || m.inode(ino).core.dax) return groups;
  const uint32_t bs = m.block_size();
  std::set<uint64_t> pages;
  for (const auto& [lo, hi] : zeroed) {
    for (uint64_t page = lo / bs; page <= (hi - 1) / bs; ++page) pages.insert(page);
  }
  for (uint64_t page : pages) {
    const auto entry = m.inode(ino).tree.find(page);
    if (entry == m.inode(ino).tree.end() || !entry->second.dirty) continue;
    const uint64_t group = WritebackPage(m, ino, page);
    if (group != 0) groups.push_back(group);
  }
  return groups;
}

void RecordZeroes(Machine& m, int pid, uint32_t ino, const ByteRanges& ranges,
                  const std::string& what) {
  for (const auto& [lo, hi] : ranges) {
    RecordFill(m, pid, ino, lo, hi - lo, 0, what);
  }
}

}  // namespace crashsim
