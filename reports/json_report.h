// The JSON report (DESIGN.md, "Reports"): the same results as the text report, for machines.
//
//   {"crashsim_report": 1, "scenarios": [{"path", "name", "doc", "config", "models": [
//     {"model", "verdict": [names], "expected": [names], "matches_expect",
//      "coverage": "exhaustive" | "sampled" | "budget-exhausted", "seed" (only when sampled),
//      "distinct_states", "distinct_images", "not_modelled" (only for an invalid run),
//      "violations": [{"guarantee", "promise", "schedule": [{"actor", "text", "result"}],
//                      "crash_point", "lost": [{"kind", "description"}], "observed",
//                      "expected", "state": [lines],
//                      "persist_graph": [{"kind", "description", "lost", "after": [indices]}]}]}]}]}
//
// reports/report-schema.md describes every field; reports/report.schema.json is its JSON Schema.
// Keys keep this order and the text is indented by two spaces and ends with a newline, so the
// same results give the same bytes. It holds only what does not depend on how the work was
// split: no timings, no work counters (those go to --stats).
#pragma once

#include <string>
#include <vector>

#include "sim/engine/result.h"

namespace crashsim {

inline constexpr int kJsonReportVersion = 1;

// "exhaustive", "sampled" or "budget-exhausted".
const char* CoverageName(Coverage coverage);

std::string RenderJsonReport(const std::vector<ScenarioResult>& results);

}  // namespace crashsim
