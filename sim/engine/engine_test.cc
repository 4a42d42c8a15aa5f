// End-to-end: every bundled scenario meets its `expect` under every design it runs, the verdicts
// come from the mechanism (deliberately wrong models flip them), and a run is deterministic.
#include "sim/engine/engine.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>

#include "sim/scenario/loader.h"

namespace crashsim {
namespace {

std::string ScenarioDir() { return "scenarios"; }  // the test runs in the workspace's runfiles

Scenario Load(const std::string& name) {
  auto loaded = LoadScenarioFile(ScenarioDir() + "/" + name);
  REQUIRE_MESSAGE(loaded.ok(), (loaded.ok() ? "" : loaded.status().message()));
  return *loaded;
}

std::string Names(const std::set<std::string>& names) {
  std::string text = "{";
  for (const auto& name : names) text += (text.size() > 1 ? "," : "") + name;
  return text + "}";
}

TEST_CASE("every bundled scenario meets its expect under every design it runs") {
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(ScenarioDir())) {
    if (entry.path().extension() == ".json") files.push_back(entry.path().filename().string());
  }
  std::sort(files.begin(), files.end());
  REQUIRE(files.size() >= 8);
  for (const std::string& file : files) {
    const Scenario scenario = Load(file);
    for (Design design : scenario.designs) {
      const ModelResult result = RunScenario(scenario, design, RunOptions{});
      INFO(file, " under ", DesignName(design), ": got ", Names(result.violated), " expected ",
           Names(result.expected), " ", result.not_modelled);
      CHECK(result.not_modelled.empty());
      CHECK(result.matches_expect());
      CHECK(result.coverage == Coverage::kExhaustive);
    }
  }
}

TEST_CASE("L1 reports fdatasync violated, reading zeroes, when fdatasync returns early with no dirty page") {
  const Scenario scenario = Load("l1-dio-fdatasync-prealloc.json");
  const ModelResult correct = RunScenario(scenario, Design::kKernelTracked, RunOptions{});
  CHECK(correct.violated.empty());
  RunOptions wrong;
  wrong.mutations.insert(Mutation::kFdatasyncSkipsCleanMapping);
  const ModelResult mutated = RunScenario(scenario, Design::kKernelTracked, wrong);
  REQUIRE(mutated.violated.count("fdatasync") == 1);
  const auto it = std::find_if(mutated.violations.begin(), mutated.violations.end(),
                               [](const Violation& v) { return v.name == "fdatasync"; });
  REQUIRE(it != mutated.violations.end());
  CHECK(it->observed.find("fill(00, 4096)") != std::string::npos);
  CHECK(it->promise.find("fdatasync") != std::string::npos);
}

TEST_CASE("a model where a completed write is durable without a flush hides the loss that dio-needs-flush shows") {
  const Scenario scenario = Load("dio-needs-flush.json");
  const ModelResult correct = RunScenario(scenario, Design::kKernelTracked, RunOptions{});
  CHECK(correct.violated == std::set<std::string>{"durable-at-completion"});
  RunOptions wrong;
  wrong.mutations.insert(Mutation::kCompletedWriteIsDurable);
  const ModelResult mutated = RunScenario(scenario, Design::kKernelTracked, wrong);
  CHECK(mutated.violated.empty());
  CHECK_FALSE(mutated.matches_expect());
}

TEST_CASE("running the same scenario twice gives the same verdict, counts and traces") {
  const Scenario scenario = Load("two-writers-one-fsync.json");
  const ModelResult first = RunScenario(scenario, Design::kMapSync, RunOptions{});
  const ModelResult second = RunScenario(scenario, Design::kMapSync, RunOptions{});
  CHECK(first.violated == second.violated);
  CHECK(first.distinct_states == second.distinct_states);
  CHECK(first.distinct_images == second.distinct_images);
  REQUIRE(first.violations.size() == second.violations.size());
  for (size_t i = 0; i < first.violations.size(); ++i) {
    CHECK(first.violations[i].observed == second.violations[i].observed);
    CHECK(first.violations[i].schedule.size() == second.violations[i].schedule.size());
  }
}

TEST_CASE("a state budget that runs out is reported, never a pass") {
  const Scenario scenario = Load("two-writers-one-fsync.json");
  RunOptions options;
  options.max_states = 3;
  const ModelResult result = RunScenario(scenario, Design::kKernelTracked, options);
  CHECK(result.coverage == Coverage::kBudgetExhausted);
  CHECK(result.distinct_states == 3);
}

TEST_CASE("an op whose model is not built yet is rejected with its JSON pointer") {
  auto loaded = LoadScenarioText(R"({
    "crashsim": 1, "name": "later", "files": { "/f": { "size": 4096, "layout": "written", "fill": "41" } },
    "processes": { "P1": ["fd = open /f rw", "reflink fd 0 fd 0 4096"] } })", "later.json");
  REQUIRE(loaded.ok());
  const ModelResult result = RunScenario(*loaded, Design::kKernelTracked, RunOptions{});
  CHECK(result.not_modelled == "later.json: /processes/P1/1: not modelled yet: reflink");
}

}  // namespace
}  // namespace crashsim
