// The oracle dispatcher: every guarantee's checker and the scenario's assertions, run on the
// crashes at one crash point. The one place that knows the list of oracles; the explorer, the
// minimiser and the tests call it rather than the checkers one by one.
#pragma once

#include <optional>
#include <vector>

#include "models/machine.h"
#include "sim/crash/crash_space.h"
#include "sim/oracles/assertions.h"
#include "sim/oracles/finding.h"
#include "sim/oracles/observations.h"
#include "sim/scenario/scenario.h"

namespace crashsim {

// Runs every oracle and assertion for the journal prefix (or whole image) chosen in `space`;
// `assertion_search` as CheckAssertions' `search`. *cut is set when some space was cut short, and
// *assertion_cut (when given) then names the assertion. With `observe` (an outcomes run), also
// reads those items into *observed (sim/oracles/observations.h).
std::vector<Finding> CheckChosen(const Scenario& scenario, const Machine& machine,
                                 const CrashSpace& space, bool assertion_search, bool* cut,
                                 std::optional<AssertionCut>* assertion_cut = nullptr,
                                 const std::vector<ListedItem>* observe = nullptr,
                                 Observations* observed = nullptr);

// Runs every oracle and assertion on one whole crash image of `machine` (and reads `observe`).
std::vector<Finding> CheckWholeImage(const Scenario& scenario, const Machine& machine,
                                     CrashSpace& space, const CrashImage& image, bool* cut,
                                     const std::vector<ListedItem>* observe = nullptr,
                                     Observations* observed = nullptr);

}  // namespace crashsim
