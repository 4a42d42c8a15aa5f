// InsertOps: a scenario with ops inserted into one process's program, as a new value in memory (the
// file is never touched), for re-running it with a suggested fix (docs/architecture.md, "Fix
// suggestions"). The ops are parsed as the loader parses them; every reference into the program
// by position (an assertion comparing an op's result) follows the ops it moved.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "sim/base/status.h"
#include "sim/scenario/scenario.h"

namespace crashsim {

// `ops` go in before op `position` (0-based; the program's size appends) of process `pid`. An op
// that does not parse, or a position past the end, is an error naming it.
StatusOr<Scenario> InsertOps(const Scenario& scenario, int pid, size_t position,
                             const std::vector<std::string>& ops);

}  // namespace crashsim
