// RunWithinBudget (tests only): one run of the standing robustness tests, fix suggestions
// included. A run must end in a result; an internal error fails the test unless a known model
// defect (known_model_defects.h) excuses it, and then it is only counted.
#pragma once

#include <doctest/doctest.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "sim/engine/engine.h"
#include "sim/robustness/known_model_defects.h"

namespace crashsim {

// The result, or nullopt for a run that ended in an internal error (counted in *excused when a
// known defect excuses it, else a test failure).
inline std::optional<ModelResult> RunWithinBudget(const Scenario& scenario, Design design,
                                                  uint64_t max_states, uint64_t max_images,
                                                  std::map<std::string, uint64_t>* excused) {
  RunOptions options;
  options.max_states = max_states;
  options.max_images = max_images;
  options.fix = true;  // the fix finder and its re-runs meet every scenario too
  ModelResult result = RunScenario(scenario, design, options);
  if (!result.internal_error) return result;
  if (const KnownModelDefect* known = KnownDefectOf(*result.internal_error, design)) {
    ++(*excused)[known->name];
  } else {
    FAIL_CHECK("internal error under ", DesignName(design), ": ", result.internal_error->what,
               ", while ", result.internal_error->step);
  }
  return std::nullopt;
}

}  // namespace crashsim
