#include "reports/html_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstddef>
#include <map>
#include <tuple>
#include <utility>

#include "models/config.h"
#include "reports/dot_report.h"
#include "reports/escape.h"
#include "reports/graphviz_svg.h"
#include "reports/report_view.h"
#include "reports/text_report.h"

namespace crashsim {
namespace {

// Colours: green for clean, amber for a violation the scenario expects (a finding, not a
// failure), red for a difference from `expect`, purple for a cut run, grey for an invalid one.
// The sticky header and first column keep a 50 x 5 matrix readable while scrolling; cells wrap,
// so the matrix stays as wide as the page (1400 px wide windows show it whole).
constexpr const char* kStyle = R"(:root { color-scheme: light; }
body { font: 14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
  margin: 0 auto; padding: 0 1.5em 3em; max-width: 84em; color: #1d1d1f; background: #fff; }
h1 { font-size: 1.5em; margin: 1em 0 0.2em; }
h2 { font-size: 1.2em; margin: 1.6em 0 0.5em; border-bottom: 1px solid #ddd; }
h3 { font-size: 1.05em; margin: 0 0 0.4em; }
h4 { font-size: 0.95em; margin: 1em 0 0.3em; color: #444; }
code, .mono, table.timeline td { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace;
  font-size: 12.5px; }
#summary { margin: 0 0 1em; color: #444; }
#legend { list-style: none; padding: 0; margin: 0.6em 0; display: flex; flex-wrap: wrap;
  gap: 0.4em 1.2em; font-size: 12.5px; }
#legend li { display: flex; align-items: center; gap: 0.4em; }
.swatch { display: inline-block; width: 1.1em; height: 1.1em; border: 1px solid #999; }
table#matrix { border-collapse: separate; border-spacing: 0; font-size: 12.5px; width: 100%; }
#matrix th, #matrix td { padding: 2px 8px; border-bottom: 1px solid #e3e3e3;
  border-right: 1px solid #e3e3e3; white-space: nowrap; }
#matrix td { white-space: normal; overflow-wrap: anywhere; }
#matrix thead th { position: sticky; top: 0; z-index: 2; background: #f4f4f6; text-align: left;
  border-bottom: 2px solid #bbb; }
#matrix tbody th { position: sticky; left: 0; z-index: 1; background: #fafafa; text-align: left;
  font-weight: normal; font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; }
#matrix thead th.corner { left: 0; z-index: 3; }
#matrix tbody tr:hover th, #matrix tbody tr:hover td { filter: brightness(0.95); }
td.cell a { color: inherit; }
td.cell .note { display: block; font-size: 11px; opacity: 0.85; }
.clean { background: #e3f4e6; color: #1d4d26; }
.violated-as-expected { background: #ffe7c2; color: #6b3b00; }
.differs-from-expect { background: #f9c9c9; color: #7d0000; font-weight: bold; }
.budget { background: #e6dcf7; color: #40227a; }
.not-modelled { background: #dedede; color: #333; font-style: italic; }
.interrupted { background: #fff4b8; color: #5c4a00; font-style: italic; }
.internal-error { background: #2b2b2b; color: #ffd0d0; font-weight: bold; }
pre.internal-error { padding: 0.6em 0.8em; border-radius: 4px; white-space: pre-wrap; }
.not-run { background: #fff; color: #aaa; }
article.violation { border: 1px solid #ddd; border-left: 5px solid #d08000; border-radius: 4px;
  padding: 0.8em 1em; margin: 1em 0; }
article.violation.not-expected { border-left-color: #c00000; }
.badge { font-size: 11px; padding: 1px 6px; border-radius: 8px; vertical-align: middle;
  font-weight: normal; }
.badge.as-expected { background: #ffe7c2; color: #6b3b00; }
.badge.not-expected { background: #f9c9c9; color: #7d0000; }
.path { color: #666; margin: 0 0 0.6em; font-size: 12.5px; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.2em 1em; margin: 0.4em 0; }
dl.facts dt { color: #555; }
dl.facts dd { margin: 0; }
dd.observed code { background: #fbe0e0; padding: 0 3px; }
dd.expected code { background: #e3f4e6; padding: 0 3px; }
table.timeline { border-collapse: collapse; margin: 0.5em 0; width: 100%; table-layout: fixed; }
table.timeline th { font-size: 12.5px; text-align: left; padding: 3px 6px; background: #f4f4f6;
  border-bottom: 2px solid #bbb; }
table.timeline th.step-number, table.timeline td.step-number { width: 2.5em; text-align: right;
  color: #777; }
table.timeline td { padding: 2px 6px; vertical-align: top; border-left: 2px solid #e6e6ee;
  word-wrap: break-word; }
table.timeline td.event { background: #eef3fb; border-left-color: #6b8fd6; }
table.timeline td.event.background { background: #f3f0e6; border-left-color: #b59a4a; }
table.timeline .result { color: #1d4d26; white-space: nowrap; }
table.timeline .actor { color: #8a6d1f; }
table.timeline tr.crash-point td { background: #c00000; color: #fff; font-weight: bold;
  border-left-color: #c00000; }
ul.lost li, ol.persist-graph li.lost { color: #a00000; }
figure.persist-graph { margin: 0.4em 0; }
figure.persist-graph figcaption { color: #555; font-size: 12.5px; margin-bottom: 0.3em; }
.graph-picture { max-height: 40em; overflow: auto; border: 1px solid #eee; }
.graph-picture svg { display: block; }
.graph-picture svg text { font-family: "DejaVu Sans Mono", "Liberation Mono", Menlo, Consolas,
  monospace; }
figure.persist-graph details summary { cursor: pointer; color: #555; font-size: 12.5px; }
ol.persist-graph li.lost .node-description { text-decoration: underline dashed; }
.kind { display: inline-block; min-width: 7em; color: #555; }
ul.state { list-style: none; padding-left: 1em; }
.none { color: #777; font-style: italic; }
footer { margin-top: 2em; color: #777; font-size: 12px; }
)";

std::string Escaped(const std::string& text) { return HtmlEscape(text); }

// The element ids of the violations, "violation-N" numbered from 1 in report order, keyed by
// (scenario index, model index, violated name).
using ViolationKey = std::tuple<size_t, size_t, std::string>;
using ViolationIds = std::map<ViolationKey, std::string>;

ViolationIds NumberViolations(const std::vector<ScenarioResult>& results) {
  ViolationIds ids;
  int next = 1;
  for (size_t s = 0; s < results.size(); ++s) {
    // A trace several designs share is one article: each of their cells links to it.
    for (const ViolationGroup& group : GroupedViolations(results[s])) {
      const std::string id = fmt::format("violation-{}", next++);
      for (Design design : group.designs) {
        const ModelResult* model = FindModel(results[s], design);
        ids[{s, static_cast<size_t>(model - results[s].models.data()), group.violation->name}] = id;
      }
    }
  }
  return ids;
}

// `scenario_index` and `model_index` locate `model` for its violation links; `designs` names the
// column (one design, or the group of designs whose runs agree).
std::string MatrixCellHtml(const ModelResult* model, size_t scenario_index, size_t model_index,
                           const ViolationIds& ids, const std::string& designs) {
  if (model == nullptr) return "<td class=\"cell not-run\" title=\"not run\">-</td>";
  const RunClass run_class = ClassifyRun(*model);
  std::string title = fmt::format("{}: {}", designs, RunClassName(run_class));
  std::string body;
  if (run_class == RunClass::kInternalError) {
    body = "internal error";
    title += ": " + model->internal_error->what + ", while " + model->internal_error->step;
  } else if (run_class == RunClass::kNotModelled) {
    body = "not modelled";
    title += ": " + model->not_modelled;
  } else if (run_class == RunClass::kInterrupted) {
    body = "interrupted";
  } else if (model->violated.empty()) {
    body = "ok";
  } else {
    bool first = true;
    for (const std::string& name : model->violated) {
      if (!first) body += ", ";
      first = false;
      auto id = ids.find({scenario_index, model_index, name});
      body += id == ids.end() ? Escaped(name)
                              : fmt::format("<a href=\"#{}\">{}</a>", id->second, Escaped(name));
    }
  }
  std::string note;
  if (run_class == RunClass::kDiffersFromExpect) {
    note = "expected " + VerdictText(model->expected, ", ");
  }
  if (run_class == RunClass::kInterrupted) {
    note = fmt::format("after {} states", model->distinct_states);
  }
  if (model->coverage == Coverage::kBudgetExhausted && run_class != RunClass::kNotModelled) {
    if (!note.empty()) note += "; ";
    note += BudgetSummary(*model);
    if (model->expected_not_reached()) {
      note += "; expected not reached within the budget: " +
              VerdictText(model->expected_missing(), ", ");
    }
  }
  if (model->coverage == Coverage::kSampled) {
    if (!note.empty()) note += "; ";
    note += fmt::format("sampled, seed {}", model->sample_seed);
  }
  if (!note.empty()) {
    title += "; " + note;
    body += "<span class=\"note\">" + Escaped(note) + "</span>";
  }
  return fmt::format("<td class=\"cell {}\" title=\"{}\">{}</td>", RunClassName(run_class),
                     Escaped(title), body);
}

std::string MatrixHtml(const std::vector<ScenarioResult>& results, const ViolationIds& ids) {
  const std::vector<ColumnGroup> columns = GroupedMatrixColumns(results);
  std::string out = "<table id=\"matrix\">\n<thead><tr><th class=\"corner\">scenario</th>";
  for (const ColumnGroup& group : columns) out += fmt::format("<th>{}</th>", group.label);
  out += "</tr></thead>\n<tbody>\n";
  for (size_t s = 0; s < results.size(); ++s) {
    const ScenarioResult& scenario = results[s];
    out += fmt::format("<tr><th scope=\"row\" title=\"{}\">{}</th>",
                       Escaped(scenario.path + (scenario.doc.empty() ? "" : ": " + scenario.doc)),
                       Escaped(scenario.name));
    for (const ColumnGroup& group : columns) {
      const ModelResult* model = FindModel(scenario, group.designs.front());
      const size_t m = model == nullptr ? 0 : static_cast<size_t>(model - scenario.models.data());
      out += MatrixCellHtml(model, s, m, ids, group.label);
    }
    out += "</tr>\n";
  }
  out += "</tbody>\n</table>\n";
  return out;
}

std::string LegendHtml() {
  std::string out = "<ul id=\"legend\">";
  const std::pair<RunClass, const char*> entries[] = {
      {RunClass::kClean, "clean: nothing violated, as expected"},
      {RunClass::kViolatedAsExpected, "violated, as the scenario expects"},
      {RunClass::kDiffersFromExpect, "differs from the scenario's expect"},
      {RunClass::kBudget, "a state or image budget ran out: not covered, never a pass"},
      {RunClass::kNotModelled, "uses an op not modelled yet: invalid"},
      {RunClass::kInterrupted, "interrupted by a signal: not covered, never a pass"},
      {RunClass::kInternalError, "internal error: a bug in crashsim, no verdict"},
  };
  for (const auto& [run_class, text] : entries) {
    out += fmt::format("<li><span class=\"swatch {}\"></span>{}</li>", RunClassName(run_class),
                       text);
  }
  return out + "</ul>\n";
}

std::string TimelineHtml(const Violation& violation) {
  const TimelineLanes lanes = LayOutLanes(violation.schedule);
  std::string out = "<table class=\"timeline\">\n<thead><tr><th class=\"step-number\">#</th>";
  for (size_t lane = 0; lane < lanes.names.size(); ++lane) {
    const bool background = lane + 1 == lanes.names.size();
    out += fmt::format("<th class=\"lane{}\">{}</th>", background ? " background" : "",
                       Escaped(lanes.names[lane]));
  }
  out += "</tr></thead>\n<tbody>\n";
  for (size_t i = 0; i < violation.schedule.size(); ++i) {
    const TraceStep& step = violation.schedule[i];
    const size_t lane_of_step = lanes.lane_of_step[i];
    out += fmt::format("<tr class=\"step\"><td class=\"step-number\">{}</td>", i + 1);
    for (size_t lane = 0; lane < lanes.names.size(); ++lane) {
      if (lane != lane_of_step) {
        out += "<td></td>";
        continue;
      }
      const bool background = IsBackgroundActor(step.actor);
      out += fmt::format("<td class=\"event{}\">", background ? " background" : "");
      if (background) out += fmt::format("<span class=\"actor\">{}:</span> ", Escaped(step.actor));
      out += Escaped(step.text);
      if (!step.result.empty()) {
        out += fmt::format(" <span class=\"result\">-&gt; {}</span>", Escaped(step.result));
      }
      out += "</td>";
    }
    out += "</tr>\n";
  }
  out += fmt::format(
      "<tr class=\"crash-point\"><td class=\"step-number\">X</td><td colspan=\"{}\">crash {}</td>"
      "</tr>\n",
      lanes.names.size(), Escaped(violation.crash_point));
  return out + "</tbody>\n</table>\n";
}

std::string LostHtml(const Violation& violation) {
  if (violation.lost.empty()) {
    return "<ul class=\"lost\"><li class=\"none\">no persist event was lost</li></ul>\n";
  }
  std::string out = "<ul class=\"lost\">\n";
  for (const LostEvent& event : violation.lost) {
    out += fmt::format("<li><span class=\"kind\">{}</span> {}</li>\n", Escaped(event.kind),
                       Escaped(event.description));
  }
  return out + "</ul>\n";
}

// The pending events as a numbered list, as the picture numbers them.
std::string PersistListHtml(const Violation& violation) {
  std::string out = "<ol class=\"persist-graph\" start=\"0\">\n";
  for (const PersistNode& node : violation.persist_graph) {
    out += fmt::format("<li{}><span class=\"kind\">{}</span> <span class=\"node-description\">{}"
                       "</span>",
                       node.lost ? " class=\"lost\"" : "", Escaped(node.kind),
                       Escaped(node.description));
    if (!node.after.empty()) {
      out += fmt::format(" <span class=\"after\">(after {})</span>", fmt::join(node.after, ", "));
    }
    if (node.lost) out += " <strong>lost</strong>";
    out += "</li>\n";
  }
  return out + "</ol>\n";
}

// The persist graph as a picture (the DOT of dot_report.h laid out by Graphviz, inline SVG), with
// the list of its events folded below it. `id` is the violation's element id.
std::string PersistGraphHtml(const ScenarioResult& scenario, const ModelResult& model,
                             const Violation& violation, const std::string& id) {
  if (violation.persist_graph.empty()) {
    return "<ol class=\"persist-graph\"><li class=\"none\">no pending persist event at the crash "
           "point</li></ol>\n";
  }
  size_t lost = 0;
  for (const PersistNode& node : violation.persist_graph) lost += node.lost ? 1 : 0;
  std::string out = "<figure class=\"persist-graph\">\n";
  out += fmt::format(
      "<figcaption>{} pending persist events, {} lost (red, dashed). An arrow runs from an event "
      "to one that must persist after it; a box holds the pieces of one write.</figcaption>\n",
      violation.persist_graph.size(), lost);
  std::string graph_id = id + "_graph";
  std::replace(graph_id.begin(), graph_id.end(), '-', '_');
  const StatusOr<std::string> svg =
      DotToInlineSvg(RenderPersistGraphDot(scenario, model, violation), graph_id);
  if (svg.ok()) {
    out += "<div class=\"graph-picture\">\n" + *svg + "</div>\n";
    out += "<details><summary>The events as a list</summary>\n" + PersistListHtml(violation) +
           "</details>\n";
  } else {
    out += fmt::format("<p class=\"none\">No picture: {}</p>\n",
                       Escaped(svg.status().message()));
    out += PersistListHtml(violation);
  }
  return out + "</figure>\n";
}

std::string StateHtml(const Violation& violation) {
  if (violation.state.empty()) {
    return "<ul class=\"state\"><li class=\"none\">no state lines recorded</li></ul>\n";
  }
  std::string out = "<ul class=\"state\">\n";
  for (const std::string& line : violation.state) {
    out += fmt::format("<li><code>{}</code></li>\n", Escaped(line));
  }
  return out + "</ul>\n";
}

// The fix attempts (docs/architecture.md, "Fix suggestions"); nothing when there are none.
std::string FixHtml(const Violation& violation, const std::string& designs) {
  if (violation.fix.empty()) return "";
  std::string out = "<h4>Fix</h4>\n<ul class=\"fix\">\n";
  for (const FixAttempt& attempt : violation.fix) {
    out += fmt::format("<li class=\"{}\"><strong>{}: {}</strong><div>{}</div></li>\n",
                       FixOutcomeName(attempt.outcome), Escaped(FixInsertionText(attempt)),
                       Escaped(FixOutcomeText(attempt, designs)), Escaped(attempt.missing));
  }
  return out + "</ul>\n";
}

}  // namespace

namespace {

// `designs`: the designs whose runs have this trace, the first being `model`'s.
std::string RenderViolationHtmlFor(const ScenarioResult& scenario, const ModelResult& model,
                                   const Violation& violation, const std::string& id,
                                   const std::vector<Design>& designs) {
  const bool expected = model.expected.count(violation.name) > 0;
  const std::string design = DesignsLabel(designs, scenario.models.size());
  std::vector<std::string> names;
  for (Design each : designs) names.emplace_back(DesignName(each));
  std::string out = fmt::format(
      "<article class=\"violation {}\" id=\"{}\" data-scenario=\"{}\" data-model=\"{}\" "
      "data-guarantee=\"{}\">\n",
      expected ? "as-expected" : "not-expected", Escaped(id), Escaped(scenario.name),
      fmt::join(names, " "), Escaped(violation.name));
  out += fmt::format(
      "<h3>{} &middot; {} &middot; {} <span class=\"badge {}\">{}</span></h3>\n",
      Escaped(scenario.name), design, Escaped(violation.name),
      expected ? "as-expected" : "not-expected", expected ? "expected" : "not expected");
  out += fmt::format("<p class=\"path\">{}</p>\n", Escaped(scenario.path));
  out += "<dl class=\"facts\">\n";
  out += fmt::format("<dt>promise broken</dt><dd class=\"promise\">{}</dd>\n",
                     violation.promise.empty() ? "-" : Escaped(violation.promise));
  out += fmt::format("<dt>observed</dt><dd class=\"observed\"><code>{}</code></dd>\n",
                     Escaped(violation.observed));
  out += fmt::format("<dt>expected</dt><dd class=\"expected\"><code>{}</code></dd>\n",
                     Escaped(violation.expected));
  out += "</dl>\n";
  out += "<h4>Timeline</h4>\n" + TimelineHtml(violation);
  out += "<h4>Lost persist events</h4>\n" + LostHtml(violation);
  out += "<h4>Persist graph at the crash point</h4>\n" +
         PersistGraphHtml(scenario, model, violation, id);
  out += "<h4>State at the crash</h4>\n" + StateHtml(violation);
  out += FixHtml(violation, design);
  return out + "</article>\n";
}

}  // namespace

std::string RenderViolationHtml(const ScenarioResult& scenario, const ModelResult& model,
                                const Violation& violation, const std::string& id) {
  return RenderViolationHtmlFor(scenario, model, violation, id, {model.design});
}

std::string RenderViolationHtmlPage(const ScenarioResult& scenario, const ModelResult& model,
                                    const Violation& violation) {
  const std::string title = fmt::format("{} under {}: {}", scenario.name, DesignName(model.design),
                                        violation.name);
  std::string out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  out += fmt::format("<title>crashsim explain: {}</title>\n", Escaped(title));
  out += fmt::format("<style>\n{}</style>\n</head>\n<body>\n", kStyle);
  out += fmt::format("<h1>crashsim explain</h1>\n<p id=\"summary\">{}</p>\n", Escaped(title));
  out += RenderViolationHtml(scenario, model, violation, "violation");
  return out + "</body>\n</html>\n";
}

std::string RenderHtmlReport(const std::vector<ScenarioResult>& results,
                             const std::vector<std::string>& load_errors) {
  const std::string summary = SummaryLine(results, static_cast<int>(load_errors.size()));
  const ViolationIds ids = NumberViolations(results);
  std::string out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  out += fmt::format("<title>crashsim report: {}</title>\n", Escaped(summary));
  out += fmt::format("<style>\n{}</style>\n</head>\n<body>\n", kStyle);
  out += "<h1>crashsim report</h1>\n";
  out += fmt::format("<p id=\"summary\">{}</p>\n", Escaped(summary));
  if (!load_errors.empty()) {
    out += "<section id=\"load-errors\">\n<h2>Files that did not load</h2>\n<ul>\n";
    for (const std::string& error : load_errors) out += "<li>" + Escaped(error) + "</li>\n";
    out += "</ul>\n</section>\n";
  }
  out += "<section id=\"verdicts\">\n<h2>Verdicts</h2>\n";
  // No scenario ran (every file failed to load): no matrix with a header and no rows.
  out += results.empty() ? std::string("<p class=\"none\">No scenario ran.</p>\n")
                         : LegendHtml() + MatrixHtml(results, ids);
  out += "</section>\n";
  out += "<section id=\"violations\">\n<h2>Violations</h2>\n";
  if (ids.empty()) out += "<p class=\"none\">No violation.</p>\n";
  for (size_t s = 0; s < results.size(); ++s) {
    for (const ViolationGroup& group : GroupedViolations(results[s])) {
      const size_t m = static_cast<size_t>(group.model - results[s].models.data());
      out += RenderViolationHtmlFor(results[s], *group.model, *group.violation,
                                    ids.at({s, m, group.violation->name}), group.designs);
    }
  }
  out += "</section>\n";
  std::string failures;
  for (const ScenarioResult& scenario : results) {
    for (const ModelResult& model : scenario.models) {
      if (!model.internal_error) continue;
      std::string text;
      for (const std::string& line : InternalErrorLines(scenario, model)) text += line + "\n";
      failures += "<pre class=\"internal-error\">" + Escaped(text) + "</pre>\n";
    }
  }
  if (!failures.empty()) {
    out += "<section id=\"internal-errors\">\n<h2>Internal errors</h2>\n" + failures +
           "</section>\n";
  }
  out += "<footer>Every run is exhaustive unless its cell says otherwise (sampled, or a state or "
         "image budget ran out).</footer>\n";
  return out + "</body>\n</html>\n";
}

}  // namespace crashsim
