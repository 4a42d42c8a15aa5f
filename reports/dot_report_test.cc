#include "reports/dot_report.h"

#include <doctest/doctest.h>

#include <sstream>

#include "reports/test_results.h"

namespace crashsim {
namespace {

using testing::HostileResult;
using testing::MixedModeResult;
using testing::NotModelledResult;

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// Checks the structure write_graphviz promises: "digraph G {", statements each ending in ';'
// outside quoted strings, "}" last, and quotes and brackets balanced.
void CheckDotShape(const std::string& dot) {
  const std::vector<std::string> lines = Lines(dot);
  REQUIRE(lines.size() >= 2);
  CHECK(lines.front() == "digraph G {");
  CHECK(lines.back() == "}");
  bool quoted = false;
  int brackets = 0;
  for (size_t i = 0; i < dot.size(); ++i) {
    const char c = dot[i];
    if (quoted) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        REQUIRE(c != '\n');  // a newline inside a label is written as \n
      }
      continue;
    }
    if (c == '"') quoted = true;
    if (c == '[') ++brackets;
    if (c == ']') --brackets;
    REQUIRE(brackets >= 0);
  }
  CHECK_FALSE(quoted);
  CHECK(brackets == 0);
  for (size_t i = 1; i + 1 < lines.size(); ++i) {
    CAPTURE(lines[i]);
    CHECK(lines[i].back() == ';');
  }
}

TEST_CASE("file names are SCENARIO.MODEL.GUARANTEE.dot and cannot leave the directory") {
  CHECK(DotFileName("l7-mixed-modes-msync", Design::kDaxfileUntracked, "msync") ==
        "l7-mixed-modes-msync.daxfile-untracked.msync.dot");
  CHECK(DotFileName("../up/x.y", Design::kMapSync, "a b") == "___up_x_y.map-sync.a_b.dot");
}

TEST_CASE("the persist graph has a node per pending event, an edge per order, lost ones marked") {
  const ScenarioResult scenario = MixedModeResult();
  const std::string dot = RenderPersistGraphDot(scenario, scenario.models[2],
                                                scenario.models[2].violations[0]);
  CheckDotShape(dot);
  const std::vector<std::string> lines = Lines(dot);
  // Graph attributes, then nodes 0..2, then the one edge.
  CHECK(dot.find("\n0[label=\"0: journal\\ntransaction 1: seal /f\"];\n") != std::string::npos);
  CHECK(dot.find("\n1[label=\"1: device-write\\npmem line 64 bytes 4096+1: P2 store m+4096 "
                 "'Y'\\nLOST\", color=red, fontcolor=red, style=dashed];\n") != std::string::npos);
  CHECK(dot.find("\n2[label=\"2: journal\\ntransaction 2: \\\"msync\\\" log force\"];\n") !=
        std::string::npos);
  CHECK(dot.find("\n0->2 ;\n") != std::string::npos);
  CHECK(dot.find("->") == dot.rfind("->"));  // exactly one edge
  CHECK(dot.find("label=\"mixed-mode-fsync under daxfile-untracked: msync violated\\ncrash after "
                 "step 4 (P2 msync returned)\\n3 pending persist events; 1 lost") !=
        std::string::npos);
}

TEST_CASE("the same violation gives byte-identical DOT") {
  const ScenarioResult scenario = HostileResult();
  const auto& model = scenario.models[0];
  const std::string dot = RenderPersistGraphDot(scenario, model, model.violations[0]);
  CHECK(dot == RenderPersistGraphDot(scenario, model, model.violations[0]));
  CheckDotShape(dot);
  CHECK(dot.find("\xff") == std::string::npos);
}

TEST_CASE("a violation without pending events still gets a graph that says so") {
  ScenarioResult scenario = MixedModeResult();
  scenario.models[2].violations[0].persist_graph.clear();
  const std::string dot = RenderPersistGraphDot(scenario, scenario.models[2],
                                                scenario.models[2].violations[0]);
  CheckDotShape(dot);
  CHECK(dot.find("no persist event pending at the crash point") != std::string::npos);
}

TEST_CASE("one file per violation in report order, a clash of names numbered") {
  ScenarioResult twin = NotModelledResult();
  const std::vector<DotFile> files =
      RenderDotFiles({MixedModeResult(), NotModelledResult(), twin, HostileResult()});
  std::vector<std::string> names;
  for (const DotFile& file : files) names.push_back(file.name);
  CHECK(names == std::vector<std::string>{
                     "mixed-mode-fsync.daxfile-untracked.msync.dot",
                     "reflink-seal.daxfile-untracked.y-durable.dot",
                     "reflink-seal.daxfile-untracked.y-durable-2.dot",
                     "a_b_i__c___i___d_.map-sync.fsync___.dot",
                 });
}

}  // namespace
}  // namespace crashsim
