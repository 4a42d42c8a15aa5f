// Every scenario bundled in scenarios/ loads: the files users copy from must pass the loader,
// whatever the engine later makes of them.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "sim/scenario/loader.h"

namespace crashsim {
namespace {

TEST_CASE("every bundled scenario loads") {
  // Under `bazel test` the working directory is the workspace's runfiles root.
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator("scenarios")) {
    if (entry.path().extension() == ".json") files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  REQUIRE(!files.empty());
  for (const std::string& file : files) {
    StatusOr<Scenario> loaded = LoadScenarioFile(file);
    CHECK_MESSAGE(loaded.ok(), (loaded.ok() ? file : loaded.status().message()));
  }
}

}  // namespace
}  // namespace crashsim
