// Explorer: breadth-first over every schedule of the processes' steps (and the hardware's and,
// with `background: explore`, the background's), pruning states already visited by their
// canonical hash. Every distinct state is a crash point, checked by sim/explore/state_check.
//
// Breadth-first makes the trace shown for each violated name canonical: every state is reached
// first by a shortest schedule (and, among those, by the first in a fixed order of parents and
// steps), and of all candidates the least in sim/result/trace_order.h is kept. The states of one
// depth are checked in parallel (`jobs`) and merged in that fixed order, and a shard checks only
// the states it owns (hash mod count) while walking the same graph, so the result is the same
// for every number of jobs and the shards' results merge into the unsharded one. Without a budget,
// a sample, observed outcomes or possible private steps, the shards also split the walk: from the
// first depth past RunOptions::split_from_depth_percent of the walk's depth that is wide enough,
// each walks only its own block of that depth and checks every state it walks (WalkSplit).
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
#include "sim/result/run_options.h"
#include "sim/scenario/scenario.h"

namespace crashsim {

struct ExploreResult {
  std::map<std::string, Violation> violations;  // by name
  // With RunOptions::observe (sim/explore/state_check.h): per observed value its witness, and per
  // item whose values were cut the least (schedule length, crash point) where they were.
  std::map<std::pair<size_t, std::string>, Violation> outcomes;
  std::map<size_t, std::pair<size_t, std::string>> outcomes_cut;
  uint64_t distinct_states = 0;
  uint64_t crash_images = 0;
  // A sharded run that split its walk (sim/result/result.h): the shard's own part, for the merge.
  std::optional<WalkSplit> split;
  bool budget_exhausted = false;
  std::vector<BudgetStop> budget_stops;  // what ran out, where (sim/result/result.h)
  bool interrupted = false;  // `interrupt` stopped the exploration before the end
  RunStats stats;  // work counters (sim/result/run_options.h)
};

// What Explore throws when crashsim fails inside the exploration (a failed internal check, or an
// exception from the model): the failure and the step it happened at. Exactly the failure the
// single-threaded walk meets first, whatever `jobs` is: every state is checked in a fixed order
// and the one that fails first in that order is kept, so the report does not depend on timing.
struct ExploreFailure {
  InternalFailure failure;
};

// Throws ExploreFailure (never anything else); never lets an exception escape a worker thread.
// Reads of `options`: the budgets, the reductions, minimise, jobs, shard, sample, fault and
// interrupt (the mutations are already in `initial`).
ExploreResult Explore(const Scenario& scenario, const Machine& initial,
                      const RunOptions& options);

}  // namespace crashsim
