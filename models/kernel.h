// The modelled kernel's system calls and background work, as steps on a Machine.
//
// Follows XFS on Linux 6.1 (docs/semantics.md section 2): buffered I/O through the page cache with
// delayed allocation, direct I/O with unwritten extents converted at completion, fsync/fdatasync as
// writeback, wait, log force or device flush. An op with inner steps is called once per step with
// its progress (models/op_progress.h); each call does one atomic step and says whether the op has
// returned. A failing call returns its errno as data (`result`), never a C++ error.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "models/machine.h"

namespace crashsim {

// The largest file offset (MAX_LFS_FILESIZE, XFS's s_maxbytes): a position plus a count may not
// pass it.
inline constexpr uint64_t kMaxFileBytes = 0x7fffffffffffffffULL;

struct StepOutcome {
  bool finished = true;  // the op has returned, or ended in a signal
  std::string result;    // "0", a count, or an errno name ("EBADF", "EINVAL", ...)
  std::string note;      // what this step did, for traces
  // A signal the step raised at the process ("SIGBUS", "SIGSEGV"; then also the result): the op
  // never returns, and the caller delivers the signal (ExitProcess for the default action).
  std::string signal = {};
  bool ok() const { return result.empty() || (result[0] >= '0' && result[0] <= '9'); }
};

struct OpenFlags {
  bool read = false, write = false;  // O_RDONLY, O_WRONLY, O_RDWR
  bool direct = false, dsync = false, osync = false, creat = false;
  bool excl = false, append = false, trunc = false;
};

// open(2): the path is walked (docs/semantics.md 2.11); O_CREAT makes a missing file, O_EXCL
// fails on any existing name, O_TRUNC cuts an existing regular file to size 0 in the same step
// (handle_truncate, as ftruncate does).
StepOutcome SysOpen(Machine& m, int pid, const std::string& fd_name, const std::string& path,
                    const OpenFlags& flags);
StepOutcome SysClose(Machine& m, int pid, const std::string& fd_name);

// One write call: pwrite and pwritev write at `offset`; write and writev (no offset) at the
// descriptor's file position, which then moves past the bytes written (ksys_write); on an
// O_APPEND descriptor every one of them writes at the in-core size (generic_write_checks).
// `data` is a vector's buffers joined, `segment_bytes` their lengths (one for write and pwrite).
struct WriteRequest {
  std::optional<uint64_t> offset;
  const std::vector<uint8_t>& data;
  std::vector<uint64_t> segment_bytes;
};
// `what` names the op for traces and ghost records ("P1: pwrite fd 0 'A'").
StepOutcome SysWrite(Machine& m, int pid, const std::string& fd_name, const WriteRequest& request,
                     const std::string& what);

// lseek(2) (generic_file_llseek; SEEK_DATA and SEEK_HOLE by iomap_seek_data / iomap_seek_hole).
// The result is the new file position.
enum class SeekWhence { kSet, kCur, kEnd, kData, kHole };
StepOutcome SysLseek(Machine& m, int pid, const std::string& fd_name, int64_t offset,
                     SeekWhence whence);

// sync_file_range(2) (ksys_sync_file_range): one inner step per flag given. It starts or waits
// for writeback of the range's data pages and nothing else: no metadata, no log force, no
// device flush, and no promise in the ledger.
inline constexpr uint8_t kSyncRangeWaitBefore = 1;  // SYNC_FILE_RANGE_WAIT_BEFORE
inline constexpr uint8_t kSyncRangeWrite = 2;       // SYNC_FILE_RANGE_WRITE
inline constexpr uint8_t kSyncRangeWaitAfter = 4;   // SYNC_FILE_RANGE_WAIT_AFTER
StepOutcome SysSyncFileRange(Machine& m, int pid, const std::string& fd_name, uint64_t offset,
                             uint64_t nbytes, uint8_t flags, const std::string& what);
// Reads `length` bytes (fewer at EOF). The tagged bytes go to `out` for the value and for O6.
StepOutcome SysPread(Machine& m, int pid, const std::string& fd_name, uint64_t offset,
                     uint64_t length, Tagged* out);
StepOutcome SysFsync(Machine& m, int pid, const std::string& fd_name, bool datasync,
                     const std::string& what);
StepOutcome SysSync(Machine& m, int pid, const std::string& what);

// The engine of fsync, fdatasync, msync(MS_SYNC) and generic_write_sync: data-integrity writeback
// of [begin, end) of `ino`, wait, then a log force when the inode's logged changes need one (any
// change for fsync, a non-timestamp change for fdatasync), else a device flush. Records `promise`
// (with its range) at the first step, and returns it when the last step returns; a caller that
// promises nothing of its own (a sync fault) passes nullopt. `progress` is the caller's: the op's
// own, or the part of it that holds the sync's steps.
StepOutcome SyncRange(Machine& m, int pid, uint32_t ino, bool datasync, uint64_t begin,
                      uint64_t end, std::optional<Promise> promise, SyncProgress& progress);
StepOutcome SysFtruncate(Machine& m, int pid, const std::string& fd_name, uint64_t length,
                         const std::string& what);
enum class FallocOp {
  kAlloc, kKeepSize, kPunchHole, kZeroRange, kCollapseRange, kInsertRange, kUnshareRange,
  kWriteZeroes,
};
StepOutcome SysFallocate(Machine& m, int pid, const std::string& fd_name, FallocOp mode,
                         uint64_t offset, uint64_t length, const std::string& what);

// truncate(2): ftruncate by path (vfs_truncate), following a symbolic link.
StepOutcome SysTruncate(Machine& m, int pid, const std::string& path, uint64_t length,
                        const std::string& what);

// Namespace calls (docs/semantics.md 2.11): each change is one logged transaction under
// `journal-prefix`; under `posix-minimal` it becomes durable with the namespace.
StepOutcome SysCreat(Machine& m, int pid, const std::string& path, const std::string& what);
StepOutcome SysUnlink(Machine& m, int pid, const std::string& path, const std::string& what);
enum class RenameFlags { kNone, kNoReplace, kExchange };  // RENAME_NOREPLACE, RENAME_EXCHANGE
StepOutcome SysRename(Machine& m, int pid, const std::string& from, const std::string& to,
                      RenameFlags flags, const std::string& what);
StepOutcome SysMkdir(Machine& m, int pid, const std::string& path, const std::string& what);
StepOutcome SysRmdir(Machine& m, int pid, const std::string& path, const std::string& what);
// link(2): a second name `to` for the file `from` (a symbolic link is linked, not followed).
StepOutcome SysLink(Machine& m, int pid, const std::string& from, const std::string& to,
                    const std::string& what);
StepOutcome SysSymlink(Machine& m, int pid, const std::string& target, const std::string& path,
                       const std::string& what);
bool IsDirectory(const Machine& m, const std::string& path);
uint32_t CreateInode(Machine& m, const std::string& path);
// The inode's size cut to 0 by an open with O_TRUNC or by creat (do_truncate through setattr).
// Returns "" and the note, or the errno.
StepOutcome TruncateOnOpen(Machine& m, int pid, uint32_t ino, const std::string& what);
// The last close of an unlinked inode frees its blocks.
void ReapOnClose(Machine& m, uint32_t ino, const std::string& what);

// Drains the caller's store buffer, as every syscall entry does.
void EnterKernel(Machine& m, int pid);

// The process is killed (do_exit after a fatal signal, docs/semantics.md 2.10): its store buffer
// drains, every mapping is unmapped (exit_mm), every file descriptor closed (exit_files), and it
// is marked killed by `signal`. Returns what the exit did, for the trace.
std::string ExitProcess(Machine& m, int pid, const std::string& signal);

// Background work that `background: explore` lets happen between any two steps: dirty-page
// writeback of one page (WB_SYNC_NONE) and the completion of one bio in flight.
struct BackgroundEvent {
  enum class Kind { kWritebackPage, kCompleteBio, kWritebackDirectory };
  Kind kind = Kind::kWritebackPage;
  uint32_t ino = 0;
  uint64_t index = 0;  // page index, or bio group
};
std::vector<BackgroundEvent> EnabledBackground(const Machine& m);
std::string RunBackground(Machine& m, const BackgroundEvent& event);

}  // namespace crashsim
