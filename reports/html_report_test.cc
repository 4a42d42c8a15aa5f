#include "reports/html_report.h"

#include <doctest/doctest.h>

#include <set>
#include <string>
#include <vector>

#include "reports/markup_check.h"
#include "reports/test_results.h"

namespace crashsim {
namespace {

using testing::BudgetResult;
using testing::HostileResult;
using testing::Markup;
using testing::MixedModeResult;
using testing::NotModelledResult;
using testing::ReadMarkup;
using testing::SampledResult;

std::vector<ScenarioResult> AllKinds() {
  return {MixedModeResult(), NotModelledResult(), BudgetResult(), SampledResult(),
          HostileResult()};
}

Markup Read(const std::string& html) {
  Markup markup = ReadMarkup(html, {"meta"});
  INFO(markup.error);
  REQUIRE(markup.error.empty());
  return markup;
}

TEST_CASE("fix attempts are a list under the trace, each item classed by its outcome") {
  const std::string html = RenderHtmlReport({testing::FixResult()}, {});
  const Markup markup = Read(html);
  REQUIRE(markup.Find("ul", "fix").size() == 1);  // the two designs share one trace
  CHECK(markup.Find("li", "not-enough").size() == 1);
  CHECK(markup.Find("li", "verified").size() == 1);
  CHECK(html.find("insert `dir = open /d ro`; `fsync dir` into P2 as op 3: fix verified: the "
                  "violation is gone under all designs") != std::string::npos);
  CHECK(RenderHtmlReport({MixedModeResult()}, {}).find("<h4>Fix</h4>") == std::string::npos);
}

TEST_CASE("the same results give byte-identical HTML") {
  CHECK(RenderHtmlReport(AllKinds(), {"x.json: /: not JSON"}) ==
        RenderHtmlReport(AllKinds(), {"x.json: /: not JSON"}));
}

TEST_CASE("the HTML report is one self-contained file: no script, link, font or remote URL") {
  const std::string html = RenderHtmlReport(AllKinds(), {});
  CHECK(html.rfind("<!DOCTYPE html>\n", 0) == 0);
  for (const char* banned : {"<script", "<link", "<img", "<iframe", "@import", "@font-face",
                             "url(", "http:", "https:", "src="}) {
    CAPTURE(banned);
    CHECK(html.find(banned) == std::string::npos);
  }
  const Markup markup = Read(html);
  CHECK(markup.Find("style").size() == 1);
}

TEST_CASE("the matrix has one row per scenario and a coloured cell per scenario and model") {
  const Markup markup = Read(RenderHtmlReport(AllKinds(), {}));
  const auto matrix = markup.ById("matrix");
  REQUIRE(matrix.has_value());
  CHECK(markup.elements[*matrix].name == "table");
  size_t rows = 0;
  for (size_t tr : markup.Find("tr")) rows += markup.Inside(tr, *matrix) ? 1 : 0;
  CHECK(rows == 1 + AllKinds().size());
  size_t cells = 0;
  for (size_t td : markup.Find("td", "cell")) cells += markup.Inside(td, *matrix) ? 1 : 0;
  CHECK(cells == AllKinds().size() * 5);  // every design ran in some scenario
  CHECK(markup.Find("td", "clean").size() == 4 + 1);
  CHECK(markup.Find("td", "differs-from-expect").size() == 2);  // mixed-mode and the hostile one
  CHECK(markup.Find("td", "violated-as-expected").size() == 1);
  CHECK(markup.Find("td", "not-modelled").size() == 1);
  CHECK(markup.Find("td", "budget").size() == 1);
  CHECK(markup.Find("td", "not-run").size() == 3 + 4 + 4 + 4);
  // The header row stays in view.
  CHECK(markup.elements[markup.Find("style")[0]].text.find("position: sticky") !=
        std::string::npos);
}

TEST_CASE("a cell links each violated name to its violation") {
  const Markup markup = Read(RenderHtmlReport({MixedModeResult()}, {}));
  const auto links = markup.Find("a");
  REQUIRE(links.size() == 1);
  CHECK(markup.elements[links[0]].attributes.at("href") == "#violation-1");
  CHECK(markup.elements[links[0]].text == "msync");
  const auto article = markup.ById("violation-1");
  REQUIRE(article.has_value());
  CHECK(markup.elements[*article].name == "article");
}

TEST_CASE("each violation has its timeline, crash point, promise, lost events, state and outcome") {
  const Markup markup = Read(RenderHtmlReport({MixedModeResult(), HostileResult()}, {}));
  const auto articles = markup.Find("article", "violation");
  REQUIRE(articles.size() == 2);
  const auto& first = markup.elements[articles[0]];
  CHECK(first.attributes.at("data-scenario") == "mixed-mode-fsync");
  CHECK(first.attributes.at("data-model") == "daxfile-untracked");
  CHECK(first.attributes.at("data-guarantee") == "msync");
  for (const auto& [name, css_class] :
       std::vector<std::pair<std::string, std::string>>{{"table", "timeline"},
                                                        {"tr", "crash-point"},
                                                        {"dd", "promise"},
                                                        {"ul", "lost"},
                                                        {"ol", "persist-graph"},
                                                        {"ul", "state"},
                                                        {"dd", "observed"},
                                                        {"dd", "expected"}}) {
    CAPTURE(name + "." + css_class);
    const auto found = markup.Find(name, css_class);
    REQUIRE(found.size() == 2);
    CHECK(markup.Inside(found[0], articles[0]));
    CHECK(markup.Inside(found[1], articles[1]));
  }
  // Four steps of one process: one process lane and the background lane, four step rows.
  const size_t timeline = markup.Find("table", "timeline")[0];
  std::vector<std::string> lanes;
  for (size_t th : markup.Find("th", "lane")) {
    if (markup.Inside(th, timeline)) lanes.push_back(markup.elements[th].text);
  }
  CHECK(lanes == std::vector<std::string>{"P2", "background / hardware"});
  size_t steps = 0;
  for (size_t tr : markup.Find("tr", "step")) steps += markup.Inside(tr, timeline) ? 1 : 0;
  CHECK(steps == 4);
  const size_t crash = markup.Find("tr", "crash-point")[0];
  CHECK(markup.elements[crash].parent.has_value());
  const size_t lost_node = markup.Find("li", "lost")[0];
  CHECK(markup.Inside(lost_node, markup.Find("ol", "persist-graph")[0]));
}

TEST_CASE("the persist graph is a picture with its edges, the events listed below it") {
  const Markup markup = Read(RenderHtmlReport({MixedModeResult(), HostileResult()}, {}));
  const auto articles = markup.Find("article", "violation");
  REQUIRE(articles.size() == 2);
  const auto figures = markup.Find("figure", "persist-graph");
  REQUIRE(figures.size() == 2);
  std::set<std::string> ids;
  size_t id_count = 0;
  for (size_t i = 0; i < figures.size(); ++i) {
    CHECK(markup.Inside(figures[i], articles[i]));
    std::vector<size_t> svgs;
    for (size_t svg : markup.Find("svg")) {
      if (markup.Inside(svg, figures[i])) svgs.push_back(svg);
    }
    REQUIRE(svgs.size() == 1);
    size_t nodes = 0, edges = 0;
    for (size_t g : markup.Find("g")) {
      if (!markup.Inside(g, svgs[0])) continue;
      nodes += markup.elements[g].HasClass("node") ? 1 : 0;
      edges += markup.elements[g].HasClass("edge") ? 1 : 0;
    }
    // Three events and one edge in the first; two and one in the hostile one.
    CHECK(nodes == (i == 0 ? 3u : 2u));
    CHECK(edges == 1);
    // The list is folded under the picture.
    const auto lists = markup.Find("ol", "persist-graph");
    REQUIRE(lists.size() == 2);
    CHECK(markup.Inside(lists[i], figures[i]));
    CHECK(markup.elements[*markup.elements[lists[i]].parent].name == "details");
  }
  for (const auto& element : markup.elements) {
    auto id = element.attributes.find("id");
    if (id == element.attributes.end()) continue;
    ids.insert(id->second);
    ++id_count;
  }
  CHECK(ids.size() == id_count);  // every id in the page once, the pictures' included
  CHECK(markup.ById("violation_1_graph").has_value());
  CHECK(markup.ById("violation_2_graph").has_value());
}

TEST_CASE("a violation with no pending event has no picture") {
  ScenarioResult scenario = MixedModeResult();
  scenario.models[2].violations[0].persist_graph.clear();
  const Markup markup = Read(RenderHtmlReport({scenario}, {}));
  CHECK(markup.Find("svg").empty());
  CHECK(markup.Find("ol", "persist-graph").size() == 1);
}

TEST_CASE("background and hardware steps share the last lane of the timeline") {
  const Markup markup = Read(RenderHtmlReport({HostileResult()}, {}));
  std::vector<std::string> lanes;
  for (size_t th : markup.Find("th", "lane")) lanes.push_back(markup.elements[th].text);
  CHECK(lanes == std::vector<std::string>{"P1", "background / hardware"});
  CHECK(markup.Find("td", "background").size() == 2);
}

TEST_CASE("text from a scenario is escaped, so a hostile name cannot inject markup") {
  const std::string html = RenderHtmlReport({HostileResult()}, {});
  CHECK(html.find("<script>alert") == std::string::npos);
  CHECK(html.find("&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);
  CHECK(html.find("\xff") == std::string::npos);
  const Markup markup = Read(html);
  const auto article = markup.ById("violation-1");
  REQUIRE(article.has_value());
  CHECK(markup.elements[*article].attributes.at("data-scenario") == "a|b<i>`c`</i>&\"d\"");
}

TEST_CASE("a report without violations says so") {
  ScenarioResult clean = MixedModeResult();
  clean.models.resize(2);
  const Markup markup = Read(RenderHtmlReport({clean}, {}));
  CHECK(markup.Find("article").empty());
  CHECK(markup.ById("matrix").has_value());
}

TEST_CASE("columns that all say the same thing are one, and a shared trace is one article") {
  const std::string html = RenderHtmlReport({testing::SameUnderEveryDesignResult()}, {});
  const Markup markup = Read(html);
  const auto articles = markup.Find("article", "violation");
  REQUIRE(articles.size() == 1);
  CHECK(markup.elements[articles[0]].attributes.at("data-model") ==
        "kernel-tracked map-sync daxfile-untracked daxfile-tracked per-vma");
  CHECK(html.find("<th>all designs</th>") != std::string::npos);
  // The one cell links to the one article.
  CHECK(html.find("href=\"#violation-1\"") != std::string::npos);
  CHECK(html.find("violation-2") == std::string::npos);
}

TEST_CASE("files that did not load are named with why, and no empty matrix is drawn") {
  const std::string html = RenderHtmlReport({}, {"a.json: /x: bad <value>"});
  const Markup markup = Read(html);
  CHECK(markup.ById("load-errors").has_value());
  CHECK_FALSE(markup.ById("matrix").has_value());
  CHECK(html.find("<li>a.json: /x: bad &lt;value&gt;</li>") != std::string::npos);
  CHECK(html.find("No scenario ran.") != std::string::npos);
  // With a scenario that ran, the matrix is there beside the list.
  CHECK(Read(RenderHtmlReport({MixedModeResult()}, {"b.json: /: not JSON"}))
            .ById("matrix")
            .has_value());
}

}  // namespace
}  // namespace crashsim
