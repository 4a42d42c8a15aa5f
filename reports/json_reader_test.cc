#include "reports/json_reader.h"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "reports/json_report.h"
#include "reports/test_results.h"

namespace crashsim {
namespace {

using Json = nlohmann::ordered_json;
using testing::BudgetResult;
using testing::FailedAndInterruptedResult;
using testing::HostileResult;
using testing::MixedModeResult;
using testing::NotModelledResult;
using testing::SampledResult;

// Every field of the results, spelled out independently of the JSON writer, so that a field the
// writer and the reader both dropped would still show as a difference.
std::string Dump(const std::vector<ScenarioResult>& results) {
  std::string out;
  for (const ScenarioResult& scenario : results) {
    out += fmt::format("scenario path={:?} name={:?} doc={:?} config={:?}\n", scenario.path,
                       scenario.name, scenario.doc, scenario.config_summary);
    for (const ModelResult& model : scenario.models) {
      out += fmt::format(
          " model {} coverage={} seed={} states={} images={} not_modelled={:?}\n",
          DesignName(model.design), CoverageName(model.coverage), model.sample_seed,
          model.distinct_states, model.distinct_images, model.not_modelled);
      if (model.internal_error) {
        out += fmt::format("  internal error {:?} while {:?}\n", model.internal_error->what,
                           model.internal_error->step);
        for (const TraceStep& step : model.internal_error->schedule) {
          out += fmt::format("   step {:?} {:?} {:?}\n", step.actor, step.text, step.result);
        }
      }
      for (const std::string& name : model.violated) out += fmt::format("  violated {:?}\n", name);
      for (const std::string& name : model.expected) out += fmt::format("  expected {:?}\n", name);
      for (const Violation& v : model.violations) {
        out += fmt::format("  violation {:?} promise={:?} crash={:?} observed={:?} expected={:?}\n",
                           v.name, v.promise, v.crash_point, v.observed, v.expected);
        for (const TraceStep& step : v.schedule) {
          out += fmt::format("   step {:?} {:?} {:?}\n", step.actor, step.text, step.result);
        }
        for (const LostEvent& event : v.lost) {
          out += fmt::format("   lost {:?} {:?}\n", event.kind, event.description);
        }
        for (const std::string& line : v.state) out += fmt::format("   state {:?}\n", line);
        for (const PersistNode& node : v.persist_graph) {
          out += fmt::format("   node {:?} {:?} lost={}", node.kind, node.description, node.lost);
          for (int index : node.after) out += fmt::format(" {}", index);
          out += "\n";
        }
      }
    }
  }
  return out;
}

JsonReport ParseOk(const std::string& text) {
  StatusOr<JsonReport> report = ParseJsonReport(text, "report.json");
  if (!report.ok()) FAIL(report.status().message());
  return std::move(report).value();
}

std::string ErrorOf(const std::string& text, const std::string& path = "shard2.json") {
  StatusOr<JsonReport> report = ParseJsonReport(text, path);
  REQUIRE_FALSE(report.ok());
  return report.status().message();
}

// A report of MixedModeResult as a JSON value, to be broken in one place by a test.
Json MixedModeJson() { return Json::parse(RenderJsonReport({MixedModeResult()})); }

TEST_CASE("every kind of result reads back to the same value and renders to the same bytes") {
  // Clean runs, a violation with a full trace and persist graph, a run not modelled yet, a run cut
  // by the budget, a sampled run with its seed, an empty doc, several scenarios in one report.
  const std::vector<ScenarioResult> results = {MixedModeResult(), NotModelledResult(),
                                               BudgetResult(), testing::ImageBudgetResult(),
                                               SampledResult(), FailedAndInterruptedResult()};
  const std::string text = RenderJsonReport(results);
  const JsonReport report = ParseOk(text);
  CHECK_FALSE(report.shard.has_value());
  CHECK(Dump(report.scenarios) == Dump(results));
  CHECK(RenderJsonReport(report.scenarios) == text);
}

TEST_CASE("fix attempts read back to the same values, and a bad one is refused where it is") {
  const std::string text = RenderJsonReport({testing::FixResult()});
  const JsonReport report = ParseOk(text);
  REQUIRE(report.scenarios.size() == 1);
  CHECK(report.scenarios[0].models[0].violations == testing::FixResult().models[0].violations);
  CHECK(RenderJsonReport(report.scenarios) == text);
  Json json = Json::parse(text);
  Json& fix = json["scenarios"][0]["models"][0]["violations"][0]["fix"];
  fix[1]["outcome"] = "maybe";
  CHECK(ErrorOf(json.dump()) ==
        "shard2.json: /scenarios/0/models/0/violations/0/fix/1/outcome: unknown outcome "
        "\"maybe\": expected verified, not-enough or undecided");
  fix = Json::array();
  CHECK(ErrorOf(json.dump()).find("/violations/0/fix: expected 1 to 3 fix attempts") !=
        std::string::npos);
}

TEST_CASE("hostile text survives the round trip byte for byte") {
  // Quotes, backslashes, newlines, control characters and markup come back exactly; bytes that are
  // not UTF-8 were already U+FFFD in the report, so the second rendering equals the first.
  const std::string text = RenderJsonReport({HostileResult()});
  const JsonReport report = ParseOk(text);
  CHECK(RenderJsonReport(report.scenarios) == text);
  REQUIRE(report.scenarios.size() == 1);
  CHECK(report.scenarios[0].doc == HostileResult().doc);
  CHECK(report.scenarios[0].models[0].violations[0].schedule[3].text == "s: fsync fd\nsecond line");
  CHECK(report.scenarios[0].models[0].violations[0].observed ==
        "/f[0:1] = \xef\xbf\xbd\xef\xbf\xbd \x07 ```");
}

TEST_CASE("an empty report reads back as no scenarios") {
  const JsonReport report = ParseOk(RenderJsonReport({}));
  CHECK(report.scenarios.empty());
  CHECK(RenderJsonReport(report.scenarios) == RenderJsonReport({}));
}

TEST_CASE("a shard's report carries which shard it is, after the version, and reads it back") {
  const std::string text = RenderJsonReport({MixedModeResult()}, Shard{2, 4});
  CHECK(text.rfind("{\n  \"crashsim_report\": 1,\n  \"shard\": {\n    \"index\": 2,\n"
                   "    \"count\": 4\n  },\n  \"scenarios\": [\n",
                   0) == 0);
  const JsonReport report = ParseOk(text);
  REQUIRE(report.shard.has_value());
  CHECK(*report.shard == Shard{2, 4});
  CHECK(RenderJsonReport(report.scenarios, report.shard) == text);
  CHECK(RenderJsonReport({MixedModeResult()}).find("\"shard\"") == std::string::npos);
}

TEST_CASE("a file is read from disk, and a missing one is an error naming it") {
  const char* scratch = std::getenv("TEST_TMPDIR");
  const std::string path = std::string(scratch != nullptr ? scratch : ".") + "/report.json";
  const std::string text = RenderJsonReport({SampledResult()}, Shard{1, 1});
  std::ofstream(path, std::ios::binary) << text;
  StatusOr<JsonReport> report = ReadJsonReportFile(path);
  REQUIRE(report.ok());
  CHECK(RenderJsonReport(report->scenarios, report->shard) == text);
  std::remove(path.c_str());

  StatusOr<JsonReport> missing = ReadJsonReportFile("no/such/report.json");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.status().message() == "cannot read the report 'no/such/report.json'");
}

TEST_CASE("text that is not JSON is refused with the file name and where parsing stopped") {
  const std::string message = ErrorOf("{\"crashsim_report\": 1,", "a.json");
  CHECK(message.rfind("a.json: not JSON: parse error at line 1, column 23", 0) == 0);
  CHECK(message.find("[json.exception") == std::string::npos);
  CHECK(ErrorOf("", "empty.json").rfind("empty.json: not JSON: ", 0) == 0);
}

TEST_CASE("an unknown report version is refused as such, before its fields are judged") {
  Json report = MixedModeJson();
  report["crashsim_report"] = 2;
  report["something_new"] = true;
  CHECK(ErrorOf(report.dump()) ==
        "shard2.json: /crashsim_report: unknown report version 2; this crashsim reads version 1");
  report["crashsim_report"] = "1";
  CHECK(ErrorOf(report.dump()) ==
        "shard2.json: /crashsim_report: unknown report version \"1\"; this crashsim reads "
        "version 1");
}

TEST_CASE("a document that is not a report says what it is") {
  CHECK(ErrorOf("[1, 2]") == "shard2.json: expected a JSON object, a crashsim report");
  CHECK(ErrorOf("{\"scenarios\": []}") ==
        "shard2.json: /crashsim_report: missing: not a crashsim report");
  CHECK(ErrorOf("{\"crashsim\": 1, \"name\": \"x\"}") ==
        "shard2.json: a scenario file, not a crashsim report");
  CHECK(ErrorOf("{\"crashsim_baseline\": 1, \"runs\": []}") ==
        "shard2.json: a baseline, not a crashsim report");
}

TEST_CASE("a missing field is refused with its JSON pointer") {
  Json report = MixedModeJson();
  report["scenarios"][0]["models"][2]["violations"][0].erase("crash_point");
  CHECK(ErrorOf(report.dump()) ==
        "shard2.json: /scenarios/0/models/2/violations/0/crash_point: missing");

  report = MixedModeJson();
  report["scenarios"][0]["models"][1].erase("distinct_images");
  CHECK(ErrorOf(report.dump()) == "shard2.json: /scenarios/0/models/1/distinct_images: missing");

  report = MixedModeJson();
  report.erase("scenarios");
  CHECK(ErrorOf(report.dump()) == "shard2.json: /scenarios: missing");
}

TEST_CASE("a value of the wrong type is refused with its JSON pointer and the expected type") {
  Json report = MixedModeJson();
  report["scenarios"][0]["models"][1]["verdict"] = "msync";
  CHECK(ErrorOf(report.dump()) ==
        "shard2.json: /scenarios/0/models/1/verdict: expected an array of strings");
  report["scenarios"][0]["models"][1]["verdict"] = Json::array({"msync", 3});
  CHECK(ErrorOf(report.dump()) ==
        "shard2.json: /scenarios/0/models/1/verdict: expected an array of strings");

  const auto error_with = [](const std::string& pointer, Json value) {
    Json broken = MixedModeJson();
    broken[Json::json_pointer(pointer)] = std::move(value);
    return ErrorOf(broken.dump());
  };
  CHECK(error_with("/scenarios/0/name", 7) == "shard2.json: /scenarios/0/name: expected a string");
  CHECK(error_with("/scenarios/0/models/0/distinct_states", -1) ==
        "shard2.json: /scenarios/0/models/0/distinct_states: expected a non-negative integer");
  CHECK(error_with("/scenarios/0/models/0/distinct_states", 1.5) ==
        "shard2.json: /scenarios/0/models/0/distinct_states: expected a non-negative integer");
  CHECK(error_with("/scenarios/0/models/0/matches_expect", "yes") ==
        "shard2.json: /scenarios/0/models/0/matches_expect: expected true or false");
  CHECK(error_with("/scenarios/0/models/2/violations/0/schedule/1", Json::array()) ==
        "shard2.json: /scenarios/0/models/2/violations/0/schedule/1: expected an object");
  CHECK(error_with("/scenarios/0/models/2/violations/0/lost", Json::object()) ==
        "shard2.json: /scenarios/0/models/2/violations/0/lost: expected an array");
  CHECK(error_with("/scenarios/0/models/2/violations/0/persist_graph/2/after/0", "0") ==
        "shard2.json: /scenarios/0/models/2/violations/0/persist_graph/2/after/0: expected a "
        "node number");
  CHECK(error_with("/scenarios/0/models/2/violations/0/state", Json::array({1})) ==
        "shard2.json: /scenarios/0/models/2/violations/0/state: expected an array of strings");
  CHECK(error_with("/scenarios/0/models/0/model", "zfs") ==
        "shard2.json: /scenarios/0/models/0/model: unknown model \"zfs\"");
  CHECK(error_with("/scenarios/0/models/0/coverage", "partial") ==
        "shard2.json: /scenarios/0/models/0/coverage: unknown coverage \"partial\": expected "
        "exhaustive, sampled, budget-exhausted, interrupted or internal-error");
  CHECK(error_with("/shard", Json::array({2, 4})) == "shard2.json: /shard: expected an object");
}

TEST_CASE("an internal error is read only with its coverage, and with no verdict") {
  Json failed = Json::parse(RenderJsonReport({FailedAndInterruptedResult()}));
  Json& model = failed["scenarios"][0]["models"][0];
  model.erase("internal_error");
  CHECK(ErrorOf(failed.dump()) ==
        "shard2.json: /scenarios/0/models/0/internal_error: missing");
  Json exhaustive = MixedModeJson();
  exhaustive["scenarios"][0]["models"][0]["internal_error"] =
      Json{{"what", "x"}, {"step", "y"}, {"schedule", Json::array()}};
  CHECK(ErrorOf(exhaustive.dump()) ==
        "shard2.json: /scenarios/0/models/0/internal_error: only a run whose coverage is "
        "internal-error has one");
}

TEST_CASE("a key that version 1 does not have is refused, not dropped") {
  Json report = MixedModeJson();
  report["scenarios"][0]["models"][2]["violations"][0]["schedule"][0]["pid"] = 1;
  CHECK(ErrorOf(report.dump()) == "shard2.json: /scenarios/0/models/2/violations/0/schedule/0/pid: "
                                  "unknown key: version 1 of the report has no such field");
  report = MixedModeJson();
  report["a/b~c"] = 1;
  CHECK(ErrorOf(report.dump()) ==
        "shard2.json: /a~1b~0c: unknown key: version 1 of the report has no such field");
}

TEST_CASE("what the schema cannot say is checked too") {
  const auto error_with = [](const std::string& pointer, Json value) {
    Json broken = MixedModeJson();
    broken[Json::json_pointer(pointer)] = std::move(value);
    return ErrorOf(broken.dump());
  };
  CHECK(error_with("/scenarios/0/models/2/expected", Json::array({"y-durable", "msync"})) ==
        "shard2.json: /scenarios/0/models/2/expected: expected names sorted, each once");
  CHECK(error_with("/scenarios/0/models/2/expected", Json::array({"msync", "msync"})) ==
        "shard2.json: /scenarios/0/models/2/expected: expected names sorted, each once");
  CHECK(error_with("/scenarios/0/models/2/matches_expect", true) ==
        "shard2.json: /scenarios/0/models/2/matches_expect: disagrees with verdict and expected");
  CHECK(error_with("/scenarios/0/models/0/seed", 42) ==
        "shard2.json: /scenarios/0/models/0/seed: only a sampled run has a seed");
  CHECK(error_with("/scenarios/0/models/0/coverage", "sampled") ==
        "shard2.json: /scenarios/0/models/0/seed: missing");
  CHECK(error_with("/scenarios/0/models/0/verdict", Json::array({"fsync"})) ==
        "shard2.json: /scenarios/0/models/0/matches_expect: disagrees with verdict and expected");
  CHECK(error_with("/scenarios/0/models/2/verdict", Json::array({"fsync"})) ==
        "shard2.json: /scenarios/0/models/2/violations/0/guarantee: \"msync\" where the verdict's "
        "names in order give \"fsync\"");
  CHECK(error_with("/scenarios/0/models/2/verdict", Json::array()) ==
        "shard2.json: /scenarios/0/models/2/violations: 1 traces for the 0 names of the verdict: "
        "expected one per name");
  CHECK(error_with("/scenarios/0/models/2/violations/0/persist_graph/2/after/0", 3) ==
        "shard2.json: /scenarios/0/models/2/violations/0/persist_graph/2/after/0: node 3 is not "
        "in this graph of 3 nodes");
  CHECK(error_with("/scenarios/0/models/2/violations/0/persist_graph/2/after",
                   Json::array({0, 0})) ==
        "shard2.json: /scenarios/0/models/2/violations/0/persist_graph/2/after/1: node 0 is "
        "listed twice");
  CHECK(error_with("/scenarios/0/models/1/model", "kernel-tracked") ==
        "shard2.json: /scenarios/0/models/1/model: \"kernel-tracked\" after \"kernel-tracked\": "
        "models come once each, in the fixed design order");
  CHECK(error_with("/shard", Json{{"index", 5}, {"count", 4}}) ==
        "shard2.json: /shard/index: expected a shard from 1 to 4");
  CHECK(error_with("/shard", Json{{"index", 0}, {"count", 4}}) ==
        "shard2.json: /shard/index: expected a shard from 1 to 4");
  CHECK(error_with("/shard", Json{{"index", 1}, {"count", 0}}) ==
        "shard2.json: /shard/count: expected a shard count of at least 1");
  CHECK(error_with("/shard", Json{{"index", 1}}) == "shard2.json: /shard/count: missing");
}

}  // namespace
}  // namespace crashsim
