// The user documentation of the format (docs/scenario-format.md) stays in step with the loader:
// every ```json block in it is JSON, and every one that is a whole scenario (it has the
// "crashsim" key) loads without error. Fragments that are not JSON belong in ```text blocks.
#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "sim/scenario/loader.h"

namespace crashsim {
namespace {

// Under `bazel test` the working directory is the runfiles root of the workspace; the doc's
// runfiles path is crashsim/docs/scenario-format.md below TEST_SRCDIR.
std::string ReadDoc() {
  std::vector<std::string> candidates = {"docs/scenario-format.md"};
  if (const char* runfiles = std::getenv("TEST_SRCDIR"); runfiles != nullptr) {
    candidates.push_back(std::string(runfiles) + "/crashsim/docs/scenario-format.md");
  }
  for (const std::string& path : candidates) {
    std::ifstream in(path);
    if (!in) continue;
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }
  FAIL("docs/scenario-format.md not found in the test's runfiles");
  return "";
}

struct Block {
  int line = 0;  // of the opening fence, from 1
  std::string text;
};

std::vector<Block> JsonBlocks(const std::string& doc) {
  std::vector<Block> blocks;
  std::istringstream lines(doc);
  std::string line;
  int number = 0;
  bool inside = false;
  Block block;
  while (std::getline(lines, line)) {
    ++number;
    if (!inside && line == "```json") {
      inside = true;
      block = Block{number, ""};
    } else if (inside && line == "```") {
      inside = false;
      blocks.push_back(block);
    } else if (inside) {
      block.text += line + "\n";
    }
  }
  CHECK_MESSAGE(!inside, "a ```json block is not closed");
  return blocks;
}

TEST_CASE("every whole scenario in the format's documentation loads") {
  const std::string doc = ReadDoc();
  int scenarios = 0;
  for (const Block& block : JsonBlocks(doc)) {
    const std::string where = "docs/scenario-format.md:" + std::to_string(block.line);
    const auto json =
        nlohmann::ordered_json::parse(block.text, nullptr, /*allow_exceptions=*/false);
    CHECK_MESSAGE(!json.is_discarded(), (where + ": a ```json block that is not JSON"));
    if (!json.is_object() || !json.contains("crashsim")) continue;
    ++scenarios;
    StatusOr<Scenario> loaded = LoadScenarioText(block.text, where);
    CHECK_MESSAGE(loaded.ok(), (loaded.ok() ? where : loaded.status().message()));
  }
  CHECK(scenarios >= 5);
}

}  // namespace
}  // namespace crashsim
