// ftruncate and fallocate (alloc, keep-size, punch-hole, zero-range; collapse, insert, unshare and
// write-zeroes are in kernel_extents.cc): map changes in logged transactions, with the page cache
// and DAX entries written back and dropped, and mappings unmapped, first (xfs_setattr_size,
// xfs_file_fallocate, xfs_flush_unmap_range; ext4_setattr, ext4_fallocate). docs/semantics.md
// 2.5 and 2.8.1-2.8.5.
#include <algorithm>

#include "models/fs_internal.h"
#include "models/invalidate.h"
#include "models/kernel.h"
#include "models/kernel_extents.h"
#include "models/path_walk.h"
#include "models/pmem_cpu.h"
#include "models/size_change.h"
#include "models/zeroing.h"
#include "sim/base/check.h"

namespace crashsim {
namespace {

StepOutcome Fail(const char* err) { return StepOutcome{true, err, ""}; }


const FdState* WritableFd(const Machine& m, int pid, const std::string& name, const char** err) {
  const auto& fds = m.processes[pid].fds;
  auto it = fds.find(name);
  if (it == fds.end() || !it->second.valid || !it->second.write) {
    *err = "EBADF";
    return nullptr;
  }
  return &it->second;
}

// Whether fallocate ends with a log force (docs/semantics.md 2.8.3). XFS: every mode, when
// xfs_file_sync_writes holds (an O_SYNC or O_DSYNC fd; the model has no sync mount or
// synchronous inode). ext4: preallocation (ext4_fallocate's ext4_fc_commit) and zero-range
// (ext4_zero_range's ext4_handle_sync) test f_flags & O_SYNC, which O_DSYNC alone satisfies;
// punch, collapse and insert test only IS_SYNC(inode).
bool SynchronousFallocate(const Machine& m, const FdState& fd, FallocOp mode, uint64_t offset,
                          uint64_t end) {
  if (!fd.dsync && !fd.osync) return false;
  if (!IsExt4(m)) return true;
  if (mode == FallocOp::kAlloc || mode == FallocOp::kKeepSize) return true;
  // ext4_zero_range makes only its last handle synchronous, and that handle exists only when a
  // partial block at either edge is zeroed: a block-aligned zero-range is never synchronous.
  const uint32_t bs = m.block_size();
  const bool partial_edges = offset % bs != 0 || end % bs != 0;
  return (mode == FallocOp::kZeroRange || mode == FallocOp::kWriteZeroes) && partial_edges;
}

// Whether the mode unmaps every mapping of a DAX file before it starts: xfs_file_fallocate breaks
// the layouts (BREAK_UNMAP) for every mode; ext4 for punch, zero-range, collapse and insert.
bool BreaksLayouts(const Machine& m, FallocOp mode) {
  return !IsExt4(m) || !(mode == FallocOp::kAlloc || mode == FallocOp::kKeepSize);
}

// xfs_log_force_inode / the synchronous jbd2 commit: the log through the inode's last change,
// if the inode is pinned.
StepOutcome ForceAfterFallocate(Machine& m, int pid, uint32_t ino) {
  const Inode& inode = m.inode(ino);
  if (inode.last_commit_seq <= m.journal.forced_seq()) {
    return StepOutcome{true, "0", "synchronous: inode not pinned, no log force needed"};
  }
  const uint64_t seq = inode.last_commit_seq;
  ForceLog(m, seq, pid);
  return StepOutcome{true, "0", "synchronous: log force through transaction " +
                                    std::to_string(seq) + " " + LogWriteFlags(m)};
}

// fallocate(0) and FALLOC_FL_KEEP_SIZE: unwritten extents over holes (xfs_alloc_file_space,
// ext4_alloc_file_blocks). A size change goes through setattr on XFS, in a transaction of its
// own; ext4 logs it with the allocation.
StepOutcome Preallocate(Machine& m, int pid, uint32_t ino, FallocOp mode, uint64_t offset,
                        uint64_t end, const std::string& what) {
  Inode& inode = m.inode(ino);
  const uint32_t bs = m.block_size();
  int allocated = 0;
  const uint64_t last = (end + bs - 1) / bs;
  for (uint64_t b = offset / bs; b < last; ++b) {
    // Mapped runs are skipped whole: the cost follows the holes filled, not the range.
    if (const ExtentMap::Run* run = inode.core.extents.RunAt(b)) {
      b = std::min(run->end(), last) - 1;
      continue;
    }
    if (inode.delalloc.count(b)) continue;
    const auto block = AllocateBlock(m);
    if (!block) {
      if (allocated) LogInode(m, ino, kFieldExtents, what + ": preallocate (partial)");
      return Fail("ENOSPC");
    }
    inode.core.extents.Set(b, Extent{*block, ExtentState::kUnwritten, false});
    ++allocated;
  }
  const bool grows = mode == FallocOp::kAlloc && end > inode.size_bytes;
  std::string note;
  if (allocated > 0 || (grows && IsExt4(m))) {
    uint32_t fields = allocated ? kFieldExtents : 0;
    if (grows && IsExt4(m)) {
      inode.size_bytes = end;
      inode.core.size_bytes = end;
      fields |= kFieldSize;
    }
    TouchTimes(m, ino);
    const uint64_t seq = LogInode(m, ino, fields, what + ": preallocate " +
                                                      std::to_string(allocated) +
                                                      " unwritten block(s)");
    note = "transaction " + std::to_string(seq);
  }
  if (grows && !IsExt4(m)) {
    note += (note.empty() ? "" : "; ") + SetFileSize(m, pid, ino, end, what);
  }
  if (note.empty()) note = "range already allocated: nothing logged";
  return StepOutcome{true, "0", note};
}

// Punch-hole and zero-range after the flush and unmap: free the whole blocks, then zero what is
// left of the partial blocks at the edges within EOF (xfs_free_file_space, whose xfs_zero_range
// skips the holes it just made; ext4_punch_hole with ext4_zero_partial_blocks). On XFS, a zeroing
// that reaches an EOF inside a page writes that page back (to zero its tail past EOF).
std::string FreeAndZero(Machine& m, int pid, uint32_t ino, uint64_t offset, uint64_t end,
                        const std::string& what) {
  Inode& inode = m.inode(ino);
  const uint32_t bs = m.block_size();
  const uint64_t first_full = (offset + bs - 1) / bs;
  const uint64_t last_full = end / bs;  // blocks [first_full, last_full) are wholly inside
  FreedBlocks freed;
  if (last_full > first_full) freed = UnmapBlocks(m, ino, first_full, last_full);
  const uint64_t inside = std::min(end, inode.size_bytes);
  std::string zeroed;
  std::vector<uint64_t> ordered;
  if (offset < inside) {
    const ByteRanges ranges = ZeroFileRange(m, ino, offset, inside, what);
    if (!ranges.empty()) {
      zeroed = inode.core.dax ? "; zeroed the partial blocks in persistent memory"
                              : "; zeroed the partial blocks in the page cache";
    }
    ordered = OrderZeroedPages(m, ino, ranges);
    if (!IsExt4(m) && inside == inode.size_bytes && inside % bs != 0) {
      WriteAndWaitRange(m, ino, inside / bs * bs, UINT64_MAX);
    }
  }
  TouchTimes(m, ino);
  const uint64_t seq = LogInode(m, ino, kFieldExtents,
                                what + ": free " + std::to_string(freed.size()) + " block(s)", {},
                                std::move(ordered));
  ReleaseAfter(m, freed, seq);
  if (offset < inside) {
    RecordFill(m, pid, ino, offset, inside - offset, 0, what);
  }
  return "freed " + std::to_string(freed.size()) + " block(s) in transaction " +
         std::to_string(seq) + zeroed;
}

// Zero-range, second part: the range preallocated again as unwritten (xfs_zero_file_space:
// free, then xfs_alloc_file_space), then a size change if the range reaches past EOF. The
// test-only wrong model allocates them written without zeroing, so whatever the blocks held
// becomes readable.
StepOutcome Reallocate(Machine& m, int pid, uint32_t ino, uint64_t offset, uint64_t end,
                       const std::string& what) {
  Inode& inode = m.inode(ino);
  const uint32_t bs = m.block_size();
  int allocated = 0;
  const ExtentState state = m.faults.zero_range_without_zeroing ? ExtentState::kWritten
                                                                 : ExtentState::kUnwritten;
  for (uint64_t b = (offset + bs - 1) / bs; b < end / bs; ++b) {
    if (const ExtentMap::Run* run = inode.core.extents.RunAt(b)) {
      b = std::min(run->end(), end / bs) - 1;
      continue;
    }
    const auto block = AllocateBlock(m);
    if (!block) return Fail("ENOSPC");
    inode.core.extents.Set(b, Extent{*block, state, false});
    ++allocated;
  }
  uint32_t fields = kFieldExtents;
  const bool grows = end > inode.size_bytes;
  if (grows && IsExt4(m)) {
    inode.size_bytes = end;
    inode.core.size_bytes = end;
    fields |= kFieldSize;
  }
  const uint64_t seq = LogInode(m, ino, fields,
                                what + ": preallocate " + std::to_string(allocated) +
                                    " unwritten block(s)");
  std::string note = "reallocated unwritten in transaction " + std::to_string(seq);
  if (grows && !IsExt4(m)) note += "; " + SetFileSize(m, pid, ino, end, what);
  return StepOutcome{true, "0", note};
}

}  // namespace

StepOutcome SysFtruncate(Machine& m, int pid, const std::string& fd_name, uint64_t length,
                         const std::string& what) {
  EnterKernel(m, pid);
  const char* err = nullptr;
  const FdState* fd = WritableFd(m, pid, fd_name, &err);
  if (fd == nullptr) return Fail(err);
  const uint32_t ino = fd->ino;
  if (MapFrozen(m, ino) && length != m.inode(ino).size_bytes) return Fail("EPERM");
  BreakDaxLayouts(m, ino);
  return StepOutcome{true, "0", SetFileSize(m, pid, ino, length, what)};
}

StepOutcome SysTruncate(Machine& m, int pid, const std::string& path, uint64_t length,
                        const std::string& what) {
  EnterKernel(m, pid);
  // do_sys_truncate walks the path following a symbolic link; vfs_truncate refuses a directory.
  const WalkResult walk = WalkPath(m, path, /*follow_last=*/true);
  if (!walk.ok()) return Fail(walk.error.c_str());
  switch (EntryAt(m, walk.path)) {
    case EntryKind::kNone: return Fail("ENOENT");
    case EntryKind::kDirectory: return Fail("EISDIR");
    case EntryKind::kSymlink:  // not reached: the walk followed it
    case EntryKind::kFile: break;
  }
  const uint32_t ino = m.names.at(walk.path);
  if (MapFrozen(m, ino) && length != m.inode(ino).size_bytes) return Fail("EPERM");
  BreakDaxLayouts(m, ino);
  return StepOutcome{true, "0", SetFileSize(m, pid, ino, length, what)};
}

StepOutcome SysFallocate(Machine& m, int pid, const std::string& fd_name, FallocOp mode,
                         uint64_t offset, uint64_t length, const std::string& what) {
  FallocProgress& progress = m.processes[pid].progress.Of<FallocProgress>();
  const char* err = nullptr;
  const FdState* fd = WritableFd(m, pid, fd_name, &err);
  if (progress.step == FallocStep::kUnmap) {
    EnterKernel(m, pid);
    if (fd == nullptr) return Fail(err);
    if (length == 0) return Fail("EINVAL");
    // ext4 6.1 has no unshare: ext4_fallocate refuses any mode outside its supported set.
    if (IsExt4(m) && mode == FallocOp::kUnshareRange) return Fail("EOPNOTSUPP");
  }
  CRASHSIM_CHECK(fd != nullptr);
  const uint32_t ino = fd->ino;
  if (progress.step == FallocStep::kForce) return ForceAfterFallocate(m, pid, ino);
  const uint32_t bs = m.block_size();
  Inode& inode = m.inode(ino);
  const uint64_t end = offset + length;

  if (progress.step == FallocStep::kUnmap && MapFrozen(m, ino)) {
    // A sealed map changes for nobody: preallocation over a fully written range inside EOF is a
    // no-op, every other mode is refused (xfs_bmapi_write's single check).
    bool no_op = (mode == FallocOp::kAlloc || mode == FallocOp::kKeepSize) && end <= inode.size_bytes;
    for (uint64_t b = offset / bs; no_op && b < (end + bs - 1) / bs;) {
      const ExtentMap::Run* run = inode.core.extents.RunAt(b);
      no_op = run != nullptr && run->start.state == ExtentState::kWritten;
      if (no_op) b = run->end();
    }
    if (no_op) return StepOutcome{true, "0", "sealed file, range fully written: nothing to do"};
    const bool refused = !(mode == FallocOp::kPunchHole && m.faults.punch_not_refused_on_sealed);
    if (refused) return Fail("EPERM");
  }
  if (progress.step == FallocStep::kUnmap && BreaksLayouts(m, mode)) BreakDaxLayouts(m, ino);

  StepOutcome outcome;
  switch (mode) {
    case FallocOp::kCollapseRange:
      outcome = CollapseRange(m, pid, ino, offset, length, what);
      break;
    case FallocOp::kInsertRange:
      outcome = InsertRange(m, pid, ino, offset, length, what);
      break;
    case FallocOp::kUnshareRange:
      outcome = UnshareRange(m, pid, ino, offset, length, what);
      break;
    case FallocOp::kWriteZeroes:
      outcome = WriteZeroes(m, pid, ino, offset, length, what);
      break;
    case FallocOp::kAlloc:
    case FallocOp::kKeepSize:
      outcome = Preallocate(m, pid, ino, mode, offset, end, what);
      break;
    case FallocOp::kPunchHole:
    case FallocOp::kZeroRange:
      // Flush and unmap first, then one step per logged part.
      if (progress.step == FallocStep::kUnmap) {
        const FlushUnmapResult flushed = FlushUnmapRange(m, ino, offset / bs, (end + bs - 1) / bs);
        progress.step = FallocStep::kChange;
        outcome = StepOutcome{false, "", flushed.Describe() + " the range's pages"};
      } else if (progress.step == FallocStep::kChange) {
        const std::string note = FreeAndZero(m, pid, ino, offset, end, what);
        if (mode == FallocOp::kPunchHole) {
          outcome = StepOutcome{true, "0", note};
        } else {
          progress.step = FallocStep::kReallocate;
          outcome = StepOutcome{false, "", note};
        }
      } else {
        outcome = Reallocate(m, pid, ino, offset, end, what);
      }
      break;
  }
  if (outcome.finished && outcome.ok() && SynchronousFallocate(m, *fd, mode, offset, end)) {
    // The last inner step: the log force of a synchronous fallocate.
    progress.step = FallocStep::kForce;
    outcome.finished = false;
    outcome.result.clear();
  }
  return outcome;
}

}  // namespace crashsim
