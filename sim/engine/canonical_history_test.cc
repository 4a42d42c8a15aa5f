// The canonical state hash (HashMachine with canonical_history, docs/architecture.md "Equal
// histories") is exact: states it merges reach the same verdicts. Hand-made cases show what it
// merges (interleavings of writes to different bytes of one file) and what it keeps apart (writes
// to a byte in common); generated programs of two and three processes on one or two shared files,
// with buffered, direct and DAX writes, truncation, syncs, reads and assertions across processes,
// compare verdicts with it on and off.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <set>
#include <string>
#include <vector>

#include "sim/engine/engine.h"
#include "sim/engine/generated_scenarios.h"
#include "sim/scenario/loader.h"

namespace crashsim {
namespace {

Scenario Load(const std::string& text) {
  auto loaded = LoadScenarioText(text, "canonical.json");
  REQUIRE_MESSAGE(loaded.ok(), text);
  return *loaded;
}

struct Compared {
  ModelResult on, off;
};

Compared Compare(const Scenario& scenario, Design design) {
  Compared c;
  c.on = RunScenario(scenario, design, RunOptions{});
  RunOptions off;
  off.reductions.canonical_history = false;
  off.max_states = 6000;
  c.off = RunScenario(scenario, design, off);
  REQUIRE(c.on.coverage == Coverage::kExhaustive);
  return c;
}

std::string OneFile(const std::string& p1, const std::string& p2, const std::string& assertions) {
  return fmt::format(R"({{"crashsim": 1, "name": "one-file", "models": ["kernel-tracked"],
    "config": {{"background": "none"}},
    "files": {{"/f": {{"size": 8192, "layout": "written", "fill": "00"}}}},
    "processes": {{"P1": [{}], "P2": [{}]}}, "assert": [{}]}})",
                     p1, p2, assertions);
}

TEST_CASE("two processes writing their own blocks of one file: interleavings merge") {
  const Scenario scenario = Load(OneFile(
      R"("fd = open /f rw", "pwrite fd 0 'a'", "pwrite fd 512 'b'", "fsync fd")",
      R"("fd = open /f rw", "pwrite fd 4096 'c'", "pwrite fd 4608 'd'", "fsync fd")", ""));
  const Compared c = Compare(scenario, Design::kKernelTracked);
  REQUIRE(c.off.coverage == Coverage::kExhaustive);
  CHECK(c.on.violated == c.off.violated);
  CHECK(c.on.violated.empty());
  MESSAGE("states: ", c.on.distinct_states, " canonical, ", c.off.distinct_states, " as recorded");
  CHECK(c.on.distinct_states * 4 < c.off.distinct_states);
}

TEST_CASE("two processes writing one byte: both orders stay") {
  // P1's 'a' then P2's 'b', or the other way round: the last one wins. Each assertion wants its
  // own byte once its fsync returned, so each is violated only in the order where the other
  // process wrote last: both are found only if both orders are walked.
  const Scenario scenario = Load(OneFile(
      R"("fd = open /f rw", "pwrite fd 0 'a'", "w1: fsync fd")",
      R"("fd = open /f rw", "pwrite fd 0 'b'", "w2: fsync fd")",
      R"({"name": "a-stays", "after": "P1.w1", "check": "/f[0:1] == 'a'"},
         {"name": "b-stays", "after": "P2.w2", "check": "/f[0:1] == 'b'"})"));
  const Compared c = Compare(scenario, Design::kKernelTracked);
  REQUIRE(c.off.coverage == Coverage::kExhaustive);
  CHECK(c.on.violated == c.off.violated);
  CHECK(c.on.violated.count("a-stays") == 1);
  CHECK(c.on.violated.count("b-stays") == 1);
}

// A promise's size and mtime at invocation (and its range and inode) are read by the durability
// oracle, so they are state. P1's fdatasync is invoked before or after P2's extending write, and
// promises size 8192 or 8193. Under a mutated model whose fdatasync returns at once when no page
// is dirty (P2's own sync_file_range leaves nothing dirty but the size update unforced), only the
// later invocation is broken. Both hashes once left those fields out: the canonical one merged
// the two invocations (they differ elsewhere only in P1's fd open time, which it leaves out), and
// with a barrier fixing the open time, so did the hash as recorded. A walk that merges no state
// at all is the reference.
struct ThreeWays {
  ModelResult canonical, recorded, every_schedule;
};
ThreeWays RunThreeWays(const Scenario& scenario, std::set<Mutation> mutations) {
  RunOptions canonical;
  canonical.mutations = std::move(mutations);
  RunOptions recorded = canonical;
  recorded.reductions.canonical_history = false;
  RunOptions every_schedule = recorded;
  every_schedule.reductions.visited_states = false;
  return {RunScenario(scenario, Design::kKernelTracked, canonical),
          RunScenario(scenario, Design::kKernelTracked, recorded),
          RunScenario(scenario, Design::kKernelTracked, every_schedule)};
}

TEST_CASE("a sync's size at invocation is state, under both hashes") {
  for (const char* barrier : {"", R"("barrier b", )"}) {
    CAPTURE(barrier);
    const Scenario scenario = Load(fmt::format(R"({{"crashsim": 1, "name": "size-at-invocation",
      "models": ["kernel-tracked"], "config": {{"background": "none"}},
      "files": {{"/f": {{"size": 8192, "layout": "written", "fill": "00"}}}},
      "processes": {{"P1": ["fd = open /f rw", {}"s: fdatasync fd"],
                    "P2": ["fd = open /f rw", {}"pwrite fd 8192 'x'",
                           "sync_file_range fd 0 0 write wait_after"]}}}})",
                                               barrier, barrier));
    const ThreeWays runs = RunThreeWays(scenario, {Mutation::kFdatasyncSkipsCleanMapping});
    REQUIRE(runs.every_schedule.coverage == Coverage::kExhaustive);
    CHECK(runs.every_schedule.violated == std::set<std::string>{"fdatasync"});
    CHECK(runs.recorded.violated == runs.every_schedule.violated);
    CHECK(runs.canonical.violated == runs.every_schedule.violated);
  }
}

TEST_CASE("generated processes sharing files have the same verdict with the canonical hash off") {
  int compared = 0, merged = 0, violating = 0, skipped = 0;
  for (uint64_t seed = 1; seed <= 26; ++seed) {
    const int processes = seed % 3 == 0 ? 3 : 2;
    const std::string text = GeneratedScenario(seed, processes, processes == 3 ? 2 : 3);
    INFO(text);
    const Scenario scenario = Load(text);
    for (Design design : scenario.designs) {
      const Compared c = Compare(scenario, design);
      if (c.off.coverage != Coverage::kExhaustive) {
        ++skipped;
        continue;
      }
      INFO("under ", DesignName(design));
      CHECK(c.on.violated == c.off.violated);
      CHECK(c.on.distinct_states <= c.off.distinct_states);
      ++compared;
      if (c.on.distinct_states < c.off.distinct_states) ++merged;
      if (!c.on.violated.empty()) ++violating;
    }
  }
  MESSAGE("compared ", compared, " runs (", merged, " with states merged, ", violating,
          " with a violation); over the budget as recorded: ", skipped);
  CHECK(compared >= 80);
  CHECK(merged >= compared / 2);
  CHECK(violating >= 20);
  CHECK(violating <= compared - 20);
}

}  // namespace
}  // namespace crashsim
