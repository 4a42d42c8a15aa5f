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

TEST_CASE("the new calls go to the runner with every argument and flag") {
  StatusOr<Scenario> loaded = LoadScenarioText(R"json({
    "crashsim": 1, "name": "t",
    "files": { "/f": { "size": 4096, "layout": "written", "fill": "30" } },
    "processes": { "P1": [
      "fd = open /f wo append trunc", "write fd 'ab'", "writev fd 'a' 'b'",
      "pwritev fd 8 'c' 'd'", "lseek fd -2 end", "sync_file_range fd 0 0 wait_before write",
      "sync_file_range fd 0 4096", "g = open /g rw creat excl", "mkdir /d", "rmdir /d",
      "link /f /h", "symlink ../f /l", "truncate /h 1", "rename /h /f exchange",
      "rename /g /k noreplace"] }
  })json", "t.json");
  REQUIRE_MESSAGE(loaded.ok(), loaded.status().message());
  const Scenario& scenario = *loaded;
  const CanonicalRun run = RunCanonicalSchedule(scenario, Design::kMapSync);
  const Plan plan = PlanScenario(scenario, run);
  CHECK(plan.runs);
  const JobScenario job = BuildJob(scenario, run, plan, ViewPaths(scenario));
  using Args = std::vector<std::string>;
  REQUIRE(job.ops.size() == 15);
  CHECK(job.ops[0].args == Args{"P1.fd", "/f", "wo,append,trunc"});
  CHECK(job.ops[1].kind == "write");
  CHECK(job.ops[1].args == Args{"P1.fd", "6162"});
  CHECK(job.ops[2].args == Args{"P1.fd", "61", "62"});
  CHECK(job.ops[3].args == Args{"P1.fd", "8", "63", "64"});
  CHECK(job.ops[4].args == Args{"P1.fd", "-2", "end"});
  CHECK(job.ops[5].args == Args{"P1.fd", "0", "0", "wait_before,write"});
  CHECK(job.ops[6].args == Args{"P1.fd", "0", "4096", "-"});
  CHECK(job.ops[7].args == Args{"P1.g", "/g", "rw,creat,excl"});
  CHECK(job.ops[8].args == Args{"/d"});
  CHECK(job.ops[10].args == Args{"/f", "/h"});
  CHECK(job.ops[11].args == Args{"../f", "/l"});
  CHECK(job.ops[12].args == Args{"/h", "1"});
  CHECK(job.ops[13].args == Args{"/h", "/f", "exchange"});
  CHECK(job.ops[14].args == Args{"/g", "/k", "noreplace"});
}

TEST_CASE("an lseek that needs a directory's size does not run, and says why") {
  auto plan_of = [](const std::string& program) {
    StatusOr<Scenario> loaded = LoadScenarioText(
        R"({"crashsim": 1, "name": "t", "files": {"/d/f": {"size": 0, "layout": "hole"}},
            "processes": {"P1": [)" + program + "]}}",
        "t.json");
    REQUIRE_MESSAGE(loaded.ok(), loaded.status().message());
    return PlanScenario(*loaded, RunCanonicalSchedule(*loaded, Design::kMapSync));
  };
  const Plan end = plan_of(R"("fd = open /d ro", "lseek fd 0 end")");
  CHECK_FALSE(end.runs);
  CHECK(end.blocked == "lseek end, data or hole on a directory: the model does not hold a "
                       "directory's size (/processes/P1/1)");
  CHECK_FALSE(plan_of(R"("mkdir /m", "fd = open /m ro", "lseek fd 0 data")").runs);
  CHECK(plan_of(R"("fd = open /d ro", "lseek fd 5 set", "lseek fd 1 cur")").runs);
  CHECK(plan_of(R"("fd = open /d ro", "fd2 = open /d/f ro", "lseek fd2 0 end")").runs);
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
