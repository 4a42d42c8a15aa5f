#include "reports/kernel_check_report.h"

#include <doctest/doctest.h>

namespace crashsim {
namespace {

kcheck::KernelCheckReport Sample() {
  kcheck::KernelCheckReport report;
  report.kernel = "Linux 6.1.0-57-amd64 (QEMU, TCG)";
  kcheck::ScenarioCheck clean;
  clean.name = "l1-buffered-fdatasync";
  clean.fs = "xfs";
  clean.ran = clean.volatile_checked = clean.crash_checked = true;
  clean.ops_compared = 3;
  clean.replay_points = 9;
  clean.real_states = clean.real_states_in_model = 2;
  kcheck::ScenarioCheck missed = clean;
  missed.name = "dio-needs-flush";
  missed.real_states_in_model = 1;
  missed.misses.push_back({"crash", "op 2 (P1: pwrite fd 0 'x')", "log entry 40 (mark:op-2), segment 2",
                           "one of 2 states; the closest differs", "/f[0:1] = 30 (model: 78)"});
  kcheck::ScenarioCheck skipped;
  skipped.name = "swapext-freshness";
  skipped.fs = "xfs";
  skipped.not_checked = {"not run: swapext: no such call"};
  report.scenarios = {clean, missed, skipped};
  return report;
}

TEST_CASE("the text names every miss with its step, point and difference, and every reason") {
  const std::string text = KernelCheckText(Sample());
  CHECK(text.find("dio-needs-flush on xfs: crash miss at op 2 (P1: pwrite fd 0 'x')") != std::string::npos);
  CHECK(text.find("replay point: log entry 40 (mark:op-2), segment 2") != std::string::npos);
  CHECK(text.find("linux:  /f[0:1] = 30 (model: 78)") != std::string::npos);
  CHECK(text.find("swapext-freshness on xfs: not run: swapext: no such call") != std::string::npos);
  CHECK(text.find("3 scenario run(s): 1 with no miss, 1 with misses, 0 with known misses, 1 not run") !=
        std::string::npos);
}

TEST_CASE("the Markdown table says per scenario whether every real state is in the model") {
  const std::string md = KernelCheckMarkdown(Sample());
  CHECK(md.find("| `l1-buffered-fdatasync` | xfs | volatile, crash | 2/2 | yes | - |") != std::string::npos);
  CHECK(md.find("| `dio-needs-flush` | xfs | volatile, crash | 1/2 | no | - |") != std::string::npos);
  CHECK(md.find("| `swapext-freshness` | xfs | - | - | - | not run |") != std::string::npos);
}

TEST_CASE("the JSON is versioned and the same report gives the same bytes") {
  const std::string json = KernelCheckJson(Sample());
  CHECK(json.find("\"crashsim_kernel_check\": 1") != std::string::npos);
  CHECK(json == KernelCheckJson(Sample()));
}

}  // namespace
}  // namespace crashsim
