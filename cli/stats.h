// The --stats file: work counters of each scenario x model run (successor states built, states
// pruned as visited, states checked by this run, images checked while minimising witnesses, the
// deepest schedule, the widest depth), the report's own counts beside them, the wall time of each
// run and the peak memory of the process. These depend on the machine, the clock and how the work
// was split (--jobs, --shard), which is why they are never in a report (docs/architecture.md,
// "Reports").
#pragma once

#include <string>
#include <vector>

#include "models/config.h"
#include "sim/engine/engine.h"

namespace crashsim {

struct StatsRow {
  std::string path;
  std::string scenario;
  Design design = Design::kKernelTracked;
  RunStats work;
  uint64_t distinct_states = 0;
  uint64_t distinct_images = 0;
  double seconds = 0;
};

// The whole file, JSON, with totals; `peak_mib` is the process's peak resident memory.
std::string RenderStats(const std::vector<StatsRow>& rows, uint64_t jobs, double peak_mib);
// This process's peak resident memory so far, in MiB.
double PeakResidentMiB();

}  // namespace crashsim
