// open, close, the write calls (write, writev, pwrite, pwritev) and pread. A write has three
// paths: DAX (a cache-bypassing copy), buffered (through the page cache) and direct (iomap direct
// I/O with unwritten extents converted at completion); with O_DSYNC or O_SYNC each ends in
// generic_write_sync. Every write call is one call of the same path: a vector's buffers are one
// write of their concatenation (do_iter_write), and only where it writes differs.
#include <algorithm>

#include "models/fs_internal.h"
#include "models/invalidate.h"
#include "models/kernel.h"
#include "models/kernel_dax.h"
#include "models/path_walk.h"
#include "models/pmem_cpu.h"
#include "models/size_change.h"
#include "models/zeroing.h"
#include "sim/base/check.h"
#include "sim/base/found.h"

namespace crashsim {
namespace {

StepOutcome Fail(const char* err) { return StepOutcome{true, err, ""}; }

const FdState* FindFd(const Machine& m, int pid, const std::string& name) {
  const auto& fds = m.processes[pid].fds;
  auto it = fds.find(name);
  if (it == fds.end() || !it->second.valid) return nullptr;
  return &it->second;
}


// Whether a direct write of [offset, end) is a pure overwrite that iomap may send with REQ_FUA
// (iomap_dio_bio_iter): every block written (IOMAP_MAPPED, not new, not unwritten), none shared
// (IOMAP_F_SHARED), and the write within the in-core size (xfs_direct_write_iomap_begin sets
// IOMAP_F_DIRTY for a write spanning EOF, as for a datasync-dirty inode).
bool PureOverwrite(const Machine& m, uint32_t ino, uint64_t offset, uint64_t end) {
  const Inode& inode = m.inode(ino);
  const uint32_t bs = m.block_size();
  for (uint64_t b = offset / bs; b < (end + bs - 1) / bs; ++b) {
    auto it = inode.core.extents.Find(b);
    if (!it || it->state != ExtentState::kWritten ||
        it->shared) {
      return false;
    }
  }
  return end <= inode.size_bytes;
}

// ext4 (ext4_da_write_end): a buffered write that extends i_size within a block that is mapped
// and neither delayed nor unwritten moves the on-disk size at once, because writeback of that
// block will not (it allocates nothing). A block whose writeback has been submitted counts as
// mapped even while its unwritten extent awaits conversion: submission clears the buffer's delay
// and unwritten bits (mpage_process_page).
bool Ext4BlockMapped(const Machine& m, uint32_t ino, uint64_t block) {
  const Inode& inode = m.inode(ino);
  if (inode.delalloc.count(block)) return false;
  const auto extent = inode.core.extents.Find(block);
  if (!extent) return false;
  if (extent->state == ExtentState::kWritten) return true;
  for (const auto& [group, bio] : m.bios) {
    if (bio.ino == ino && bio.buffered && block >= bio.file_block &&
        block < bio.file_block + bio.block_count) {
      return true;
    }
  }
  return false;
}

struct Copied {
  uint64_t bytes = 0;  // fewer than asked when space ran out
  std::string note;    // what ext4 logged on the way, if anything
};

// Buffered write: copy into page-cache folios page by page, mark them dirty, reserve delalloc
// for holes. A page whose hole cannot be reserved ends the write there (generic_perform_write
// returns what it copied; ENOSPC when that is nothing).
Copied BufferedCopy(Machine& m, int pid, uint32_t ino, uint64_t offset,
                    const std::vector<uint8_t>& data, const std::string& what) {
  const uint32_t bs = m.block_size();
  Inode& inode = m.inode(ino);
  uint64_t disk_size = 0;  // ext4: the i_disksize the write path moved to, if any
  uint64_t pos = offset;
  while (pos < offset + data.size()) {
    const uint64_t page = pos / bs;
    const uint64_t in_page = pos % bs;
    const uint64_t take = std::min<uint64_t>(bs - in_page, offset + data.size() - pos);
    if (!ReserveDelalloc(m, ino, page)) break;
    TreeEntry& entry = CachedPage(m, ino, page);
    Tagged& folio = entry.MutableFolio();
    for (uint64_t i = 0; i < take; ++i) {
      folio.bytes[in_page + i] = data[pos - offset + i];
      folio.origins[in_page + i] = DataOrigin(ino, pos + i);
    }
    entry.dirty = true;
    pos += take;
    // generic_perform_write calls write_end page by page: i_size moves with each page.
    if (pos > inode.size_bytes) {
      if (m.config->fs != FsKind::kXfs && Ext4BlockMapped(m, ino, page)) disk_size = pos;
      inode.size_bytes = pos;
    }
  }
  Copied copied;
  copied.bytes = pos - offset;
  if (copied.bytes == 0) return copied;
  RecordWrite(m, pid, ino, offset, std::vector<uint8_t>(data.begin(), data.begin() + copied.bytes),
              what);
  LogTimestampUpdate(m, ino, what);
  if (disk_size <= inode.core.size_bytes) return copied;
  // ext4_update_i_disksize, then mark_inode_dirty (ext4_dirty_inode): logged with the inode, a
  // change that fdatasync must force.
  inode.core.size_bytes = disk_size;
  const uint64_t seq = LogInode(m, ino, kFieldSize, what + ": set on-disk size " +
                                                        std::to_string(disk_size));
  copied.note = "; the block is mapped: on-disk size " + std::to_string(disk_size) +
                " logged (transaction " + std::to_string(seq) + ")";
  return copied;
}

Promise SyncWritePromise(const std::string& what) {
  Promise promise;
  promise.guarantee = Guarantee::kSyncWrite;
  promise.op = what;
  return promise;
}

// One write call as every path of it reads it.
struct WriteCall {
  int pid;
  const FdState& fd;
  uint64_t offset;  // where it writes (WriteProgress::offset)
  const std::vector<uint8_t>& data;
  const std::vector<uint64_t>& segment_bytes;
  const std::string& what;

