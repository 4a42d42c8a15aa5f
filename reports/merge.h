// Merging the reports of a sharded run (`crashsim run --shard I/N`) into the results the unsharded
// run gives (`crashsim merge`).
//
// Under --shard I/N every shard walks the same states until the walk is wide, and runs the crash
// checks there only at the states it owns (hash mod N); from the split depth on, each walks its
// own block and checks every state it walks (WalkSplit, docs/architecture.md "Shards that split
// the walk"). A walk too narrow to split, or a run with a budget, a sample, observed outcomes or
// possible private steps, stays whole in every shard. The merge therefore takes, per scenario and
// model: the shards' common distinct_states, or for a split walk the states above the split plus
// the union of the states the shards walked below it; the sum of their distinct_images, each
// state below a split counted once; the union of their verdicts and, per violated name, the trace
// the canonical order (sim/result/trace_order.h) prefers among the shards' traces, which is the
// one the unsharded run keeps. Coverage is interrupted when any shard's was, else budget-exhausted
// when any shard's was, else the shards' common coverage (a sampled run keeps its seed). An
// internal error in any shard makes the merged run an internal error, showing the one met at the
// shortest schedule (then the lowest shard). Nothing in the result depends on the order the
// shards are given in.
//
// The merge refuses, with a Status naming the file and what differs, anything that is not exactly
// shards 1..N of one run: a shard missing or given twice, shards of different counts, reports of
// different scenario files, designs, expectations, configs, state counts, split depths, crash
// images of one state or seeds.
#pragma once

#include <string>
#include <vector>

#include "reports/json_report.h"
#include "sim/base/status.h"
#include "sim/result/result.h"

namespace crashsim {

// One shard's part of a sharded run.
struct ShardReport {
  std::string source;  // where it came from, e.g. "shard2.json": names it in error messages
  Shard shard;
  std::vector<ScenarioResult> scenarios;
};

// Merges shards 1..N of one run, given in any order, into the unsharded run's results.
StatusOr<std::vector<ScenarioResult>> MergeShards(const std::vector<ShardReport>& shards);

// Reads the JSON reports at `paths` (each written with a shard, see RenderJsonReport) and merges
// them; the result is rendered as an ordinary report, with no shard.
StatusOr<std::vector<ScenarioResult>> MergeShardReports(const std::vector<std::string>& paths);

}  // namespace crashsim
