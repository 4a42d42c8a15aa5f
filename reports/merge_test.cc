#include "reports/merge.h"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "reports/json_reader.h"
#include "reports/json_report.h"
#include "reports/test_results.h"

namespace crashsim {
namespace {

using testing::AssertionViolation;
using testing::MsyncViolation;

constexpr uint64_t kStates = 12;

// A run under `design` that checked `images` images and found `violations`; every shard of the
// scenario explores the same kStates states.
ModelResult Run(Design design, uint64_t images, std::vector<Violation> violations = {}) {
  ModelResult run;
  run.design = design;
  run.expected = {"msync", "y-durable"};
  run.distinct_states = kStates;
  run.distinct_images = images;
  for (const Violation& violation : violations) run.violated.insert(violation.name);
  run.violations = std::move(violations);
  return run;
}

ScenarioResult Scenario(std::vector<ModelResult> models) {
  ScenarioResult scenario;
  scenario.path = "scenarios/l7.json";
  scenario.name = "l7";
  scenario.doc = "Mixed modes on different pages.";
  scenario.config_summary = "platform=adr fs=xfs";
  scenario.models = std::move(models);
  return scenario;
}

// The msync trace with one step more than MsyncViolation(): found first by some shard, but not
// the canonical one.
Violation LongerMsyncViolation() {
  Violation violation = MsyncViolation();
  violation.schedule.insert(violation.schedule.begin(), {"P1", "fd = open /f rw", "0"});
  violation.crash_point = "after step 5 (P2 msync returned)";
  return violation;
}

ShardReport PartOf(uint32_t index, uint32_t count, std::vector<ScenarioResult> scenarios) {
  return ShardReport{fmt::format("shard{}.json", index), Shard{index, count},
                     std::move(scenarios)};
}

// Three shards of one run of `l7`: the msync violation found by shards 1 and 3 (shard 3 with the
// canonical trace), y-durable by shard 2; the images split 10 + 15 + 5 and 9 + 11 + 10.
std::vector<ShardReport> ThreeShards() {
  return {
      PartOf(1, 3, {Scenario({Run(Design::kKernelTracked, 10),
                             Run(Design::kDaxfileUntracked, 9, {LongerMsyncViolation()})})}),
      PartOf(2, 3, {Scenario({Run(Design::kKernelTracked, 15),
                             Run(Design::kDaxfileUntracked, 11, {AssertionViolation()})})}),
      PartOf(3, 3, {Scenario({Run(Design::kKernelTracked, 5),
                             Run(Design::kDaxfileUntracked, 10, {MsyncViolation()})})}),
  };
}

// What the unsharded run of `l7` reports.
ScenarioResult Unsharded() {
  return Scenario({Run(Design::kKernelTracked, 30),
                   Run(Design::kDaxfileUntracked, 30, {MsyncViolation(), AssertionViolation()})});
}

// The merged results as a report: the reader's round-trip test shows the rendering carries every
// field, so equal renderings are equal values.
std::string Merged(const std::vector<ShardReport>& shards) {
  StatusOr<std::vector<ScenarioResult>> merged = MergeShards(shards);
  if (!merged.ok()) FAIL(merged.status().message());
  return RenderJsonReport(*merged);
}

std::string ErrorOf(const std::vector<ShardReport>& shards) {
  StatusOr<std::vector<ScenarioResult>> merged = MergeShards(shards);
  REQUIRE_FALSE(merged.ok());
  return merged.status().message();
}

TEST_CASE("shards merge into the unsharded run: states shared, images summed, traces canonical") {
  CHECK(Merged(ThreeShards()) == RenderJsonReport({Unsharded()}));
}

TEST_CASE("the order the shards are given in does not matter") {
  std::vector<ShardReport> shards = ThreeShards();
  std::vector<size_t> order = {0, 1, 2};
  do {
    std::vector<ShardReport> permuted;
    for (size_t i : order) permuted.push_back(shards[i]);
    CHECK(Merged(permuted) == RenderJsonReport({Unsharded()}));
  } while (std::next_permutation(order.begin(), order.end()));
}

TEST_CASE("a run split in one shard is that shard's results") {
  const std::vector<ScenarioResult> whole = {Unsharded(), testing::MixedModeResult()};
  CHECK(Merged({PartOf(1, 1, whole)}) == RenderJsonReport(whole));
}

TEST_CASE("scenarios of a multi-scenario report merge position by position") {
  std::vector<ShardReport> shards = ThreeShards();
  for (ShardReport& shard : shards) shard.scenarios.push_back(testing::BudgetResult());
  const std::string merged = Merged(shards);
  ScenarioResult budget = testing::BudgetResult();
  budget.models[0].distinct_images *= 3;
  CHECK(merged == RenderJsonReport({Unsharded(), budget}));
}

TEST_CASE("among the shards' traces of one name the canonical order picks, ties to the lower shard") {
  Violation more_lost = MsyncViolation();
  more_lost.lost.push_back({"journal", "transaction 2"});
  Violation later_key = MsyncViolation();
  later_key.crash_point = "after step 4 (P2 msync returned, later)";
  Violation tied = MsyncViolation();
  tied.state = {"the same trace, with other state lines"};

  const auto merged_trace = [](Violation in_shard1, Violation in_shard2) {
    StatusOr<std::vector<ScenarioResult>> merged =
        MergeShards({PartOf(2, 2, {Scenario({Run(Design::kMapSync, 1, {in_shard2})})}),
                     PartOf(1, 2, {Scenario({Run(Design::kMapSync, 1, {in_shard1})})})});
    REQUIRE(merged.ok());
    return merged->at(0).models.at(0).violations.at(0);
  };
  CHECK(merged_trace(more_lost, MsyncViolation()).lost.size() == 1);
  CHECK(merged_trace(MsyncViolation(), more_lost).lost.size() == 1);
  CHECK(merged_trace(later_key, MsyncViolation()).crash_point == MsyncViolation().crash_point);
  CHECK(merged_trace(tied, MsyncViolation()).state == tied.state);
  CHECK(merged_trace(MsyncViolation(), tied).state == MsyncViolation().state);
}

// Two shards of a run whose walk split at depth 3 below 5 states: shard 1 walked states 1, 2 and
// 3 from there, shard 2 states 3 and 4 (state 3 reached by both blocks); each shard counted the
// images of every state it walked, and shard 1 also 2 images above the split.
std::vector<ShardReport> SplitShards() {
  const auto part = [](uint32_t index, std::vector<SplitState> states, uint64_t above_images,
                       std::vector<Violation> violations) {
    ModelResult run = Run(Design::kKernelTracked, above_images, std::move(violations));
    run.split = WalkSplit{3, 5, std::move(states)};
    run.distinct_states = 5 + 16 + run.split->states.size();
    for (const SplitState& state : run.split->states) run.distinct_images += state.images;
    return PartOf(index, 2, {Scenario({run})});
  };
  Violation first = MsyncViolation();
  first.order = {0, 1, 0, 0};
  Violation second = MsyncViolation();
  second.order = {1, 0, 0, 0};
  second.schedule.front().text = "a schedule whose text is less";
  return {part(1, {{0, 1, 4}, {0, 2, 3}, {0, 3, 7}}, 2, {first}),
          part(2, {{0, 3, 7}, {0, 4, 1}}, 0, {second})};
}

TEST_CASE("a split walk merges its states as a union, each state's images once") {
  StatusOr<std::vector<ScenarioResult>> merged = MergeShards(SplitShards());
  REQUIRE(merged.ok());
  const ModelResult& run = merged->at(0).models.at(0);
  CHECK(run.distinct_states == 5 + 4);
  CHECK(run.distinct_images == 2 + 4 + 3 + 7 + 1);
  CHECK_FALSE(run.split.has_value());
  // The trace found first breadth-first, though the other's text is less.
  REQUIRE(run.violations.size() == 1);
  CHECK(run.violations[0].order == std::vector<uint32_t>{0, 1, 0, 0});
}

TEST_CASE("shards that disagree on a split walk are refused") {
  std::vector<ShardReport> shards = SplitShards();
  shards[1].scenarios[0].models[0].split->depth = 4;
  CHECK(ErrorOf(shards) ==
        "shard2.json: scenario 'l7' (scenarios/l7.json), model kernel-tracked: split its walk at "
        "depth 4 below 5 states, but at depth 3 below 5 states in shard 1: these are not shards "
        "of one run");
  shards = SplitShards();
  shards[1].scenarios[0].models[0].split->states[0].images = 6;
  CHECK(ErrorOf(shards) ==
        "shard2.json: scenario 'l7' (scenarios/l7.json), model kernel-tracked: counted 6 crash "
        "images at state 00000000000000000000000000000003, but 7 elsewhere: these are not shards "
        "of one run");
  shards = SplitShards();
  shards[1].scenarios[0].models[0].split.reset();
  CHECK(ErrorOf(shards) ==
        "shard2.json: scenario 'l7' (scenarios/l7.json), model kernel-tracked: walked the whole "
        "graph, but others split it: these are not shards of one run");
}

TEST_CASE("a shard's report keeps the merge's fields and reads them back; others refuse them") {
  const std::vector<ShardReport> shards = SplitShards();
  const std::string text = RenderJsonReport(shards[0].scenarios, shards[0].shard);
  StatusOr<JsonReport> read = ParseJsonReport(text, "shard1.json");
  REQUIRE(read.ok());
  CHECK(read->scenarios[0].models[0].split == shards[0].scenarios[0].models[0].split);
  CHECK(read->scenarios[0].models[0].violations[0].order == std::vector<uint32_t>{0, 1, 0, 0});
  const std::string whole = RenderJsonReport(shards[0].scenarios);
  CHECK(whole.find("\"split\"") == std::string::npos);
  CHECK(whole.find("\"order\"") == std::string::npos);
  nlohmann::json unsharded = nlohmann::json::parse(text);
  unsharded.erase("shard");
  StatusOr<JsonReport> refused = ParseJsonReport(unsharded.dump(), "whole.json");
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().message().find("only a shard's report has one") != std::string::npos);
}

TEST_CASE("a run is budget-exhausted when any shard's was, with the most states any shard saw") {
  std::vector<ShardReport> shards = ThreeShards();
  ModelResult& cut = shards[1].scenarios[0].models[0];
  cut.coverage = Coverage::kBudgetExhausted;
  cut.distinct_states = kStates - 4;
  StatusOr<std::vector<ScenarioResult>> merged = MergeShards(shards);
  REQUIRE(merged.ok());
  const ModelResult& run = merged->at(0).models.at(0);
  CHECK(run.coverage == Coverage::kBudgetExhausted);
  CHECK(run.distinct_states == kStates);
  CHECK(run.distinct_images == 30);
  CHECK(merged->at(0).models.at(1).coverage == Coverage::kExhaustive);

  for (ShardReport& shard : shards) {
    shard.scenarios[0].models[0].coverage = Coverage::kBudgetExhausted;
    shard.scenarios[0].models[0].distinct_states = 1000;
  }
  merged = MergeShards(shards);
  REQUIRE(merged.ok());
  CHECK(merged->at(0).models.at(0).distinct_states == 1000);
}

TEST_CASE("the merged run names the state budget and the image budget at its least crash point") {
  std::vector<ShardReport> shards = ThreeShards();
  const BudgetStop states{BudgetStop::Kind::kStates, 8, "", "after step 3 (P1: x)", 3, 8};
  const BudgetStop late{BudgetStop::Kind::kImages, 65536, "a", "after step 5 (P1: y)", 5, 65536};
  const BudgetStop early{BudgetStop::Kind::kImages, 65536, "b", "after step 4 (P1: z)", 4, 65536};
  std::vector<std::vector<BudgetStop>> stops = {{late}, {states, early}, {late}};
  for (size_t k = 0; k < shards.size(); ++k) {
    ModelResult& run = shards[k].scenarios[0].models[0];
    run.coverage = Coverage::kBudgetExhausted;
    run.distinct_states = 8;
    run.budget_stops = stops[k];
  }
  StatusOr<std::vector<ScenarioResult>> merged = MergeShards(shards);
  REQUIRE(merged.ok());
  const std::vector<BudgetStop>& kept = merged->at(0).models.at(0).budget_stops;
  REQUIRE(kept.size() == 2);
  CHECK(kept[0].kind == BudgetStop::Kind::kStates);
  CHECK(kept[1].assertion == "b");
  CHECK(kept[1].crash_point == "after step 4 (P1: z)");
}

TEST_CASE("a run is interrupted when any shard's was, before budget-exhausted") {
  std::vector<ShardReport> shards = ThreeShards();
  shards[0].scenarios[0].models[0].coverage = Coverage::kBudgetExhausted;
  shards[2].scenarios[0].models[0].coverage = Coverage::kInterrupted;
  shards[2].scenarios[0].models[0].distinct_states = 3;
  StatusOr<std::vector<ScenarioResult>> merged = MergeShards(shards);
  REQUIRE(merged.ok());
  CHECK(merged->at(0).models.at(0).coverage == Coverage::kInterrupted);
  CHECK(merged->at(0).models.at(0).distinct_states == kStates);
}

TEST_CASE("an internal error in any shard fails the merged run, the shortest schedule shown") {
  std::vector<ShardReport> shards = ThreeShards();
  const auto fail = [&](size_t shard, size_t steps) {
    ModelResult& run = shards[shard].scenarios[0].models[1];
    run.coverage = Coverage::kInternalError;
    run.violated.clear();
    run.violations.clear();
    run.internal_error = InternalFailure{"internal check failed: x", "shard " + std::to_string(shard),
                                         std::vector<TraceStep>(steps, {"P1", "sync", "0"})};
  };
  fail(2, 4);
  fail(1, 3);
  StatusOr<std::vector<ScenarioResult>> merged = MergeShards(shards);
  REQUIRE(merged.ok());
  const ModelResult& run = merged->at(0).models.at(1);
  CHECK(run.coverage == Coverage::kInternalError);
  CHECK(run.violated.empty());
  CHECK(run.violations.empty());
  REQUIRE(run.internal_error.has_value());
  CHECK(run.internal_error->step == "shard 1");
  CHECK(merged->at(0).models.at(0).coverage == Coverage::kExhaustive);
}

TEST_CASE("a budget-cut shard that saw more states than a complete one is refused") {
  std::vector<ShardReport> shards = ThreeShards();
  ModelResult& cut = shards[2].scenarios[0].models[0];
  cut.coverage = Coverage::kBudgetExhausted;
  cut.distinct_states = kStates + 1;
  CHECK(ErrorOf(shards) ==
        "shard3.json: scenario 'l7' (scenarios/l7.json), model kernel-tracked: 13 distinct "
        "states before its budget ran out, but 12 in shard1.json, and every shard explores the "
        "whole schedule graph: these are not shards of one run");
}

TEST_CASE("a sampled run stays sampled with its seed, which every shard must share") {
  std::vector<ShardReport> shards = ThreeShards();
  for (ShardReport& shard : shards) {
    shard.scenarios[0].models[0].coverage = Coverage::kSampled;
    shard.scenarios[0].models[0].sample_seed = 7;
  }
  StatusOr<std::vector<ScenarioResult>> merged = MergeShards(shards);
  REQUIRE(merged.ok());
  CHECK(merged->at(0).models.at(0).coverage == Coverage::kSampled);
  CHECK(merged->at(0).models.at(0).sample_seed == 7);

  shards[2].scenarios[0].models[0].sample_seed = 8;
  CHECK(ErrorOf(shards) ==
        "shard3.json: scenario 'l7' (scenarios/l7.json), model kernel-tracked: sampled with seed "
        "8, but seed 7 in shard1.json: these are not shards of one run");

  shards[2].scenarios[0].models[0].coverage = Coverage::kExhaustive;
  CHECK(ErrorOf(shards) ==
        "shard3.json: scenario 'l7' (scenarios/l7.json), model kernel-tracked: coverage "
        "exhaustive, but sampled in shard1.json: these are not shards of one run");
}

TEST_CASE("the inputs must be exactly shards 1..N of one N, each once") {
  CHECK(ErrorOf({}) == "no shard reports to merge");

  std::vector<ShardReport> shards = ThreeShards();
  shards.pop_back();
  CHECK(ErrorOf(shards) == "missing shard 3 of 3: a merge needs every shard of the run");

  shards = ThreeShards();
  for (ShardReport& shard : shards) shard.shard.count = 5;
  CHECK(ErrorOf(shards) == "missing shards 4, 5 of 5: a merge needs every shard of the run");

  shards = ThreeShards();
  shards[2].shard.index = 2;
  shards[2].source = "copy.json";
  CHECK(ErrorOf(shards) == "duplicate shard 2/3: shard2.json and copy.json");

  shards = ThreeShards();
  shards[1].shard.count = 4;
  CHECK(ErrorOf(shards) ==
        "shard2.json is shard 2/4 but shard1.json is shard 1/3: the shards of one run have the "
        "same count");

  shards = ThreeShards();
  shards[2].shard.index = 4;
  CHECK(ErrorOf(shards) == "shard3.json: shard 4/3 is not one of 1 to 3");
}

TEST_CASE("shards of different scenario runs are refused, naming the file and what differs") {
  const auto error_after = [](auto change) {
    std::vector<ShardReport> shards = ThreeShards();
    change(shards[2]);
    return ErrorOf(shards);
  };
  CHECK(error_after([](ShardReport& s) { s.scenarios.push_back(s.scenarios[0]); }) ==
        "shard3.json holds 2 scenarios, but shard1.json holds 1: these are not shards of one run");
  CHECK(error_after([](ShardReport& s) { s.scenarios[0].path = "other/l7.json"; }) ==
        "shard3.json: scenario 1 is scenario 'l7' (other/l7.json), but in shard1.json it is "
        "scenario 'l7' (scenarios/l7.json): these are not shards of one run");
  CHECK(error_after([](ShardReport& s) { s.scenarios[0].name = "l8"; }) ==
        "shard3.json: scenario 1 is scenario 'l8' (scenarios/l7.json), but in shard1.json it is "
        "scenario 'l7' (scenarios/l7.json): these are not shards of one run");
  CHECK(error_after([](ShardReport& s) { s.scenarios[0].doc = "edited"; }) ==
        "shard3.json: scenario 'l7' (scenarios/l7.json): its doc differs from shard1.json's: "
        "these are not shards of one run");
  CHECK(error_after([](ShardReport& s) { s.scenarios[0].config_summary = "platform=eadr"; }) ==
        "shard3.json: scenario 'l7' (scenarios/l7.json): config 'platform=eadr', but "
        "'platform=adr fs=xfs' in shard1.json: these are not shards of one run");
  CHECK(error_after([](ShardReport& s) { s.scenarios[0].models.pop_back(); }) ==
        "shard3.json: scenario 'l7' (scenarios/l7.json): models kernel-tracked, but "
        "kernel-tracked, daxfile-untracked in shard1.json: these are not shards of one run");
  CHECK(error_after([](ShardReport& s) { s.scenarios[0].models[0].design = Design::kMapSync; }) ==
        "shard3.json: scenario 'l7' (scenarios/l7.json): models map-sync, daxfile-untracked, but "
        "kernel-tracked, daxfile-untracked in shard1.json: these are not shards of one run");
  CHECK(error_after([](ShardReport& s) { s.scenarios[0].models[1].expected = {}; }) ==
        "shard3.json: scenario 'l7' (scenarios/l7.json), model daxfile-untracked: expects "
        "nothing, but msync, y-durable in shard1.json: these are not shards of one run");
  CHECK(error_after([](ShardReport& s) { s.scenarios[0].models[1].distinct_states = 11; }) ==
        "shard3.json: scenario 'l7' (scenarios/l7.json), model daxfile-untracked: 11 distinct "
        "states, but 12 in shard1.json, and every shard explores the whole schedule graph: these "
        "are not shards of one run");
  CHECK(error_after([](ShardReport& s) { s.scenarios[0].models[0].not_modelled = "/x: y"; }) ==
        "shard3.json: scenario 'l7' (scenarios/l7.json), model kernel-tracked: not-modelled "
        "'/x: y', but '' in shard1.json: these are not shards of one run");
}

// A file under the test's scratch directory.
std::string ScratchPath(const std::string& name) {
  const char* dir = std::getenv("TEST_TMPDIR");
  return std::string(dir != nullptr ? dir : ".") + "/" + name;
}

std::string WriteScratch(const std::string& name, const std::string& text) {
  const std::string path = ScratchPath(name);
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

TEST_CASE("shard report files merge into the unsharded report, with no shard object") {
  std::vector<std::string> paths;
  for (const ShardReport& shard : ThreeShards()) {
    paths.push_back(WriteScratch(shard.source, RenderJsonReport(shard.scenarios, shard.shard)));
  }
  StatusOr<std::vector<ScenarioResult>> merged = MergeShardReports(paths);
  REQUIRE(merged.ok());
  CHECK(RenderJsonReport(*merged) == RenderJsonReport({Unsharded()}));
}

TEST_CASE("a file that is not a shard's report is refused with its name") {
  const std::string shard1 =
      WriteScratch("one.json", RenderJsonReport({Unsharded()}, Shard{1, 2}));
  const std::string whole = WriteScratch("whole.json", RenderJsonReport({Unsharded()}));
  StatusOr<std::vector<ScenarioResult>> merged = MergeShardReports({shard1, whole});
  REQUIRE_FALSE(merged.ok());
  CHECK(merged.status().message() ==
        whole + ": not a shard's report (it has no \"shard\" object): merge joins the JSON "
                "reports of `crashsim run --shard I/N`");

  const std::string broken = WriteScratch("broken.json", "{\"crashsim_report\": 3}");
  merged = MergeShardReports({shard1, broken});
  REQUIRE_FALSE(merged.ok());
  CHECK(merged.status().message() ==
        broken + ": /crashsim_report: unknown report version 3; this crashsim reads version 1");

  merged = MergeShardReports({shard1, ScratchPath("absent.json")});
  REQUIRE_FALSE(merged.ok());
  CHECK(merged.status().message() ==
        "cannot read the report '" + ScratchPath("absent.json") + "'");

  merged = MergeShardReports({shard1});
  REQUIRE_FALSE(merged.ok());
  CHECK(merged.status().message() == "missing shard 2 of 2: a merge needs every shard of the run");

  merged = MergeShardReports({});
  REQUIRE_FALSE(merged.ok());
  CHECK(merged.status().message() == "no shard reports to merge");
}

}  // namespace
}  // namespace crashsim