  uint32_t ino() const { return fd.ino; }
  uint64_t end() const { return offset + data.size(); }
  bool sync_after() const { return fd.dsync || fd.osync; }
};

// The return of a write that copied `written` bytes, or, with O_DSYNC or O_SYNC, the start of
// its generic_write_sync.
StepOutcome ReturnOrSync(const WriteCall& call, WriteProgress& progress, uint64_t written,
                         std::string note) {
  if (!call.sync_after()) return StepOutcome{true, std::to_string(written), std::move(note)};
  progress.written = written;
  progress.step = WriteStep::kSync;
  return StepOutcome{false, "", std::move(note)};
}

// The DAX path. O_DIRECT makes no difference on a DAX inode: xfs_file_write_iter takes the DAX
// branch.
StepOutcome DaxPwrite(Machine& m, const WriteCall& call, WriteProgress& progress,
                      const std::string& zeroing) {
  if (call.data.empty()) return StepOutcome{true, "0", ""};
  const uint64_t written = DaxWrite(m, call.pid, call.ino(), call.offset, call.data, call.what);
  if (written == 0) return StepOutcome{true, "ENOSPC", zeroing + "DAX write: no space"};
  return ReturnOrSync(call, progress, written,
                      zeroing + "DAX write: cache-bypassing copy" +
                          (written < call.data.size() ? " (short: no space for the rest)" : ""));
}

// The buffered path, through the page cache.
StepOutcome BufferedPwrite(Machine& m, const WriteCall& call, WriteProgress& progress,
                           const std::string& zeroing) {
  if (call.data.empty()) return StepOutcome{true, "0", ""};
  const Copied copied = BufferedCopy(m, call.pid, call.ino(), call.offset, call.data, call.what);
  if (copied.bytes == 0) {
    return StepOutcome{true, "ENOSPC", zeroing + "no space to reserve a delayed allocation"};
  }
  return ReturnOrSync(call, progress, copied.bytes,
                      zeroing + "copied into the page cache, pages dirty" +
                          (copied.bytes < call.data.size() ? " (short: no space for the rest)"
                                                           : "") +
                          copied.note);
}

// Submits the bio of file block `b` of a direct write: a shared block is copied whole to a new
// one (remapped at completion), an unwritten block's sub-block edges are zeroed (iomap_dio_zero),
// a written block takes only the sectors written. Returns the bio group.
uint64_t SubmitDirectBlock(Machine& m, const WriteCall& call, uint64_t b, bool fua) {
  const uint32_t bs = m.block_size();
  const uint32_t ino = call.ino();
  const Inode& inode = m.inode(ino);
  const Extent extent = FOUND_EXTENT(inode.core.extents, b);
  const uint64_t lo = std::max(call.offset, b * bs);
  const uint64_t hi = std::min(call.end(), (b + 1) * bs);
  // A whole block: `base` with the written bytes laid over it.
  auto overlay = [&](Tagged base) {
    for (uint64_t pos = lo; pos < hi; ++pos) {
      base.bytes[pos - b * bs] = call.data[pos - call.offset];
      base.origins[pos - b * bs] = DataOrigin(ino, pos);
    }
    return base;
  };
  BioInfo bio;
  Tagged tagged;
  uint64_t address;
  if (IsShared(m, extent.physical_block)) {
    const auto block = AllocateBlock(m);
    CRASHSIM_CHECK_MSG(block.has_value(), "a direct write's counted block is gone");
    bio.cow = true;
    bio.cow_block = *block;
    tagged = overlay(ReadBlockFromDisk(m, ino, b));
    address = *block * bs;
  } else if (extent.state == ExtentState::kUnwritten) {
    tagged = overlay(TagZeroes(bs));
    address = extent.physical_block * bs;
  } else {
    tagged = TagFileData(ino, lo, std::vector<uint8_t>(call.data.begin() + (lo - call.offset),
                                                       call.data.begin() + (hi - call.offset)));
    address = extent.physical_block * bs + (lo - b * bs);
  }
  const uint64_t group = m.device.SubmitBlockWrite(address, tagged, fua, call.what + " (direct)");
  bio.ino = ino;
  bio.file_block = b;
  bio.direct = true;
  bio.convert_unwritten = extent.state == ExtentState::kUnwritten;
  bio.new_size = std::min(call.end(), (b + 1) * bs);
  if (bio.new_size <= inode.core.size_bytes) bio.new_size = 0;
  bio.what = call.what;
  m.bios[group] = bio;
  return group;
}

// The direct path's first step: write back and drop the range's page cache, map holes as
// unwritten extents in one logged transaction, submit one bio per block.
StepOutcome SubmitDirectWrite(Machine& m, const WriteCall& call, WriteProgress& progress,
                              const std::string& zeroing) {
  const uint64_t sector = m.config->sector_bytes;
  if (call.offset % sector != 0 || call.data.size() % sector != 0) return Fail("EINVAL");
  // Every buffer of a vector must be a whole number of sectors too (iomap_dio_bio_iter's
  // bdev_iter_is_aligned; the runner's buffers are page aligned in memory).
  for (uint64_t segment : call.segment_bytes) {
    if (segment % sector != 0) return Fail("EINVAL");
  }
  const uint32_t bs = m.block_size();
  const uint32_t ino = call.ino();
  Inode& inode = m.inode(ino);
  const uint64_t first = call.offset / bs;
  const uint64_t last = (call.end() + bs - 1) / bs;
  // kiocb_invalidate_pages: write back and wait for dirty page cache, then drop it.
  FlushUnmapRange(m, ino, first, last);
  // REQ_FUA only for O_DSYNC without O_SYNC (__iomap_dio_rw: IOMAP_DIO_WRITE_FUA is not set
  // with IOCB_SYNC), on a device that honours it, for a pure overwrite of clean metadata.
  const bool fua = call.fd.dsync && !call.fd.osync &&
                   m.config->device_cache == DeviceCache::kVolatileFua &&
                   PureOverwrite(m, ino, call.offset, call.end()) && !DatasyncDirty(m, ino);
  // The blocks this write allocates: one per hole and one per shared block (copy-on-write).
  if (!HasSpaceForPrivateBlocks(m, ino, first, last)) return Fail("ENOSPC");
  bool allocated = false;
  for (uint64_t b = first; b < last; ++b) {
    if (!inode.core.extents.Contains(b)) {
      inode.delalloc.erase(b);
      const auto block = AllocateBlock(m);
      CRASHSIM_CHECK_MSG(block.has_value(), "a direct write's counted block is gone");
      inode.core.extents.Set(b, Extent{*block, ExtentState::kUnwritten, false});
      allocated = true;
    }
  }
  if (allocated) LogInode(m, ino, kFieldExtents, call.what + ": allocate unwritten extents");
  std::vector<uint64_t> groups;
  for (uint64_t b = first; b < last; ++b) groups.push_back(SubmitDirectBlock(m, call, b, fua));
  RecordWrite(m, call.pid, ino, call.offset, call.data, call.what);
  if (fua) {
    // REQ_FUA: durable when the bio completes, with no generic_write_sync afterwards.
    Promise promise = SyncWritePromise(call.what);
    promise.process = call.pid;
    promise.ino = ino;
    promise.begin = call.offset;
    promise.end = call.end();
    promise.invocation = m.ghost.clocks[call.pid];
    promise.size_at_invocation = inode.size_bytes;
    promise.mtime_at_invocation = inode.core.mtime;
    promise.covers_metadata = call.fd.osync;  // an O_SYNC write promises its timestamps too
    progress.fua_promise = static_cast<int>(m.ghost.AddPromise(std::move(promise)));
  }
  // i_size moves with the completion-time size update (xfs_dio_write_end_io).
  progress.direct_bios = groups;
  progress.fua = fua;
  progress.step = WriteStep::kDirectWait;
  return StepOutcome{false, "",
                     zeroing + "direct I/O submitted" + (fua ? " with REQ_FUA" : "")};
}

// The direct path's second step: the submitter waits for its bios, whose completion converts the
// unwritten extents and logs the size.
StepOutcome CompleteDirectWrite(Machine& m, const WriteCall& call, WriteProgress& progress) {
  for (uint64_t group : progress.direct_bios) {
    if (m.bios.count(group)) CompleteBio(m, group);  // another op may have waited for it
  }
  progress.direct_bios.clear();
  LogTimestampUpdate(m, call.ino(), call.what);
  const std::string note = "direct I/O completed (conversion and size logged)";
  if (progress.fua) {
    m.ghost.ReturnPromise(progress.fua_promise, false);
    return StepOutcome{true, std::to_string(call.data.size()), note};
  }
  return ReturnOrSync(call, progress, call.data.size(), note);
}

// Every path's first step: the checks and EOF zeroing common to all, then the path's own.
StepOutcome StartWrite(Machine& m, const WriteCall& call, WriteProgress& progress) {
  const uint32_t ino = call.ino();
  // xfs_file_write_iter returns at once for an empty write: no checks, no zeroing, no timestamp.
  if (call.data.empty()) return StepOutcome{true, "0", ""};
  if (m.inode(ino).core.sealed && call.end() > m.inode(ino).size_bytes) {
    return Fail("EPERM");  // a sealed file's size and map are frozen: extending writes fail
  }
  // EOF zeroing (xfs_file_write_checks, every write path): a write starting past EOF first zeroes
  // [EOF, offset). ext4 6.1 zeroes nothing here.
  std::string zeroing;
  if (call.offset > m.inode(ino).size_bytes &&
      ZeroPastEof(m, call.pid, ino, m.inode(ino).size_bytes, call.offset, call.what)) {
    zeroing = "zeroed from EOF to the write; ";
  }
  if (m.inode(ino).core.dax) return DaxPwrite(m, call, progress, zeroing);
  if (!call.fd.direct) return BufferedPwrite(m, call, progress, zeroing);
  return SubmitDirectWrite(m, call, progress, zeroing);
}

// O_DSYNC / O_SYNC: generic_write_sync, a ranged fdatasync (fsync for O_SYNC) in the same inner
// steps as the call itself; the promise is recorded under `sync-write`.
StepOutcome SyncAfterWrite(Machine& m, const WriteCall& call, WriteProgress& progress) {
  StepOutcome outcome = SyncRange(m, call.pid, call.ino(), /*datasync=*/!call.fd.osync,
                                  call.offset, call.offset + progress.written,
                                  SyncWritePromise(call.what), progress.sync);
  if (outcome.finished && outcome.ok()) outcome.result = std::to_string(progress.written);
  return outcome;
}

}  // namespace

void EnterKernel(Machine& m, int pid) {
  // The syscall drains the caller's store buffer (docs/scenario-format.md, "Barriers";
  // docs/semantics.md 4).
  DrainAll(m, pid);
}

namespace {

// The open of a directory: read-only, and without O_CREAT or O_TRUNC (may_open, do_open).
StepOutcome OpenDirectory(Machine& m, int pid, const std::string& fd_name,
                          const OpenFlags& flags) {
  auto& process = m.processes[pid];
  if (flags.creat && flags.excl) {
    process.fds[fd_name] = FdState{.valid = false};
    return Fail("EEXIST");
  }
  if (flags.write || flags.creat || flags.trunc) {
    process.fds[fd_name] = FdState{.valid = false};
    return Fail("EISDIR");
  }
  FdState fd;
  fd.read = true;
  fd.directory = true;
  process.fds[fd_name] = fd;
  return StepOutcome{true, "0", "directory"};
}

}  // namespace

StepOutcome TruncateOnOpen(Machine& m, int pid, uint32_t ino, const std::string& what) {
  Inode& inode = m.inode(ino);
  if (MapFrozen(m, ino) && inode.size_bytes != 0) return Fail("EPERM");
  BreakDaxLayouts(m, ino);
  return StepOutcome{true, "0", "truncated: " + SetFileSize(m, pid, ino, 0, what)};
}

StepOutcome SysOpen(Machine& m, int pid, const std::string& fd_name, const std::string& path,
                    const OpenFlags& flags) {
  EnterKernel(m, pid);
  auto& process = m.processes[pid];
  auto fail = [&](const std::string& err) {
    process.fds[fd_name] = FdState{.valid = false};
    return StepOutcome{true, err, ""};
  };
  // O_CREAT | O_EXCL never follows a symbolic link in the last component: the link itself is
  // the name that exists (open_last_lookups).
  const WalkResult walk = WalkPath(m, path, /*follow_last=*/!(flags.creat && flags.excl));
  if (!walk.ok()) return fail(walk.error);
  const EntryKind kind = EntryAt(m, walk.path);
  if (kind == EntryKind::kDirectory) return OpenDirectory(m, pid, fd_name, flags);
  if (kind != EntryKind::kNone && flags.creat && flags.excl) return fail("EEXIST");
  uint32_t ino;
  std::string note;
  if (kind == EntryKind::kNone) {
    if (!flags.creat) return fail("ENOENT");
    ino = CreateInode(m, walk.path);
    const uint64_t seq = LogNamespace(m, {ino}, "create " + walk.path, /*creates=*/true);
    note = "created " + walk.path + " (transaction " + std::to_string(seq) + ")";
  } else {
    ino = m.names.at(walk.path);
    if (flags.trunc) {
      // handle_truncate after vfs_open: the open and the cut to size 0 are one step.
      const StepOutcome truncated = TruncateOnOpen(m, pid, ino, "open " + walk.path + " O_TRUNC");
      if (!truncated.ok()) return fail(truncated.result);
      note = truncated.note;
    }
  }
  FdState fd;
  fd.ino = ino;
  fd.read = flags.read;
  fd.write = flags.write;
  fd.direct = flags.direct;
  fd.dsync = flags.dsync;
  fd.osync = flags.osync;
  fd.append = flags.append;
  fd.opened_time = m.clock;
  process.fds[fd_name] = fd;
  ++m.inode(ino).open_count;
  return StepOutcome{true, "0", note};
}

StepOutcome SysClose(Machine& m, int pid, const std::string& fd_name) {
  EnterKernel(m, pid);
  auto& fds = m.processes[pid].fds;
  auto it = fds.find(fd_name);
  if (it == fds.end() || !it->second.valid) return Fail("EBADF");
  if (it->second.directory) {
    fds.erase(it);
    return StepOutcome{true, "0", ""};
  }
  const uint32_t ino = it->second.ino;
  Inode& inode = m.inode(ino);
  --inode.open_count;
  fds.erase(it);
  // The release after a truncate (xfs_release's XFS_ITRUNCATED; ext4_release_file's
  // EXT4_STATE_DA_ALLOC_CLOSE): writeback of delayed allocations starts, nothing waits for it.
  std::string note;
  if (inode.flush_on_close) {
    inode.flush_on_close = false;
    if (!inode.delalloc.empty()) {
      note = "after a truncate: writeback of " + std::to_string(StartWriteback(m, ino)) +
             " delayed-allocation page(s) started (filemap_flush)";
    }
  }
  ReapOnClose(m, ino, "close");
  return StepOutcome{true, "0", note};
}

StepOutcome SysWrite(Machine& m, int pid, const std::string& fd_name, const WriteRequest& request,
                     const std::string& what) {
  WriteProgress& progress = m.processes[pid].progress.Of<WriteProgress>();
  auto& fds = m.processes[pid].fds;
  const auto found = fds.find(fd_name);
  FdState* fd = found == fds.end() || !found->second.valid ? nullptr : &found->second;
  if (progress.step == WriteStep::kCopy) {
    EnterKernel(m, pid);
    // vfs_write: a descriptor not open for writing (a directory's never is) is EBADF.
    if (fd == nullptr || !fd->write) return Fail("EBADF");
    if (fd->directory) return Fail("EISDIR");
    // Where the call writes: O_APPEND takes the in-core size under the inode lock
    // (generic_write_checks); write and writev start at the file position (ksys_write).
    uint64_t offset = request.offset.value_or(fd->pos);
    if (fd->append && !request.data.empty()) offset = m.inode(fd->ino).size_bytes;
    // rw_verify_area: a position plus count past 2^63 - 1 is EINVAL.
    if (request.data.size() > kMaxFileBytes - std::min(offset, kMaxFileBytes)) {
      return Fail("EINVAL");
    }
    progress.offset = offset;
  }
  CRASHSIM_CHECK(fd != nullptr);
  const WriteCall call{pid, *fd, progress.offset, request.data, request.segment_bytes, what};
  StepOutcome outcome;
  switch (progress.step) {
    case WriteStep::kCopy:
      outcome = StartWrite(m, call, progress);
      // Where a write without an offset of its own went, for the trace.
      if ((!request.offset || fd->append) && !request.data.empty()) {
        const std::string at = "at offset " + std::to_string(progress.offset) +
                               (fd->append ? " (O_APPEND: the size)" : " (the file position)");
        outcome.note = outcome.note.empty() ? at : at + ": " + outcome.note;
      }
      break;
    case WriteStep::kDirectWait:
      outcome = CompleteDirectWrite(m, call, progress);
      break;
    case WriteStep::kSync:
      outcome = SyncAfterWrite(m, call, progress);
      break;
  }
  // ksys_write moves the file position past what a write or writev wrote (new_sync_write keeps
  // it for a write that wrote nothing); pwrite and pwritev leave it alone.
  if (outcome.finished && outcome.ok() && !request.offset) {
    const uint64_t written = std::stoull(outcome.result);
    if (written > 0) fd->pos = progress.offset + written;
  }
  return outcome;
}

StepOutcome SysPread(Machine& m, int pid, const std::string& fd_name, uint64_t offset,
                     uint64_t length, Tagged* out) {
  EnterKernel(m, pid);
  const FdState* fd = FindFd(m, pid, fd_name);
  // vfs_read: a descriptor not open for reading is EBADF.
  if (fd == nullptr || !fd->read) return Fail("EBADF");
  if (fd->directory) return Fail("EISDIR");
  const uint32_t ino = fd->ino;
  const uint32_t bs = m.block_size();
  Inode& inode = m.inode(ino);
  const uint64_t end = std::min(offset + length, inode.size_bytes);
  *out = Tagged{};
  if (offset >= end) return StepOutcome{true, "0", "at EOF"};
  if (inode.core.dax) {
    *out = DaxRead(m, ino, offset, end);
    return StepOutcome{true, std::to_string(out->size()), ""};
  }
  if (fd->direct) {
    // kiocb_write_and_wait: dirty page cache over the range is written back first.
    WriteAndWaitRange(m, ino, offset, end);
  }
  for (uint64_t pos = offset; pos < end;) {
    const uint64_t page = pos / bs;
    const uint64_t take = std::min<uint64_t>(bs - pos % bs, end - pos);
    Tagged block;
    if (fd->direct) {
      block = ReadBlockFromDisk(m, ino, page);
    } else {
      block = CachedPage(m, ino, page).folio();
    }
    out->bytes.insert(out->bytes.end(), block.bytes.begin() + pos % bs,
                      block.bytes.begin() + pos % bs + take);
    out->origins.insert(out->origins.end(), block.origins.begin() + pos % bs,
                        block.origins.begin() + pos % bs + take);
    pos += take;
  }
  return StepOutcome{true, std::to_string(out->size()), ""};
}

}  // namespace crashsim
