#include "reports/dot_report.h"

#include <doctest/doctest.h>
#include <fmt/format.h>

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

TEST_CASE("the pieces of one write sit in a cluster named after it, labelled by place and state") {
  const ScenarioResult scenario = MixedModeResult();
  Violation violation = scenario.models[2].violations[0];
  const std::string store = "P1.3: store m+0 'AAAAAAAABBBBBBBB'";
  violation.persist_graph = {
      {"journal", "transaction 1: seal /f", false, {}},
      {"device-write", "pmem line 0 bytes 0+8 (visible, not flushed): " + store, true, {0}},
      {"device-write", "pmem line 0 bytes 8+8 (flushed, not fenced): " + store, false, {0}},
      {"device-write", "pmem line 9 bytes 576+1 (visible, not flushed): P1.4: store m+576 'C'",
       false, {}},
  };
  const std::string dot = RenderPersistGraphDot(scenario, scenario.models[2], violation);
  CheckDotShape(dot);
  CHECK(dot.find("\nsubgraph cluster_0 {label=\"2 pieces of P1.3: store m+0 "
                 "'AAAAAAAABBBBBBBB'\"; labeljust=l; style=rounded; color=gray50; fontsize=11; "
                 "1; 2;};\n") != std::string::npos);
  CHECK(dot.find("cluster_1") == std::string::npos);  // a write of one piece is no cluster
  CHECK(dot.find("\n1[label=\"1: pmem line 0 bytes 0+8\\n(visible, not flushed)\\nLOST\", "
                 "color=red, fontcolor=red, style=dashed];\n") != std::string::npos);
  CHECK(dot.find("\n2[label=\"2: pmem line 0 bytes 8+8\\n(flushed, not fenced)\"];\n") !=
        std::string::npos);
  CHECK(dot.find("\n3[label=\"3: device-write\\npmem line 9 bytes 576+1 (visible, not flushed):"
                 " P1.4:\\nstore m+576 'C'\"];\n") != std::string::npos);
  CHECK(dot.find("\n0->1 ;\n0->2 ;\n") != std::string::npos);
  CHECK(dot.find("invis") == std::string::npos);  // pieces in an order keep their ranks
}

TEST_CASE("a long description is broken into lines at spaces") {
  ScenarioResult scenario = MixedModeResult();
  Violation violation = scenario.models[2].violations[0];
  violation.persist_graph = {{"journal",
                              "journal transaction 1 (committed in memory, not forced): P1.3: "
                              "store m+0 fill(44, 256): update timestamps",
                              false,
                              {}}};
  const std::string dot = RenderPersistGraphDot(scenario, scenario.models[2], violation);
  CHECK(dot.find("0[label=\"0: journal\\njournal transaction 1 (committed in memory, not "
                 "forced):\\nP1.3: store m+0 fill(44, 256): update timestamps\"];") !=
        std::string::npos);
}

TEST_CASE("pieces in no order stand in rows of eight") {
  const ScenarioResult scenario = MixedModeResult();
  Violation violation = scenario.models[2].violations[0];
  violation.persist_graph.clear();
  for (int piece = 0; piece < 10; ++piece) {
    violation.persist_graph.push_back(
        {"device-write",
         fmt::format("pmem line 0 bytes {}+8 (visible, not flushed): P1.3: store m+0 fill(44, 80)",
                     piece * 8),
         false, {}});
  }
  const std::string dot = RenderPersistGraphDot(scenario, scenario.models[2], violation);
  CheckDotShape(dot);
  // All in one state: the cluster says it once, each piece shows its place only.
  CHECK(dot.find("subgraph cluster_0 {label=\"10 pieces of P1.3: store m+0 fill(44, 80)\\nall "
                 "visible, not flushed\";") != std::string::npos);
  CHECK(dot.find("\n9[label=\"9: pmem line 0 bytes 72+8\"];\n") != std::string::npos);
  CHECK(dot.find(" 0; 1; 2; 3; 4; 5; 6; 7; 8; 9; 0->1 [style=invis]; 1->2 [style=invis]; 2->3 "
                 "[style=invis]; 3->4 [style=invis]; 4->5 [style=invis]; 5->6 [style=invis]; 6->7 "
                 "[style=invis]; 8->9 [style=invis];};\n") != std::string::npos);
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
