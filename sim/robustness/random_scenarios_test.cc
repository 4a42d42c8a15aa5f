// The standing robustness check of the engine: seeded random valid scenarios
// (random_scenario.h), each run under every design with a state and an image budget. Every run
// must end with a verdict (exhaustive or budget-exhausted), never an internal error, except those
// the list of known model defects excuses (known_model_defects.h). A failure prints the scenario,
// so it can be saved and rerun with `crashsim run`.
#include <doctest/doctest.h>

#include <cstdlib>
#include <iostream>
#include <map>
#include <string>

#include "sim/engine/engine.h"
#include "sim/robustness/budgeted_run.h"
#include "sim/robustness/random_scenario.h"
#include "sim/scenario/loader.h"

namespace crashsim {
namespace {

constexpr uint64_t kSeed = 12;
// How many scenarios: CRASHSIM_RANDOM_SCENARIOS overrides it for a longer hunt.
uint64_t ScenarioCount() {
  const char* count = std::getenv("CRASHSIM_RANDOM_SCENARIOS");
  return count != nullptr ? std::strtoull(count, nullptr, 10) : 200;
}

TEST_CASE("random valid scenarios load and every run ends with a verdict, never a crash") {
  std::map<std::string, uint64_t> excused;
  uint64_t runs = 0, skipped = 0;
  const uint64_t count = ScenarioCount();
  for (uint64_t index = 0; index < count; ++index) {
    const std::string text = RandomScenario(kSeed, index);
    const StatusOr<Scenario> scenario = LoadScenarioText(text, "random.json");
    INFO("scenario ", index, ":\n", text);
    REQUIRE_MESSAGE(scenario.ok(), (scenario.ok() ? "" : scenario.status().message()));
    if (TouchesMoreThan(*scenario, 1 << 20)) {
      ++skipped;
      continue;
    }
    for (const Design design : scenario->designs) {
      const std::optional<ModelResult> result =
          RunWithinBudget(*scenario, design, /*max_states=*/300, /*max_images=*/20000, &excused);
      ++runs;
      if (!result) continue;
      CHECK((result->coverage == Coverage::kExhaustive ||
             result->coverage == Coverage::kBudgetExhausted));
    }
  }
  std::cout << count << " random scenarios, " << runs << " runs, " << skipped
            << " skipped for their size";
  for (const auto& [name, n] : excused) std::cout << "; " << n << " excused as " << name;
  std::cout << "\n";
}

TEST_CASE("the generator is deterministic and its scenarios differ") {
  CHECK(RandomScenario(kSeed, 3) == RandomScenario(kSeed, 3));
  CHECK(RandomScenario(kSeed, 3) != RandomScenario(kSeed, 4));
  CHECK(RandomScenario(kSeed, 3) != RandomScenario(kSeed + 1, 3));
}

}  // namespace
}  // namespace crashsim
