// Comparing what Linux did with what the model allows, for one scenario:
// - volatile: each op's result and the bytes each pread or load returned, against the model's
//   canonical run under map-sync; and each DAX file's statx DAX attribute (a DAX mount can
//   silently leave a file without DAX);
// - crash: each replay point's recovered files (exists, size, bytes) must be one of the views
//   the model allows in that point's segment (sim/reach/reachable_views.h). A miss names the
//   point and shows the closest allowed view's differences.
#pragma once

#include <string>
#include <vector>

#include "kcheck/protocol.h"
#include "kcheck/result.h"
#include "sim/reach/canonical_schedule.h"
#include "sim/reach/reachable_views.h"
#include "sim/scenario/scenario.h"

namespace crashsim::kcheck {

void CompareVolatile(const Scenario& scenario, const CanonicalRun& run,
                     const ScenarioResult& real, ScenarioCheck* check);

void CompareCrashes(const Scenario& scenario, const CanonicalRun& run, const ScheduleViews& model,
                    const ScenarioResult& real, ScenarioCheck* check);

// How `real` differs from `model`, shortest first: a file missing or extra, a size, and the
// first differing byte ranges (at most `ranges` of them per file).
std::string DescribeDifference(const RecoveredView& model, const RecoveredView& real,
                               size_t ranges = 4);

}  // namespace crashsim::kcheck
