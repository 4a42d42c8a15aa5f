// Explorer: breadth-first over every schedule of the processes' steps (and the hardware's and,
// with `background: explore`, the background's), pruning states already visited by their
// canonical hash. Every distinct state is a crash point, checked by sim/explore/state_check.
//
// Breadth-first makes the trace shown for each violated name canonical: every state is reached
// first by a shortest schedule (and, among those, by the first in a fixed order of parents and
// steps), and of all candidates the least in sim/result/trace_order.h is kept. The states of one
// depth are checked in parallel (`jobs`) and merged in that fixed order, and a shard checks only
// the states it owns (hash mod count) while walking the same graph, so the result is the same
// for every number of jobs and the shards' results merge into the unsharded one.
//
// A stop request (`interrupt`) is polled before each state: the exploration then ends early and
// says so. A failure inside it ends it with ExploreFailure, located in the schedule.
//
// Sampling (`sample`) replaces the exhaustive walk by seeded random walks from the initial state,
// each state on each walk checked with one drawn crash image.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "models/machine.h"
#include "sim/result/result.h"
#include "sim/scenario/scenario.h"

namespace crashsim {

struct SampleSpec {
  uint64_t schedules = 0;  // random walks from the initial state to the end of the programs
  uint64_t seed = 0;
};

// Tests only: checking any state at `depth` fails as a bug would (sim/engine/engine.h).
struct ExploreFault {
  bool out_of_range = false;  // an std::out_of_range from a container, else a failed check
  uint64_t depth = 0;
};

struct ExploreLimits {
  std::optional<uint64_t> max_states;  // budget of distinct machine states
  std::optional<uint64_t> max_images;  // budget of crash images checked
  bool visited_states = true;  // prune states already explored
  bool downsets = true;        // whole images from downsets (else: subsets, non-downsets dropped)
  bool projection = true;      // per-byte and projected checking (else: every whole image)
  bool minimise = true;        // minimise the lost events of each shown witness
  bool memoise = true;         // check states with equal crash inputs once
  bool assertion_search = true;  // decide assertions by search, not enumeration
  int jobs = 1;                // threads checking the states of one depth
  uint32_t shard_index = 0;    // this run checks the states whose hash is index mod count
  uint32_t shard_count = 1;
  std::optional<SampleSpec> sample;
  std::optional<ExploreFault> fault;         // tests only
  const std::atomic<int>* interrupt = nullptr;  // non-zero: stop, the result is interrupted
};

// Work counters: they depend on the split and never reach a report (docs/architecture.md,
// "Reports").
struct ExploreStats {
  uint64_t steps = 0;             // successor states built (schedule edges walked)
  uint64_t revisits = 0;          // successors pruned as already visited
  uint64_t states_checked = 0;    // states whose crash images this run checked
  uint64_t minimise_checks = 0;   // images checked while minimising witnesses
  uint64_t memo_hits = 0;         // states whose crash checks came from the memo
  uint64_t memo_images = 0;       // the crash images those hits stood for
  uint64_t depth = 0;             // longest schedule walked
  uint64_t widest_layer = 0;      // most states held at one depth
};

struct ExploreResult {
  std::map<std::string, Violation> violations;  // by name
  uint64_t distinct_states = 0;
  uint64_t crash_images = 0;
  bool budget_exhausted = false;
  std::vector<BudgetStop> budget_stops;  // what ran out, where (sim/result/result.h)
  bool interrupted = false;  // `interrupt` stopped the exploration before the end
  ExploreStats stats;
};

// What Explore throws when crashsim fails inside the exploration (a failed internal check, or an
// exception from the model): the failure and the step it happened at. Exactly the failure the
// single-threaded walk meets first, whatever `jobs` is: every state is checked in a fixed order
// and the one that fails first in that order is kept, so the report does not depend on timing.
struct ExploreFailure {
  InternalFailure failure;
};

// Throws ExploreFailure (never anything else); never lets an exception escape a worker thread.
ExploreResult Explore(const Scenario& scenario, const Machine& initial,
                      const ExploreLimits& limits);

}  // namespace crashsim
