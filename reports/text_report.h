// Text renderings of scenario results for a terminal (docs/architecture.md, "Reports" and "Command
// line").
//
// `crashsim run` prints RenderRunText: the verdict matrix (one row per scenario, one column per
// design) and then every violation with its trace. `crashsim check` prints RenderCheckText: one
// line per model run that is not as expected, and one overall line.
//
// Every function is a pure function of its input: same results, same bytes. Names are shown in
// the order of their sets (sorted), designs in the order of kAllDesigns, scenarios and violations
// in the order given.
//
// Cell of the matrix, for a design the scenario ran:
//   "ok"               no name violated
//   "fsync,msync"      the violated names, sorted, joined by ","
//   then "!" when the verdict differs from the scenario's `expect` (an "expected:" line follows
//   the row), "?" when a state or image budget ran out before the space was covered, "~" when the run
//   was sampled. An invalid run (an op not modelled yet) shows "not-modelled!" and a line below
//   the row saying which op; a run that ended in an internal error "internal-error!" and a line
//   saying what failed and where; a run that a signal stopped (or that never started)
//   "interrupted" and a line saying after how many states.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "sim/result/result.h"

namespace crashsim {

// "{}" or "{fsync, msync}".
std::string FormatNameSet(const std::set<std::string>& names);

// The cell text for one model run, as described above.
std::string MatrixCell(const ModelResult& model);

// The verdict matrix with its notes, a legend of the marks used, and the overall line.
std::string RenderMatrix(const std::vector<ScenarioResult>& results);

// One violation with its trace: promise, numbered schedule, crash point, lost persist events,
// observed versus expected, and the state of the involved lines, pages, extents and journal.
std::string RenderViolation(const ScenarioResult& scenario, const ModelResult& model,
                            const Violation& violation);

// A run's internal error (REQUIRES: model.internal_error): InternalErrorLines, indented.
std::string RenderInternalError(const ScenarioResult& scenario, const ModelResult& model);

// What `crashsim run` prints: the matrix, then every violation of every model run, then the
// overall line; the overall line alone when no scenario ran. `load_failures` counts the files that
// did not load (their messages went to stderr); the overall line mentions them.
std::string RenderRunText(const std::vector<ScenarioResult>& results, int load_failures);

// What `crashsim check` prints: RenderCheckLines, then "crashsim check: " and the overall line.
// `load_failures` counts the files that did not load (their messages went to stderr); the overall
// line mentions them.
std::string RenderCheckText(const std::vector<ScenarioResult>& results, int load_failures);

// The lines of RenderCheckText above its overall line: "INTERNAL-ERROR", "INVALID",
// "INTERRUPTED", "FAIL" and "BUDGET" lines, one per model run that is not as expected.
std::string RenderCheckLines(const std::vector<ScenarioResult>& results);

// The overall line, e.g. "3 scenarios, 15 models: all as expected" or
// "3 scenarios, 15 models: 1 differs, 1 not modelled yet". `run` and `check` both end with it.
std::string SummaryLine(const std::vector<ScenarioResult>& results, int load_failures);

}  // namespace crashsim
