// Successors: every step the machine can take next, in a fixed order: each enabled process's next
// step (by process index), then each non-empty store buffer draining its oldest entry (the
// hardware's own schedule), then each enabled background event (writeback, I/O completion,
// directory writeback). The exploration and the sampler both walk these.
#pragma once

#include <optional>
#include <vector>

#include "models/machine.h"
#include "sim/engine/program.h"
#include "sim/engine/result.h"
#include "sim/scenario/scenario.h"

namespace crashsim {

struct Successor {
  Machine machine;
  TraceStep step;
  std::optional<ObservedRead> read;  // the value the step read, for the volatile oracles
};

std::vector<Successor> Successors(const Machine& machine, const Scenario& scenario);

}  // namespace crashsim
