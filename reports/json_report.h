// The JSON report (docs/architecture.md, "Reports"): the same results as the text report, for
// machines.
//
//   {"crashsim_report": 1, "shard" (only in a shard's report): {"index", "count"},
//    "scenarios": [{"path", "name", "doc", "config", "models": [
//     {"model", "verdict": [names], "expected": [names], "matches_expect",
//      "coverage": "exhaustive" | "sampled" | "budget-exhausted" | "interrupted" |
//                  "internal-error", "seed" (only when sampled),
//      "distinct_states", "distinct_images", "not_modelled" (only for an invalid run),
//      "internal_error" (only when coverage is internal-error): {"what", "step",
//                                                                "schedule": [steps]},
//      "violations": [{"guarantee", "promise", "schedule": [{"actor", "text", "result"}],
//                      "crash_point", "lost": [{"kind", "description"}], "observed",
//                      "expected", "state": [lines],
//                      "persist_graph": [{"kind", "description", "lost", "after": [indices]}]}]}]}]}
//
// reports/report-schema.md describes every field; reports/report.schema.json is its JSON Schema.
// Keys keep this order and the text is indented by two spaces and ends with a newline, so the
// same results give the same bytes. It holds only what does not depend on how the work was
// split: no timings, no work counters (those go to --stats). The one exception is the "shard"
// object, which marks the report of one shard of a `--shard I/N` run as a part to be merged
// (reports/merge.h), never a whole result; a merged or unsharded report has none.
// reports/json_reader.h reads a report back.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sim/result/result.h"
#include "sim/result/run_options.h"

namespace crashsim {

inline constexpr int kJsonReportVersion = 1;

// "exhaustive", "sampled", "budget-exhausted", "interrupted" or "internal-error".
const char* CoverageName(Coverage coverage);

// `shard` is set only when the results are one shard's part of a sharded run; such a report also
// carries what only the merge reads (Violation::order, ModelResult::split).
std::string RenderJsonReport(const std::vector<ScenarioResult>& results,
                             const std::optional<Shard>& shard = std::nullopt);

}  // namespace crashsim
