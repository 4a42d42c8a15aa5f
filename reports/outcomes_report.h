// The reports of `crashsim outcomes` (docs/architecture.md, "Reports"): for each scenario, and
// each group of its model runs that list the same outcomes, every observed item (the scenario's
// `observe` items and the items its assertions read) with each distinct value a crash can leave
// there and one witness: the schedule, the crash point and the persist events the crash lost.
// Text for a terminal, Markdown, a self-contained HTML page, and JSON (reports/report-schema.md,
// "Outcomes report").
//
// Every rendering says how far the run got (exhaustive, sampled, cut by a budget, interrupted,
// failed) and, for an item whose list may be incomplete, why. Pure functions of the results: same
// results, same bytes.
#pragma once

#include <string>
#include <vector>

#include "models/config.h"
#include "sim/result/result.h"

namespace crashsim {

// Runs of one scenario whose outcomes and coverage are the same, shown once, naming the models.
struct OutcomeGroup {
  const ModelResult* model = nullptr;  // the first run of the group
  std::vector<Design> designs;
  std::string label;  // "all designs", or the models' names
};
std::vector<OutcomeGroup> GroupedOutcomes(const ScenarioResult& scenario);

// How far a run got, e.g. "exhaustive: 12 distinct states, 40 crash images",
// "sampled (seed 3): ...", "not covered: state budget (--max-states 10) ran out ...".
std::string OutcomeCoverage(const ModelResult& model);

// One line for a witness's schedule: "1. P1: fd = open /f rw -> 3; 2. ...", or "no step".
std::string ScheduleLine(const std::vector<TraceStep>& schedule);

std::string RenderOutcomesText(const std::vector<ScenarioResult>& results, int load_failures);
std::string RenderOutcomesMarkdown(const std::vector<ScenarioResult>& results,
                                   const std::vector<std::string>& load_errors);
std::string RenderOutcomesHtml(const std::vector<ScenarioResult>& results,
                               const std::vector<std::string>& load_errors);
std::string RenderOutcomesJson(const std::vector<ScenarioResult>& results);

}  // namespace crashsim
