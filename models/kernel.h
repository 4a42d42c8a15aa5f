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
  bool write = false, direct = false, dsync = false, osync = false, creat = false;
};

StepOutcome SysOpen(Machine& m, int pid, const std::string& fd_name, const std::string& path,
                    const OpenFlags& flags);
StepOutcome SysClose(Machine& m, int pid, const std::string& fd_name);
// `what` names the op for traces and ghost records ("P1: pwrite fd 0 'A'").
StepOutcome SysPwrite(Machine& m, int pid, const std::string& fd_name, uint64_t offset,
                      const std::vector<uint8_t>& data, const std::string& what);
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

StepOutcome SysCreat(Machine& m, int pid, const std::string& path, const std::string& what);
StepOutcome SysUnlink(Machine& m, int pid, const std::string& path, const std::string& what);
StepOutcome SysRename(Machine& m, int pid, const std::string& from, const std::string& to,
                      const std::string& what);
bool IsDirectory(const Machine& m, const std::string& path);
uint32_t CreateInode(Machine& m, const std::string& path);
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
