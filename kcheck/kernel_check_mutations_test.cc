// Boots Linux under QEMU (kcheck/kernel_check.h) with three deliberately wrong models and shows
// that kernel-check catches each: the crash side on a direct write (the real log shows the old
// data right after pwrite returned; the wrong model says the write is durable then), and the
// volatile side on a shrink and regrow (Linux reads zero past the shrink point; the wrong model
// reads the old bytes) and on a partial punch of a DAX file (Linux's DAX read sees the zeroes at
// once; the wrong model put them in a page-cache folio that DAX reads never see). Fails with kernel-check's message when QEMU or the kernel is missing.
#include <doctest/doctest.h>

#include <cstdlib>
#include <string>

#include "kcheck/kernel_check.h"
#include "sim/scenario/loader.h"

namespace crashsim::kcheck {
namespace {

LoadedScenario Load(const std::string& path) {
  StatusOr<Scenario> scenario = LoadScenarioFile(path);
  REQUIRE_MESSAGE(scenario.ok(), scenario.status().message());
  return LoadedScenario{path, *std::move(scenario)};
}

bool HasMiss(const ScenarioCheck& check, const std::string& kind) {
  for (const Miss& miss : check.misses) {
    if (miss.kind == kind) return true;
  }
  return false;
}

KernelCheckReport Run(const std::set<Mutation>& mutations) {
  KernelCheckOptions options;
  options.fs = FsKind::kXfs;
  options.runner = "kcheck/guest/kcheck-runner";
  options.init = "kcheck/guest/init.sh";
  options.work_dir = std::getenv("TEST_TMPDIR");
  options.mutations = mutations;
  KernelCheckReport report;
  std::string error;
  const bool ran = RunKernelCheck({Load("scenarios/dio-needs-flush.json"),
                                   Load("scenarios/truncate-tail-zeroed.json"),
                                   Load("scenarios/dax-partial-punch-zeroes-pmem.json")},
                                  options, &report, &error);
  REQUIRE_MESSAGE(ran, error);
  REQUIRE(report.scenarios.size() == 3);
  for (const ScenarioCheck& check : report.scenarios) REQUIRE_MESSAGE(check.error.empty(), check.error);
  return report;
}

TEST_CASE("each wrong model is caught on Linux by its own check") {
  const KernelCheckReport wrong =
      Run({Mutation::kCompletedWriteIsDurable, Mutation::kTruncateSkipsTailZeroing,
           Mutation::kDaxZeroingThroughFolio});
  const ScenarioCheck& direct = wrong.scenarios[0];
  const ScenarioCheck& truncate = wrong.scenarios[1];
  const ScenarioCheck& punch = wrong.scenarios[2];
  CHECK(HasMiss(direct, "crash"));
  CHECK_FALSE(HasMiss(direct, "volatile"));
  CHECK(HasMiss(truncate, "volatile"));
  CHECK(HasMiss(punch, "volatile"));
}

}  // namespace
}  // namespace crashsim::kcheck
