#include "sim/engine/program.h"

#include <fmt/format.h>

#include <algorithm>

#include "models/kernel.h"
#include "models/kernel_dax.h"
#include "models/kernel_extents.h"
#include "models/pmem_cpu.h"
#include "sim/base/check.h"

namespace crashsim {
namespace {

// Participants of a barrier: every process whose program names it.
bool AllArrived(const Machine& m, const Scenario& s, const std::string& barrier) {
  for (size_t p = 0; p < s.processes.size(); ++p) {
    const auto& program = s.processes[p].program;
    bool names_it = false;
    for (const Op& op : program) names_it = names_it || (op.kind == OpKind::kBarrier && op.barrier == barrier);
    if (!names_it) continue;
    const ProcessState& state = m.processes[p];
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
  return m.processes[pid].pc >= s.processes[pid].program.size();
}

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
    case OpKind::kSeal:
    case OpKind::kUnseal:
      add_fd(op.fd);
      break;
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
         kind == OpKind::kReflink || kind == OpKind::kDedupe || kind == OpKind::kSwapext;
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

StepReport StepProcess(Machine& m, const Scenario& s, int pid) {
  m.device.SettleEadr();
  ProcessState& process = m.processes[pid];
  const Op& op = s.processes[pid].program[process.pc];
  const std::string what = Describe(s, pid, op);
  if (BeginsAttempt(process.progress)) m.ghost.Tick(pid);
  StepReport report;
  report.step.actor = s.processes[pid].name;
  report.step.text = op.text;
  StepOutcome outcome;

  switch (op.kind) {
    case OpKind::kOpen:
      outcome = SysOpen(m, pid, op.result_name, op.path,
                        OpenFlags{op.open_write, op.direct, op.dsync, op.osync, op.creat});
      break;
    case OpKind::kClose:
      outcome = SysClose(m, pid, op.fd);
      break;
    case OpKind::kPwrite:
      outcome = SysPwrite(m, pid, op.fd, op.offset, op.data, what);
      break;
    case OpKind::kPread: {
      Tagged data;
      outcome = SysPread(m, pid, op.fd, op.offset, op.length, &data);
      const auto fd = process.fds.find(op.fd);
      if (outcome.ok() && fd != process.fds.end()) {
        const bool direct = fd->second.direct && !m.inode(fd->second.ino).core.dax;
        report.read = ObservedRead{pid, !direct, fd->second.ino, op.offset, data, what};
      }
      if (!op.result_name.empty()) {
        process.values[op.result_name] =
            outcome.ok() ? std::optional<std::vector<uint8_t>>(data.bytes) : std::nullopt;
      }
      break;
    }
    case OpKind::kFsync:
    case OpKind::kFdatasync:
      outcome = SysFsync(m, pid, op.fd, op.kind == OpKind::kFdatasync, what);
      break;
    case OpKind::kSync:
    case OpKind::kSyncfs:
      if (op.kind == OpKind::kSyncfs && process.progress.Idle()) {
        const auto fd = process.fds.find(op.fd);
        if (fd == process.fds.end() || !fd->second.valid) {
          outcome = StepOutcome{true, "EBADF", ""};
          break;
        }
      }
      outcome = SysSync(m, pid, what);  // one file system: syncfs is sync
      break;
    case OpKind::kFtruncate:
      outcome = SysFtruncate(m, pid, op.fd, op.length, what);
      break;
    case OpKind::kFallocate:
      outcome = SysFallocate(m, pid, op.fd, ToFallocOp(op.falloc_mode), op.offset, op.length, what);
      break;
    case OpKind::kMmap:
      outcome = SysMmap(m, pid, op.result_name,
                        MmapRequest{op.fd, op.offset, op.length, op.shared, op.validate,
                                    op.map_sync});
      break;
    case OpKind::kMunmap:
      outcome = SysMunmap(m, pid, op.mapping);
      break;
    case OpKind::kStore:
    case OpKind::kNtStore:
    case OpKind::kLoad:
    case OpKind::kClwb:
    case OpKind::kClflushopt:
    case OpKind::kClflush:
    case OpKind::kFlush:
    case OpKind::kPersist: {
      Tagged loaded;
      uint32_t ino = 0;
      uint64_t offset = 0;
      outcome = CpuAccess(m, pid, ToAccessKind(op.kind), op.mapping, op.offset, op.data,
                          op.length, what, &loaded, &ino, &offset);
      if (op.kind == OpKind::kLoad && outcome.finished) {
        if (outcome.ok()) {
          const bool shared = process.vmas.at(op.mapping).shared;
          report.read = ObservedRead{pid, shared, ino, offset, loaded, what};
        }
        if (!op.result_name.empty()) {
          process.values[op.result_name] =
              outcome.ok() ? std::optional<std::vector<uint8_t>>(loaded.bytes) : std::nullopt;
        }
      }
      break;
    }
    case OpKind::kSfence:
    case OpKind::kMfence:
      Fence(m, pid);
      outcome = StepOutcome{true, "0", ""};
      break;
    case OpKind::kMsync:
      outcome = SysMsync(m, pid, op.mapping, op.offset, op.length, op.msync_sync, what);
      break;
    case OpKind::kSeal:
      outcome = SysSeal(m, pid, op.fd, Privileged(s, pid), what);
      break;
    case OpKind::kUnseal:
      outcome = SysUnseal(m, pid, op.fd, Privileged(s, pid), what);
      break;
    case OpKind::kReflink:
    case OpKind::kDedupe:
      outcome = SysReflink(m, pid, op.fd, op.offset, op.fd2, op.offset2, op.length,
                           op.kind == OpKind::kDedupe, what);
      break;
    case OpKind::kSwapext:
      outcome = SysSwapext(m, pid, op.fd, op.fd2, what);
      break;
    case OpKind::kCreat:
      outcome = SysCreat(m, pid, op.path, what);
      break;
    case OpKind::kUnlink:
      outcome = SysUnlink(m, pid, op.path, what);
      break;
    case OpKind::kRename:
      outcome = SysRename(m, pid, op.path, op.path2, what);
      break;
    case OpKind::kBarrier: {
      EnterKernel(m, pid);
      process.at_barrier = true;
      if (!AllArrived(m, s, op.barrier)) {
        report.step.text = op.text + " (waiting)";
        return report;  // the op returns when the last participant arrives
      }
      // Release: everyone's clock joins everyone else's.
      VectorClock joined(m.processes.size(), 0);
      std::vector<int> released;
      for (size_t p = 0; p < m.processes.size(); ++p) {
        if (!m.processes[p].at_barrier || m.processes[p].pc >= s.processes[p].program.size()) continue;
        const Op& waiting = s.processes[p].program[m.processes[p].pc];
        if (waiting.kind != OpKind::kBarrier || waiting.barrier != op.barrier) continue;
        released.push_back(static_cast<int>(p));
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
        other.progress = OpProgress{};
        ++other.pc;
      }
      report.step.text = op.text + " (all arrived)";
      report.step.result = "0";
      return report;
    }
    default:
      CRASHSIM_CHECK_MSG(false, "op not modelled: " + op.text);
  }

  if (TakesLockAcrossSteps(op.kind)) {
    for (uint32_t ino : LockedInodes(m, pid, op)) {
      m.inode(ino).locked_by = outcome.finished ? -1 : pid;
    }
  }
  if (!outcome.note.empty()) report.step.text += " [" + outcome.note + "]";
  if (outcome.finished) {
    report.step.result = outcome.result;
    if (!op.label.empty()) process.done_labels.insert(op.label);
    process.progress = OpProgress{};
    ++process.pc;
  }
  return report;
}

}  // namespace crashsim
