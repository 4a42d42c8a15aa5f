#include "sim/explore/successors.h"

#include "models/kernel.h"
#include "models/pmem_cpu.h"

namespace crashsim {

std::vector<Successor> Successors(const Machine& machine, const Scenario& scenario) {
  std::vector<Successor> next;
  const int processes = static_cast<int>(scenario.processes.size());
  for (int pid = 0; pid < processes; ++pid) {
    if (!ProcessEnabled(machine, scenario, pid)) continue;
    Successor successor{machine, {}, std::nullopt};
    StepReport report = StepProcess(successor.machine, scenario, pid);
    successor.step = std::move(report.step);
    successor.read = std::move(report.read);
    next.push_back(std::move(successor));
  }
  for (int pid = 0; pid < processes; ++pid) {
    const auto& buffer = machine.processes[pid].cpu.store_buffer;
    if (buffer.empty()) continue;
    Successor successor{machine, {}, std::nullopt};
    successor.step = TraceStep{"hardware",
                               scenario.processes[pid].name +
                                   "'s store buffer drains its oldest entry (" +
                                   buffer.front().what + ")",
                               ""};
    DrainOne(successor.machine, pid);
    next.push_back(std::move(successor));
  }
  for (const BackgroundEvent& event : EnabledBackground(machine)) {
    Successor successor{machine, {}, std::nullopt};
    successor.step = TraceStep{"background", RunBackground(successor.machine, event), ""};
    next.push_back(std::move(successor));
  }
  return next;
}

}  // namespace crashsim
