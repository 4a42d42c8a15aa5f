// lseek (docs/semantics.md 2.2): the file position of a descriptor, after generic_file_llseek
// (SEEK_SET, SEEK_CUR, SEEK_END; vfs_setpos refuses a negative position or one past the largest
// file size) and, for SEEK_DATA and SEEK_HOLE, iomap_seek_data and iomap_seek_hole with XFS's
// xfs_seek_iomap_ops (ext4's ext4_iomap_report_ops answer alike in the model): a written
// extent and a delayed allocation are data; an unwritten extent is data only where the page
// cache holds its page (mapping_seek_hole_data; a DAX file's entries count as well); a hole is a
// hole, and so is EOF. The position moves only when the call succeeds.
#include <algorithm>

#include "models/kernel.h"

namespace crashsim {
namespace {

StepOutcome Fail(const char* err) { return StepOutcome{true, err, ""}; }

// Whether file block `block` of `ino` is data for SEEK_DATA / SEEK_HOLE.
bool IsData(const Inode& inode, uint64_t block) {
  if (inode.delalloc.count(block)) return true;
  const std::optional<Extent> extent = inode.core.extents.Find(block);
  if (!extent) return false;
  if (extent->state == ExtentState::kWritten) return true;
  return inode.tree.count(block) > 0;
}

// The first data block in [first, last), or `last`; the cost follows runs, reservations and
// cached pages, not the range's length.
uint64_t NextData(const Inode& inode, uint64_t first, uint64_t last) {
  uint64_t best = last;
  inode.core.extents.ForEachRun(first, last, [&](const ExtentMap::Run& run) {
    if (run.first >= best) return false;
    if (run.start.state == ExtentState::kWritten) {
      best = run.first;
      return false;
    }
    auto page = inode.tree.lower_bound(run.first);
    if (page != inode.tree.end() && page->first < run.end()) best = std::min(best, page->first);
    return true;
  });
  auto reserved = inode.delalloc.lower_bound(first);
  if (reserved != inode.delalloc.end()) best = std::min(best, reserved->first);
  return std::min(best, last);
}

// The first block in [first, last) that is not data, or `last`.
uint64_t NextHole(const Inode& inode, uint64_t first, uint64_t last) {
  uint64_t block = first;
  while (block < last && IsData(inode, block)) {
    const ExtentMap::Run* run = inode.core.extents.RunAt(block);
    // A written run is data to its end; other data blocks go one at a time.
    block = run != nullptr && run->start.state == ExtentState::kWritten ? run->end() : block + 1;
  }
  return std::min(block, last);
}

}  // namespace

StepOutcome SysLseek(Machine& m, int pid, const std::string& fd_name, int64_t offset,
                     SeekWhence whence) {
  EnterKernel(m, pid);
  auto& fds = m.processes[pid].fds;
  auto it = fds.find(fd_name);
  if (it == fds.end() || !it->second.valid) return Fail("EBADF");
  FdState& fd = it->second;
  constexpr __int128 kMax = static_cast<__int128>(kMaxFileBytes);
  __int128 position = 0;
  if (whence == SeekWhence::kSet) position = offset;
  if (whence == SeekWhence::kCur) position = static_cast<__int128>(fd.pos) + offset;
  if (fd.directory && whence != SeekWhence::kSet && whence != SeekWhence::kCur) {
    // A directory's size and positions belong to its on-disk format, which the model does not
    // hold (docs/semantics.md 6).
    return Fail("EINVAL");
  }
  if (whence == SeekWhence::kEnd || whence == SeekWhence::kData || whence == SeekWhence::kHole) {
    const Inode& inode = m.inode(fd.ino);
    const uint64_t size = inode.size_bytes;
    if (whence == SeekWhence::kEnd) {
      position = static_cast<__int128>(size) + offset;
    } else {
      // iomap_seek_data / iomap_seek_hole: nothing to find before 0 or at or past EOF.
      if (offset < 0 || static_cast<uint64_t>(offset) >= size) return Fail("ENXIO");
      const uint32_t bs = m.block_size();
      const uint64_t first = static_cast<uint64_t>(offset) / bs;
      const uint64_t last = (size + bs - 1) / bs;
      const uint64_t block =
          whence == SeekWhence::kData ? NextData(inode, first, last) : NextHole(inode, first, last);
      if (whence == SeekWhence::kData && block == last) return Fail("ENXIO");
      position = std::min<uint64_t>(std::max<uint64_t>(block * bs, offset), size);
    }
  }
  // vfs_setpos.
  if (position < 0 || position > kMax) return Fail("EINVAL");
  fd.pos = static_cast<uint64_t>(position);
  return StepOutcome{true, std::to_string(fd.pos), ""};
}

}  // namespace crashsim
