// Long chains of `&&`, `||` and `->` in assertions load, check and run without recursion as deep
// as the chain: 30,000 terms of `&&` and of `||`, 65 of `->`, evaluated on recovered states and,
// with projection off, compiled for the image walk of a pmem crash point.
#include <doctest/doctest.h>

#include <string>

#include "sim/engine/engine.h"
#include "sim/scenario/loader.h"

namespace crashsim {
namespace {

std::string Chain(const std::string& term, const std::string& op, int count,
                  const std::string& last) {
  std::string text;
  for (int i = 0; i + 1 < count; ++i) text += term + " " + op + " ";
  return text + last;
}

Scenario LoadChains() {
  const std::string ands = Chain("/f[0:1] == 'A'", "&&", 30000, "/f[0:1] == 'A'");
  const std::string ors = Chain("/f[0:1] == 'B'", "||", 30000, "/f[0:1] == 'A'");
  const std::string implies = Chain("done(P1.p)", "->", 65, "/f[64:65] == 'Z'");
  const std::string text = R"({"crashsim": 1, "name": "chains", "models": ["kernel-tracked"],
    "files": {"/f": {"size": 4096, "layout": "written", "fill": "00", "dax": true}},
    "processes": {"P1": ["fd = open /f rw", "m = mmap fd 0 4096 shared", "store m+0 'A'",
                         "p: persist m+0 1"]},
    "assert": [
      {"name": "all-a", "after": "P1.p", "check": ")" + ands + R"("},
      {"name": "some-a", "after": "P1.p", "check": ")" + ors + R"("},
      {"name": "z", "check": ")" + implies + R"("}],
    "expect": {"*": ["z"]}})";
  StatusOr<Scenario> scenario = LoadScenarioText(text, "chains.json");
  REQUIRE_MESSAGE(scenario.ok(), (scenario.ok() ? "" : scenario.status().message()));
  return *scenario;
}

TEST_CASE("30,000-term && and || chains and a 65-term -> chain load and run") {
  const Scenario scenario = LoadChains();
  REQUIRE(scenario.assertions.size() == 3);
  CHECK(scenario.assertions[0].check.children.size() == 30000);
  CHECK(scenario.assertions[2].check.children.size() == 65);
  for (const bool projection : {true, false}) {
    INFO("projection ", projection);
    RunOptions options;
    options.reductions.projection = projection;
    const ModelResult result = RunScenario(scenario, Design::kKernelTracked, options);
    CHECK(result.coverage == Coverage::kExhaustive);
    CHECK(result.violated == std::set<std::string>{"z"});
  }
}

}  // namespace
}  // namespace crashsim
