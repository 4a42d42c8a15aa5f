// The enumerator figure (issue #5; README.md, "How long it takes"): at the last crash point of a
// pmem trace, with projection off, every crash image stepped to incrementally by ImageWalk and
// checked by ImageChecks on one thread, up to a cap, which counts the step to the next image and
// every guarantee and assertion that reads those lines, not a recovery of file-system metadata;
// and, for scale, the slow path on the same state (each image recovered and checked by the
// oracles). Figures only: nothing here is asserted.
#pragma once

#include <cstdint>
#include <string>

#include "sim/scenario/scenario.h"

namespace crashsim {

struct WalkFigures {
  std::string refused;  // why the walk does not apply to the state, or empty
  uint64_t events = 0, lines = 0, components = 0;
  uint64_t image_count = 0;  // the whole space (saturated)
  uint64_t walked = 0;       // images stepped to and checked
  uint64_t failing = 0;      // of which some check failed
  double compile_seconds = 0, walk_seconds = 0;
  double changes_per_step = 0;  // events moved per step, over a prefix of the walk
  size_t assertions = 0, byte_checks = 0, constant_failures = 0;
  size_t footprint_bytes = 0;  // the walk's own tables
  uint64_t slow_images = 0;    // the slow path, on the same state
  double slow_seconds = 0;
};

// Runs the scenario's one process to its end (each store drained as it is issued) under its first
// design, then measures the walk of that state's images, at most `cap` of them, and the slow path
// over at most `slow_cap`.
WalkFigures MeasureWalk(const Scenario& scenario, uint64_t cap, uint64_t slow_cap);

}  // namespace crashsim
