#include "reports/baseline.h"

#include <doctest/doctest.h>

#include <algorithm>

#include "reports/test_results.h"

namespace crashsim {
namespace {

using testing::BudgetResult;
using testing::MixedModeResult;
using testing::NotModelledResult;

Baseline Of(const std::vector<ScenarioResult>& results) {
  StatusOr<Baseline> baseline = BaselineFromResults(results);
  REQUIRE(baseline.ok());
  return *baseline;
}

std::vector<std::string> Whats(const std::vector<BaselineDifference>& differences) {
  std::vector<std::string> whats;
  for (const auto& difference : differences) {
    whats.push_back(difference.scenario + " " + difference.model + ": " + difference.what);
  }
  return whats;
}

TEST_CASE("a trace summary is its length, crash point and observed value") {
  CHECK(TraceSummary(testing::MsyncViolation()) ==
        "4 steps; crash after step 4 (P2 msync returned); observed /f[4096:4097] = 00");
}

TEST_CASE("the baseline is keyed and sorted by scenario then model, whatever the run order") {
  const std::string forward = RenderBaseline(Of({MixedModeResult(), NotModelledResult()}));
  const std::string backward = RenderBaseline(Of({NotModelledResult(), MixedModeResult()}));
  CHECK(forward == backward);
  CHECK(forward.rfind("{\n  \"crashsim_baseline\": 1,\n  \"runs\": [\n", 0) == 0);
  CHECK(forward.find("\"scenario\": \"mixed-mode-fsync\",\n      \"model\": \"daxfile-tracked\"") <
        forward.find("\"scenario\": \"mixed-mode-fsync\",\n      \"model\": \"daxfile-untracked\""));
  CHECK(forward.find("\"mixed-mode-fsync\"") < forward.find("\"reflink-seal\""));
  CHECK(forward.find("\"msync\": \"4 steps; crash after step 4") != std::string::npos);
  CHECK(forward.find("\"not_modelled\": \"/processes/P1/2: not modelled yet: reflink\"") !=
        std::string::npos);
}

TEST_CASE("a baseline reads back as written") {
  const Baseline baseline = Of({MixedModeResult(), NotModelledResult(), BudgetResult()});
  StatusOr<Baseline> read = ParseBaseline(RenderBaseline(baseline), "b.json");
  REQUIRE(read.ok());
  CHECK(*read == baseline);
  CHECK(DiffBaseline(*read, baseline, {}).empty());
}

TEST_CASE("a file that is not a baseline is one clear error, never an exception") {
  const auto error = [](const std::string& text) {
    StatusOr<Baseline> read = ParseBaseline(text, "b.json");
    REQUIRE_FALSE(read.ok());
    return read.status().message();
  };
  CHECK(error("").rfind("b.json: not a crashsim baseline: ", 0) == 0);
  CHECK(error("{\"crashsim_baseline\": 2, \"runs\": []}") ==
        "b.json: not a crashsim baseline: /crashsim_baseline: this crashsim reads version 1 only");
  CHECK(error("{\"crashsim_report\": 1}") ==
        "b.json: not a crashsim baseline: : unknown key \"crashsim_report\"");
  CHECK(error("{\"crashsim_baseline\": 1, \"runs\": [{\"scenario\": \"s\"}]}") ==
        "b.json: not a crashsim baseline: /runs/0: missing \"model\"");
  CHECK(error("{\"crashsim_baseline\": 1, \"runs\": [{\"scenario\": \"s\", \"model\": \"bogus\", "
              "\"coverage\": \"exhaustive\", \"verdict\": [], \"traces\": {}}]}") ==
        "b.json: not a crashsim baseline: /runs/0/model: unknown model \"bogus\"");
  const std::string run = "{\"scenario\": \"s\", \"model\": \"per-vma\", \"coverage\": "
                          "\"exhaustive\", \"verdict\": [1], \"traces\": {}}";
  CHECK(error("{\"crashsim_baseline\": 1, \"runs\": [" + run + "]}") ==
        "b.json: not a crashsim baseline: /runs/0/verdict: a name is not a string");
  const std::string good = "{\"scenario\": \"s\", \"model\": \"per-vma\", \"coverage\": "
                           "\"exhaustive\", \"verdict\": [], \"traces\": {}}";
  CHECK(error("{\"crashsim_baseline\": 1, \"runs\": [" + good + ", " + good + "]}") ==
        "b.json: not a crashsim baseline: /runs/1: a second entry for s under per-vma");
}

TEST_CASE("two scenarios with one name cannot share a baseline") {
  ScenarioResult twin = MixedModeResult();
  twin.path = "elsewhere/mixed-mode-fsync.json";
  StatusOr<Baseline> baseline = BaselineFromResults({MixedModeResult(), twin});
  REQUIRE_FALSE(baseline.ok());
  CHECK(baseline.status().message() ==
        "two scenarios are named 'mixed-mode-fsync' (scenarios/mixed-mode-fsync.json and "
        "elsewhere/mixed-mode-fsync.json): a baseline keys runs by scenario name");
}

TEST_CASE("the diff names new and fixed violations, changed traces and new or missing runs") {
  const Baseline recorded = Of({MixedModeResult(), NotModelledResult()});
  ScenarioResult changed = MixedModeResult();
  // daxfile-untracked: msync is fixed, and a new violation appears under map-sync.
  changed.models[2].violated.clear();
  changed.models[2].violations.clear();
  changed.models[1].violated = {"fsync"};
  Violation fsync = testing::MsyncViolation();
  fsync.name = "fsync";
  changed.models[1].violations = {fsync};
  // reflink-seal's assertion now fails after a longer schedule.
  ScenarioResult longer = NotModelledResult();
  longer.models[0].violations[0].schedule.push_back({"P2", "read", "0"});
  ScenarioResult added = BudgetResult();
  const Baseline current = Of({added, longer, changed});
  const auto differences = DiffBaseline(recorded, current, {});
  CHECK(Whats(differences) ==
        std::vector<std::string>{
            "many-writers kernel-tracked: new run, not in the baseline: verdict {}",
            "mixed-mode-fsync daxfile-untracked: fixed violation: msync (was 4 steps; crash after "
            "step 4 (P2 msync returned); observed /f[4096:4097] = 00)",
            "mixed-mode-fsync map-sync: new violation: fsync: 4 steps; crash after step 4 (P2 "
            "msync returned); observed /f[4096:4097] = 00",
            "reflink-seal daxfile-untracked: changed trace: y-durable",
        });
  CHECK(differences[3].was.rfind("4 steps;", 0) == 0);
  CHECK(differences[3].now.rfind("5 steps;", 0) == 0);
  CHECK(RenderBaselineDiff(differences).find("BASELINE reflink-seal: daxfile-untracked: changed "
                                             "trace: y-durable\n  was: 4 steps;") !=
        std::string::npos);
}

TEST_CASE("a run in the baseline but not run is missing, unless --model left its model out") {
  const Baseline recorded = Of({MixedModeResult()});
  ScenarioResult fewer = MixedModeResult();
  fewer.models.erase(fewer.models.begin() + 1);  // map-sync did not run
  CHECK(Whats(DiffBaseline(recorded, Of({fewer}), {})) ==
        std::vector<std::string>{"mixed-mode-fsync map-sync: missing run, in the baseline with "
                                 "verdict {} but not run"});
  std::vector<Design> models = {Design::kKernelTracked, Design::kDaxfileUntracked,
                                Design::kDaxfileTracked, Design::kPerVma};
  CHECK(DiffBaseline(recorded, Of({fewer}), models).empty());
}

TEST_CASE("coverage and not-modelled changes are differences") {
  const Baseline recorded = Of({NotModelledResult()});
  ScenarioResult now = NotModelledResult();
  now.models[1].not_modelled.clear();
  now.models[0].coverage = Coverage::kBudgetExhausted;
  const auto differences = DiffBaseline(recorded, Of({now}), {});
  REQUIRE(differences.size() == 2);
  // Sorted by model name: daxfile-tracked before daxfile-untracked.
  CHECK(differences[0].model == "daxfile-tracked");
  CHECK(differences[0].what == "not-modelled status changed");
  CHECK(differences[0].now == "modelled");
  CHECK(differences[1].what == "coverage changed");
  CHECK(differences[1].was == "exhaustive");
  CHECK(differences[1].now == "budget-exhausted");
}

}  // namespace
}  // namespace crashsim
