#include "sim/explore/successors.h"

#include "models/pmem_cpu.h"

namespace crashsim {

std::vector<StepChoice> EnabledSteps(const Machine& machine, const Scenario& scenario) {
  std::vector<StepChoice> steps;
  const int processes = static_cast<int>(scenario.processes.size());
  for (int pid = 0; pid < processes; ++pid) {
    if (ProcessEnabled(machine, scenario, pid)) {
      steps.push_back(StepChoice{StepChoice::Kind::kProcess, pid, {}});
    }
  }
  for (int pid = 0; pid < processes; ++pid) {
    if (!machine.processes[pid].cpu.store_buffer.empty()) {
      steps.push_back(StepChoice{StepChoice::Kind::kDrain, pid, {}});
    }
  }
  for (const BackgroundEvent& event : EnabledBackground(machine)) {
    steps.push_back(StepChoice{StepChoice::Kind::kBackground, 0, event});
  }
  return steps;
}

Successor TakeStep(const Machine& machine, const Scenario& scenario, const StepChoice& choice) {
  Successor successor{machine, {}, std::nullopt};
  switch (choice.kind) {
    case StepChoice::Kind::kProcess: {
      StepReport report = StepProcess(successor.machine, scenario, choice.pid);
      successor.step = std::move(report.step);
      successor.read = std::move(report.read);
      break;
    }
    case StepChoice::Kind::kDrain:
      successor.step = TraceStep{"hardware",
                                 scenario.processes[choice.pid].name +
                                     "'s store buffer drains its oldest entry (" +
                                     machine.processes[choice.pid].cpu.store_buffer.front().what +
                                     ")",
                                 ""};
      DrainOne(successor.machine, choice.pid);
      break;
    case StepChoice::Kind::kBackground:
      successor.step = TraceStep{"background", RunBackground(successor.machine, choice.event), ""};
      break;
  }
  return successor;
}

}  // namespace crashsim
