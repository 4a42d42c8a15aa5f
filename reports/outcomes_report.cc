#include "reports/outcomes_report.h"

#include <fmt/format.h>

#include <algorithm>

#include <nlohmann/json.hpp>

#include "reports/escape.h"
#include "reports/json_report.h"
#include "reports/report_view.h"

namespace crashsim {
namespace {

using Json = nlohmann::ordered_json;

bool SameOutcomes(const ModelResult& a, const ModelResult& b) {
  return a.outcomes == b.outcomes && a.coverage == b.coverage &&
         a.sample_seed == b.sample_seed && a.distinct_states == b.distinct_states &&
         a.distinct_images == b.distinct_images && a.not_modelled == b.not_modelled &&
         !a.internal_error && !b.internal_error && a.budget_stops.empty() &&
         b.budget_stops.empty();
}

std::string ItemTitle(const ItemOutcomes& item) {
  return item.after.empty() ? item.item : item.item + " after " + item.after;
}

std::string ValueCount(const ItemOutcomes& item) {
  return fmt::format("{} value{}", item.values.size(), item.values.size() == 1 ? "" : "s");
}

// The lost events, those of one op counted together: a torn store loses many pieces, and what a
// reader needs is which ops lost how many ("29 device-writes of P1.3: store m+0 fill(44, 256)").
// An event's op is what follows the "): " that closes its place; an event without one stands
// alone. The JSON lists every event.
std::string LostLine(const Violation& witness) {
  if (witness.lost.empty()) return "nothing pending was lost";
  std::vector<std::pair<std::string, size_t>> groups;  // in the order first seen
  for (const LostEvent& event : witness.lost) {
    const size_t split = event.description.find("): ");
    const std::string key = split == std::string::npos
                                ? event.kind + " " + event.description
                                : event.kind + "|" + event.description.substr(split + 3);
    auto it = std::find_if(groups.begin(), groups.end(),
                           [&](const auto& group) { return group.first == key; });
    if (it == groups.end()) {
      groups.emplace_back(key, 1);
    } else {
      ++it->second;
    }
  }
  std::vector<std::string> parts;
  for (const auto& [key, count] : groups) {
    const size_t bar = key.find('|');
    if (bar == std::string::npos) {
      parts.push_back(key);
    } else {
      parts.push_back(fmt::format("{} {}{} of {}", count, key.substr(0, bar), count == 1 ? "" : "s",
                                  key.substr(bar + 1)));
    }
  }
  return fmt::format("{}", fmt::join(parts, "; "));
}

// The closing line: how much was listed, and what was not exhaustive or did not load.
std::string ClosingLine(const std::vector<ScenarioResult>& results, int load_failures) {
  size_t runs = 0, items = 0, incomplete = 0;
  for (const ScenarioResult& scenario : results) {
    size_t scenario_items = 0;
    for (const ModelResult& model : scenario.models) {
      ++runs;
      scenario_items = std::max(scenario_items, model.outcomes.size());
      if (model.coverage != Coverage::kExhaustive) ++incomplete;
    }
    items += scenario_items;
  }
  const auto plural = [](size_t count, const char* word) {
    return fmt::format("{} {}{}", count, word, count == 1 ? "" : "s");
  };
  std::string line = fmt::format("crashsim outcomes: {}, {}, {} observed",
                                 plural(results.size(), "scenario"), plural(runs, "model run"),
                                 plural(items, "item"));
  if (incomplete > 0) line += fmt::format("; {} not exhaustive", plural(incomplete, "run"));
  if (load_failures > 0) {
    line += fmt::format("; {} did not load", plural(static_cast<size_t>(load_failures), "file"));
  }
  return line + "\n";
}

}  // namespace

std::vector<OutcomeGroup> GroupedOutcomes(const ScenarioResult& scenario) {
  std::vector<OutcomeGroup> groups;
  for (const ModelResult& model : scenario.models) {
    auto same = std::find_if(groups.begin(), groups.end(), [&](const OutcomeGroup& group) {
      return SameOutcomes(*group.model, model);
    });
    if (same == groups.end()) {
      groups.push_back(OutcomeGroup{&model, {model.design}, ""});
    } else {
      same->designs.push_back(model.design);
    }
  }
  for (OutcomeGroup& group : groups) {
    group.label = DesignsLabel(group.designs, scenario.models.size());
  }
  return groups;
}

std::string OutcomeCoverage(const ModelResult& model) {
  const std::string counts = fmt::format("{} distinct state{}, {} crash image{}",
                                         model.distinct_states,
                                         model.distinct_states == 1 ? "" : "s",
                                         model.distinct_images,
                                         model.distinct_images == 1 ? "" : "s");
  switch (model.coverage) {
    case Coverage::kExhaustive:
      return "exhaustive: " + counts;
    case Coverage::kSampled:
      return fmt::format("sampled (seed {}), not exhaustive: {}", model.sample_seed, counts);
    case Coverage::kBudgetExhausted:
      return "not exhaustive: " + BudgetSummary(model) + "; what was reached is listed";
    case Coverage::kInterrupted:
      return "interrupted after " + counts + "; what was reached is listed";
    case Coverage::kInternalError:
      return "internal error (a bug in crashsim): " +
             (model.internal_error ? model.internal_error->what : std::string());
  }
  return counts;
}

std::string ScheduleLine(const std::vector<TraceStep>& schedule) {
  if (schedule.empty()) return "no step";
  std::vector<std::string> steps;
  for (size_t i = 0; i < schedule.size(); ++i) {
    const TraceStep& step = schedule[i];
    steps.push_back(fmt::format("{}. {}: {}{}", i + 1, step.actor, step.text,
                                step.result.empty() ? "" : " -> " + step.result));
  }
  return fmt::format("{}", fmt::join(steps, "; "));
}

std::string RenderOutcomesText(const std::vector<ScenarioResult>& results, int load_failures) {
  std::string out;
  for (const ScenarioResult& scenario : results) {
    out += fmt::format("{} ({})\n", scenario.name, scenario.path);
    for (const OutcomeGroup& group : GroupedOutcomes(scenario)) {
      const ModelResult& model = *group.model;
      out += fmt::format("  {}: {}\n", group.label, OutcomeCoverage(model));
      if (!model.not_modelled.empty()) {
        out += fmt::format("    not modelled: {}\n", model.not_modelled);
        continue;
      }
      if (model.outcomes.empty() && model.coverage != Coverage::kInternalError) {
        out += "    nothing observed: the scenario has no `observe` list and no assertion\n";
      }
      for (const ItemOutcomes& item : model.outcomes) {
        out += fmt::format("    {} (read by {}): {}\n", ItemTitle(item),
                           fmt::join(item.read_by, ", "), ValueCount(item));
        if (item.values.empty()) {
          out += "      no crash point reached where it is observed\n";
        }
        for (const OutcomeValue& value : item.values) {
          out += fmt::format("      = {}\n", value.value);
          out += fmt::format("          crash {}\n", value.witness.crash_point);
          out += fmt::format("          schedule: {}\n", ScheduleLine(value.witness.schedule));
          out += fmt::format("          lost: {}\n", LostLine(value.witness));
        }
        if (!item.cut.empty()) out += fmt::format("      (incomplete: {})\n", item.cut);
      }
    }
    out += "\n";
  }
  return out + ClosingLine(results, load_failures);
}

std::string RenderOutcomesMarkdown(const std::vector<ScenarioResult>& results,
                                   const std::vector<std::string>& load_errors) {
  std::string out = "# crashsim outcomes\n\n";
  out += "What a crash can leave in each observed item, per model: every distinct value, with one "
         "crash that leaves it.\n\n";
  if (!load_errors.empty()) {
    out += "## Files that did not load\n\n";
    for (const std::string& error : load_errors) out += "- " + MarkdownText(error) + "\n";
    out += "\n";
  }
  for (const ScenarioResult& scenario : results) {
    out += fmt::format("## {} ({})\n\n", MarkdownText(scenario.name), MarkdownCode(scenario.path));
    for (const OutcomeGroup& group : GroupedOutcomes(scenario)) {
      const ModelResult& model = *group.model;
      out += fmt::format("### {}\n\n{}\n\n", MarkdownText(group.label),
                         MarkdownText(OutcomeCoverage(model)));
      if (!model.not_modelled.empty()) {
        out += "Not modelled: " + MarkdownText(model.not_modelled) + "\n\n";
        continue;
      }
      for (const ItemOutcomes& item : model.outcomes) {
        out += fmt::format("**{}** (read by {}): {}\n\n", MarkdownCode(ItemTitle(item)),
                           MarkdownText(fmt::format("{}", fmt::join(item.read_by, ", "))),
                           ValueCount(item));
        if (!item.values.empty()) {
          out += "| value | crash | lost | schedule |\n|---|---|---|---|\n";
          for (const OutcomeValue& value : item.values) {
            out += fmt::format("| {} | {} | {} | {} |\n", MarkdownCode(value.value),
                               MarkdownText(value.witness.crash_point),
                               MarkdownText(LostLine(value.witness)),
                               MarkdownText(ScheduleLine(value.witness.schedule)));
          }
          out += "\n";
        }
        if (!item.cut.empty()) out += "Incomplete: " + MarkdownText(item.cut) + "\n\n";
      }
    }
  }
  return out + ClosingLine(results, static_cast<int>(load_errors.size()));
}

std::string RenderOutcomesHtml(const std::vector<ScenarioResult>& results,
                               const std::vector<std::string>& load_errors) {
  std::string out = R"(<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>crashsim outcomes</title>
<style>
body{font-family:system-ui,sans-serif;margin:1.5em;max-width:1400px}
table{border-collapse:collapse;margin:.5em 0 1.2em;table-layout:fixed;width:100%}
th,td{border:1px solid #ccc;padding:.3em .5em;text-align:left;vertical-align:top;overflow-wrap:anywhere}
th{background:#f0f0f0}
code{font-family:ui-monospace,monospace}
.value{width:28%}.crash{width:24%}.lost{width:24%}
.cut{color:#8a4b00}
.errors{color:#a00}
</style></head><body>
<h1>crashsim outcomes</h1>
<p>What a crash can leave in each observed item, per model: every distinct value, with one crash that leaves it.</p>
)";
  if (!load_errors.empty()) {
    out += "<h2>Files that did not load</h2><ul class=\"errors\">\n";
    for (const std::string& error : load_errors) out += "<li>" + HtmlEscape(error) + "</li>\n";
    out += "</ul>\n";
  }
  for (const ScenarioResult& scenario : results) {
    out += fmt::format("<h2>{} <small><code>{}</code></small></h2>\n", HtmlEscape(scenario.name),
                       HtmlEscape(scenario.path));
    for (const OutcomeGroup& group : GroupedOutcomes(scenario)) {
      const ModelResult& model = *group.model;
      out += fmt::format("<h3>{}</h3>\n<p>{}</p>\n", HtmlEscape(group.label),
                         HtmlEscape(OutcomeCoverage(model)));
      if (!model.not_modelled.empty()) {
        out += "<p>Not modelled: " + HtmlEscape(model.not_modelled) + "</p>\n";
        continue;
      }
      for (const ItemOutcomes& item : model.outcomes) {
        out += fmt::format("<p><code>{}</code> (read by {}): {}</p>\n", HtmlEscape(ItemTitle(item)),
                           HtmlEscape(fmt::format("{}", fmt::join(item.read_by, ", "))),
                           ValueCount(item));
        if (!item.values.empty()) {
          out += "<table><tr><th class=\"value\">value</th><th class=\"crash\">crash</th>"
                 "<th class=\"lost\">lost</th><th>schedule</th></tr>\n";
          for (const OutcomeValue& value : item.values) {
            std::string steps;
            for (size_t i = 0; i < value.witness.schedule.size(); ++i) {
              const TraceStep& step = value.witness.schedule[i];
              steps += fmt::format("<li>{}: {}{}</li>", HtmlEscape(step.actor),
                                   HtmlEscape(step.text),
                                   step.result.empty() ? "" : " &rarr; " + HtmlEscape(step.result));
            }
            out += fmt::format(
                "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                HtmlEscape(value.value), HtmlEscape(value.witness.crash_point),
                HtmlEscape(LostLine(value.witness)),
                steps.empty() ? std::string("no step")
                              : fmt::format("<details><summary>{} step{}</summary><ol>{}</ol></details>",
                                            value.witness.schedule.size(),
                                            value.witness.schedule.size() == 1 ? "" : "s", steps));
          }
          out += "</table>\n";
        }
        if (!item.cut.empty()) {
          out += "<p class=\"cut\">Incomplete: " + HtmlEscape(item.cut) + "</p>\n";
        }
      }
    }
  }
  out += "<p>" + HtmlEscape(ClosingLine(results, static_cast<int>(load_errors.size()))) +
         "</p>\n</body></html>\n";
  return out;
}

std::string RenderOutcomesJson(const std::vector<ScenarioResult>& results) {
  Json scenarios = Json::array();
  for (const ScenarioResult& scenario : results) {
    Json models = Json::array();
    for (const ModelResult& model : scenario.models) {
      Json items = Json::array();
      for (const ItemOutcomes& item : model.outcomes) {
        Json values = Json::array();
        for (const OutcomeValue& value : item.values) {
          Json schedule = Json::array();
          for (const TraceStep& step : value.witness.schedule) {
            schedule.push_back({{"actor", step.actor}, {"text", step.text}, {"result", step.result}});
          }
          Json lost = Json::array();
          for (const LostEvent& event : value.witness.lost) {
            lost.push_back({{"kind", event.kind}, {"description", event.description}});
          }
          values.push_back({{"value", value.value},
                            {"crash_point", value.witness.crash_point},
                            {"schedule", std::move(schedule)},
                            {"lost", std::move(lost)}});
        }
        Json entry = {{"item", item.item}, {"after", item.after}, {"read_by", item.read_by},
                      {"values", std::move(values)}};
        if (!item.cut.empty()) entry["incomplete"] = item.cut;
        items.push_back(std::move(entry));
      }
      Json entry = {{"model", DesignName(model.design)},
                    {"coverage", CoverageName(model.coverage)},
                    {"coverage_text", OutcomeCoverage(model)},
                    {"distinct_states", model.distinct_states},
                    {"distinct_images", model.distinct_images}};
      if (model.coverage == Coverage::kSampled) entry["seed"] = model.sample_seed;
      if (!model.not_modelled.empty()) entry["not_modelled"] = model.not_modelled;
      entry["items"] = std::move(items);
      models.push_back(std::move(entry));
    }
    scenarios.push_back({{"file", scenario.path}, {"name", scenario.name},
                         {"models", std::move(models)}});
  }
  Json report = {{"crashsim_outcomes", 1}, {"scenarios", std::move(scenarios)}};
  return report.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

}  // namespace crashsim
