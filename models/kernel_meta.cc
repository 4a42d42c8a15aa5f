// ftruncate and fallocate (alloc, keep-size, punch-hole, zero-range): map changes in logged
// transactions, with the page cache written back and dropped, and mappings unmapped, first
// (xfs_setattr_size, xfs_file_fallocate, xfs_flush_unmap_range).
#include <algorithm>

#include "models/fs_internal.h"
#include "models/kernel.h"
#include "models/kernel_extents.h"
#include "models/pmem_cpu.h"
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

// Zeroes [begin, end) inside one block through the page cache (iomap_zero_range), if the block
// holds data; a hole or an unwritten block already reads zero.
void ZeroPartialBlock(Machine& m, uint32_t ino, uint64_t begin, uint64_t end) {
  if (begin >= end) return;
  const uint32_t bs = m.block_size();
  const uint64_t block = begin / bs;
  Inode& inode = m.inode(ino);
  auto extent = inode.core.extents.find(block);
  const bool has_data = inode.tree.count(block) || inode.delalloc.count(block) ||
                        (extent != inode.core.extents.end() &&
                         extent->second.state == ExtentState::kWritten);
  if (!has_data) return;
  TreeEntry& entry = CachedPage(m, ino, block);
  Tagged& folio = entry.MutableFolio();
  for (uint64_t pos = begin; pos < end; ++pos) {
    folio.bytes[pos - block * bs] = 0;
    folio.origins[pos - block * bs] = kOriginZero;
  }
  entry.dirty = true;
}

}  // namespace

StepOutcome SysFtruncate(Machine& m, int pid, const std::string& fd_name, uint64_t length,
                         const std::string& what) {
  EnterKernel(m, pid);
  const char* err = nullptr;
  const FdState* fd = WritableFd(m, pid, fd_name, &err);
  if (fd == nullptr) return Fail(err);
  const uint32_t ino = fd->ino;
  const uint32_t bs = m.block_size();
  Inode& inode = m.inode(ino);
  if (MapFrozen(m, ino) && length != inode.size_bytes) return Fail("EPERM");
  std::vector<uint64_t> freed;
  if (length < inode.size_bytes) {
    // Shrink: zero the tail of the new last block, drop whole pages past EOF, free their blocks.
    const uint64_t keep_blocks = (length + bs - 1) / bs;
    if (!m.faults.truncate_skips_tail_zeroing) {
      ZeroPartialBlock(m, ino, length, std::min<uint64_t>(keep_blocks * bs, inode.size_bytes));
    }
    WaitForBios(m, ino, keep_blocks * bs, UINT64_MAX);
    DropPages(m, ino, keep_blocks, UINT64_MAX);
    freed = UnmapBlocks(m, ino, keep_blocks, UINT64_MAX);
    RecordSizeCut(m, pid, ino, length, what);
  }
  inode.size_bytes = length;
  inode.core.size_bytes = length;
  TouchTimes(m, ino);
  const uint64_t seq =
      LogInode(m, ino, kFieldSize | (freed.empty() ? 0 : kFieldExtents), what + ": set size");
  ReleaseAfter(m, freed, seq);
  return StepOutcome{true, "0", "size " + std::to_string(length) + " logged in transaction " +
                                    std::to_string(seq)};
}

