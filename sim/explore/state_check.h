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
#include "sim/oracles/finding.h"
#include "sim/program/program.h"
#include "sim/result/result.h"
#include "sim/scenario/scenario.h"

namespace crashsim {

struct CheckOptions {
  bool downsets = true;    // whole images from downsets (else: subsets, non-downsets dropped)
  bool projection = true;  // per-byte and projected checking (else: every whole image)
  bool minimise = true;    // minimise each kept witness's lost events
  bool assertion_search = true;  // decide assertions by search (sim/oracles/assertion_search.h)
  std::optional<uint64_t> max_images;  // stop this state's check after this many images
  std::optional<uint64_t> run_max_images;  // the run's image budget, to name it when it runs out
  // Names already shown by a shorter schedule: no trace from this state can replace theirs, so
  // their findings here are neither kept nor minimised.
  std::set<std::string> settled;
  // The run's memo of crash checks (sim/explore/crash_memo.h), or null: every state checked.
  CrashMemo* memo = nullptr;
};

struct StateFindings {
  std::map<std::string, Violation> best;  // per violated name, this state's canonical trace
  uint64_t images = 0;                    // crash images (or journal prefixes) checked
  bool cut = false;                       // some space was cut short: not exhaustive
  std::optional<BudgetStop> stop;         // when cut: which image budget, at this crash point
  uint64_t minimise_checks = 0;           // images checked while minimising (work counter)
  uint64_t memo_images = 0;               // of `images`, those the memo answered (work counter)
};

// Checks the state reached by `schedule`.
StateFindings CheckState(const Scenario& scenario, const Machine& machine,
                         const std::vector<TraceStep>& schedule, const CheckOptions& options);
// The same with one drawn crash image instead of all of them (sampled runs).
StateFindings CheckStateSampled(const Scenario& scenario, const Machine& machine,
                                const std::vector<TraceStep>& schedule, Prng& prng);
// The volatile checks of a value a step read (no crash involved); `schedule` ends with that step.
void CheckRead(const Machine& after, const ObservedRead& read,
               const std::vector<TraceStep>& schedule, StateFindings* findings);

// "after step N (ACTOR: TEXT)", or "before the first step".
std::string CrashPointOf(const std::vector<TraceStep>& schedule);

// Keeps the preferred of `candidate` and what `best` holds for its name.
void KeepPreferred(Violation candidate, std::map<std::string, Violation>* best);

}  // namespace crashsim
