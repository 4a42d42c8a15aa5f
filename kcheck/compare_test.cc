#include "kcheck/compare.h"

#include <doctest/doctest.h>

#include "sim/scenario/loader.h"

namespace crashsim::kcheck {
namespace {

Scenario Load(const std::string& text) {
  StatusOr<Scenario> scenario = LoadScenarioText(text, "t.json");
  REQUIRE_MESSAGE(scenario.ok(), scenario.status().message());
  return *std::move(scenario);
}

const char* kScenario = R"json({
  "crashsim": 1, "name": "t",
  "config": { "background": "none" },
  "files": { "/f": { "size": 4096, "layout": "written", "fill": "30" } },
  "processes": { "P": ["fd = open /f rw", "pwrite fd 0 'x'", "v = pread fd 0 2", "fsync fd"] }
})json";

ScenarioResult RealRun(const std::string& read) {
  ScenarioResult real;
  real.name.assign(1, 't');  // (assigning a literal trips a GCC 12 -Wrestrict false positive)
  real.ops = {OpResult{"0", std::nullopt}, OpResult{"1", std::nullopt},
              OpResult{"2", std::vector<uint8_t>(read.begin(), read.end())},
              OpResult{"0", std::nullopt}};
  return real;
}

ReplayPoint Point(size_t segment, char first) {
  std::vector<uint8_t> bytes(4096, '0');
  bytes[0] = static_cast<uint8_t>(first);
  return ReplayPoint{segment, 10 + segment, "flush", "", {ResultFile{"/f", true, 4096, bytes}}};
}

TEST_CASE("results and reads that equal the model's are no miss; a differing read is one") {
  const Scenario scenario = Load(kScenario);
  const CanonicalRun run = RunCanonicalSchedule(scenario, Design::kMapSync);
  ScenarioCheck same;
  CompareVolatile(scenario, run, RealRun("x0"), &same);
  CHECK(same.misses.empty());
  CHECK(same.ops_compared == 4);
  ScenarioCheck differs;
  CompareVolatile(scenario, run, RealRun("y0"), &differs);
  REQUIRE(differs.misses.size() == 1);
  CHECK(differs.misses[0].kind == "volatile");
  CHECK(differs.misses[0].step == "op 3 (P: v = pread fd 0 2)");
  CHECK(differs.misses[0].observed == "read[0:1] = 79 (model: 78)");
}

TEST_CASE("a recovered state the segment allows is no miss; one it does not is, with the difference") {
  const Scenario scenario = Load(kScenario);
  const CanonicalRun run = RunCanonicalSchedule(scenario, Design::kMapSync);
  const ScheduleViews model =
      ReachableViews(scenario, Design::kMapSync, ViewPaths(scenario), ReachLimits{});
  ScenarioResult real = RealRun("x0");
  real.points = {Point(2, '0'), Point(4, 'x'), Point(2, 'x')};  // 'x' before fsync: not allowed
  ScenarioCheck check;
  CompareCrashes(scenario, run, model, real, &check);
  CHECK(check.replay_points == 3);
  CHECK(check.real_states == 2);
  CHECK(check.real_states_in_model == 2);
  REQUIRE(check.misses.size() == 1);
  CHECK(check.misses[0].step == "op 2 (P: pwrite fd 0 'x')");
  CHECK(check.misses[0].point == "log entry 12 (flush), segment 2");
  CHECK(check.misses[0].observed == "/f[0:1] = 78 (model: 30)");
}

TEST_CASE("an image that does not mount is a miss") {
  const Scenario scenario = Load(kScenario);
  const CanonicalRun run = RunCanonicalSchedule(scenario, Design::kMapSync);
  const ScheduleViews model =
      ReachableViews(scenario, Design::kMapSync, ViewPaths(scenario), ReachLimits{});
  ScenarioResult real = RealRun("x0");
  real.points = {ReplayPoint{1, 3, "mark:op-1", "mount: EUCLEAN", {}}};
  ScenarioCheck check;
  CompareCrashes(scenario, run, model, real, &check);
  REQUIRE(check.misses.size() == 1);
  CHECK(check.misses[0].observed.find("does not mount") != std::string::npos);
}

}  // namespace
}  // namespace crashsim::kcheck
