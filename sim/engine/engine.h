// RunScenario: the whole pipeline for one scenario under one design (docs/architecture.md, "The
// pipeline"): explore every schedule, enumerate the crash images at every distinct state, recover
// each, run the oracles and the scenario's assertions, and return the verdict with one canonical
// trace per violated name.
#pragma once

#include <set>

#include "models/machine.h"
#include "sim/result/result.h"
#include "sim/result/run_options.h"
#include "sim/scenario/scenario.h"

namespace crashsim {

// Switches the mutations on in `machine` (its Faults and its device); none is on by default. The
// one place where a Mutation (sim/result/run_options.h) meets the model.
void ApplyMutations(const std::set<Mutation>& mutations, Machine* machine);

// Never throws for a bug of its own: an internal check that fails, or any exception from the
// core, ends this run only, as a result with coverage kInternalError that names the failure and
// the schedule step (ModelResult::internal_error).
ModelResult RunScenario(const Scenario& scenario, Design design, const RunOptions& options,
                        RunStats* stats = nullptr);

}  // namespace crashsim
