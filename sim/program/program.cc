#include "sim/program/program.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "models/kernel.h"
#include "models/kernel_dax.h"
#include "models/kernel_extents.h"
#include "models/path_walk.h"
#include "models/pmem_cpu.h"
#include "sim/base/check.h"

namespace crashsim {
namespace {

bool NamesBarrier(const Process& process, const std::string& barrier) {
  for (const Op& op : process.program) {
    if (op.kind == OpKind::kBarrier && op.barrier == barrier) return true;
  }
  return false;
}

// Participants of a barrier: every process whose program names it. A killed participant no
// longer holds it up (docs/semantics.md 2.10).
bool AllArrived(const Machine& m, const Scenario& s, const std::string& barrier) {
  for (size_t p = 0; p < s.processes.size(); ++p) {
    const auto& program = s.processes[p].program;
    if (!NamesBarrier(s.processes[p], barrier)) continue;
    const ProcessState& state = m.processes[p];
    if (!state.killed_by.empty()) continue;
    if (!state.at_barrier || state.pc >= program.size() ||
        program[state.pc].barrier != barrier) {
      return false;
    }
  }
  return true;
}

FallocOp ToFallocOp(FallocMode mode) {
  switch (mode) {
    case FallocMode::kAlloc: return FallocOp::kAlloc;
    case FallocMode::kKeepSize: return FallocOp::kKeepSize;
    case FallocMode::kPunchHole: return FallocOp::kPunchHole;
    case FallocMode::kZeroRange: return FallocOp::kZeroRange;
    case FallocMode::kCollapseRange: return FallocOp::kCollapseRange;
    case FallocMode::kInsertRange: return FallocOp::kInsertRange;
    case FallocMode::kUnshareRange: return FallocOp::kUnshareRange;
    case FallocMode::kWriteZeroes: return FallocOp::kWriteZeroes;
  }
  return FallocOp::kAlloc;
}

AccessKind ToAccessKind(OpKind kind) {
  switch (kind) {
    case OpKind::kStore: return AccessKind::kStore;
    case OpKind::kNtStore: return AccessKind::kNtStore;
    case OpKind::kLoad: return AccessKind::kLoad;
    case OpKind::kClwb: return AccessKind::kClwb;
    case OpKind::kClflushopt: return AccessKind::kClflushopt;
    case OpKind::kClflush: return AccessKind::kClflush;
    case OpKind::kFlush: return AccessKind::kFlush;
    default: return AccessKind::kPersist;
  }
}

bool Privileged(const Scenario& s, int pid) {
  const Config& config = s.config;
  if (config.privileged_all) return true;
  const std::string& name = s.processes[pid].name;
  return std::find(config.privileged.begin(), config.privileged.end(), name) !=
         config.privileged.end();
}

std::string Describe(const Scenario& s, int pid, const Op& op) {
  std::string text = s.processes[pid].name + ".";
  text += op.label.empty() ? std::to_string(&op - s.processes[pid].program.data() + 1) : op.label;
  return text + ": " + op.text;
}

}  // namespace

bool ProcessFinished(const Machine& m, const Scenario& s, int pid) {
  return m.processes[pid].pc >= s.processes[pid].program.size() || ProcessKilled(m, pid);
}

bool ProcessKilled(const Machine& m, int pid) { return !m.processes[pid].killed_by.empty(); }

namespace {

// The inodes whose exclusive lock the op takes across its inner steps (map-changing ops), or
// waits for before it starts (writes, and page faults).
std::vector<uint32_t> LockedInodes(const Machine& m, int pid, const Op& op) {
  const ProcessState& process = m.processes[pid];
  std::vector<uint32_t> inodes;
  auto add_fd = [&](const std::string& name) {
    auto fd = process.fds.find(name);
    if (fd != process.fds.end() && fd->second.valid && !fd->second.directory) {
      inodes.push_back(fd->second.ino);
    }
  };
  switch (op.kind) {
    case OpKind::kFallocate:
    case OpKind::kFtruncate:
    case OpKind::kPwrite:
    case OpKind::kWrite:
    case OpKind::kWritev:
    case OpKind::kPwritev:
    case OpKind::kSeal:
    case OpKind::kUnseal:
      add_fd(op.fd);
      break;
    case OpKind::kTruncate: {
      const WalkResult walk = WalkPath(m, op.path, /*follow_last=*/true);
      auto file = walk.ok() ? m.names.find(walk.path) : m.names.end();
      if (file != m.names.end()) inodes.push_back(file->second);
      break;
    }
    case OpKind::kReflink:
    case OpKind::kDedupe:
    case OpKind::kSwapext:
      add_fd(op.fd);
      add_fd(op.fd2);
      break;
    default:
      break;
  }
  return inodes;
}

bool TakesLockAcrossSteps(OpKind kind) {
  return kind == OpKind::kFallocate || kind == OpKind::kFtruncate || kind == OpKind::kSeal ||
         kind == OpKind::kReflink || kind == OpKind::kDedupe || kind == OpKind::kSwapext ||
         kind == OpKind::kTruncate;
}

// Whether another process holds an inode this op must lock first.
bool BlockedByInodeLock(const Machine& m, const Scenario& s, int pid) {
  const ProcessState& process = m.processes[pid];
  const Op& op = s.processes[pid].program[process.pc];
  auto held_by_other = [&](uint32_t ino) {
    auto it = m.inodes.find(ino);
    return it != m.inodes.end() && it->second.locked_by >= 0 && it->second.locked_by != pid;
  };
  // A process inside a synchronous fault holds the MMAPLOCK of its mapping's inode shared.
  auto in_sync_fault = [&](uint32_t ino) {
    for (size_t q = 0; q < m.processes.size(); ++q) {
      if (static_cast<int>(q) == pid || !InSyncFault(m, static_cast<int>(q))) continue;
      const ProcessState& other = m.processes[q];
      if (other.pc >= s.processes[q].program.size()) continue;
      const auto vma = other.vmas.find(s.processes[q].program[other.pc].mapping);
      if (vma != other.vmas.end() && vma->second.valid && vma->second.ino == ino) return true;
    }
    return false;
  };
  if (process.progress.Idle() && TakesLockAcrossSteps(op.kind)) {
    for (uint32_t ino : LockedInodes(m, pid, op)) {
      if (held_by_other(ino) || in_sync_fault(ino)) return true;
    }
  } else if (process.progress.Idle()) {
    for (uint32_t ino : LockedInodes(m, pid, op)) {
      if (held_by_other(ino)) return true;
    }
  }
  const bool access = op.kind == OpKind::kStore || op.kind == OpKind::kNtStore ||
                      op.kind == OpKind::kLoad || op.kind == OpKind::kClwb ||
                      op.kind == OpKind::kClflushopt || op.kind == OpKind::kClflush ||
                      op.kind == OpKind::kFlush || op.kind == OpKind::kPersist;
  if (access) {
    auto vma = process.vmas.find(op.mapping);
    if (vma == process.vmas.end() || !vma->second.valid || !held_by_other(vma->second.ino)) {
      return false;
    }
    const bool store = op.kind == OpKind::kStore || op.kind == OpKind::kNtStore;
    const uint64_t span = store ? op.data.size()
                                : (op.kind == OpKind::kLoad || op.kind == OpKind::kFlush ||
                                   op.kind == OpKind::kPersist)
                                      ? op.length
                                      : 1;
    return AccessNeedsFault(m, pid, ToAccessKind(op.kind), op.mapping, op.offset, span);
  }
  return false;
}

}  // namespace

bool ProcessEnabled(const Machine& m, const Scenario& s, int pid) {
  if (ProcessFinished(m, s, pid) || m.processes[pid].at_barrier) return false;
  if (BlockedByInodeLock(m, s, pid)) return false;
  if (s.order == Order::kSequential) {
    for (int p = 0; p < pid; ++p) {
      if (!ProcessFinished(m, s, p)) return false;
    }
  }
  return true;
}

namespace {

// One step of the op at a process's program counter, as the step of each op family sees it.
struct OpStep {
  Machine& m;
  const Scenario& s;
  int pid;
  const Op& op;
  std::string what;  // the op named for traces and ghost records
  StepReport report;

