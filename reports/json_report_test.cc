#include "reports/json_report.h"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "reports/test_results.h"

namespace crashsim {
namespace {

using testing::MixedModeResult;
using testing::NotModelledResult;
using testing::SampledResult;

std::vector<std::string> Keys(const nlohmann::ordered_json& object) {
  std::vector<std::string> keys;
  for (auto it = object.begin(); it != object.end(); ++it) keys.push_back(it.key());
  return keys;
}

TEST_CASE("the JSON report has the versioned shape with keys in a fixed order") {
  const std::string text = RenderJsonReport({MixedModeResult()});
  const auto report = nlohmann::ordered_json::parse(text);
  CHECK(Keys(report) == std::vector<std::string>{"crashsim_report", "scenarios"});
  CHECK(report["crashsim_report"] == 1);
  REQUIRE(report["scenarios"].size() == 1);
  const auto& scenario = report["scenarios"][0];
  CHECK(Keys(scenario) == std::vector<std::string>{"path", "name", "doc", "config", "models"});
  CHECK(scenario["path"] == "scenarios/mixed-mode-fsync.json");
  CHECK(scenario["config"] == "platform=adr fs=xfs");
  REQUIRE(scenario["models"].size() == 5);
  const auto& model = scenario["models"][2];
  CHECK(Keys(model) == std::vector<std::string>{"model", "verdict", "expected", "matches_expect",
                                                "coverage", "distinct_states", "distinct_images",
                                                "violations"});
  CHECK(model["model"] == "daxfile-untracked");
  CHECK(model["verdict"] == nlohmann::ordered_json::array({"msync"}));
  CHECK(model["expected"] == nlohmann::ordered_json::array({"msync", "y-durable"}));
  CHECK(model["matches_expect"] == false);
  CHECK(model["coverage"] == "exhaustive");
  CHECK(model["distinct_states"] == 12);
  CHECK(model["distinct_images"] == 30);
  REQUIRE(model["violations"].size() == 1);
  const auto& violation = model["violations"][0];
  CHECK(Keys(violation) == std::vector<std::string>{"guarantee", "promise", "schedule",
                                                    "crash_point", "lost", "observed", "expected",
                                                    "state", "persist_graph"});
  CHECK(violation["guarantee"] == "msync");
  REQUIRE(violation["schedule"].size() == 4);
  CHECK(Keys(violation["schedule"][0]) == std::vector<std::string>{"actor", "text", "result"});
  CHECK(violation["schedule"][3]["text"] == "ms: msync m 4096 4096 sync");
  CHECK(violation["schedule"][3]["result"] == "0");
  REQUIRE(violation["lost"].size() == 1);
  CHECK(Keys(violation["lost"][0]) == std::vector<std::string>{"kind", "description"});
  CHECK(violation["lost"][0]["kind"] == "pmem-line");
  CHECK(violation["state"].size() == 2);
  CHECK(scenario["models"][0]["matches_expect"] == true);
  CHECK(scenario["models"][0]["verdict"] == nlohmann::ordered_json::array());
}

TEST_CASE("a violation carries the persist graph of its crash point with the lost events marked") {
  const auto report = nlohmann::ordered_json::parse(RenderJsonReport({MixedModeResult()}));
  const auto& graph = report["scenarios"][0]["models"][2]["violations"][0]["persist_graph"];
  REQUIRE(graph.size() == 3);
  CHECK(Keys(graph[2]) == std::vector<std::string>{"kind", "description", "lost", "after"});
  CHECK(graph[0]["lost"] == false);
  CHECK(graph[1]["kind"] == "device-write");
  CHECK(graph[1]["lost"] == true);
  CHECK(graph[2]["after"] == nlohmann::ordered_json::array({0}));
  CHECK(graph[2]["description"] == "transaction 2: \"msync\" log force");
}

TEST_CASE("a sampled run carries its seed and an exhaustive one does not") {
  const auto report =
      nlohmann::ordered_json::parse(RenderJsonReport({SampledResult(), MixedModeResult()}));
  const auto& sampled = report["scenarios"][0]["models"][0];
  CHECK(sampled["coverage"] == "sampled");
  CHECK(sampled["seed"] == 42);
  CHECK_FALSE(report["scenarios"][1]["models"][0].contains("seed"));
}

TEST_CASE("a run with an op not modelled yet says which op") {
  const auto report = nlohmann::ordered_json::parse(RenderJsonReport({NotModelledResult()}));
  const auto& models = report["scenarios"][0]["models"];
  CHECK(models[1]["model"] == "daxfile-tracked");
  CHECK(models[1]["not_modelled"] == "/processes/P1/2: not modelled yet: reflink");
  CHECK_FALSE(models[0].contains("not_modelled"));
}

TEST_CASE("coverage names are the report's spellings") {
  CHECK(std::string(CoverageName(Coverage::kExhaustive)) == "exhaustive");
  CHECK(std::string(CoverageName(Coverage::kSampled)) == "sampled");
  CHECK(std::string(CoverageName(Coverage::kBudgetExhausted)) == "budget-exhausted");
}

TEST_CASE("the same results give byte-identical JSON indented by two and ending in a newline") {
  const std::string first = RenderJsonReport({MixedModeResult(), NotModelledResult()});
  const std::string second = RenderJsonReport({MixedModeResult(), NotModelledResult()});
  CHECK(first == second);
  CHECK(first.rfind("{\n  \"crashsim_report\": 1,\n  \"scenarios\": [\n", 0) == 0);
  CHECK(first.back() == '\n');
  CHECK(first[first.size() - 2] == '}');
}

TEST_CASE("an empty report still has the version and an empty scenario list") {
  CHECK(RenderJsonReport({}) == "{\n  \"crashsim_report\": 1,\n  \"scenarios\": []\n}\n");
}

TEST_CASE("bytes that are not UTF-8 are replaced instead of failing the report") {
  ScenarioResult scenario = MixedModeResult();
  scenario.models[2].violations[0].observed = "/f[0:1] = \xff";
  const std::string text = RenderJsonReport({scenario});
  CHECK(text.find("\"observed\": \"/f[0:1] = \xef\xbf\xbd\"") != std::string::npos);
}

}  // namespace
}  // namespace crashsim
