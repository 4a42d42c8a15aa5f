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

std::string DescribeChoice(const Machine& machine, const Scenario& scenario,
                           const StepChoice& choice) {
  switch (choice.kind) {
    case StepChoice::Kind::kProcess: {
      const Process& process = scenario.processes[choice.pid];
      const ProcessState& state = machine.processes[choice.pid];
      if (state.pc >= process.program.size()) return process.name + ": past its last op";
      std::string text = process.name + ": " + process.program[state.pc].text;
      if (!state.progress.Idle()) {
        text += " (inner step: " + DescribeProgress(state.progress) + ")";
      }
      return text;
    }
    case StepChoice::Kind::kDrain:
      return "hardware: " + scenario.processes[choice.pid].name + "'s store buffer drains";
    case StepChoice::Kind::kBackground:
      switch (choice.event.kind) {
        case BackgroundEvent::Kind::kWritebackPage:
          return "background: writeback of page " + std::to_string(choice.event.index) +
                 " of inode " + std::to_string(choice.event.ino);
        case BackgroundEvent::Kind::kCompleteBio:
          return "background: completion of bio group " + std::to_string(choice.event.index);
        case BackgroundEvent::Kind::kWritebackDirectory:
          return "background: directory writeback";
      }
  }
  return "an unknown step";
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