  ProcessState& process() { return m.processes[pid]; }
};

// A load's or pread's bytes under the op's result name, if it has one (nothing when it failed).
void RecordValue(OpStep& step, bool ok, const std::vector<uint8_t>& bytes) {
  if (step.op.result_name.empty()) return;
  step.process().values[step.op.result_name] =
      ok ? std::optional<std::vector<uint8_t>>(bytes) : std::nullopt;
}

SeekWhence ToSeekWhence(Whence whence) {
  switch (whence) {
    case Whence::kSet: return SeekWhence::kSet;
    case Whence::kCur: return SeekWhence::kCur;
    case Whence::kEnd: return SeekWhence::kEnd;
    case Whence::kData: return SeekWhence::kData;
    case Whence::kHole: return SeekWhence::kHole;
  }
  return SeekWhence::kSet;
}

// The buffers' lengths of a write call: each DATA of writev and pwritev, or the one of write
// and pwrite.
std::vector<uint64_t> SegmentBytes(const Op& op) {
  if (op.buffers.empty()) return {op.data.size()};
  std::vector<uint64_t> lengths;
  for (const Bytes& buffer : op.buffers) lengths.push_back(buffer.size());
  return lengths;
}

// open, close, the write calls, lseek and pread.
StepOutcome StepFileIo(OpStep& step) {
  Machine& m = step.m;
  const Op& op = step.op;
  switch (op.kind) {
    case OpKind::kOpen:
      return SysOpen(m, step.pid, op.result_name, op.path,
                     OpenFlags{.read = op.open_read,
                               .write = op.open_write,
                               .direct = op.direct,
                               .dsync = op.dsync,
                               .osync = op.osync,
                               .creat = op.creat,
                               .excl = op.excl,
                               .append = op.append,
                               .trunc = op.trunc});
    case OpKind::kClose:
      return SysClose(m, step.pid, op.fd);
    case OpKind::kPwrite:
    case OpKind::kPwritev:
      return SysWrite(m, step.pid, op.fd, WriteRequest{op.offset, op.data, SegmentBytes(op)},
                      step.what);
    case OpKind::kWrite:
    case OpKind::kWritev:
      return SysWrite(m, step.pid, op.fd, WriteRequest{std::nullopt, op.data, SegmentBytes(op)},
                      step.what);
    case OpKind::kLseek:
      return SysLseek(m, step.pid, op.fd, op.seek_offset, ToSeekWhence(op.whence));
    default:
      break;
  }
  CRASHSIM_CHECK(op.kind == OpKind::kPread);
  Tagged data;
  const StepOutcome outcome = SysPread(m, step.pid, op.fd, op.offset, op.length, &data);
  const auto& fds = step.process().fds;
  const auto fd = fds.find(op.fd);
  if (outcome.ok() && fd != fds.end()) {
    const bool direct = fd->second.direct && !m.inode(fd->second.ino).core.dax;
    step.report.read = ObservedRead{step.pid, !direct, fd->second.ino, op.offset, data, step.what};
  }
  RecordValue(step, outcome.ok(), data.bytes);
  return outcome;
}

// fsync, fdatasync, sync, syncfs and sync_file_range.
StepOutcome StepSync(OpStep& step) {
  const Op& op = step.op;
  if (op.kind == OpKind::kSyncFileRange) {
    uint8_t flags = 0;
    if (op.range_flags & kRangeWaitBefore) flags |= kSyncRangeWaitBefore;
    if (op.range_flags & kRangeWrite) flags |= kSyncRangeWrite;
    if (op.range_flags & kRangeWaitAfter) flags |= kSyncRangeWaitAfter;
    return SysSyncFileRange(step.m, step.pid, op.fd, op.offset, op.length, flags, step.what);
  }
  if (op.kind == OpKind::kFsync || op.kind == OpKind::kFdatasync) {
    return SysFsync(step.m, step.pid, op.fd, op.kind == OpKind::kFdatasync, step.what);
  }
  if (op.kind == OpKind::kSyncfs && step.process().progress.Idle()) {
    const auto fd = step.process().fds.find(op.fd);
    if (fd == step.process().fds.end() || !fd->second.valid) return StepOutcome{true, "EBADF", ""};
  }
  return SysSync(step.m, step.pid, step.what);  // one file system: syncfs is sync
}

// The ops that change a file's size or block map, or freeze it: ftruncate, truncate, fallocate,
// seal, unseal, reflink, dedupe and swapext.
StepOutcome StepMapChange(OpStep& step) {
  Machine& m = step.m;
  const Op& op = step.op;
  switch (op.kind) {
    case OpKind::kFtruncate:
      return SysFtruncate(m, step.pid, op.fd, op.length, step.what);
    case OpKind::kTruncate:
      return SysTruncate(m, step.pid, op.path, op.length, step.what);
    case OpKind::kFallocate:
      return SysFallocate(m, step.pid, op.fd, ToFallocOp(op.falloc_mode), op.offset, op.length,
                          step.what);
    case OpKind::kSeal:
      return SysSeal(m, step.pid, op.fd, Privileged(step.s, step.pid), step.what);
    case OpKind::kUnseal:
      return SysUnseal(m, step.pid, op.fd, Privileged(step.s, step.pid), step.what);
    case OpKind::kReflink:
    case OpKind::kDedupe:
      return SysReflink(m, step.pid, op.fd, op.offset, op.fd2, op.offset2, op.length,
                        op.kind == OpKind::kDedupe, step.what);
    default:
      CRASHSIM_CHECK(op.kind == OpKind::kSwapext);
      return SysSwapext(m, step.pid, op.fd, op.fd2, step.what);
  }
}

// mmap, munmap and msync.
StepOutcome StepMapping(OpStep& step) {
  const Op& op = step.op;
  switch (op.kind) {
    case OpKind::kMmap:
      return SysMmap(step.m, step.pid, op.result_name,
                     MmapRequest{op.fd, op.offset, op.length, op.shared, op.validate, op.map_sync});
    case OpKind::kMunmap:
      return SysMunmap(step.m, step.pid, op.mapping);
    default:
      CRASHSIM_CHECK(op.kind == OpKind::kMsync);
      return SysMsync(step.m, step.pid, op.mapping, op.offset, op.length, op.msync_sync,
                      step.what);
  }
}

// The CPU's own instructions: loads, stores, flushes and persists through a mapping, and fences.
StepOutcome StepCpu(OpStep& step) {
  const Op& op = step.op;
  if (op.kind == OpKind::kSfence || op.kind == OpKind::kMfence) {
    Fence(step.m, step.pid);
    return StepOutcome{true, "0", ""};
  }
  Tagged loaded;
  uint32_t ino = 0;
  uint64_t offset = 0;
  const StepOutcome outcome = CpuAccess(step.m, step.pid, ToAccessKind(op.kind), op.mapping,
                                        op.offset, op.data, op.length, step.what, &loaded, &ino,
                                        &offset);
  if (op.kind == OpKind::kLoad && outcome.finished && outcome.signal.empty()) {
    if (outcome.ok()) {
      const bool shared = step.process().vmas.at(op.mapping).shared;
      step.report.read = ObservedRead{step.pid, shared, ino, offset, loaded, step.what};
    }
    RecordValue(step, outcome.ok(), loaded.bytes);
  }
  return outcome;
}

// creat, unlink, rename, mkdir, rmdir, link and symlink.
StepOutcome StepNamespace(OpStep& step) {
  const Op& op = step.op;
  switch (op.kind) {
    case OpKind::kCreat:
      return SysCreat(step.m, step.pid, op.path, step.what);
    case OpKind::kUnlink:
      return SysUnlink(step.m, step.pid, op.path, step.what);
    case OpKind::kMkdir:
      return SysMkdir(step.m, step.pid, op.path, step.what);
    case OpKind::kRmdir:
      return SysRmdir(step.m, step.pid, op.path, step.what);
    case OpKind::kLink:
      return SysLink(step.m, step.pid, op.path, op.path2, step.what);
    case OpKind::kSymlink:
      return SysSymlink(step.m, step.pid, op.target, op.path, step.what);
    default: {
      CRASHSIM_CHECK(op.kind == OpKind::kRename);
      const RenameFlags flags = op.exchange    ? RenameFlags::kExchange
                                : op.noreplace ? RenameFlags::kNoReplace
                                               : RenameFlags::kNone;
      return SysRename(step.m, step.pid, op.path, op.path2, flags, step.what);
    }
  }
}

// A barrier: the process waits there; the last participant to arrive releases everyone waiting
// at it, and their clocks join.
void ReleaseBarrier(Machine& m, const Scenario& s, const std::string& barrier);

StepReport StepBarrier(OpStep& step) {
  Machine& m = step.m;
  const Scenario& s = step.s;
  const Op& op = step.op;
  StepReport& report = step.report;
  EnterKernel(m, step.pid);
  step.process().at_barrier = true;
  if (!AllArrived(m, s, op.barrier)) {
    report.step.text = op.text + " (waiting)";
    return std::move(report);  // the op returns when the last participant arrives
  }
  ReleaseBarrier(m, s, op.barrier);
  report.step.text = op.text + " (all arrived)";
  report.step.result = "0";
  return std::move(report);
}

// Releases every process waiting at `barrier`, once all its live participants have arrived:
// their clocks join, with the clocks of participants killed before it (what a dead process did
// before it died happens before what the others do after they pass).
void ReleaseBarrier(Machine& m, const Scenario& s, const std::string& barrier) {
  VectorClock joined(m.processes.size(), 0);
  std::vector<int> released;
  for (size_t p = 0; p < m.processes.size(); ++p) {
    const bool killed = !m.processes[p].killed_by.empty();
    if (killed && !NamesBarrier(s.processes[p], barrier)) continue;
    if (!killed) {
      if (!m.processes[p].at_barrier || m.processes[p].pc >= s.processes[p].program.size()) continue;
      const Op& waiting = s.processes[p].program[m.processes[p].pc];
      if (waiting.kind != OpKind::kBarrier || waiting.barrier != barrier) continue;
      released.push_back(static_cast<int>(p));
    }
    for (size_t i = 0; i < joined.size(); ++i) {
      joined[i] = std::max(joined[i], m.ghost.clocks[p][i]);
    }
  }
  for (int p : released) {
    m.ghost.Join(p, joined);
    ProcessState& other = m.processes[p];
    other.at_barrier = false;
    const Op& waiting = s.processes[p].program[other.pc];
    if (!waiting.label.empty()) other.done_labels.insert(waiting.label);
    if (waiting.result_read) other.results[other.pc] = "0";
    other.progress = OpProgress{};
    ++other.pc;
  }
}

// After a death: the barriers that waited only for the dead process release their waiters.
std::string ReleaseBarriersAfterDeath(Machine& m, const Scenario& s) {
  std::set<std::string> waited;
  for (size_t p = 0; p < m.processes.size(); ++p) {
    if (m.processes[p].at_barrier && m.processes[p].pc < s.processes[p].program.size()) {
      waited.insert(s.processes[p].program[m.processes[p].pc].barrier);
    }
  }
  std::string note;
  for (const std::string& barrier : waited) {
    if (!AllArrived(m, s, barrier)) continue;
    ReleaseBarrier(m, s, barrier);
    note += "; barrier " + barrier + " released";
  }
  return note;
}

// One step of the op, by its family.
StepOutcome StepOp(OpStep& step) {
  if (IsCpuInstruction(step.op.kind)) return StepCpu(step);
  switch (step.op.kind) {
    case OpKind::kOpen:
    case OpKind::kClose:
    case OpKind::kPwrite:
    case OpKind::kPwritev:
    case OpKind::kWrite:
    case OpKind::kWritev:
    case OpKind::kLseek:
    case OpKind::kPread:
      return StepFileIo(step);
    case OpKind::kFsync:
    case OpKind::kFdatasync:
    case OpKind::kSync:
    case OpKind::kSyncfs:
    case OpKind::kSyncFileRange:
      return StepSync(step);
    case OpKind::kTruncate:
    case OpKind::kFtruncate:
    case OpKind::kFallocate:
    case OpKind::kSeal:
    case OpKind::kUnseal:
    case OpKind::kReflink:
    case OpKind::kDedupe:
    case OpKind::kSwapext:
      return StepMapChange(step);
    case OpKind::kMmap:
    case OpKind::kMunmap:
    case OpKind::kMsync:
      return StepMapping(step);
    case OpKind::kCreat:
    case OpKind::kUnlink:
    case OpKind::kRename:
    case OpKind::kMkdir:
    case OpKind::kRmdir:
    case OpKind::kLink:
    case OpKind::kSymlink:
      return StepNamespace(step);
    default:
      CRASHSIM_CHECK_MSG(false, "op not modelled: " + step.op.text);
      return StepOutcome{};
  }
}

}  // namespace

StepReport StepProcess(Machine& m, const Scenario& s, int pid) {
  m.device.SettleEadr();
  ProcessState& process = m.processes[pid];
  const Op& op = s.processes[pid].program[process.pc];
  OpStep step{m, s, pid, op, Describe(s, pid, op), {}};
  if (BeginsAttempt(process.progress)) m.ghost.Tick(pid);
  step.report.step.actor = s.processes[pid].name;
  step.report.step.text = op.text;
  if (op.kind == OpKind::kBarrier) return StepBarrier(step);

  const StepOutcome outcome = StepOp(step);
  if (TakesLockAcrossSteps(op.kind)) {
    for (uint32_t ino : LockedInodes(m, pid, op)) {
      m.inode(ino).locked_by = outcome.finished ? -1 : pid;
    }
  }
  StepReport& report = step.report;
  if (!outcome.signal.empty()) {
    // No scenario program handles a signal, and the default action of SIGBUS and SIGSEGV is to
    // dump core and exit: the process dies in this op, which never returns, and takes no more
    // steps (docs/semantics.md 2.10).
    std::string exit = ExitProcess(m, pid, outcome.signal);
    exit += ReleaseBarriersAfterDeath(m, s);
    report.step.text += " [" + (outcome.note.empty() ? "" : outcome.note + "; ") + exit + "]";
    report.step.result = outcome.signal + ": process killed";
    return std::move(report);
  }
  if (!outcome.note.empty()) report.step.text += " [" + outcome.note + "]";
  if (outcome.finished) {
    report.step.result = outcome.result;
    if (!op.label.empty()) process.done_labels.insert(op.label);
    // Only the results an assertion compares are kept: others would split states for nothing.
    if (op.result_read) process.results[process.pc] = outcome.result;
    process.progress = OpProgress{};
    ++process.pc;
  }
  return std::move(report);
}

}  // namespace crashsim
