// FixCheck: for each violation of a run, the remedies sim/fix suggests, each verified by running
// the scenario again with it inserted (docs/architecture.md, "Fix suggestions"): the same engine,
// the same design, the same budgets, mutations and sampling, but never sharded, so the outcome
// does not depend on how the run that found the violation was split.
#pragma once

#include "sim/result/result.h"
#include "sim/result/run_options.h"
#include "sim/scenario/scenario.h"

namespace crashsim {

// The re-run's outcome for the violation `name`: gone in an exhaustive re-run (verified), still
// there (not enough), or neither shown (undecided, with why).
FixAttempt JudgeFix(const ModelResult& rerun, const std::string& name);

// Fills `fix` of each violation in `result`, a run of `scenario` under `design` with `options`:
// at most kFixAttemptsMax candidates each, stopping at the first verified one.
void AddFixes(const Scenario& scenario, Design design, const RunOptions& options,
              ModelResult* result);

}  // namespace crashsim
