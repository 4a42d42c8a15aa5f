// Proves each third-party library is wired: it compiles with our warnings, links and runs.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/graphviz.hpp>
#include <boost/graph/topological_sort.hpp>
#include <boost/graph/transitive_reduction.hpp>
#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>
#include <graphviz/gvplugin.h>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

extern "C" {
extern gvplugin_library_t gvplugin_dot_layout_LTX_library;
extern gvplugin_library_t gvplugin_core_LTX_library;
}

namespace {

using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS>;
using Vertex = boost::graph_traits<Graph>::vertex_descriptor;

TEST_CASE("boost graph drops the implied edge of a three vertex chain") {
  Graph graph(3);
  boost::add_edge(0, 1, graph);
  boost::add_edge(1, 2, graph);
  boost::add_edge(0, 2, graph);

  Graph reduced;
  std::map<Vertex, Vertex> to_reduced;
  std::vector<std::size_t> ids(boost::num_vertices(graph));
  for (std::size_t i = 0; i < ids.size(); ++i) ids[i] = i;
  boost::transitive_reduction(graph, reduced, boost::make_assoc_property_map(to_reduced),
                              ids.data());
  CHECK(boost::num_edges(reduced) == 2);

  std::vector<Vertex> reverse_order;
  boost::topological_sort(graph, std::back_inserter(reverse_order));
  CHECK(reverse_order == std::vector<Vertex>{2, 1, 0});

  std::ostringstream dot;
  boost::write_graphviz(dot, reduced);
  CHECK(dot.str().find("0->1") != std::string::npos);
  CHECK(dot.str().find("0->2") == std::string::npos);
}

TEST_CASE("fmt formats with the positional and width syntax") {
  CHECK(fmt::format("{1}:{0:>4}", 7, "line") == "line:   7");
}

TEST_CASE("a json document survives a dump and parse round trip") {
  const nlohmann::json document = {{"design", "map-sync"}, {"lines", {1, 2, 3}}};
  const nlohmann::json parsed = nlohmann::json::parse(document.dump());
  CHECK(parsed == document);
  CHECK(parsed.at("lines").size() == 3);
}

TEST_CASE("graphviz lays out a two node graph with its built-in dot engine and SVG renderer") {
  const lt_symlist_t builtins[] = {
      {"gvplugin_dot_layout_LTX_library", &gvplugin_dot_layout_LTX_library},
      {"gvplugin_core_LTX_library", &gvplugin_core_LTX_library},
      {nullptr, nullptr},
  };
  GVC_t* context = gvContextPlugins(builtins, 0);
  REQUIRE(context != nullptr);
  Agraph_t* graph = agmemread("digraph G { a -> b; }");
  REQUIRE(graph != nullptr);
  CHECK(gvLayout(context, graph, "dot") == 0);
  char* svg = nullptr;
  unsigned int length = 0;
  CHECK(gvRenderData(context, graph, "svg", &svg, &length) == 0);
  REQUIRE(svg != nullptr);
  const std::string text(svg, length);
  CHECK(text.find("<svg") != std::string::npos);
  CHECK(text.find("class=\"edge\"") != std::string::npos);
  gvFreeRenderData(svg);
  gvFreeLayout(context, graph);
  agclose(graph);
  CHECK(gvFreeContext(context) == 0);
}

}  // namespace
