// Shards that split the walk (docs/architecture.md, "Shards that split the walk"): the shards of a
// run, each walking only its own block of a wide depth and what it reaches, written as shard
// reports, read back and merged, give the unsharded run's JSON report byte for byte: a hand-made
// wide family and generated scenarios of two and three processes sharing files, with violations
// found at states that several blocks reach, under 2 to 5 shards split at the command line's depth
// and at shallower ones and several widths (so that small walks split too, and early). How many
// steps the shards walk together is a figure of the benchmark (`bench --concurrency-only`).
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "reports/json_reader.h"
#include "reports/json_report.h"
#include "reports/merge.h"
#include "sim/engine/engine.h"
#include "sim/engine/generated_scenarios.h"
#include "sim/scenario/loader.h"

namespace crashsim {
namespace {

Scenario Load(const std::string& text) {
  auto loaded = LoadScenarioText(text, "split.json");
  REQUIRE_MESSAGE(loaded.ok(), text);
  return *loaded;
}

std::string Report(const Scenario& scenario, const ModelResult& model,
                   const std::optional<Shard>& shard) {
  ScenarioResult result{"split.json", scenario.name, "", "", {model}};
  return RenderJsonReport({result}, shard);
}

struct Split {
  bool identical = false;
  bool walk_split = false;     // some shard split its walk
  uint64_t split_depth = 0;    // where it split
  uint64_t whole_depth = 0;    // the deepest depth of the unsharded walk
  uint64_t whole_steps = 0, largest_shard_steps = 0;
};

// Where the shards split the walk: the first depth `from_percent` of the walk's depth down that
// holds `per_shard` states per shard.
struct SplitAt {
  uint32_t from_percent = RunOptions{}.split_from_depth_percent;
  uint64_t per_shard = RunOptions{}.split_states_per_shard;
};

// Runs `scenario` under `design` whole and in `count` shards, which split the walk `at`, and
// merges the shards' reports.
Split RunSplit(const Scenario& scenario, Design design, uint32_t count, SplitAt at) {
  RunOptions whole;
  whole.fix = false;
  whole.split_from_depth_percent = at.from_percent;
  whole.split_states_per_shard = at.per_shard;
  RunStats whole_stats;
  const ModelResult unsharded = RunScenario(scenario, design, whole, &whole_stats);
  Split split;
  split.whole_steps = whole_stats.steps;
  split.whole_depth = whole_stats.depth;
  std::vector<ShardReport> shards;
  for (uint32_t index = 1; index <= count; ++index) {
    RunOptions part = whole;
    part.shard = Shard{index, count};
    RunStats stats;
    const ModelResult run = RunScenario(scenario, design, part, &stats);
    split.largest_shard_steps = std::max(split.largest_shard_steps, stats.steps);
    split.walk_split = split.walk_split || run.split.has_value();
    if (run.split) split.split_depth = run.split->depth;
    StatusOr<JsonReport> read = ParseJsonReport(Report(scenario, run, part.shard), "shard.json");
    REQUIRE_MESSAGE(read.ok(), read.status().message());
    shards.push_back(ShardReport{fmt::format("shard{}.json", index), part.shard, read->scenarios});
  }
  StatusOr<std::vector<ScenarioResult>> merged = MergeShards(shards);
  REQUIRE_MESSAGE(merged.ok(), merged.status().message());
  const std::string expected = Report(scenario, unsharded, std::nullopt);
  const std::string got = RenderJsonReport(*merged, std::nullopt);
  split.identical = got == expected;
  if (!split.identical) {
    MESSAGE("unsharded:\n", expected, "\nmerged from ", count, " shards:\n", got);
  }
  return split;
}

// Two processes writing their own blocks of one file and fsyncing it, one reading a byte the
// other writes: each fsync writes back the other's pages, so the interleavings stay apart and
// the depths grow wide. Both assertions are violated, at states several blocks reach.
std::string OneFileWriters() {
  return R"({"crashsim": 1, "name": "one-file-writers", "models": ["kernel-tracked"],
    "config": {"background": "none", "sector_bytes": 512},
    "files": {"/f": {"size": 8192, "layout": "written", "fill": "00"}},
    "processes": {
      "P1": ["fd = open /f rw", "pwrite fd 0 'x'", "pwrite fd 512 'x'", "pwrite fd 1024 'x'",
             "pwrite fd 1536 'x'", "fsync fd"],
      "P2": ["fd = open /f rw", "pwrite fd 4096 'x'", "pwrite fd 4608 'x'", "pwrite fd 5120 'x'",
             "pwrite fd 5632 'x'", "fsync fd", "v: pread fd 0 1"]},
    "assert": [{"name": "first-byte-never-lands", "check": "/f[0:1] == 0x00"},
               {"name": "second-lands-only-with-first",
                "check": "/f[4608:4609] != 0x00 -> /f[4096:4097] != 0x00"}]})";
}

