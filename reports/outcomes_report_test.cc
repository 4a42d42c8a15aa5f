#include "reports/outcomes_report.h"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "reports/markup_check.h"

namespace crashsim {
namespace {

// One scenario, two designs with the same outcomes and one with a different list.
std::vector<ScenarioResult> Results() {
  ItemOutcomes flag;
  flag.item = "/pool[512:513]";
  flag.read_by = {"observe", "assertion data-after-flag"};
  OutcomeValue zero;
  zero.value = "0x00";
  zero.witness.crash_point = "before the first step";
  OutcomeValue one;
  one.value = "0x01";
  one.witness.crash_point = "after step 2 (P1: store m+512 0x01)";
  one.witness.schedule = {{"P1", "store m+0 fill(2c, 256)", ""}, {"P1", "store m+512 0x01", ""}};
  one.witness.lost = {{"pmem-line", "line 0 of /pool <script>"}};
  flag.values = {zero, one};
  ItemOutcomes cut = flag;
  cut.item = "/pool[0:256]";
  cut.after = "P1.flag";
  cut.cut = "more than 64 distinct values over the run";

  ScenarioResult scenario;
  scenario.path = "x.json";
  scenario.name = "commit-store";
  for (Design design : {Design::kKernelTracked, Design::kMapSync, Design::kPerVma}) {
    ModelResult model;
    model.design = design;
    model.distinct_states = 3;
    model.distinct_images = 7;
    model.outcomes = {flag, cut};
    if (design == Design::kPerVma) model.outcomes.pop_back();
    scenario.models.push_back(model);
  }
  return {scenario};
}

TEST_CASE("identical outcome lists are shown once, naming their models") {
  const std::vector<OutcomeGroup> groups = GroupedOutcomes(Results()[0]);
  REQUIRE(groups.size() == 2);
  CHECK(groups[0].designs.size() == 2);
  CHECK(groups[0].label == "kernel-tracked, map-sync");
  CHECK(groups[1].label == "per-vma");
}

TEST_CASE("the text lists every value with its witness and says what is incomplete") {
  const std::string text = RenderOutcomesText(Results(), 1);
  CHECK(text.find("kernel-tracked, map-sync: exhaustive: 3 distinct states, 7 crash images") !=
        std::string::npos);
  CHECK(text.find("/pool[512:513] (read by observe, assertion data-after-flag): 2 values") !=
        std::string::npos);
  CHECK(text.find("      = 0x01\n          crash after step 2 (P1: store m+512 0x01)") !=
        std::string::npos);
  CHECK(text.find("schedule: 1. P1: store m+0 fill(2c, 256); 2. P1: store m+512 0x01") !=
        std::string::npos);
  CHECK(text.find("/pool[0:256] after P1.flag") != std::string::npos);
  CHECK(text.find("(incomplete: more than 64 distinct values over the run)") != std::string::npos);
  CHECK(text.find("1 file did not load") != std::string::npos);
}

TEST_CASE("the HTML page is well formed, escaped and names files that did not load") {
  const std::string html = RenderOutcomesHtml(Results(), {"bad.json: /files: expected an array"});
  const testing::Markup markup = testing::ReadMarkup(html, {"meta"});
  CHECK(markup.error == "");
  CHECK(html.find("<script>") == std::string::npos);
  CHECK(html.find("bad.json: /files: expected an array") != std::string::npos);
  CHECK(markup.Find("table").size() == 3);
}

TEST_CASE("the JSON lists items per model with their witnesses") {
  const auto json = nlohmann::json::parse(RenderOutcomesJson(Results()));
  CHECK(json["crashsim_outcomes"] == 1);
  const auto& model = json["scenarios"][0]["models"][0];
  CHECK(model["model"] == "kernel-tracked");
  CHECK(model["coverage"] == "exhaustive");
  CHECK(model["items"][0]["values"][1]["value"] == "0x01");
  CHECK(model["items"][0]["values"][1]["schedule"].size() == 2);
  CHECK(model["items"][1]["incomplete"] == "more than 64 distinct values over the run");
  CHECK(json["scenarios"][0]["models"][2]["items"].size() == 1);
}

TEST_CASE("the Markdown has one table per item with values") {
  const std::string md = RenderOutcomesMarkdown(Results(), {});
  CHECK(md.find("### kernel-tracked, map-sync") != std::string::npos);
  CHECK(md.find("| `0x01` | after step 2 (P1: store m+512 0x01) |") != std::string::npos);
}

}  // namespace
}  // namespace crashsim
