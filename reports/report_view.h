// What every rendering of a report agrees on: which columns the verdict matrix has, how a model
// run is classified (the colour of its cell, its JUnit outcome), how a trace is laid out in lanes,
// and the one-line summary of a violation. Pure functions of the results.
#pragma once

#include <cstddef>
#include <set>
#include <string>
#include <vector>

#include "models/config.h"
#include "sim/result/result.h"

namespace crashsim {

// How a model run stands, in the precedence of the exit statuses (docs/architecture.md, "Command
// line"): an internal error first, then an invalid run, then an interrupted one, then a verdict
// that differs from `expect`, then a budget that ran out.
enum class RunClass {
  kInternalError,       // crashsim failed in this run (a bug in crashsim): no verdict
  kNotModelled,         // the scenario uses an op not modelled yet: the run is invalid
  kInterrupted,         // a signal stopped the run, or it never started: never a pass
  kDiffersFromExpect,   // the verdict is not the scenario's `expect`
  kBudget,              // --max-states cut the run before the space was covered: never a pass
  kViolatedAsExpected,  // some name is violated, exactly as `expect` says
  kClean,               // nothing violated, nothing expected
};

RunClass ClassifyRun(const ModelResult& model);

// The class's name as the HTML report's CSS class and the Markdown legend spell it:
// "internal-error", "not-modelled", "interrupted", "differs-from-expect", "budget",
// "violated-as-expected", "clean".
const char* RunClassName(RunClass run_class);

// The designs that some scenario ran, in kAllDesigns order; all five when none ran any.
std::vector<Design> MatrixColumns(const std::vector<ScenarioResult>& results);

// The columns of the matrix, shown once when they all say the same thing: when every design's run
// has the same verdict, expectation and coverage in every scenario (a scenario with no DAX file
// gives five such columns), one column labelled "all designs"; otherwise one column per design,
// in MatrixColumns order. A run that failed, was interrupted, is invalid or was cut by a budget
// never makes columns the same (its notes differ per run). Only whole-matrix sameness collapses,
// so a column never moves.
struct ColumnGroup {
  std::vector<Design> designs;  // at least one, in MatrixColumns order
  std::string label;
};
std::vector<ColumnGroup> GroupedMatrixColumns(const std::vector<ScenarioResult>& results);

// The label of a set of designs among a scenario's runs: "all designs" when they are all of them
// (and more than one), else the names joined by ", ".
std::string DesignsLabel(const std::vector<Design>& designs, size_t runs_in_scenario);

// A scenario's violations with each trace once: a violation that several designs' runs have with
// the same trace (and the same expectation) is one group naming them all, at the place of its
// first run. In model order, then violation order.
struct ViolationGroup {
  const ModelResult* model = nullptr;  // the first run that has it
  const Violation* violation = nullptr;
  std::vector<Design> designs;
  std::string label;  // DesignsLabel(designs, the scenario's number of runs)
};
std::vector<ViolationGroup> GroupedViolations(const ScenarioResult& scenario);

// The run of `design` in `scenario`, or nullptr when the scenario did not run under it.
const ModelResult* FindModel(const ScenarioResult& scenario, Design design);

// "ok" for the empty set, else the names joined by `separator`.
std::string VerdictText(const std::set<std::string>& names, const char* separator = ",");

// The actors of a schedule that are not processes: the kernel's background work (writeback, I/O
// completion) and the hardware (store buffers draining). They share the last lane of a timeline.
bool IsBackgroundActor(const std::string& actor);

// The lanes of a timeline: one per process, in the order the schedule first shows them, then one
// for background and hardware events (always present). lane_of_step[i] indexes `names`.
struct TimelineLanes {
  std::vector<std::string> names;
  std::vector<size_t> lane_of_step;
};
TimelineLanes LayOutLanes(const std::vector<TraceStep>& schedule);
inline constexpr const char* kBackgroundLaneName = "background / hardware";

// A run's internal error in one line: "internal error (a bug in crashsim) in NAME (PATH) under
// MODEL: WHAT, while STEP". REQUIRES: model.internal_error.
std::string InternalErrorSummary(const ScenarioResult& scenario, const ModelResult& model);

// The same as a block of lines for the reports: a title, what failed, while doing what, and the
// schedule that led there, one step a line ("1. P1: fd = open /f rw -> 0").
// REQUIRES: model.internal_error.
std::vector<std::string> InternalErrorLines(const ScenarioResult& scenario,
                                            const ModelResult& model);

// What ran out in a run cut by a budget, one phrase per budget (ModelResult::budget_stops): which
// budget, where (the crash point) and how far the run got, e.g.
//   "state budget (--max-states 10) ran out after 10 distinct states; the first state left out:
//    after step 4 (P1: store m+0 'A')"
//   "image budget (--max-images 500) ran out after 500 crash images, at the crash point after
//    step 3 (P1: persist m+0 8)"
//   "image budget (65536 joint images per assertion) ran out on assertion a after 65536 images,
//    at the crash point after step 5 (hardware: ...)"
// A report read back without the stops says "a budget ran out after N distinct states".
std::vector<std::string> BudgetStopTexts(const ModelResult& model);
std::string BudgetSummary(const ModelResult& model);  // the phrases joined with "; "
// Whether a state budget, or an image budget, cut the run.
bool StateBudgetRanOut(const ModelResult& model);
bool ImageBudgetRanOut(const ModelResult& model);

// A fix attempt as every report spells it (docs/architecture.md, "Fix suggestions"): where its ops
// go, "insert `sfence` into P1 as op 5", and what the re-run said under `designs` (a design name or
// a group's label), "fix verified: the violation is gone under all designs", "not enough: the
// violation remains under map-sync" or "not verified: the re-run's budget ran out ...".
std::string FixInsertionText(const FixAttempt& attempt);
std::string FixOutcomeText(const FixAttempt& attempt, const std::string& designs);

// One line about a violation for summaries: "msync: P2.ms: msync ... returned 0; crash after
// step 9; observed /f[4096:4097] = 0x00, expected /f[4096:4097] = 'Y'".
std::string ViolationSummary(const Violation& violation);

}  // namespace crashsim