TEST_CASE("a wide walk split over shards merges into the unsharded report") {
  const Scenario scenario = Load(OneFileWriters());
  for (uint32_t count = 2; count <= 5; ++count) {
    for (SplitAt at : {SplitAt{}, SplitAt{0, 1}, SplitAt{0, 4}, SplitAt{0, 16}, SplitAt{30, 2}}) {
      CAPTURE(count);
      CAPTURE(at.from_percent);
      CAPTURE(at.per_shard);
      const Split split = RunSplit(scenario, Design::kKernelTracked, count, at);
      CHECK(split.walk_split);
      CHECK(split.identical);
      CHECK(split.largest_shard_steps < split.whole_steps);
      // Every schedule of the family has the same length, so the walk's depth is the estimate's.
      CHECK(split.split_depth * 100 >= split.whole_depth * at.from_percent);
      // Split at the first depth with a state per shard, the walk splits early.
      if (at.from_percent == 0 && at.per_shard == 1) {
        CHECK(split.split_depth < split.whole_depth / 2);
      }
    }
  }
}

// The generated processes renamed "w1", "w2", ...: names that sort after "hardware" (the actor of
// a store buffer's drain), so that a trace's text and its breadth-first order disagree, and a
// shard whose block reaches a state later than another's would win on text alone.
std::string Renamed(std::string text) {
  for (size_t at = text.find("\"P"); at != std::string::npos; at = text.find("\"P", at)) {
    text[at + 1] = 'w';
  }
  return text;
}

// Two processes, listed "b" before "a", each write their own byte of one file with O_DSYNC; the
// assertion is violated once both bytes are durable. The walk splits after the first step: block
// 1 holds b's first step, block 2 a's, and both blocks reach the violating states. Breadth-first,
// b's steps come first (process order is the file's); as text, "a" sorts first. The unsharded run
// shows b's schedule; so must the merge, though shard 2 reaches the same states by schedules
// whose text is less.
TEST_CASE("a state two blocks reach shows the schedule of the block that reaches it first") {
  const Scenario scenario = Load(R"({"crashsim": 1, "name": "two-orders", "models": ["kernel-tracked"],
    "config": {"background": "none"},
    "files": {"/f": {"size": 4096, "layout": "written", "fill": "00"}},
    "processes": {"b": ["sd = open /f rw dsync", "pwrite sd 0 'x'"],
                  "a": ["sd = open /f rw dsync", "pwrite sd 512 'y'"]},
    "assert": [{"name": "not-both", "check": "/f[0:1] != 0x00 -> /f[512:513] == 0x00"}]})");
  for (uint32_t count = 2; count <= 3; ++count) {
    CAPTURE(count);
    const Split split = RunSplit(scenario, Design::kKernelTracked, count, SplitAt{0, 1});
    CHECK(split.walk_split);
    CHECK(split.identical);
  }
}

// Two processes storing to their own lines of a DAX file: the partial-order reduction takes a
// store alone only when its successor was not visited before (C3), which below a split depends
// on the states the shard's own block reached. Such a walk stays whole in every shard; split, the
// merged state counts came out above or below the unsharded ones (470 or 503 against 489).
TEST_CASE("a walk with private steps is not split, and merges into the unsharded report") {
  const Scenario scenario = Load(R"({"crashsim": 1, "name": "private-stores", "models": ["kernel-tracked"],
    "config": {"background": "none"},
    "files": {"/f": {"size": 8192, "layout": "written", "fill": "00", "dax": true}},
    "processes": {
      "B": ["fd = open /f rw", "m = mmap fd 0 8192 shared", "store m+0 0x11", "store m+64 0x12",
            "sfence", "store m+128 0x13", "store m+192 0x14"],
      "A": ["fd = open /f rw", "m = mmap fd 0 8192 shared", "store m+4096 0x21", "sfence",
            "store m+4160 0x22", "store m+4224 0x23", "sfence"]},
    "assert": [{"name": "x", "check": "/f[64:65] != 0x00 -> /f[0:1] != 0x00"},
               {"name": "y", "check": "/f[4224:4225] != 0x00 -> /f[4160:4161] != 0x00"},
               {"name": "z", "check": "/f[192:193] != 0x00 -> /f[4096:4097] != 0x00"}]})");
  for (auto [count, per_shard] : {std::pair<uint32_t, uint64_t>{2, 7}, {4, 2}, {6, 1}}) {
    CAPTURE(count);
    CAPTURE(per_shard);
    const Split split = RunSplit(scenario, Design::kKernelTracked, count, SplitAt{0, per_shard});
    CHECK_FALSE(split.walk_split);
    CHECK(split.identical);
  }
}

TEST_CASE("generated processes sharing files: split walks merge into the unsharded report") {
  int compared = 0, walks_split = 0, violating = 0;
  for (uint64_t seed = 1; seed <= 12; ++seed) {
    const int processes = seed % 3 == 0 ? 3 : 2;
    const std::string text = Renamed(GeneratedScenario(seed, processes, processes == 3 ? 2 : 3));
    INFO(text);
    const Scenario scenario = Load(text);
    for (Design design : scenario.designs) {
      INFO("under ", DesignName(design));
      const uint32_t count = 2 + seed % 3;
      const Split split =
          RunSplit(scenario, design, count, SplitAt{uint32_t(seed % 2 ? 0 : 55), 1 + seed % 4});
      CHECK(split.identical);
      ++compared;
      if (split.walk_split) ++walks_split;
    }
    if (!RunScenario(scenario, Design::kKernelTracked, RunOptions{}).violated.empty()) {
      ++violating;
    }
  }
  MESSAGE("compared ", compared, " runs, ", walks_split, " of them with the walk split; ",
          violating, " of 12 scenarios with a violation under kernel-tracked");
  CHECK(walks_split >= compared / 2);
  CHECK(violating >= 4);
}

}  // namespace
}  // namespace crashsim
