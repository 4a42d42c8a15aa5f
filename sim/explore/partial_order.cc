#include "sim/explore/partial_order.h"

#include <algorithm>

namespace crashsim {
namespace {

// CPU instructions on a mapping that read nothing for the running-system checks (a load does).
bool CpuInstruction(OpKind kind) { return kind != OpKind::kLoad && IsCpuInstruction(kind); }

// Ops that change no other process's state: they read and write their own process, the file
// system and the device, but never unmap or write-protect another's PTEs (no writeback, no
// truncate, hole punch, remap or eviction while mapped), never drain another CPU's store buffer
// (no TLB shootdown) and never release another process (no barrier). A DAX write fault may remove
// other processes' read-only PTEs of the page it allocates or copies (UnmapStaleDaxPtes), never a
// writable one; IsPrivateStep asks for a process without read-only PTEs.
// An open with O_TRUNC, and creat (which truncates an existing file), may cut a file that others
// map: they unmap its pages in every process, as ftruncate does.
bool LeavesOtherProcessesAlone(const Op& op) {
  switch (op.kind) {
    case OpKind::kOpen:
      return !op.trunc;
    case OpKind::kClose:   // frees no file that some process still maps; flushes only a file
                           // marked flush-on-close, which MayBePrivate rules out
    case OpKind::kMmap:
    case OpKind::kMunmap:  // the caller's own mapping
    case OpKind::kLoad:
    case OpKind::kPread:
    case OpKind::kLseek:   // the caller's own file position
    case OpKind::kMkdir:   // names only: no file's pages or blocks change
    case OpKind::kRmdir:
    case OpKind::kLink:
    case OpKind::kSymlink:
      return true;
    default:
      return CpuInstruction(op.kind);
  }
}

// Whether every op that `pid` has left, the one in progress included, leaves other processes
// alone.
bool RestLeavesOthersAlone(const Scenario& scenario, const Machine& machine, int pid) {
  const std::vector<Op>& program = scenario.processes[pid].program;
  for (size_t pc = machine.processes[pid].pc; pc < program.size(); ++pc) {
    if (!LeavesOtherProcessesAlone(program[pc])) return false;
  }
  return true;
}

}  // namespace

bool MayBePrivate(const Scenario& scenario, const Machine& machine, int pid) {
  const ProcessState& process = machine.processes[pid];
  const std::vector<Op>& program = scenario.processes[pid].program;
  if (process.pc >= program.size() || !CpuInstruction(program[process.pc].kind)) return false;
  // The background (writeback of dirty pages, I/O completions) is an actor whose steps write
  // PTEs back and drain store buffers.
  if (machine.config->background == Background::kExplore) return false;
  // A close (or a process's exit) of a file marked flush-on-close writes it back, which
  // write-protects every process's PTEs of it; only a truncation marks a file, and no other
  // process can truncate before this one steps again (below).
  const bool marked = std::any_of(machine.inodes.begin(), machine.inodes.end(),
                                  [](const auto& entry) { return entry.second.flush_on_close; });
  for (int other = 0; other < static_cast<int>(scenario.processes.size()); ++other) {
    if (other == pid) continue;
    if (!RestLeavesOthersAlone(scenario, machine, other)) return false;
    const bool has_ops_left =
        machine.processes[other].pc < scenario.processes[other].program.size();
    if (marked && has_ops_left) return false;
  }
  return true;
}

bool MayTakePrivateSteps(const Scenario& scenario) {
  for (const auto& process : scenario.processes) {
    for (const Op& op : process.program) {
      if (CpuInstruction(op.kind)) return true;
    }
  }
  return false;
}

bool IsPrivateStep(const Scenario& scenario, const Machine& before, const Successor& after,
                   int pid) {
  if (!MayBePrivate(scenario, before, pid)) return false;
  if (after.read) return false;  // a value read is checked on the running system: visible
  // Another process's fault may remove a read-only PTE (a zero page, a shared block), and a flush
  // through it would then fault: only a process whose PTEs are all writable qualifies.
  for (const auto& [key, pte] : before.processes[pid].ptes) {
    if (!pte.writable) return false;
  }
  if (!after.machine.processes[pid].cpu.store_buffer.Extends(
          before.processes[pid].cpu.store_buffer)) {
    return false;  // it drained its buffer (a fence), which its own drains would race with
  }
  if (HashOutsideProcess(after.machine, pid) != HashOutsideProcess(before, pid)) return false;
  return HashCrashInputs(after.machine) == HashCrashInputs(before);
}

}  // namespace crashsim
