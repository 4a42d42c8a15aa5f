// StateCheck: everything checked at one machine state of the exploration: the running system
// (immutable extents, before any crash) and every crash image the state may leave, recovered and
// run through the oracles and the scenario's assertions. Per violated name it keeps the state's
// best trace in the canonical order (sim/result/trace_order.h) and minimises its witness (the
// smallest set of lost persist events that still shows the violation).
//
// A pure function of its inputs, so states can be checked on any thread in any order.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "models/machine.h"
#include "sim/base/prng.h"
#include "sim/explore/crash_memo.h"
#include "sim/explore/lazy_schedule.h"
#include "sim/oracles/finding.h"
#include "sim/program/program.h"
#include "sim/result/result.h"
#include "sim/result/run_options.h"
#include "sim/scenario/scenario.h"

namespace crashsim {

// The check of one state: the run's options and what the explorer knows at this depth.
struct CheckOptions {
  explicit CheckOptions(const RunOptions& run_options) : run(run_options) {}

  const RunOptions& run;  // reductions, minimise, the run's image budget (to name it)
  // What the run's image budget leaves for this state (the same for every state of a depth, so
  // the cut does not depend on which thread got there first); nullopt: no budget.
  std::optional<uint64_t> images_left;
  // Names already shown by a shorter schedule: no trace from this state can replace theirs, so
  // their findings here are neither kept nor minimised.
  std::set<std::string> settled;
  // The run's memo of crash checks (sim/explore/crash_memo.h), or null: every state checked.
  CrashMemo* memo = nullptr;
};

// The key of one observed value: (index into ListedItems, value).
using OutcomeKey = std::pair<size_t, std::string>;

struct StateFindings {
  std::map<std::string, Violation> best;  // per violated name, this state's canonical trace
  // With RunOptions::observe: per observed value, this state's witness; and the items whose
  // values here may be incomplete (sim/oracles/observations.h), with where: (schedule length,
  // crash point), the least kept when states merge.
  std::map<OutcomeKey, Violation> outcomes;
  std::map<size_t, std::pair<size_t, std::string>> outcomes_cut;
  uint64_t images = 0;                    // crash images (or journal prefixes) checked
  bool cut = false;                       // some space was cut short: not exhaustive
  std::optional<BudgetStop> stop;         // when cut: which image budget, at this crash point
  uint64_t minimise_checks = 0;           // images checked while minimising (work counter)
  uint64_t memo_images = 0;               // of `images`, those the memo answered (work counter)
};

// Checks the state reached by `schedule`.
StateFindings CheckState(const Scenario& scenario, const Machine& machine,
                         const LazySchedule& schedule, const CheckOptions& options);
inline StateFindings CheckState(const Scenario& scenario, const Machine& machine,
                                const std::vector<TraceStep>& schedule,
                                const CheckOptions& options) {
  return CheckState(scenario, machine, LazySchedule(schedule), options);
}
// The same with one drawn crash image instead of all of them (sampled runs).
StateFindings CheckStateSampled(const Scenario& scenario, const Machine& machine,
                                const std::vector<TraceStep>& schedule, Prng& prng,
                                bool observe = false);
// The volatile checks of a value a step read (no crash involved); `schedule` ends with that step.
void CheckRead(const Scenario& scenario, const Machine& after, const ObservedRead& read,
               const std::vector<TraceStep>& schedule, StateFindings* findings);

// "after step N (ACTOR: TEXT)", or "before the first step".
std::string CrashPointOf(const std::vector<TraceStep>& schedule);

// Keeps the preferred of `candidate` and what `best` holds for its name.
void KeepPreferred(Violation candidate, std::map<std::string, Violation>* best);
// The same for an observed value's witness.
void KeepPreferredOutcome(const OutcomeKey& key, Violation candidate,
                          std::map<OutcomeKey, Violation>* best);

}  // namespace crashsim
