#include "models/kernel_extents.h"

#include <algorithm>

#include "models/fs_internal.h"
#include "models/invalidate.h"
#include "models/size_change.h"
#include "models/zeroing.h"
#include "sim/base/check.h"
#include "sim/base/found.h"

namespace crashsim {
namespace {

StepOutcome Fail(const char* err) { return StepOutcome{true, err, ""}; }
StepOutcome Step(std::string note) { return StepOutcome{false, "", std::move(note)}; }
StepOutcome Done(std::string note) { return StepOutcome{true, "0", std::move(note)}; }


uint64_t Blocks(const Machine& m, uint64_t bytes) {
  return (bytes + m.block_size() - 1) / m.block_size();
}

// Moves the mapping of file block `from` to `to` (a hole left behind), with its lineage.
void MoveBlock(Machine& m, uint32_t ino, uint64_t from, uint64_t to) {
  Inode& inode = m.inode(ino);
  const uint32_t bs = m.block_size();
  const Extent extent = FOUND_EXTENT(inode.core.extents, from);
  inode.core.extents.Erase(from);
  inode.core.extents.Set(to, extent);
  m.ghost.moves.push_back(DataMove{ino, from * bs, ino, to * bs, bs});
}

// ext4's collapse and insert: every mapped block from `from` on moves to `to` + its distance from
// `from`, in the order that never lands on a block still to move. Returns how many moved.
size_t ShiftAllBlocks(Machine& m, uint32_t ino, uint64_t from, uint64_t to) {
  std::vector<uint64_t> moved;
  m.inode(ino).core.extents.ForEachBlock(
      from, UINT64_MAX, [&](uint64_t block, const Extent&) { moved.push_back(block); });
  if (to > from) std::reverse(moved.begin(), moved.end());
  for (uint64_t block : moved) MoveBlock(m, ino, block, block - from + to);
  return moved.size();
}

// XFS's collapse and insert: one extent shifted from file block `from` to `to` in a transaction
// of its own (xfs_collapse_file_space, xfs_insert_file_space); the bytes between the two places,
// within EOF, now read what the shift put there.
StepOutcome ShiftOneBlock(Machine& m, int pid, uint32_t ino, uint64_t from, uint64_t to,
                          const std::string& what) {
  const uint32_t bs = m.block_size();
  MoveBlock(m, ino, from, to);
  const uint64_t seq = LogInode(m, ino, kFieldExtents,
                                what + ": shift block " + std::to_string(from) + " to " +
                                    std::to_string(to));
  RecordContent(m, pid, ino, std::min(from, to) * bs,
                std::min(m.inode(ino).size_bytes, (std::max(from, to) + 1) * bs), what);
  return Step("shifted block " + std::to_string(from) + (to < from ? " down" : " up") +
              " (transaction " + std::to_string(seq) + ")");
}

// The first inner step of every map change: write back, wait, unmap and drop the pages and DAX
// entries of [first, last) (xfs_flush_unmap_range), and any direct I/O in flight there.
StepOutcome UnmapFirst(Machine& m, int pid, uint32_t ino, uint64_t first, uint64_t last) {
  const uint32_t bs = m.block_size();
  const FlushUnmapResult flushed = FlushUnmapRange(m, ino, first, last);
  WaitForBios(m, ino, first * bs, last == UINT64_MAX ? UINT64_MAX : last * bs);
  m.processes[pid].progress.Of<FallocProgress>().step = FallocStep::kChange;
  return Step(flushed.Describe() + (last == UINT64_MAX ? " the pages from the range to EOF"
                                                       : " the range's pages"));
}

}  // namespace

Unshared UnshareBlock(Machine& m, uint32_t ino, uint64_t block) {
  Inode& inode = m.inode(ino);
  const Extent extent = FOUND_EXTENT(inode.core.extents, block);
  if (!IsShared(m, extent.physical_block)) return Unshared::kNotShared;
  const uint32_t bs = m.block_size();
  const auto fresh = AllocateBlock(m);
  if (!fresh) return Unshared::kNoSpace;
  const Tagged contents = m.device.ReadVisible(extent.physical_block * bs, bs);
  const std::string what = "unshare copy of " + m.PathOf(ino) + " block " + std::to_string(block);
  if (m.device.is_pmem()) {
    m.device.AppendKernelCopy(*fresh * bs, contents, what);
  } else {
    m.device.CompleteBlockWrite(m.device.SubmitBlockWrite(*fresh * bs, contents, false, what));
  }
  inode.core.extents.Set(block, Extent{*fresh, extent.state, false});
  DropReference(m, extent.physical_block);
  return Unshared::kCopied;
}

std::optional<StepOutcome> UnshareNextBlock(Machine& m, uint32_t ino, uint64_t first,
                                            uint64_t last, const std::string& log_what) {
  const std::optional<uint64_t> shared = FirstSharedBlock(m, ino, first, last);
  if (!shared) return std::nullopt;
  const Unshared unshared = UnshareBlock(m, ino, *shared);
  if (unshared == Unshared::kNoSpace) return Fail("ENOSPC");
  CRASHSIM_CHECK(unshared == Unshared::kCopied);
  const uint64_t seq = LogInode(m, ino, kFieldExtents, log_what + std::to_string(*shared));
  return Step("unshared block " + std::to_string(*shared) + " (transaction " +
              std::to_string(seq) + ")");
}

StepOutcome CollapseRange(Machine& m, int pid, uint32_t ino, uint64_t offset, uint64_t length,
                          const std::string& what) {
  FallocProgress& progress = m.processes[pid].progress.Of<FallocProgress>();
  Inode& inode = m.inode(ino);
  const uint32_t bs = m.block_size();
  const uint64_t first = offset / bs;
  const uint64_t shift = length / bs;
  if (progress.step == FallocStep::kUnmap) {
    if (offset % bs || length % bs || offset + length >= inode.size_bytes) return Fail("EINVAL");
    return UnmapFirst(m, pid, ino, first, UINT64_MAX);
  }
  if (IsExt4(m)) {
    // ext4_collapse_range: the removal, every shift and the new size in one journal handle.
    const auto freed = UnmapBlocks(m, ino, first, first + shift);
    const size_t moved = ShiftAllBlocks(m, ino, first + shift, first);
    inode.size_bytes -= length;
    inode.core.size_bytes = inode.size_bytes;
    TouchTimes(m, ino);
    const uint64_t seq = LogInode(m, ino, kFieldExtents | kFieldSize,
                                  what + ": remove " + std::to_string(freed.size()) +
                                      " block(s), shift " + std::to_string(moved) +
                                      " down, set size " + std::to_string(inode.size_bytes));
    ReleaseAfter(m, freed, seq);
    RecordContent(m, pid, ino, offset, inode.size_bytes, what);
    RecordSizeCut(m, pid, ino, inode.size_bytes, what);
    return Done("collapsed in one transaction (" + std::to_string(seq) + ")");
  }
  if (progress.step == FallocStep::kChange) {
    const auto freed = UnmapBlocks(m, ino, first, first + shift);
    TouchTimes(m, ino);
    const uint64_t seq = LogInode(m, ino, kFieldExtents,
                                  what + ": free " + std::to_string(freed.size()) + " block(s)");
    ReleaseAfter(m, freed, seq);
    progress.step = FallocStep::kShift;
    progress.shift_cursor = first + shift;
    return Step("freed the collapsed range (transaction " + std::to_string(seq) + ")");
  }
  // One extent shifted down per transaction (xfs_collapse_file_space), lowest first.
  if (const auto next = inode.core.extents.NextFrom(progress.shift_cursor)) {
    const uint64_t from = next->first;
    progress.shift_cursor = from + 1;
    return ShiftOneBlock(m, pid, ino, from, from - shift, what);
  }
  // Then the new size (xfs_file_fallocate's setattr after the shifts).
  return Done(SetFileSize(m, pid, ino, inode.size_bytes - length, what));
}

StepOutcome InsertRange(Machine& m, int pid, uint32_t ino, uint64_t offset, uint64_t length,
                        const std::string& what) {
  FallocProgress& progress = m.processes[pid].progress.Of<FallocProgress>();
  Inode& inode = m.inode(ino);
  const uint32_t bs = m.block_size();
  const uint64_t first = offset / bs;
  const uint64_t shift = length / bs;
  if (progress.step == FallocStep::kUnmap) {
    if (offset % bs || length % bs || offset >= inode.size_bytes) return Fail("EINVAL");
    return UnmapFirst(m, pid, ino, first, UINT64_MAX);
  }
  if (IsExt4(m)) {
    // ext4_insert_range: the new size and every shift in one journal handle.
    const size_t moved = ShiftAllBlocks(m, ino, first, first + shift);
    inode.size_bytes += length;
    inode.core.size_bytes = inode.size_bytes;
    TouchTimes(m, ino);
    const uint64_t seq = LogInode(m, ino, kFieldExtents | kFieldSize,
                                  what + ": set size " + std::to_string(inode.size_bytes) +
                                      ", shift " + std::to_string(moved) + " block(s) up");
    RecordContent(m, pid, ino, offset, inode.size_bytes, what);
    return Done("inserted a hole of " + std::to_string(length) + " bytes in one transaction (" +
                std::to_string(seq) + ")");
  }
  if (progress.step == FallocStep::kChange) {
    // XFS grows the size before shifting (xfs_file_fallocate's setattr), so no crash leaves
    // extents past EOF.
    progress.shift_cursor = Blocks(m, inode.size_bytes);
    const std::string note = SetFileSize(m, pid, ino, inode.size_bytes + length, what);
    progress.step = FallocStep::kShift;
    return Step(note);
  }
  if (const auto it = inode.core.extents.LastBefore(progress.shift_cursor)) {
    if (it->first >= first) {
      progress.shift_cursor = it->first;
      return ShiftOneBlock(m, pid, ino, it->first, it->first + shift, what);
    }
  }
  RecordContent(m, pid, ino, offset, offset + length, what);
  return Done("inserted a hole of " + std::to_string(length) + " bytes");
}

StepOutcome UnshareRange(Machine& m, int pid, uint32_t ino, uint64_t offset, uint64_t length,
                         const std::string& what) {
  const FallocProgress& progress = m.processes[pid].progress.Of<FallocProgress>();
  const uint32_t bs = m.block_size();
  const uint64_t first = offset / bs;
  const uint64_t last = Blocks(m, offset + length);
  if (progress.step == FallocStep::kUnmap) return UnmapFirst(m, pid, ino, first, last);
  // One shared block copied and remapped per transaction.
  if (auto step = UnshareNextBlock(m, ino, first, last, what + ": remap unshared block ")) {
    return *step;
  }
  return Done("no shared block left in the range");
}

StepOutcome WriteZeroes(Machine& m, int pid, uint32_t ino, uint64_t offset, uint64_t length,
                        const std::string& what) {
  const FallocProgress& progress = m.processes[pid].progress.Of<FallocProgress>();
  Inode& inode = m.inode(ino);
  const uint32_t bs = m.block_size();
  const uint64_t first = offset / bs;
  const uint64_t last = Blocks(m, offset + length);
  if (progress.step == FallocStep::kUnmap) return UnmapFirst(m, pid, ino, first, last);
  // A block for every hole and every shared block, or ENOSPC before anything changes.
  if (!HasSpaceForPrivateBlocks(m, ino, first, last)) return Fail("ENOSPC");
  // Every block of the range becomes written zeroes: holes and unwritten blocks are allocated or
  // converted with zeroing before the commit, written blocks are zeroed in place.
  for (uint64_t b = first; b < last; ++b) {
    auto it = inode.core.extents.Find(b);
    if (it.has_value() && IsShared(m, it->physical_block)) {
      CRASHSIM_CHECK(UnshareBlock(m, ino, b) == Unshared::kCopied);
      it = inode.core.extents.Find(b);
    }
    uint64_t physical;
    if (!it) {
      inode.delalloc.erase(b);
      const auto block = AllocateBlock(m);
      CRASHSIM_CHECK_MSG(block.has_value(), "write-zeroes' counted block is gone");
      physical = *block;
    } else {
      physical = it->physical_block;
    }
    const uint64_t lo = std::max(offset, b * bs);
    const uint64_t hi = std::min(offset + length, (b + 1) * bs);
    const bool whole = lo == b * bs && hi == (b + 1) * bs;
    const bool written = it.has_value() && it->state == ExtentState::kWritten;
    if (written && !whole) {
      // Zero only the range's part of a written block.
      const std::string note = what + ": zero " + m.PathOf(ino) + " block " + std::to_string(b);
      if (m.device.is_pmem()) {
        m.device.AppendKernelCopy(physical * bs + lo % bs, TagZeroes(hi - lo), note);
      } else {
        m.device.CompleteBlockWrite(
            m.device.SubmitBlockWrite(physical * bs + lo % bs, TagZeroes(hi - lo), false, note));
      }
    } else {
      // A whole block, or a hole or unwritten block (which reads zero outside the range too).
      m.device.AppendKernelZeroing(physical * bs, bs,
                                   what + ": zero " + m.PathOf(ino) + " block " + std::to_string(b));
    }
    inode.core.extents.Set(b, Extent{physical, ExtentState::kWritten, false});
    inode.delalloc.erase(b);
  }
  uint32_t fields = kFieldExtents;
  if (offset + length > inode.size_bytes) {
    inode.size_bytes = offset + length;
    inode.core.size_bytes = inode.size_bytes;
    fields |= kFieldSize;
  }
  TouchTimes(m, ino);
  const uint64_t seq = LogInode(m, ino, fields, what + ": written zeroed extents");
  RecordFill(m, pid, ino, offset, length, 0, what);
  return Done("written zeroed extents (transaction " + std::to_string(seq) + ")");
}

StepOutcome SysReflink(Machine& m, int pid, const std::string& fd_name, uint64_t offset,
                       const std::string& fd2_name, uint64_t offset2, uint64_t length, bool dedupe,
                       const std::string& what) {
  auto& process = m.processes[pid];
  RemapProgress& progress = process.progress.Of<RemapProgress>();
  const auto dst_fd = process.fds.find(fd_name);
  const auto src_fd = process.fds.find(fd2_name);
  const uint32_t bs = m.block_size();
  if (progress.step == RemapStep::kPrepare) {
    EnterKernel(m, pid);
    if (dst_fd == process.fds.end() || !dst_fd->second.valid || !dst_fd->second.write ||
        src_fd == process.fds.end() || !src_fd->second.valid || src_fd->second.directory) {
      return Fail("EBADF");
    }
  }
  const uint32_t dst = dst_fd->second.ino;
  const uint32_t src = src_fd->second.ino;
  Inode& dst_inode = m.inode(dst);
  const Inode& src_inode = m.inode(src);
  if (progress.step == RemapStep::kPrepare) {
    // Sharing either side would later force copy-on-write allocation: a sealed file refuses both.
    // ext4 has no remap_file_range: vfs_clone_file_range and vfs_dedupe_file_range refuse.
    if (IsExt4(m)) return Fail("EOPNOTSUPP");
    if (MapFrozen(m, dst) || MapFrozen(m, src)) return Fail("EPERM");
    if (offset % bs || offset2 % bs || length == 0) return Fail("EINVAL");
    if (offset2 + length > src_inode.size_bytes) return Fail("EINVAL");
    if (length % bs && offset2 + length != src_inode.size_bytes) return Fail("EINVAL");
    if (src == dst && offset < offset2 + length && offset2 < offset + length) return Fail("EINVAL");
    // xfs_reflink_remap_prep: both files' DAX layouts broken (every mapping unmapped), both
    // ranges written back (generic_remap_file_range_prep, dax_remap_file_range_prep), the
    // destination zeroed from its EOF to the range (xfs_reflink_zero_posteof), then its range,
    // from EOF if the range starts past it, invalidated (xfs_flush_unmap_range). The source's
    // cache stays: its blocks do not move.
    BreakDaxLayouts(m, src);
    BreakDaxLayouts(m, dst);
    const FlushUnmapResult source = WriteAndWaitRange(m, src, offset2, offset2 + length);
    WriteAndWaitRange(m, dst, offset, offset + length);
    ZeroPastEof(m, pid, dst, dst_inode.size_bytes, offset, what);
    const FlushUnmapResult destination =
        FlushUnmapRange(m, dst, std::min(offset, dst_inode.size_bytes) / bs,
                        Blocks(m, offset + length));
    if (dedupe &&
        InCoreRead(m, src, offset2, offset2 + length).bytes !=
            InCoreRead(m, dst, offset, std::min(offset + length, dst_inode.size_bytes)).bytes) {
      return Done("contents differ: nothing deduplicated");
    }
    progress.step = RemapStep::kRemap;
    return Step("source: " + source.Describe() + " its range; destination: " +
                destination.Describe() + " its range");
  }
  if (progress.step == RemapStep::kForce) {
    // xfs_file_remap_range: xfs_log_force_inode(dest) when either file wants synchronous writes.
    if (dst_inode.last_commit_seq <= m.journal.forced_seq()) {
      return StepOutcome{true, "0", "synchronous: no log force needed"};
    }
    const uint64_t seq = dst_inode.last_commit_seq;
    ForceLog(m, seq, pid);
    return StepOutcome{true, "0",
                       "synchronous: log force through transaction " + std::to_string(seq) + " " +
                           LogWriteFlags(m)};
  }
  // One transaction remaps the destination range onto the source's blocks, shared.
  FreedBlocks freed;
  const uint64_t blocks = Blocks(m, length);
  for (uint64_t k = 0; k < blocks; ++k) {
    const uint64_t dst_block = offset / bs + k;
    const uint64_t src_block = offset2 / bs + k;
    auto old = UnmapBlocks(m, dst, dst_block, dst_block + 1);
    freed.Append(old);
    auto it = src_inode.core.extents.Find(src_block);
    if (!it || it->state != ExtentState::kWritten) continue;
    const uint64_t physical = it->physical_block;
    dst_inode.core.extents.Set(dst_block, Extent{physical, ExtentState::kWritten, true});
    AddReference(m, physical);
  }
  if (offset + length > dst_inode.size_bytes) {
    dst_inode.size_bytes = offset + length;
    dst_inode.core.size_bytes = dst_inode.size_bytes;
  }
  TouchTimes(m, dst);
  Transaction txn;
  txn.what = what + (dedupe ? ": share identical blocks" : ": remap onto the source's blocks");
  txn.inodes[dst] = dst_inode.core;
  txn.inodes[src] = src_inode.core;
  txn.committed_tick = m.device.Tick();
  const uint64_t seq = m.journal.Commit(std::move(txn));
  for (uint32_t ino : {dst, src}) {
    m.inode(ino).last_commit_seq = seq;
    m.inode(ino).fsync_fields |= kFieldExtents | kFieldSize;
  }
  ReleaseAfter(m, freed, seq);
  m.ghost.moves.push_back(DataMove{src, offset2, dst, offset, length});
  if (!dedupe) RecordContent(m, pid, dst, offset, offset + length, what);
  const std::string note = std::string(dedupe ? "deduplicated" : "remapped") + " (transaction " +
                           std::to_string(seq) + ")";
  const bool sync = dst_fd->second.dsync || dst_fd->second.osync || src_fd->second.dsync ||
                    src_fd->second.osync;
  if (sync) {
    progress.step = RemapStep::kForce;
    return Step(note);
  }
  // FICLONERANGE returns 0; FIDEDUPERANGE returns 0 and reports the bytes in its argument.
  return StepOutcome{true, "0", note};
}

StepOutcome SysSwapext(Machine& m, int pid, const std::string& fd_name,
                       const std::string& fd2_name, const std::string& what) {
  auto& process = m.processes[pid];
  RemapProgress& progress = process.progress.Of<RemapProgress>();
  const auto target_fd = process.fds.find(fd_name);
  const auto donor_fd = process.fds.find(fd2_name);
  if (progress.step == RemapStep::kPrepare) {
    EnterKernel(m, pid);
    if (target_fd == process.fds.end() || !target_fd->second.valid || !target_fd->second.write ||
        donor_fd == process.fds.end() || !donor_fd->second.valid || !donor_fd->second.write) {
      return Fail("EBADF");
    }
  }
  const uint32_t target = target_fd->second.ino;
  const uint32_t donor = donor_fd->second.ino;
  if (progress.step == RemapStep::kPrepare) {
    // XFS_IOC_SWAPEXT is an XFS ioctl: ext4 does not know it.
    if (IsExt4(m)) return Fail("ENOTTY");
    if (MapFrozen(m, target) || MapFrozen(m, donor)) return Fail("EPERM");
    if (target == donor || m.inode(target).size_bytes != m.inode(donor).size_bytes) {
      return Fail("EINVAL");
    }
    // The freshness check: the target must not have changed since the copy began (the donor was
    // opened). A store through an already-writable mapping changes no timestamp.
    const InodeCore& core = m.inode(target).core;
    if (std::max(core.mtime, core.ctime) > donor_fd->second.opened_time) return Fail("EBUSY");
    const FlushUnmapResult flushed_target = FlushUnmapRange(m, target, 0, UINT64_MAX);
    const FlushUnmapResult flushed_donor = FlushUnmapRange(m, donor, 0, UINT64_MAX);
    progress.step = RemapStep::kRemap;
    return Step("target: " + flushed_target.Describe() + " its pages; donor: " +
                flushed_donor.Describe() + " its pages");
  }
  // One transaction exchanges the data forks (xfs_swap_extents).
  std::swap(m.inode(target).core.extents, m.inode(donor).core.extents);
  const uint64_t size = m.inode(target).size_bytes;
  TouchTimes(m, target);
  TouchTimes(m, donor);
  Transaction txn;
  txn.what = what + ": exchange the data forks";
  txn.inodes[target] = m.inode(target).core;
  txn.inodes[donor] = m.inode(donor).core;
  txn.committed_tick = m.device.Tick();
  const uint64_t seq = m.journal.Commit(std::move(txn));
  for (uint32_t ino : {target, donor}) {
    m.inode(ino).last_commit_seq = seq;
    m.inode(ino).fsync_fields |= kFieldExtents;
  }
  m.ghost.moves.push_back(DataMove{target, 0, donor, 0, size});
  m.ghost.moves.push_back(DataMove{donor, 0, target, 0, size});
  RecordContent(m, pid, target, 0, size, what);
  RecordContent(m, pid, donor, 0, size, what);
  return Done("exchanged (transaction " + std::to_string(seq) + ")");
}

}  // namespace crashsim
