#include "reports/dot_report.h"

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/graphviz.hpp>
#include <fmt/format.h>

#include <cstddef>
#include <set>
#include <sstream>
#include <utility>

#include "reports/escape.h"

namespace crashsim {
namespace {

using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS>;

std::string FileNamePart(const std::string& text) {
  std::string out = text;
  for (char& c : out) {
    const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '_';
    if (!keep) c = '_';
  }
  return out;
}

// Labels and marks each node: kind on the first line, description below; lost events red and
// dashed, the others black and solid.
class NodeWriter {
 public:
  explicit NodeWriter(const std::vector<PersistNode>& nodes) : nodes_(nodes) {}
  void operator()(std::ostream& out, Graph::vertex_descriptor v) const {
    const PersistNode& node = nodes_[v];
    const std::string label =
        fmt::format("{}: {}\n{}", v, node.kind, node.description) + (node.lost ? "\nLOST" : "");
    out << "[label=" << DotQuoted(label);
    if (node.lost) out << ", color=red, fontcolor=red, style=dashed";
    out << "]";
  }

 private:
  const std::vector<PersistNode>& nodes_;
};

class GraphWriter {
 public:
  explicit GraphWriter(std::string title) : title_(std::move(title)) {}
  void operator()(std::ostream& out) const {
    out << "label=" << DotQuoted(title_) << ";\n";
    out << "labelloc=t;\nrankdir=LR;\nfontname=\"DejaVu Sans\";\n";
    out << "node [shape=box, fontname=\"DejaVu Sans Mono\", fontsize=10];\n";
    out << "edge [color=gray40];\n";
  }

 private:
  std::string title_;
};

}  // namespace

std::string DotFileName(const std::string& scenario, Design design, const std::string& guarantee) {
  return fmt::format("{}.{}.{}.dot", FileNamePart(scenario), FileNamePart(DesignName(design)),
                     FileNamePart(guarantee));
}

std::string RenderPersistGraphDot(const ScenarioResult& scenario, const ModelResult& model,
                                  const Violation& violation) {
  const std::vector<PersistNode>& nodes = violation.persist_graph;
  Graph graph(nodes.size());
  for (size_t v = 0; v < nodes.size(); ++v) {
    for (int before : nodes[v].after) {
      if (before >= 0 && static_cast<size_t>(before) < nodes.size()) {
        boost::add_edge(static_cast<size_t>(before), v, graph);
      }
    }
  }
  size_t lost = 0;
  for (const PersistNode& node : nodes) lost += node.lost ? 1 : 0;
  std::string title = fmt::format("{} under {}: {} violated\ncrash {}\n", scenario.name,
                                  DesignName(model.design), violation.name, violation.crash_point);
  title += nodes.empty() ? "no persist event pending at the crash point"
                         : fmt::format("{} pending persist events; {} lost (red, dashed); an edge "
                                       "runs from an event to one that must persist after it",
                                       nodes.size(), lost);
  std::ostringstream out;
  boost::write_graphviz(out, graph, NodeWriter(nodes), boost::default_writer(),
                        GraphWriter(title));
  return out.str();
}

std::vector<DotFile> RenderDotFiles(const std::vector<ScenarioResult>& results) {
  std::vector<DotFile> files;
  std::set<std::string> used;
  for (const ScenarioResult& scenario : results) {
    for (const ModelResult& model : scenario.models) {
      for (const Violation& violation : model.violations) {
        const std::string base = DotFileName(scenario.name, model.design, violation.name);
        std::string name = base;
        for (int copy = 2; used.count(name) > 0; ++copy) {
          name = fmt::format("{}-{}.dot", base.substr(0, base.size() - 4), copy);
        }
        used.insert(name);
        files.push_back(DotFile{name, RenderPersistGraphDot(scenario, model, violation)});
      }
    }
  }
  return files;
}

}  // namespace crashsim
