#include "sim/engine/fix_check.h"

#include <fmt/format.h>

#include "sim/engine/engine.h"
#include "sim/fix/insert_ops.h"
#include "sim/fix/missing_order.h"
#include "sim/program/setup.h"

namespace crashsim {

FixAttempt JudgeFix(const ModelResult& rerun, const std::string& name) {
  FixAttempt attempt;
  if (rerun.violated.count(name) > 0) {
    attempt.outcome = FixAttempt::Outcome::kNotEnough;
    return attempt;
  }
  switch (rerun.coverage) {
    case Coverage::kExhaustive:
      attempt.outcome = rerun.not_modelled.empty() ? FixAttempt::Outcome::kVerified
                                                   : FixAttempt::Outcome::kUndecided;
      if (!rerun.not_modelled.empty()) attempt.note = "the re-run is invalid: " + rerun.not_modelled;
      break;
    case Coverage::kSampled:
      attempt.note = fmt::format("not shown in the re-run's sampled schedules (seed {}), which "
                                 "prove nothing",
                                 rerun.sample_seed);
      break;
    case Coverage::kBudgetExhausted:
      attempt.note = "the re-run's budget ran out before it covered the space";
      break;
    case Coverage::kInterrupted:
      attempt.note = "the re-run was interrupted";
      break;
    case Coverage::kInternalError:
      attempt.note = "the re-run failed: " +
                     (rerun.internal_error ? rerun.internal_error->what : std::string("?"));
      break;
  }
  return attempt;
}

void AddFixes(const Scenario& scenario, Design design, const RunOptions& options,
              ModelResult* result) {
  if (result->violations.empty()) return;
  Machine initial = BuildInitialMachine(scenario, design);
  ApplyMutations(options.mutations, &initial);
  RunOptions rerun_options = options;
  rerun_options.fix = false;
  rerun_options.observe = false;
  rerun_options.shard = Shard{};
  rerun_options.fault.reset();
  for (Violation& violation : result->violations) {
    const std::vector<FixCandidate> candidates = SuggestFixes(scenario, initial, violation);
    for (const FixCandidate& candidate : candidates) {
      if (violation.fix.size() == kFixAttemptsMax) break;
      StatusOr<Scenario> fixed = InsertOps(scenario, candidate.pid, candidate.position,
                                           candidate.ops);
      if (!fixed.ok()) continue;  // the finder only writes ops that parse
      FixAttempt attempt = JudgeFix(RunScenario(*fixed, design, rerun_options), violation.name);
      attempt.process = scenario.processes[candidate.pid].name;
      attempt.position = candidate.position + 1;
      attempt.ops = candidate.ops;
      attempt.missing = candidate.missing;
      violation.fix.push_back(std::move(attempt));
      if (violation.fix.back().outcome == FixAttempt::Outcome::kVerified) break;
    }
  }
}

}  // namespace crashsim
