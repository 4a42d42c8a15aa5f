// ForEachState (tests only): every machine state reachable from a scenario's initial state under
// one design, each visited once: a process step, a CPU's oldest store-buffer entry draining, or
// background work, the same transitions the explorer takes. "Once" is by the canonical state hash,
// or with `canonical_history` false by the hash as recorded, which visits the states the canonical
// one merges too.
#pragma once

#include <doctest/doctest.h>

#include <functional>
#include <set>
#include <vector>

#include "models/kernel.h"
#include "models/pmem_cpu.h"
#include "sim/program/program.h"
#include "sim/program/setup.h"

namespace crashsim {

inline void ForEachState(const Scenario& scenario, Design design,
                         const std::function<void(const Machine&)>& visit,
                         bool canonical_history = true) {
  std::set<Hash128> seen;
  std::vector<Machine> stack{BuildInitialMachine(scenario, design)};
  while (!stack.empty()) {
    Machine machine = std::move(stack.back());
    stack.pop_back();
    if (!seen.insert(HashMachine(machine, canonical_history)).second) continue;
    REQUIRE(seen.size() < 200000);
    visit(machine);
    for (size_t pid = 0; pid < scenario.processes.size(); ++pid) {
      if (!ProcessEnabled(machine, scenario, static_cast<int>(pid))) continue;
      stack.push_back(machine);
      StepProcess(stack.back(), scenario, static_cast<int>(pid));
    }
    for (size_t pid = 0; pid < machine.processes.size(); ++pid) {
      if (machine.processes[pid].cpu.store_buffer.empty()) continue;
      stack.push_back(machine);
      DrainOne(stack.back(), static_cast<int>(pid));
    }
    for (const BackgroundEvent& event : EnabledBackground(machine)) {
      stack.push_back(machine);
      RunBackground(stack.back(), event);
    }
  }
}

}  // namespace crashsim