StepOutcome SysFallocate(Machine& m, int pid, const std::string& fd_name, FallocOp mode,
                         uint64_t offset, uint64_t length, const std::string& what) {
  auto& progress = m.processes[pid].progress;
  const char* err = nullptr;
  const FdState* fd = WritableFd(m, pid, fd_name, &err);
  if (progress.phase == 0) {
    EnterKernel(m, pid);
    if (fd == nullptr) return Fail(err);
    if (length == 0) return Fail("EINVAL");
  }
  CRASHSIM_CHECK(fd != nullptr);
  const uint32_t ino = fd->ino;
  const uint32_t bs = m.block_size();
  Inode& inode = m.inode(ino);
  const uint64_t end = offset + length;
  const uint64_t first_full = (offset + bs - 1) / bs;
  const uint64_t last_full = end / bs;  // blocks [first_full, last_full) are wholly inside

  if (progress.phase == 0 && MapFrozen(m, ino)) {
    // A sealed map changes for nobody: preallocation over a fully written range inside EOF is a
    // no-op, every other mode is refused (xfs_bmapi_write's single check).
    bool no_op = (mode == FallocOp::kAlloc || mode == FallocOp::kKeepSize) && end <= inode.size_bytes;
    for (uint64_t b = offset / bs; no_op && b < (end + bs - 1) / bs; ++b) {
      auto it = inode.core.extents.find(b);
      no_op = it != inode.core.extents.end() && it->second.state == ExtentState::kWritten;
    }
    if (no_op) return StepOutcome{true, "0", "sealed file, range fully written: nothing to do"};
    const bool refused = !(mode == FallocOp::kPunchHole && m.faults.punch_not_refused_on_sealed);
    if (refused) return Fail("EPERM");
  }
  switch (mode) {
    case FallocOp::kCollapseRange:
      return CollapseRange(m, pid, ino, offset, length, what);
    case FallocOp::kInsertRange:
      return InsertRange(m, pid, ino, offset, length, what);
    case FallocOp::kUnshareRange:
      return UnshareRange(m, pid, ino, offset, length, what);
    case FallocOp::kWriteZeroes:
      return WriteZeroes(m, pid, ino, offset, length, what);
    default:
      break;
  }

  if (mode == FallocOp::kAlloc || mode == FallocOp::kKeepSize) {
    // xfs_alloc_file_space: unwritten extents over holes; the size in the same transaction.
    int allocated = 0;
    for (uint64_t b = offset / bs; b < (end + bs - 1) / bs; ++b) {
      if (inode.core.extents.count(b) || inode.delalloc.count(b)) continue;
      const auto block = m.allocator.Allocate();
      CRASHSIM_CHECK_MSG(block.has_value(), "device out of free blocks");
      inode.core.extents[b] = Extent{*block, ExtentState::kUnwritten, false};
      ++allocated;
    }
    uint32_t fields = allocated ? kFieldExtents : 0;
    if (mode == FallocOp::kAlloc && end > inode.size_bytes) {
      inode.size_bytes = end;
      inode.core.size_bytes = end;
      fields |= kFieldSize;
    }
    if (fields == 0) return StepOutcome{true, "0", "range already allocated: nothing logged"};
    TouchTimes(m, ino);
    uint64_t seq = LogInode(m, ino, fields, what + ": preallocate " + std::to_string(allocated) +
                                                " unwritten block(s)");
    std::string note = "transaction " + std::to_string(seq);
    if (fd->dsync || fd->osync) {
      ForceLog(m, seq, pid);  // XFS_PREALLOC_SYNC: a synchronous transaction
      note += " forced";
    }
    return StepOutcome{true, "0", note};
  }

  // punch-hole and zero-range: unmapping first, then one step per logged transaction.
  if (progress.phase == 0) {
    FlushUnmapRange(m, ino, offset / bs, (end + bs - 1) / bs);
    progress.phase = 1;
    return StepOutcome{false, "", "wrote back, unmapped and dropped the range's pages"};
  }
  if (progress.phase == 1) {
    // Partial blocks at the edges are zeroed through the page cache; whole blocks are freed.
    const uint64_t inside = std::min(end, inode.size_bytes);
    if (offset < inside) {
      ZeroPartialBlock(m, ino, offset, std::min(inside, std::max(offset, first_full * bs)));
      if (last_full >= first_full) ZeroPartialBlock(m, ino, std::max(offset, last_full * bs), inside);
    }
    std::vector<uint64_t> freed;
    if (last_full > first_full) freed = UnmapBlocks(m, ino, first_full, last_full);
    TouchTimes(m, ino);
    const uint64_t seq = LogInode(m, ino, kFieldExtents,
                                  what + ": free " + std::to_string(freed.size()) + " block(s)");
    ReleaseAfter(m, freed, seq);
    if (offset < inside) {
      RecordWrite(m, pid, ino, offset, std::vector<uint8_t>(inside - offset, 0), what);
    }
    if (mode == FallocOp::kPunchHole) {
      return StepOutcome{true, "0", "freed the range in transaction " + std::to_string(seq)};
    }
    progress.phase = 2;
    return StepOutcome{false, "", "freed the range in transaction " + std::to_string(seq)};
  }
  // zero-range, second transaction: preallocate the freed range again as unwritten
  // (xfs_zero_file_space: free, then xfs_alloc_file_space). The test-only wrong model allocates
  // them written without zeroing, so whatever the blocks held becomes readable.
  int allocated = 0;
  const ExtentState state = m.faults.zero_range_without_zeroing ? ExtentState::kWritten
                                                                 : ExtentState::kUnwritten;
  for (uint64_t b = first_full; b < last_full; ++b) {
    if (inode.core.extents.count(b)) continue;
    const auto block = m.allocator.Allocate();
    CRASHSIM_CHECK_MSG(block.has_value(), "device out of free blocks");
    inode.core.extents[b] = Extent{*block, state, false};
    ++allocated;
  }
  uint32_t fields = kFieldExtents;
  if (end > inode.size_bytes) {
    inode.size_bytes = end;
    inode.core.size_bytes = end;
    fields |= kFieldSize;
  }
  const uint64_t seq = LogInode(m, ino, fields,
                                what + ": preallocate " + std::to_string(allocated) +
                                    " unwritten block(s)");
  return StepOutcome{true, "0", "reallocated unwritten in transaction " + std::to_string(seq)};
}

}  // namespace crashsim
