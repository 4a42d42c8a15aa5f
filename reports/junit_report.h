// JUnit XML (`--junit FILE`), so that any CI system shows crashsim's verdicts natively: one
// <testsuite> per scenario, one <testcase> per scenario x model.
//
//   <testsuites name="crashsim" tests=".." failures=".." errors="..">
//     <testsuite name="SCENARIO" tests=".." failures=".." errors=".." skipped="0">
//       <testcase classname="crashsim.SCENARIO" name="MODEL" file="PATH">
//         <failure type="verdict" message="got {..} expected {..}">summaries and traces</failure>
//         <failure type="budget" message="..."/>    the state budget ran out: never a pass
//         <error type="not-modelled" message="..."/>  the run is invalid
//
// A testcase whose verdict equals `expect` passes. A differing verdict is a failure whose body
// lists each violation that `expect` does not name (its summary line and text trace) and each
// expected name that no reachable state violated. No timestamps or durations, so the same results
// give the same bytes. Text is escaped for XML 1.0 (reports/escape.h).
#pragma once

#include <string>
#include <vector>

#include "sim/result/result.h"

namespace crashsim {

std::string RenderJunitReport(const std::vector<ScenarioResult>& results);

}  // namespace crashsim
