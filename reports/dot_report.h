// DOT output of a violation's persist graph (`--dot DIR`, docs/architecture.md, "Reports"): the
// persist events pending at the crash point, an edge from each event to those that must persist
// after it, and the events that the shown crash image left out drawn red and dashed. Drawn with
// Boost.Graph's write_graphviz over an adjacency_list<vecS, vecS, directedS>, so node numbers are
// the indices of Violation::persist_graph and the bytes depend only on the violation. The device
// writes that share an origin (the pieces of one torn store, the lines or sectors of one write)
// sit in a cluster labelled with that origin, each of them labelled with its place and state
// only. `dot -Tpng` renders it; the HTML report lays it out in process (graphviz_svg.h).
#pragma once

#include <string>
#include <vector>

#include "models/config.h"
#include "sim/result/result.h"

namespace crashsim {

// "SCENARIO.MODEL.GUARANTEE.dot", each part with every character other than a letter, digit, "-"
// or "_" replaced by "_" (a "." and a "/" too), so the parts stay apart and a name cannot leave
// the output directory.
std::string DotFileName(const std::string& scenario, Design design, const std::string& guarantee);

// The DOT text of one violation's persist graph, titled with scenario, model, name and crash point.
std::string RenderPersistGraphDot(const ScenarioResult& scenario, const ModelResult& model,
                                  const Violation& violation);

struct DotFile {
  std::string name;  // DotFileName(...); when two violations would share it, "-2", "-3", ...
                     // is added before ".dot" to the later ones, in report order
  std::string text;
};

// One file per violation, in report order.
std::vector<DotFile> RenderDotFiles(const std::vector<ScenarioResult>& results);

}  // namespace crashsim
