#include "reports/dot_report.h"

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/graphviz.hpp>
#include <fmt/format.h>

#include <cstddef>
#include <map>
#include <optional>
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

// A device write's description as sim/crash/persist_graph.cc words it, "UNIT N bytes A+L (STATE):
// ORIGIN", in its parts; nullopt for any other text.
struct WriteParts {
  std::string place;   // "pmem line 0 bytes 0+8"
  std::string state;   // "flushed, not fenced"
  std::string origin;  // "P1.3: store m+0 fill(44, 256)"
};
std::optional<WriteParts> SplitWrite(const PersistNode& node) {
  const std::string& text = node.description;
  if (node.kind != "device-write") return std::nullopt;
  const size_t bytes = text.find(" bytes ");
  if (bytes == std::string::npos) return std::nullopt;
  const size_t open = text.find(" (", bytes);
  if (open == std::string::npos) return std::nullopt;
  const size_t close = text.find("): ", open);
  if (close == std::string::npos) return std::nullopt;
  return WriteParts{text.substr(0, open), text.substr(open + 2, close - open - 2),
                    text.substr(close + 3)};
}

// The device writes that share an origin (the pieces of one torn store, the lines or sectors of
// one write), two or more, each group in the order of its first node.
struct Cluster {
  std::string origin;
  std::vector<size_t> members;
  std::optional<std::string> state;  // when every member is in the same state
};
std::vector<Cluster> Clusters(const std::vector<PersistNode>& nodes) {
  std::vector<Cluster> clusters;
  std::map<std::string, size_t> index_of;
  for (size_t v = 0; v < nodes.size(); ++v) {
    const std::optional<WriteParts> parts = SplitWrite(nodes[v]);
    if (!parts) continue;
    auto [it, added] = index_of.emplace(parts->origin, clusters.size());
    if (added) clusters.push_back(Cluster{parts->origin, {}, parts->state});
    Cluster& cluster = clusters[it->second];
    cluster.members.push_back(v);
    if (cluster.state != parts->state) cluster.state.reset();
  }
  std::erase_if(clusters, [](const Cluster& cluster) { return cluster.members.size() < 2; });
  return clusters;
}

// `text` broken at spaces into lines of at most kLabelColumns characters where it can be (a longer
// word keeps its own line), so that one long description does not widen its whole rank.
constexpr size_t kLabelColumns = 56;
std::string Wrapped(const std::string& text) {
  std::string out;
  size_t line_start = 0;  // where the current line starts in `out`
  size_t at = 0;
  while (at < text.size()) {
    size_t end = text.find(' ', at);
    if (end == std::string::npos) end = text.size();
    const std::string word = text.substr(at, end - at);
    if (out.size() > line_start && out.size() - line_start + 1 + word.size() > kLabelColumns) {
      out += '\n';
      line_start = out.size();
    } else if (out.size() > line_start) {
      out += ' ';
    }
    out += word;
    if (word.find('\n') != std::string::npos) line_start = out.rfind('\n') + 1;
    at = end + 1;
  }
  return out;
}

// Labels and marks each node: kind on the first line, description below; a node in a cluster
// shows its place only, and its state when the cluster's members differ in theirs. Lost events
// red and dashed, the others black and solid.
class NodeWriter {
 public:
  NodeWriter(const std::vector<PersistNode>& nodes, const std::vector<Cluster>& clusters)
      : nodes_(nodes), cluster_of_(nodes.size(), nullptr) {
    for (const Cluster& cluster : clusters) {
      for (size_t v : cluster.members) cluster_of_[v] = &cluster;
    }
  }
  void operator()(std::ostream& out, Graph::vertex_descriptor v) const {
    const PersistNode& node = nodes_[v];
    std::string label;
    if (const Cluster* cluster = cluster_of_[v]) {
      const WriteParts parts = *SplitWrite(node);
      label = fmt::format("{}: {}", v, parts.place);
      if (!cluster->state) label += fmt::format("\n({})", parts.state);
    } else {
      label = fmt::format("{}: {}\n{}", v, node.kind, Wrapped(node.description));
    }
    out << "[label=" << DotQuoted(label + (node.lost ? "\nLOST" : ""));
    if (node.lost) out << ", color=red, fontcolor=red, style=dashed";
    out << "]";
  }

 private:
  const std::vector<PersistNode>& nodes_;
  std::vector<const Cluster*> cluster_of_;
};

std::string ClusterLabel(const Cluster& cluster) {
  std::string label =
      Wrapped(fmt::format("{} pieces of {}", cluster.members.size(), cluster.origin));
  if (cluster.state) label += fmt::format("\nall {}", *cluster.state);
  return label;
}

// How many pieces of one write, in no order, stand in a row of the picture.
constexpr size_t kRowPieces = 8;

class GraphWriter {
 public:
  // `isolated[v]`: no edge enters or leaves node v.
  GraphWriter(std::string title, const std::vector<Cluster>& clusters, std::vector<bool> isolated)
      : title_(std::move(title)), clusters_(clusters), isolated_(std::move(isolated)) {}
  void operator()(std::ostream& out) const {
    out << "label=" << DotQuoted(title_) << ";\n";
    out << "labelloc=t;\nrankdir=LR;\nfontname=\"DejaVu Sans\";\n";
    out << "node [shape=box, fontname=\"DejaVu Sans Mono\", fontsize=10];\n";
    out << "edge [color=gray40];\n";
    // One line per cluster, declaring its members; their labels follow with the other nodes.
    for (size_t c = 0; c < clusters_.size(); ++c) {
      const Cluster& cluster = clusters_[c];
      out << fmt::format("subgraph cluster_{} {{label={}; labeljust=l; style=rounded; "
                         "color=gray50; fontsize=11;",
                         c, DotQuoted(ClusterLabel(cluster)));
      for (size_t v : cluster.members) out << " " << v << ";";
      // The pieces that no order touches, in rows of kRowPieces (invisible edges): otherwise dot
      // stacks them all in one column.
      size_t in_row = 0, previous = 0;
      for (size_t v : cluster.members) {
        if (!isolated_[v]) continue;
        if (in_row == kRowPieces) in_row = 0;
        if (in_row > 0) out << " " << previous << "->" << v << " [style=invis];";
        ++in_row;
        previous = v;
      }
      out << "};\n";
    }
  }

 private:
  std::string title_;
  const std::vector<Cluster>& clusters_;
  std::vector<bool> isolated_;
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
  const std::vector<Cluster> clusters = Clusters(nodes);
  std::vector<bool> isolated(nodes.size(), true);
  for (size_t v = 0; v < nodes.size(); ++v) {
    for (int before : nodes[v].after) {
      if (before >= 0 && static_cast<size_t>(before) < nodes.size()) {
        isolated[v] = false;
        isolated[static_cast<size_t>(before)] = false;
      }
    }
  }
  std::ostringstream out;
  boost::write_graphviz(out, graph, NodeWriter(nodes, clusters), boost::default_writer(),
                        GraphWriter(title, clusters, std::move(isolated)));
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
