// Every reduction is exact: with all of them switched off (no visited-state pruning, subsets of
// the persist DAG instead of downsets, every whole image recovered and checked instead of per-byte
// projection) each bundled scenario gets the same verdict under every design. The all-off run is
// exponential, so a scenario whose all-off run needs more than kOffImagesMax images or
// kOffStatesMax states is skipped and named in the test's output; the skipped ones are still
// covered by engine_test with the reductions on.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>

#include "sim/engine/engine.h"
#include "sim/scenario/loader.h"

namespace crashsim {
namespace {

constexpr uint64_t kOffImagesMax = 10000;
constexpr uint64_t kOffStatesMax = 2000;

std::string Names(const std::set<std::string>& names) {
  std::string text = "{";
  for (const auto& name : names) text += (text.size() > 1 ? "," : "") + name;
  return text + "}";
}

TEST_CASE("every bundled scenario has the same verdict with all reductions on and all off") {
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator("scenarios")) {
    if (entry.path().extension() == ".json") files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  RunOptions off;
  off.reductions = Reductions{false, false, false};
  off.max_images = kOffImagesMax;
  off.max_states = kOffStatesMax;
  int compared = 0;
  std::string skipped;
  for (const std::string& file : files) {
    auto loaded = LoadScenarioFile(file);
    REQUIRE(loaded.ok());
    for (Design design : loaded->designs) {
      const ModelResult on = RunScenario(*loaded, design, RunOptions{});
      const ModelResult all_off = RunScenario(*loaded, design, off);
      if (all_off.coverage == Coverage::kBudgetExhausted) {
        skipped += " " + file + "/" + DesignName(design);
        continue;
      }
      INFO(file, " under ", DesignName(design), ": on ", Names(on.violated), " off ",
           Names(all_off.violated));
      CHECK(on.violated == all_off.violated);
      ++compared;
    }
  }
  MESSAGE("compared ", compared, " runs; over the all-off budget:", skipped);
  CHECK(compared >= 100);
}

}  // namespace
}  // namespace crashsim
