#include "kcheck/plan.h"

#include <doctest/doctest.h>

#include "sim/reach/recovered_view.h"
#include "sim/scenario/loader.h"

namespace crashsim::kcheck {
namespace {

Scenario Load(const std::string& path) {
  StatusOr<Scenario> scenario = LoadScenarioFile(path);
  REQUIRE_MESSAGE(scenario.ok(), scenario.status().message());
  return *std::move(scenario);
}

bool Mentions(const Plan& plan, const std::string& word) {
  for (const std::string& reason : plan.not_checked) {
    if (reason.find(word) != std::string::npos) return true;
  }
  return false;
}

TEST_CASE("a buffered block-device scenario runs with a crash check and says what it compares as zero") {
  const Scenario scenario = Load("scenarios/l1-buffered-fdatasync.json");
  const CanonicalRun run = RunCanonicalSchedule(scenario, Design::kMapSync);
  const Plan plan = PlanScenario(scenario, run);
  CHECK(plan.runs);
  CHECK(plan.crash_check);
  CHECK(Mentions(plan, "stale fill"));
  const JobScenario job = BuildJob(scenario, run, plan, ViewPaths(scenario));
  CHECK(job.fs == "xfs");
  CHECK_FALSE(job.pmem);
  REQUIRE(job.ops.size() == 3);
  CHECK(job.ops[0].kind == "open");
  CHECK(job.ops[0].args == std::vector<std::string>{"P1.fd", "/f", "rw"});
  CHECK(job.ops[1].args == std::vector<std::string>{"P1.fd", "0", "41*4096"});
  CHECK(job.ops[2].kind == "fdatasync");
  REQUIRE(job.files.size() == 1);
  CHECK(job.files[0].pieces[0].layout == "unwritten");
}

TEST_CASE("a DAX scenario with seal gets the volatile check only, seal taken from the model") {
  const Scenario scenario = Load("scenarios/l7-mixed-modes-msync.json");
  const CanonicalRun run = RunCanonicalSchedule(scenario, Design::kMapSync);
  const Plan plan = PlanScenario(scenario, run);
  CHECK(plan.runs);
  CHECK_FALSE(plan.crash_check);
  CHECK(Mentions(plan, "map-sync"));
  CHECK(Mentions(plan, "interleavings"));
  CHECK(Mentions(plan, "seal, unseal"));
  CHECK(Mentions(plan, "persistent memory"));
  const JobScenario job = BuildJob(scenario, run, plan, ViewPaths(scenario));
  CHECK(job.pmem);
  CHECK(job.ops[1].kind == "skip");
  CHECK(job.ops[1].args == std::vector<std::string>{"EOPNOTSUPP"});
}

TEST_CASE("swapext does not run, and says why") {
  const Scenario scenario = Load("scenarios/swapext-freshness.json");
  const CanonicalRun run = RunCanonicalSchedule(scenario, Design::kMapSync);
  const Plan plan = PlanScenario(scenario, run);
  CHECK_FALSE(plan.runs);
  CHECK(plan.blocked.find("swapext") != std::string::npos);
}

TEST_CASE("a device cache without FUA turns the crash check off") {
  const Scenario scenario = Load("scenarios/dio-dsync-no-fua.json");
  const CanonicalRun run = RunCanonicalSchedule(scenario, Design::kMapSync);
  const Plan plan = PlanScenario(scenario, run);
  CHECK(plan.runs);
  CHECK_FALSE(plan.crash_check);
  CHECK(Mentions(plan, "volatile-no-fua"));
}

}  // namespace
}  // namespace crashsim::kcheck
