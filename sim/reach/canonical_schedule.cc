#include "sim/reach/canonical_schedule.h"

#include "models/pmem_cpu.h"
#include "sim/base/check.h"
#include "sim/program/program.h"
#include "sim/program/setup.h"
#include "sim/reach/recovered_view.h"

namespace crashsim {

int CanonicalProcess(const Machine& machine, const Scenario& scenario) {
  for (size_t pid = 0; pid < scenario.processes.size(); ++pid) {
    if (ProcessEnabled(machine, scenario, static_cast<int>(pid))) return static_cast<int>(pid);
  }
  return -1;
}

bool OpInProgress(const Machine& machine) {
  for (const ProcessState& process : machine.processes) {
    if (!process.progress.Idle()) return true;
  }
  return false;
}

size_t OpsReturned(const Machine& machine) {
  size_t returned = 0;
  for (const ProcessState& process : machine.processes) returned += process.pc;
  return returned;
}

CanonicalRun RunCanonicalSchedule(const Scenario& scenario, Design design,
                                  const std::set<Mutation>& mutations) {
  CanonicalRun run;
  Machine machine = BuildInitialMachine(scenario, design);
  ApplyMutations(mutations, &machine);
  // The op each process is in, as an index into run.ops (-1: between ops).
  std::vector<int> current(scenario.processes.size(), -1);
  auto all_finished = [&] {
    for (size_t pid = 0; pid < scenario.processes.size(); ++pid) {
      if (!ProcessFinished(machine, scenario, static_cast<int>(pid))) return false;
    }
    return true;
  };
  while (!all_finished()) {
    const int pid = CanonicalProcess(machine, scenario);
    if (pid < 0) {
      run.stuck = true;
      break;
    }
    const size_t op_index = machine.processes[pid].pc;
    if (current[pid] < 0) {
      current[pid] = static_cast<int>(run.ops.size());
      run.ops.push_back(CanonicalOp{pid, op_index, "", std::nullopt, {}});
    }
    std::vector<size_t> pcs_before;
    for (const ProcessState& process : machine.processes) pcs_before.push_back(process.pc);
    StepReport report = StepProcess(machine, scenario, pid);
    CanonicalOp& op = run.ops[current[pid]];
    op.steps.push_back(report.step);
    if (report.read) op.read = ViewBytes(report.read->data);
    // A signal killed the process in this op: it never returns, its result is the signal, and
    // its later ops never run (docs/semantics.md 2.10).
    if (ProcessKilled(machine, pid)) {
      op.result = machine.processes[pid].killed_by;
      current[pid] = -1;
    }
    // An op returns when its process's pc moves (a barrier releases every process waiting at
    // it, so several may return at once).
    bool returned = false;
    for (size_t p = 0; p < machine.processes.size(); ++p) {
      if (machine.processes[p].pc == pcs_before[p] || current[p] < 0) continue;
      CanonicalOp& done = run.ops[current[p]];
      if (done.result.empty()) done.result = p == static_cast<size_t>(pid) ? report.step.result : "0";
      current[p] = -1;
      returned = true;
    }
    if (returned) {
      for (size_t p = 0; p < machine.processes.size(); ++p) {
        while (!machine.processes[p].cpu.store_buffer.empty()) DrainOne(machine, static_cast<int>(p));
      }
    }
  }
  return run;
}

}  // namespace crashsim
