// Explorer: depth-first over every schedule of the processes' steps (and, with
// `background: explore`, background writeback and I/O completions), pruning states already
// visited by their canonical hash. Every distinct state is a crash point: its persist graph is
// enumerated, each image recovered and checked. For each violated name one canonical trace is
// kept: the shortest schedule, then the least in a fixed order, so the result does not depend on
// the order of exploration.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "models/machine.h"
#include "sim/engine/result.h"
#include "sim/scenario/scenario.h"

namespace crashsim {

struct ExploreLimits {
  std::optional<uint64_t> max_states;
  std::optional<uint64_t> max_images;
  bool visited_states = true;  // prune states already explored
  bool downsets = true;        // whole images from downsets (else: subsets, non-downsets dropped)
  bool projection = true;      // per-byte and projected checking (else: every whole image)
};

struct ExploreResult {
  std::map<std::string, Violation> violations;  // by name
  uint64_t distinct_states = 0;
  uint64_t crash_images = 0;
  bool budget_exhausted = false;
};

ExploreResult Explore(const Scenario& scenario, const Machine& initial,
                      const ExploreLimits& limits);

}  // namespace crashsim
