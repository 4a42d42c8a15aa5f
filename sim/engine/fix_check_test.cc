// Fix suggestions in the engine (sim/engine/fix_check.h): a run asked for fixes carries, per
// violation, the attempts and their re-runs' outcomes; they do not depend on how the run was split
// or on the partial-order reduction (the shown schedule is replayed, not the explored path); a
// re-run that covers less than the space decides nothing.
#include "sim/engine/fix_check.h"

#include <doctest/doctest.h>

#include "sim/engine/engine.h"
#include "sim/scenario/loader.h"

namespace crashsim {
namespace {

Scenario Load(const std::string& name) {
  auto loaded = LoadScenarioFile("scenarios/" + name);
  REQUIRE_MESSAGE(loaded.ok(), (loaded.ok() ? "" : loaded.status().message()));
  return *loaded;
}

RunOptions WithFix() {
  RunOptions options;
  options.fix = true;
  return options;
}

TEST_CASE("a run asked for fixes verifies the sfence a flush without a fence lacks") {
  const Scenario scenario = Load("l24-clwb-no-fence.json");
  const ModelResult plain = RunScenario(scenario, Design::kKernelTracked, RunOptions{});
  REQUIRE(plain.violations.size() == 1);
  CHECK(plain.violations[0].fix.empty());
  const ModelResult fixed = RunScenario(scenario, Design::kKernelTracked, WithFix());
  REQUIRE(fixed.violations.size() == 1);
  const std::vector<FixAttempt>& fix = fixed.violations[0].fix;
  REQUIRE(fix.size() == 1);
  CHECK(fix[0].process == "P1");
  CHECK(fix[0].position == 5);
  CHECK(fix[0].ops == std::vector<std::string>{"sfence"});
  CHECK(fix[0].outcome == FixAttempt::Outcome::kVerified);
  CHECK(fix[0].note.empty());
  // Everything but the fix is the plain run's.
  Violation without = fixed.violations[0];
  without.fix.clear();
  CHECK(without == plain.violations[0]);
}

TEST_CASE("the attempts do not depend on threads, shards or the partial-order reduction") {
  for (const char* file : {"commit-store-no-flush-256.json", "truncate-up-ext4.json",
                           "namespace-posix-minimal.json", "xfs-rename-no-auto-da-alloc.json"}) {
    CAPTURE(file);
    const Scenario scenario = Load(file);
    const ModelResult reference = RunScenario(scenario, Design::kKernelTracked, WithFix());
    REQUIRE_FALSE(reference.violations.empty());
    CHECK_FALSE(reference.violations[0].fix.empty());
    RunOptions jobs = WithFix();
    jobs.jobs = 2;
    CHECK(RunScenario(scenario, Design::kKernelTracked, jobs).violations == reference.violations);
    RunOptions no_partial_order = WithFix();
    no_partial_order.reductions.partial_order = false;
    CHECK(RunScenario(scenario, Design::kKernelTracked, no_partial_order).violations ==
          reference.violations);
    // Each shard verifies its violations with whole re-runs: the attempts it reports for a
    // violation are the unsharded run's.
    for (uint32_t index = 1; index <= 2; ++index) {
      RunOptions shard = WithFix();
      shard.shard = Shard{index, 2};
      for (const Violation& violation :
           RunScenario(scenario, Design::kKernelTracked, shard).violations) {
        for (const Violation& whole : reference.violations) {
          if (whole.name == violation.name && whole.schedule == violation.schedule) {
            CHECK(violation.fix == whole.fix);
          }
        }
      }
    }
  }
}

TEST_CASE("a violation of a guarantee, or one no single op can fix, gets no attempt") {
  // dio-needs-flush: the assertion is checked right after the direct write itself returns.
  for (const char* file : {"dio-needs-flush.json", "torn-sector-write.json",
                           "delalloc-stale-xfs-written.json"}) {
    CAPTURE(file);
    const ModelResult result = RunScenario(Load(file), Design::kKernelTracked, WithFix());
    REQUIRE_FALSE(result.violations.empty());
    for (const Violation& violation : result.violations) CHECK(violation.fix.empty());
  }
}

TEST_CASE("a re-run decides only when it is exhaustive, or when the violation is still there") {
  ModelResult rerun;
  rerun.violated = {"other"};
  CHECK(JudgeFix(rerun, "flag").outcome == FixAttempt::Outcome::kVerified);
  rerun.violated = {"flag"};
  CHECK(JudgeFix(rerun, "flag").outcome == FixAttempt::Outcome::kNotEnough);
  rerun.violated.clear();
  rerun.coverage = Coverage::kSampled;
  rerun.sample_seed = 7;
  FixAttempt sampled = JudgeFix(rerun, "flag");
  CHECK(sampled.outcome == FixAttempt::Outcome::kUndecided);
  CHECK(sampled.note.find("seed 7") != std::string::npos);
  rerun.coverage = Coverage::kBudgetExhausted;
  CHECK(JudgeFix(rerun, "flag").outcome == FixAttempt::Outcome::kUndecided);
  rerun.violated = {"flag"};
  CHECK(JudgeFix(rerun, "flag").outcome == FixAttempt::Outcome::kNotEnough);
  // A sampled run's attempts are re-run sampled, with the same seed: undecided.
  RunOptions sampled_run = WithFix();
  sampled_run.sample = Sampling{20, 3};
  const ModelResult result =
      RunScenario(Load("l24-clwb-no-fence.json"), Design::kKernelTracked, sampled_run);
  REQUIRE(result.violations.size() == 1);
  // Undecided is not verified, so the next candidate is tried too.
  REQUIRE(result.violations[0].fix.size() == 2);
  for (const FixAttempt& attempt : result.violations[0].fix) {
    CHECK(attempt.outcome == FixAttempt::Outcome::kUndecided);
    CHECK(attempt.note.find("seed 3") != std::string::npos);
  }
}

}  // namespace
}  // namespace crashsim
