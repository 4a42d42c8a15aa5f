// The main table's measurement: a set of scenarios, each run under every design it names with
// RunScenario, and the runs' counters summed (schedule steps, distinct states, crash images) with
// their wall and CPU time, and each run's own time, images and whether it stopped at its budget.
// Figures only: nothing here is asserted.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "sim/engine/engine.h"
#include "sim/scenario/scenario.h"

namespace crashsim {

// One scenario under one design.
struct OneRun {
  double seconds = 0;
  uint64_t images = 0;
  bool budget = false;  // stopped at its budget: not exhaustive
};

struct RunFigures {
  std::vector<OneRun> runs;   // in the order of the scenarios and their designs
  uint64_t steps = 0;         // RunStats::steps: successor states built
  uint64_t states = 0;        // ModelResult::distinct_states
  uint64_t images = 0;        // ModelResult::distinct_images
  uint64_t checked = 0;       // of those, recovered and run through the oracles (not memo hits)
  uint64_t widest_layer = 0;  // RunStats::widest_layer, the largest of any run
  uint64_t depth = 0;         // RunStats::depth, the deepest of any run
  double seconds = 0;         // wall time of all the runs
  double cpu_seconds = 0;     // the process's CPU time (every thread) over the same span
  size_t budget_runs() const;
  bool budget() const { return budget_runs() > 0; }
};

// With the reductions on, on `jobs` threads, each run within `max_states` states (none: no budget).
RunOptions ReductionsOn(int jobs, std::optional<uint64_t> max_states);
// With every reduction off, one thread, each run within `max_images` images and `max_states`.
RunOptions ReductionsOff(uint64_t max_images, uint64_t max_states);

RunFigures MeasureRuns(const std::vector<Scenario>& scenarios, const RunOptions& options);

}  // namespace crashsim
