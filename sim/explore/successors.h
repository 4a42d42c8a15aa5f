// Successors: every step the machine can take next, in a fixed order: each enabled process's next
// step (by process index), then each non-empty store buffer draining its oldest entry (the
// hardware's own schedule), then each enabled background event (writeback, I/O completion,
// directory writeback). The exploration and the sampler both walk these.
//
// A step is named by its position in that order, so a schedule can be stored as a list of small
// numbers and replayed from the initial machine.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "models/kernel.h"
#include "models/machine.h"
#include "sim/program/program.h"
#include "sim/result/result.h"
#include "sim/scenario/scenario.h"

namespace crashsim {

struct StepChoice {
  enum class Kind { kProcess, kDrain, kBackground };
  Kind kind = Kind::kProcess;
  int pid = 0;               // kProcess, kDrain
  BackgroundEvent event;     // kBackground
};

struct Successor {
  Machine machine;
  TraceStep step;
  std::optional<ObservedRead> read;  // the value the step read, for the volatile oracles
};

// The steps enabled in `machine`, in the fixed order.
std::vector<StepChoice> EnabledSteps(const Machine& machine, const Scenario& scenario);
// What `choice` is about to do, for a message about a step that failed: "P2: ftruncate fd 0 (inner
// step 2)", "hardware: P1's store buffer drains", "background: writeback of page 3 of inode 1".
std::string DescribeChoice(const Machine& machine, const Scenario& scenario,
                           const StepChoice& choice);
// The machine after `choice` (one of EnabledSteps(machine)).
Successor TakeStep(const Machine& machine, const Scenario& scenario, const StepChoice& choice);

}  // namespace crashsim
