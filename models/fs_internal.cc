#include "models/fs_internal.h"

#include <algorithm>

#include "models/invalidate.h"
#include "models/pmem_cpu.h"
#include "sim/base/check.h"
#include "sim/base/found.h"

namespace crashsim {

bool IsExt4(const Machine& m) { return m.config->fs != FsKind::kXfs; }

uint64_t LogInode(Machine& m, uint32_t ino, uint32_t fields, const std::string& what,
                  std::vector<uint64_t> completes_groups, std::vector<uint64_t> ordered_groups) {
  Inode& inode = m.inode(ino);
  Transaction txn;
  txn.what = what;
  txn.completes_groups = std::move(completes_groups);
  txn.ordered_groups = std::move(ordered_groups);
  txn.inodes[ino] = inode.core;
  txn.committed_tick = m.device.Tick();
  const uint64_t seq = m.journal.Commit(std::move(txn));
  inode.last_commit_seq = seq;
  inode.fsync_fields |= fields;
  return seq;
}

uint64_t LogNamespace(Machine& m, const std::vector<uint32_t>& inos, const std::string& what,
                      bool creates) {
  Transaction txn;
  txn.what = what;
  for (uint32_t ino : inos) txn.inodes[ino] = m.inode(ino).core;
  if (m.config->name_space == Namespace::kJournalPrefix) {
    txn.names = m.names;
    txn.tree = m.tree;
  }
  txn.committed_tick = m.device.Tick();
  const uint64_t seq = m.journal.Commit(std::move(txn));
  const uint32_t fields = IsExt4(m) && !creates ? kFieldSyncOnly : kFieldFlags;
  for (uint32_t ino : inos) {
    m.inode(ino).last_commit_seq = seq;
    m.inode(ino).fsync_fields |= fields;
  }
  return seq;
}

void MakeNamespaceDurable(Machine& m) {
  m.durable_names = m.names;
  m.durable_tree = m.tree;
}

Tagged ReadBlockFromDisk(const Machine& m, uint32_t ino, uint64_t block) {
  const Inode& inode = m.inode(ino);
  const uint32_t bs = m.block_size();
  auto it = inode.core.extents.Find(block);
  if (!it || it->state != ExtentState::kWritten) {
    return TagZeroes(bs);
  }
  return m.device.ReadVisible(it->physical_block * bs, bs);
}

TreeEntry& CachedPage(Machine& m, uint32_t ino, uint64_t page) {
  Inode& inode = m.inode(ino);
  auto it = inode.tree.find(page);
  if (it != inode.tree.end() && !it->second.dax) return it->second;
  Tagged disk = ReadBlockFromDisk(m, ino, page);
  TreeEntry entry;
  entry.set_folio(std::move(disk));
  return inode.tree[page] = std::move(entry);
}

Tagged InCoreRead(const Machine& m, uint32_t ino, uint64_t begin, uint64_t end) {
  const uint32_t bs = m.block_size();
  const Inode& inode = m.inode(ino);
  Tagged out;
  for (uint64_t pos = begin; pos < end;) {
    const uint64_t page = pos / bs;
    const uint64_t take = std::min<uint64_t>((page + 1) * bs, end) - pos;
    auto entry = inode.tree.find(page);
    Tagged block = entry != inode.tree.end() && !entry->second.dax
                       ? entry->second.folio()
                       : ReadBlockFromDisk(m, ino, page);
    out.bytes.insert(out.bytes.end(), block.bytes.begin() + pos % bs,
                     block.bytes.begin() + pos % bs + take);
    out.origins.insert(out.origins.end(), block.origins.begin() + pos % bs,
                       block.origins.begin() + pos % bs + take);
    pos += take;
  }
  return out;
}

void RecordContent(Machine& m, int pid, uint32_t ino, uint64_t begin, uint64_t end,
                   const std::string& what) {
  if (begin >= end) return;
  RecordWrite(m, pid, ino, begin, InCoreRead(m, ino, begin, end).bytes, what);
}

uint64_t WritebackPage(Machine& m, uint32_t ino, uint64_t page) {
  Inode& inode = m.inode(ino);
  const uint32_t bs = m.block_size();
  // clear_page_dirty_for_io: the page is write-protected in every mapping first, so the next store
  // faults and dirties it again (page_mkclean).
  WriteProtectPage(m, ino, page, /*dax=*/false);
  TreeEntry& entry = FOUND(inode.tree, page, "page-cache entry of page");
  CRASHSIM_CHECK(!entry.dax);
  // Any writeback of an XFS inode ends its close-after-truncate flush (xfs_vm_writepages clears
  // XFS_ITRUNCATED).
  if (!IsExt4(m)) inode.flush_on_close = false;
  entry.dirty = false;
  entry.towrite = false;
  entry.writeback = true;
  const std::string path = m.PathOf(ino);
  BioInfo bio;
  bio.ino = ino;
  bio.file_block = page;
  bio.buffered = true;
  bio.what = "writeback of " + path + " page " + std::to_string(page);
  uint64_t alloc_seq = 0;
  bool allocated = false;
  if (inode.delalloc.count(page)) {
    // Delayed allocation is resolved at writeback (xfs_bmapi_convert_delalloc), out of the
    // block its write reserved.
    inode.delalloc.erase(page);
    const auto block = AllocateBlock(m);
    CRASHSIM_CHECK_MSG(block.has_value(), "a delayed allocation found its reserved block gone");
    const bool unwritten = m.config->delalloc == Delalloc::kUnwrittenUntilIo;
    inode.core.extents.Set(page, Extent{*block, unwritten ? ExtentState::kUnwritten : ExtentState::kWritten, false});
    if (IsExt4(m)) {
      // ext4 logs the new i_disksize with the allocation, at submission.
      inode.core.size_bytes =
          std::max(inode.core.size_bytes, std::min(inode.size_bytes, (page + 1) * bs));
    }
    allocated = true;
  }
  Extent extent = FOUND_EXTENT(inode.core.extents, page);
  if (extent.state == ExtentState::kUnwritten) bio.convert_unwritten = true;
  if (IsShared(m, extent.physical_block)) {
    // Copy-on-write: the page goes to a new block, remapped at I/O completion (xfs_reflink_end_cow).
    const auto block = AllocateBlock(m);
    if (!block) {
      // No space for the copy: a writeback error. The page's data is discarded
      // (xfs_discard_folio) and the next fsync of the file reports ENOSPC (mapping_set_error).
      entry.writeback = false;
      inode.tree.erase(page);
      inode.writeback_error = "ENOSPC";
      return 0;
    }
    bio.cow = true;
    bio.cow_block = *block;
    extent.physical_block = *block;
  }
  if (!IsExt4(m)) {
    const uint64_t end = std::min(inode.size_bytes, (page + 1) * bs);
    if (end > inode.core.size_bytes) bio.new_size = end;
  }
  // The folio straddling EOF is zeroed past EOF in place before it is written (6.1:
  // iomap_do_writepage on XFS, ext4_bio_write_page on ext4): bytes stored through a mapping past
  // EOF vanish from memory too; a size cut records that bytes past EOF read zero from now on.
  if ((page + 1) * bs > inode.size_bytes) {
    const uint64_t eof = std::max(inode.size_bytes, page * bs);
    const Tagged& current = entry.folio();
    const bool dirty_tail = std::any_of(current.bytes.begin() + (eof - page * bs),
                                        current.bytes.end(), [](uint8_t b) { return b != 0; });
    if (dirty_tail) {
      Tagged& folio = entry.MutableFolio();
      for (uint64_t pos = eof; pos < (page + 1) * bs; ++pos) {
        folio.bytes[pos - page * bs] = 0;
        folio.origins[pos - page * bs] = kOriginZero;
      }
      RecordSizeCut(m, -1, ino, eof,
                    "writeback of " + path + " page " + std::to_string(page) + ": zero past EOF");
    }
  }
  const Tagged data = entry.folio();
  const uint64_t group =
      m.device.SubmitBlockWrite(extent.physical_block * bs, data, /*fua=*/false, bio.what);
  if (allocated) {
    Transaction txn;
    txn.what = "allocate " + path + " block " + std::to_string(page) +
               (extent.state == ExtentState::kUnwritten ? " unwritten" : " written") +
               (IsExt4(m) ? " with size " + std::to_string(inode.core.size_bytes) : "");
    txn.inodes[ino] = inode.core;
    txn.committed_tick = m.device.Tick();
    if (m.config->fs == FsKind::kExt4Ordered) txn.ordered_groups.push_back(group);
    alloc_seq = m.journal.Commit(std::move(txn));
    inode.last_commit_seq = alloc_seq;
    inode.fsync_fields |= kFieldExtents | (IsExt4(m) ? kFieldSize : 0);
  }
  m.bios[group] = bio;
  return group;
}

int StartWriteback(Machine& m, uint32_t ino) {
  std::vector<uint64_t> pages;
  for (const auto& [page, entry] : m.inode(ino).tree) {
    if (!entry.dax && entry.dirty && !entry.writeback) pages.push_back(page);
  }
  for (uint64_t page : pages) WritebackPage(m, ino, page);
  return static_cast<int>(pages.size());
}

void CompleteBio(Machine& m, uint64_t group) {
  auto it = m.bios.find(group);
  CRASHSIM_CHECK(it != m.bios.end());
  const BioInfo bio = it->second;
  m.bios.erase(it);
  if (m.device.InFlight(group)) m.device.CompleteBlockWrite(group);
  auto found = m.inodes.find(bio.ino);
  if (found == m.inodes.end()) return;
  Inode& inode = found->second;
  if (bio.buffered) {
    for (uint64_t p = bio.file_block; p < bio.file_block + bio.block_count; ++p) {
      auto page = inode.tree.find(p);
      if (page != inode.tree.end()) page->second.writeback = false;
    }
  }
  // Completion-time metadata (xfs_end_io: xfs_iomap_write_unwritten with the size update, or
  // xfs_setfilesize alone), logged in one transaction.
  uint32_t fields = 0;
  std::string what;
  if (bio.convert_unwritten) {
    for (uint64_t b = bio.file_block; b < bio.file_block + bio.block_count; ++b) {
      auto extent = inode.core.extents.Find(b);
      if (extent.has_value() && extent->state == ExtentState::kUnwritten) {
        extent->state = ExtentState::kWritten;
        inode.core.extents.Set(b, *extent);
        fields |= kFieldExtents;
      }
    }
    if (fields) what = "convert unwritten";
  }
  if (bio.cow) {
    const uint64_t old = FOUND_EXTENT(inode.core.extents, bio.file_block).physical_block;
    inode.core.extents.Set(bio.file_block, Extent{bio.cow_block, ExtentState::kWritten, false});
    if (!DropReference(m, old)) m.allocator.FreeAfter(old, m.journal.committed_seq() + 1);
    fields |= kFieldExtents;
    what = "remap the copy-on-write block";
  }
  if (bio.direct && bio.new_size > inode.size_bytes) inode.size_bytes = bio.new_size;
  if (bio.new_size > inode.core.size_bytes) {
    inode.core.size_bytes = std::min(bio.new_size, inode.size_bytes);
    fields |= kFieldSize;
    what += std::string(what.empty() ? "" : " and ") + "set size " +
            std::to_string(inode.core.size_bytes);
  }
  if (fields) {
    LogInode(m, bio.ino, fields,
             "I/O completion of " + m.PathOf(bio.ino) + " block " +
                 std::to_string(bio.file_block) + ": " + what,
             {group});
  }
}

void WaitForBios(Machine& m, uint32_t ino, uint64_t begin, uint64_t end) {
  const uint32_t bs = m.block_size();
  std::vector<uint64_t> groups;
  for (const auto& [group, bio] : m.bios) {
    if (ino != 0 && bio.ino != ino) continue;
    const uint64_t lo = bio.file_block * bs;
    const uint64_t hi = (bio.file_block + bio.block_count) * bs;
    if (hi <= begin || lo >= end) continue;
    groups.push_back(group);
  }
  for (uint64_t group : groups) CompleteBio(m, group);
}

void ForceLog(Machine& m, uint64_t seq, int pid) {
  if (seq > m.journal.committed_seq()) seq = m.journal.committed_seq();
  if (m.config->fs == FsKind::kExt4Ordered) {
    // jbd2 writes and waits for the ordered data of the committing transactions first.
    for (uint64_t s = m.journal.forced_seq() + 1; s <= seq; ++s) {
      for (uint64_t group : m.journal.txn(s).ordered_groups) {
        if (m.bios.count(group)) CompleteBio(m, group);
      }
    }
  }
  // The commit record goes out with REQ_PREFLUSH | REQ_FUA.
  KernelDeviceFlush(m, pid);
  m.journal.MarkForced(seq);
  m.allocator.ReleaseBusy(m.journal.forced_seq());
}

std::string LogWriteFlags(const Machine& m) {
  if (m.device.is_pmem()) return "(PREFLUSH + FUA)";
  switch (m.config->device_cache) {
    case DeviceCache::kVolatileFua:
      return "(PREFLUSH + FUA)";
    case DeviceCache::kVolatileNoFua:
      return "(PREFLUSH, FUA emulated by a post-flush)";
    case DeviceCache::kNone:
      return "(no volatile write cache: PREFLUSH and FUA are no-ops)";
  }
  return "";
}

void TouchTimes(Machine& m, uint32_t ino) {
  InodeCore& core = m.inode(ino).core;
  core.mtime = core.ctime = ++m.clock;
}

void LogTimestampUpdate(Machine& m, uint32_t ino, const std::string& what) {
  TouchTimes(m, ino);
  LogInode(m, ino, kFieldTimestamp, what + ": update timestamps");
}

bool DatasyncDirty(const Machine& m, uint32_t ino) {
  const Inode& inode = m.inode(ino);
  return inode.last_commit_seq > m.journal.forced_seq() &&
         (inode.fsync_fields & ~(kFieldTimestamp | kFieldSyncOnly)) != 0;
}

bool MapFrozen(const Machine& m, uint32_t ino) { return m.inode(ino).core.sealed; }

namespace {

// A write record of `pid` to `ino` at `offset`, without its data.
WriteRecord RecordAt(int pid, uint32_t ino, uint64_t offset, const std::string& what) {
  WriteRecord record;
  record.ino = ino;
  record.offset = offset;
  record.process = pid;
  record.what = what;
  return record;
}

}  // namespace

void RecordWrite(Machine& m, int pid, uint32_t ino, uint64_t offset,
                 const std::vector<uint8_t>& bytes, const std::string& what) {
  WriteRecord record = RecordAt(pid, ino, offset, what);
  record.bytes = bytes;
  m.ghost.RecordWrite(std::move(record));
}

void RecordFill(Machine& m, int pid, uint32_t ino, uint64_t offset, uint64_t length, uint8_t byte,
                const std::string& what) {
  WriteRecord record = RecordAt(pid, ino, offset, what);
  if (length > 0) {  // an empty fill is an empty write
    record.fill_length = length;
    record.fill = byte;
  }
  m.ghost.RecordWrite(std::move(record));
}

void RecordSizeCut(Machine& m, int pid, uint32_t ino, uint64_t size, const std::string& what) {
  WriteRecord record;
  record.ino = ino;
  record.offset = size;
  record.size_cut = true;
  record.process = pid;
  record.what = what;
  m.ghost.RecordWrite(std::move(record));
}

uint64_t UnreservedBlocks(const Machine& m) {
  uint64_t free = 0;
  for (const auto& range : m.allocator.free_ranges()) free += range.end - range.begin;
  uint64_t reserved = 0;
  for (const auto& [ino, inode] : m.inodes) reserved += inode.delalloc.size();
  return free > reserved ? free - reserved : 0;
}

bool HasSpaceForPrivateBlocks(const Machine& m, uint32_t ino, uint64_t first, uint64_t last) {
  const Inode& inode = m.inode(ino);
  uint64_t needed = 0;
  uint64_t reserved = 0;
  for (uint64_t b = first; b < last; ++b) {
    const auto extent = inode.core.extents.Find(b);
    if (!extent) {
      ++needed;
      reserved += inode.delalloc.count(b);
    } else if (IsShared(m, extent->physical_block)) {
      ++needed;
    }
  }
  return needed <= UnreservedBlocks(m) + reserved;
}

std::optional<uint64_t> AllocateBlock(Machine& m) {
  if (UnreservedBlocks(m) == 0) return std::nullopt;
  return m.allocator.Allocate();
}

bool ReserveDelalloc(Machine& m, uint32_t ino, uint64_t block) {
  Inode& inode = m.inode(ino);
  if (inode.core.extents.Contains(block) || inode.delalloc.count(block)) return true;
  if (UnreservedBlocks(m) == 0) return false;
  inode.delalloc[block] = true;
  return true;
}

FreedBlocks UnmapBlocks(Machine& m, uint32_t ino, uint64_t first, uint64_t last) {
  Inode& inode = m.inode(ino);
  FreedBlocks freed;
  // Blocks with a reference count (shared by reflink) drop a reference one by one, after the
  // walk, since that may change sharing flags in this map; the rest are freed run by run.
  std::vector<uint64_t> counted;
  inode.core.extents.ForEachRun(first, last, [&](const ExtentMap::Run& run) {
    uint64_t from = run.start.physical_block;
    const uint64_t end = from + run.count;
    for (auto it = m.refcount.lower_bound(from); it != m.refcount.end() && it->first < end; ++it) {
      freed.Add(from, it->first);
      counted.push_back(it->first);
      from = it->first + 1;
    }
    freed.Add(from, end);
    return true;
  });
  for (uint64_t physical : counted) {
    if (!DropReference(m, physical)) freed.Add(physical, physical + 1);
  }
  inode.core.extents.EraseRange(first, last);
  for (auto it = inode.delalloc.lower_bound(first); it != inode.delalloc.end() && it->first < last;) {
    it = inode.delalloc.erase(it);
  }
  return freed;
}

std::optional<uint64_t> FirstSharedBlock(const Machine& m, uint32_t ino, uint64_t first,
                                         uint64_t last) {
  std::optional<uint64_t> found;
  m.inode(ino).core.extents.ForEachRun(first, last, [&](const ExtentMap::Run& run) {
    const uint64_t base = run.start.physical_block;
    for (auto it = m.refcount.lower_bound(base); it != m.refcount.end() && it->first < base + run.count;
         ++it) {
      if (it->second >= 2) {
        found = run.first + (it->first - base);
        return false;
      }
    }
    return true;
  });
  return found;
}

bool IsShared(const Machine& m, uint64_t physical_block) {
  auto it = m.refcount.find(physical_block);
  return it != m.refcount.end() && it->second >= 2;
}

bool DropReference(Machine& m, uint64_t physical_block) {
  auto it = m.refcount.find(physical_block);
  if (it == m.refcount.end() || it->second < 2) return false;
  if (--it->second >= 2) return true;
  m.refcount.erase(it);
  // The last owner's extent is no longer shared.
  for (auto& [ino, inode] : m.inodes) inode.core.extents.SetSharedAt(physical_block, false);
  return true;
}

void AddReference(Machine& m, uint64_t physical_block) {
  auto [it, inserted] = m.refcount.emplace(physical_block, 1);
  ++it->second;
  for (auto& [ino, inode] : m.inodes) inode.core.extents.SetSharedAt(physical_block, true);
}

void ReleaseAfter(Machine& m, const FreedBlocks& blocks, uint64_t seq) {
  // ext4 data=writeback does not wait for the freeing transaction before a data block may be
  // allocated again (ext4_mb_clear_bb tracks freed blocks only for metadata or ordered data).
  const bool at_once = m.config->fs == FsKind::kExt4Writeback;
  for (const Allocator::Range& range : blocks.ranges) {
    m.allocator.FreeRangeAfter(range.begin, range.end, at_once ? 0 : seq);
  }
  if (at_once && !blocks.empty()) m.allocator.ReleaseBusy(m.journal.forced_seq());
}

}  // namespace crashsim
