#include "reports/markdown_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstddef>

#include "models/config.h"
#include "reports/escape.h"
#include "reports/report_view.h"
#include "reports/text_report.h"

namespace crashsim {
namespace {

std::string MatrixCellMarkdown(const ModelResult* model) {
  if (model == nullptr) return "-";
  const RunClass run_class = ClassifyRun(*model);
  std::string cell;
  switch (run_class) {
    case RunClass::kInternalError:
      return "**internal error**";
    case RunClass::kNotModelled:
      return "*not modelled*";
    case RunClass::kInterrupted:
      return fmt::format("*interrupted* (after {} states)", model->distinct_states);
    case RunClass::kDiffersFromExpect:
      cell = fmt::format("**{}** (expected {})", MarkdownText(VerdictText(model->violated, ", ")),
                         MarkdownText(VerdictText(model->expected, ", ")));
      break;
    default:
      cell = MarkdownText(VerdictText(model->violated, ", "));
  }
  if (model->coverage == Coverage::kBudgetExhausted) {
    cell += fmt::format(" ({})", MarkdownText(BudgetSummary(*model)));
    if (model->expected_not_reached()) {
      cell += fmt::format(" (expected not reached within the budget: {})",
                          MarkdownText(VerdictText(model->expected_missing(), ", ")));
    }
  }
  if (model->coverage == Coverage::kSampled) {
    cell += fmt::format(" (sampled, seed {})", model->sample_seed);
  }
  return cell;
}

std::string MatrixMarkdown(const std::vector<ScenarioResult>& results) {
  const std::vector<ColumnGroup> columns = GroupedMatrixColumns(results);
  std::string out = "| scenario |";
  for (const ColumnGroup& group : columns) out += fmt::format(" {} |", group.label);
  out += "\n|---|";
  for (size_t i = 0; i < columns.size(); ++i) out += "---|";
  out += "\n";
  for (const ScenarioResult& scenario : results) {
    out += fmt::format("| {} |", MarkdownText(scenario.name));
    for (const ColumnGroup& group : columns) {
      out += fmt::format(" {} |", MatrixCellMarkdown(FindModel(scenario, group.designs.front())));
    }
    out += "\n";
  }
  return out;
}

// The notes under the matrix: which op is not modelled in which run.
std::string NotModelledNotes(const std::vector<ScenarioResult>& results) {
  std::string out;
  for (const ScenarioResult& scenario : results) {
    for (const ModelResult& model : scenario.models) {
      if (model.not_modelled.empty()) continue;
      out += fmt::format("- {} under {}: {}\n", MarkdownText(scenario.name),
                         DesignName(model.design), MarkdownCode(model.not_modelled));
    }
  }
  return out.empty() ? out : "\nNot modelled yet (the run is invalid):\n\n" + out;
}

// A fenced code block around `lines`, its fence longer than any backtick run inside.
std::string CodeBlock(const std::vector<std::string>& lines) {
  size_t longest = 0;
  for (const std::string& line : lines) {
    size_t run = 0;
    for (char c : line) {
      run = c == '`' ? run + 1 : 0;
      longest = std::max(longest, run);
    }
  }
  const std::string fence(std::max<size_t>(3, longest + 1), '`');
  std::string out = fence + "text\n";
  for (const std::string& line : lines) out += PrintableUtf8(line) + "\n";
  return out + fence + "\n";
}

// The runs that ended in an internal error, each with what failed and the schedule to it.
std::string InternalErrorNotes(const std::vector<ScenarioResult>& results) {
  std::string out;
  for (const ScenarioResult& scenario : results) {
    for (const ModelResult& model : scenario.models) {
      if (!model.internal_error) continue;
      out += "\n" + CodeBlock(InternalErrorLines(scenario, model));
    }
  }
  return out.empty() ? out : "\nInternal errors (bugs in crashsim; no verdict):\n" + out;
}

// The schedule, one line per step: number, lane, text, result; then the crash point.
std::vector<std::string> TimelineLines(const Violation& violation) {
  const TimelineLanes lanes = LayOutLanes(violation.schedule);
  size_t actor_width = 0;
  for (const TraceStep& step : violation.schedule) {
    actor_width = std::max(actor_width, step.actor.size());
  }
  const size_t number_width = fmt::format("{}", violation.schedule.size()).size();
  std::vector<std::string> lines;
  lines.push_back(fmt::format("lanes: {}", fmt::join(lanes.names, " | ")));
  for (size_t i = 0; i < violation.schedule.size(); ++i) {
    const TraceStep& step = violation.schedule[i];
    std::string line =
        fmt::format("{:>{}}. {:<{}}  {}", i + 1, number_width, step.actor, actor_width, step.text);
    if (!step.result.empty()) line += " -> " + step.result;
    std::replace(line.begin(), line.end(), '\n', ' ');
    lines.push_back(std::move(line));
  }
  lines.push_back(fmt::format("*** crash {} ***", violation.crash_point));
  return lines;
}

}  // namespace

namespace {

// The fix attempts of a violation (docs/architecture.md, "Fix suggestions"), when it has any.
std::string FixMarkdown(const Violation& violation, const std::string& designs) {
  if (violation.fix.empty()) return "";
  std::string out = "\nFix:\n\n";
  for (const FixAttempt& attempt : violation.fix) {
    out += fmt::format("- {}: {}. {}\n", MarkdownText(FixInsertionText(attempt)),
                       MarkdownText(FixOutcomeText(attempt, designs)),
                       MarkdownText(attempt.missing));
  }
  return out;
}

// The trace under the heading "### NAME: DESIGNS: VIOLATION (expected)".
std::string RenderViolationMarkdownUnder(const ScenarioResult& scenario, const ModelResult& model,
                                         const Violation& violation, const std::string& designs) {
  const bool expected = model.expected.count(violation.name) > 0;
  std::string out = fmt::format("### {}: {}: {} ({})\n\n", MarkdownText(scenario.name), designs,
                                MarkdownText(violation.name),
                                expected ? "expected" : "not expected");
  out += fmt::format("Scenario file {}.\n\n", MarkdownCode(scenario.path));
  out += fmt::format("- **Promise broken:** {}\n",
                     violation.promise.empty() ? "-" : MarkdownText(violation.promise));
  out += fmt::format("- **Observed:** {}\n", MarkdownCode(violation.observed));
  out += fmt::format("- **Expected:** {}\n\n", MarkdownCode(violation.expected));
  out += "Timeline:\n\n" + CodeBlock(TimelineLines(violation));
  out += "\nLost persist events:\n\n";
  if (violation.lost.empty()) out += "- none\n";
  for (const LostEvent& event : violation.lost) {
    out += fmt::format("- {}: {}\n", MarkdownText(event.kind), MarkdownText(event.description));
  }
  out += "\nPersist graph at the crash point (node: kind, description, must persist after):\n\n";
  if (violation.persist_graph.empty()) out += "- no pending persist event\n";
  for (size_t i = 0; i < violation.persist_graph.size(); ++i) {
    const PersistNode& node = violation.persist_graph[i];
    out += fmt::format("- {}: {}: {}", i, MarkdownText(node.kind), MarkdownText(node.description));
    if (!node.after.empty()) out += fmt::format(" (after {})", fmt::join(node.after, ", "));
    if (node.lost) out += " **lost**";
    out += "\n";
  }
  out += "\nState at the crash:\n\n";
  if (violation.state.empty()) {
    out += "- no state lines recorded\n";
  } else {
    out += CodeBlock(violation.state);
  }
  return out + FixMarkdown(violation, designs);
}

}  // namespace

std::string RenderViolationMarkdown(const ScenarioResult& scenario, const ModelResult& model,
                                    const Violation& violation) {
  return RenderViolationMarkdownUnder(scenario, model, violation, DesignName(model.design));
}

std::string RenderMarkdownReport(const std::vector<ScenarioResult>& results,
                                 const std::vector<std::string>& load_errors) {
  std::string out = "# crashsim report\n\n";
  out += MarkdownText(SummaryLine(results, static_cast<int>(load_errors.size()))) + "\n\n";
  if (!load_errors.empty()) {
    out += "## Files that did not load\n\n";
    for (const std::string& error : load_errors) out += "- " + MarkdownText(error) + "\n";
    out += "\n";
  }
  out += "## Verdicts\n\n";
  // No scenario ran (every file failed to load): no table with a header and no rows.
  out += results.empty() ? std::string("No scenario ran.\n")
                         : MatrixMarkdown(results) + NotModelledNotes(results) +
                               InternalErrorNotes(results);
  out += "\nA cell lists the violated guarantees and assertions (ok: none); **bold** marks a "
         "verdict that differs from the scenario's expect. Every run is exhaustive unless its "
         "cell says otherwise.\n";
  out += "\n## Violations\n";
  bool any = false;
  for (const ScenarioResult& scenario : results) {
    // A trace that several designs share is written once, naming them.
    for (const ViolationGroup& group : GroupedViolations(scenario)) {
      out += "\n" + RenderViolationMarkdownUnder(scenario, *group.model, *group.violation,
                                                  group.label);
      any = true;
    }
  }
  if (!any) out += "\nNo violation.\n";
  return out;
}

}  // namespace crashsim
