#include "reports/text_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstddef>

#include "models/config.h"
#include "reports/report_view.h"

namespace crashsim {
namespace {

constexpr char kMarkDiffers = '!';
constexpr char kMarkBudget = '?';
constexpr char kMarkSampled = '~';
constexpr const char* kColumnGap = "  ";

bool Failed(const ModelResult& model) { return model.coverage == Coverage::kInternalError; }
bool Invalid(const ModelResult& model) { return !Failed(model) && !model.not_modelled.empty(); }
bool Interrupted(const ModelResult& model) {
  return !Invalid(model) && model.coverage == Coverage::kInterrupted;
}
// A verdict that differs from `expect`; a run that failed or was interrupted has none to compare.
bool Differs(const ModelResult& model) {
  return !Invalid(model) && !Failed(model) && !Interrupted(model) && model.differs_from_expect();
}
bool BudgetRanOut(const ModelResult& model) {
  return !Invalid(model) && model.coverage == Coverage::kBudgetExhausted;
}

// "; expected violation not reached within the budget: {X}" for a budget-cut run that found only
// what `expect` names but not all of it.
std::string NotReachedText(const ModelResult& model) {
  if (!model.expected_not_reached()) return "";
  return fmt::format("; expected violation not reached within the budget: {}",
                     FormatNameSet(model.expected_missing()));
}

std::string InterruptedWhere(const ModelResult& model) {
  return model.distinct_states == 0
             ? std::string("before it started")
             : fmt::format("after {} distinct states", model.distinct_states);
}

std::string RightTrimmed(std::string line) {
  while (!line.empty() && line.back() == ' ') line.pop_back();
  return line;
}

std::string Plural(size_t count, const char* singular, const char* plural) {
  return fmt::format("{} {}", count, count == 1 ? singular : plural);
}

// The lines printed under a row: what was expected where the cell differs, which op is not
// modelled, where the budget ran out.
std::vector<std::string> RowNotes(const ScenarioResult& scenario,
                                  const std::vector<ColumnGroup>& groups) {
  std::vector<std::string> notes;
  for (const ColumnGroup& group : groups) {
    const ModelResult* found = FindModel(scenario, group.designs.front());
    if (found == nullptr) continue;
    const ModelResult& model = *found;
    const std::string& design = group.label;
    if (Failed(model)) {
      notes.push_back(fmt::format("internal error: {}: {}, while {}", design,
                                  model.internal_error->what, model.internal_error->step));
      continue;
    }
    if (Invalid(model)) {
      notes.push_back(fmt::format("invalid: {}: {}", design, model.not_modelled));
      continue;
    }
    if (Interrupted(model)) {
      notes.push_back(fmt::format("interrupted: {}: {}", design, InterruptedWhere(model)));
      continue;
    }
    if (Differs(model)) {
      notes.push_back(fmt::format("expected: {}: {}", design, VerdictText(model.expected)));
    }
    if (BudgetRanOut(model)) {
      notes.push_back(fmt::format("budget: {}: {}{}", design, BudgetSummary(model),
                                  NotReachedText(model)));
    }
  }
  return notes;
}

}  // namespace

std::string FormatNameSet(const std::set<std::string>& names) {
  return fmt::format("{{{}}}", fmt::join(names, ", "));
}

std::string MatrixCell(const ModelResult& model) {
  if (Failed(model)) return std::string("internal-error") + kMarkDiffers;
  if (Invalid(model)) return std::string("not-modelled") + kMarkDiffers;
  if (Interrupted(model)) return "interrupted";
  std::string cell = VerdictText(model.violated);
  if (Differs(model)) cell += kMarkDiffers;
  if (model.coverage == Coverage::kBudgetExhausted) cell += kMarkBudget;
  if (model.coverage == Coverage::kSampled) cell += kMarkSampled;
  return cell;
}

std::string RenderMatrix(const std::vector<ScenarioResult>& results) {
  const std::vector<ColumnGroup> columns = GroupedMatrixColumns(results);

  // rows[i][0] is the scenario's name, rows[i][1 + j] the cell of columns[j].
  std::vector<std::vector<std::string>> rows;
  rows.push_back({"scenario"});
  for (const ColumnGroup& group : columns) rows[0].push_back(group.label);
  for (const ScenarioResult& scenario : results) {
    std::vector<std::string> row = {scenario.name};
    for (const ColumnGroup& group : columns) {
      const ModelResult* model = FindModel(scenario, group.designs.front());
      row.push_back(model == nullptr ? "" : MatrixCell(*model));
    }
    rows.push_back(std::move(row));
  }
  std::vector<size_t> widths(columns.size() + 1, 0);
  for (const auto& row : rows) {
    for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
  }
  auto render_row = [&](const std::vector<std::string>& row) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      if (i > 0) line += kColumnGap;
      line += fmt::format("{:<{}}", row[i], widths[i]);
    }
    return RightTrimmed(std::move(line)) + "\n";
  };
  const std::string note_indent(widths[0] + std::string(kColumnGap).size(), ' ');

  std::string out = render_row(rows[0]);
  bool any_differs = false, any_budget = false, any_sampled = false;
  for (size_t i = 0; i < results.size(); ++i) {
    out += render_row(rows[i + 1]);
    for (const std::string& note : RowNotes(results[i], columns)) {
      out += note_indent + note + "\n";
    }
    for (const ModelResult& model : results[i].models) {
      any_differs = any_differs || Failed(model) || Invalid(model) || Differs(model);
      any_budget = any_budget || BudgetRanOut(model);
      any_sampled = any_sampled || model.coverage == Coverage::kSampled;
    }
  }
  std::vector<std::string> legend;
  if (any_differs) legend.push_back(fmt::format("{} not as expected", kMarkDiffers));
  if (any_budget)
    legend.push_back(fmt::format("{} a budget ran out (states or images): not covered", kMarkBudget));
  if (any_sampled) legend.push_back(fmt::format("{} sampled, not exhaustive", kMarkSampled));
  if (!legend.empty()) out += fmt::format("\n{}\n", fmt::join(legend, "; "));
  return out;
}

namespace {

// A violation's trace under the header "NAME (PATH), DESIGNS: VIOLATION [expected]".
std::string RenderViolationUnder(const ScenarioResult& scenario, const ModelResult& model,
                                 const Violation& violation, const std::string& designs) {
  const bool expected = model.expected.count(violation.name) > 0;
  std::string out = fmt::format("{} ({}), {}: {} [{}]\n", scenario.name, scenario.path, designs,
                                violation.name, expected ? "expected" : "not expected");
  out += fmt::format("  promise:     {}\n", violation.promise.empty() ? "-" : violation.promise);
  if (violation.schedule.empty()) {
    out += "  schedule:    no steps\n";
  } else {
    out += "  schedule:\n";
    const size_t number_width = fmt::format("{}", violation.schedule.size()).size();
    for (size_t i = 0; i < violation.schedule.size(); ++i) {
      const TraceStep& step = violation.schedule[i];
      out += fmt::format("    {:>{}}. {}: {}", i + 1, number_width, step.actor, step.text);
      if (!step.result.empty()) out += fmt::format(" -> {}", step.result);
      out += "\n";
    }
  }
  out += fmt::format("  crash point: {}\n", violation.crash_point);
  if (violation.lost.empty()) {
    out += "  lost:        no persist event\n";
  } else {
    out += "  lost:\n";
    for (const LostEvent& event : violation.lost) {
      out += fmt::format("    {}: {}\n", event.kind, event.description);
    }
  }
  out += fmt::format("  observed:    {}\n", violation.observed);
  out += fmt::format("  expected:    {}\n", violation.expected);
  for (const FixAttempt& attempt : violation.fix) {
    out += fmt::format("  fix:         {}\n", attempt.missing);
    out += fmt::format("               {}: {}\n", FixInsertionText(attempt),
                       FixOutcomeText(attempt, designs));
  }
  if (!violation.state.empty()) {
    out += "  state:\n";
    for (const std::string& line : violation.state) out += fmt::format("    {}\n", line);
  }
  return out;
}

}  // namespace

std::string RenderViolation(const ScenarioResult& scenario, const ModelResult& model,
                            const Violation& violation) {
  return RenderViolationUnder(scenario, model, violation, DesignName(model.design));
}

std::string RenderInternalError(const ScenarioResult& scenario, const ModelResult& model) {
  std::string out;
  const std::vector<std::string> lines = InternalErrorLines(scenario, model);
  for (size_t i = 0; i < lines.size(); ++i) out += (i == 0 ? "" : "  ") + lines[i] + "\n";
  return out;
}

std::string RenderRunText(const std::vector<ScenarioResult>& results, int load_failures) {
  // No scenario ran (every file failed to load): no matrix header without rows.
  if (results.empty()) return SummaryLine(results, load_failures) + "\n";
  std::string out = RenderMatrix(results);
  for (const ScenarioResult& scenario : results) {
    // A trace that several designs share is printed once, naming them (a run that failed has no
    // violations, so the internal errors follow).
    for (const ViolationGroup& group : GroupedViolations(scenario)) {
      out += "\n" + RenderViolationUnder(scenario, *group.model, *group.violation, group.label);
    }
    for (const ModelResult& model : scenario.models) {
      if (Failed(model)) out += "\n" + RenderInternalError(scenario, model);
    }
  }
  out += "\n" + SummaryLine(results, load_failures) + "\n";
  return out;
}

std::string RenderCheckText(const std::vector<ScenarioResult>& results, int load_failures) {
  return RenderCheckLines(results) + "crashsim check: " + SummaryLine(results, load_failures) + "\n";
}

std::string RenderCheckLines(const std::vector<ScenarioResult>& results) {
  std::string out;
  for (const ScenarioResult& scenario : results) {
    for (const ModelResult& model : scenario.models) {
      const char* design = DesignName(model.design);
      if (Failed(model)) {
        out += fmt::format("INTERNAL-ERROR {}: {}: {}, while {}\n", scenario.path, design,
                           model.internal_error->what, model.internal_error->step);
        continue;
      }
      if (Invalid(model)) {
        out += fmt::format("INVALID {}: {}: {}\n", scenario.path, design, model.not_modelled);
        continue;
      }
      if (Interrupted(model)) {
        out += fmt::format("INTERRUPTED {}: {}: {}\n", scenario.path, design,
                           InterruptedWhere(model));
        continue;
      }
      if (Differs(model)) {
        out += fmt::format("FAIL {}: {}: got {} expected {}\n", scenario.path, design,
                           FormatNameSet(model.violated), FormatNameSet(model.expected));
      }
      if (BudgetRanOut(model)) {
        out += fmt::format("BUDGET {}: {}: {}{}\n", scenario.path, design, BudgetSummary(model),
                           NotReachedText(model));
      }
    }
  }
  return out;
}

std::string SummaryLine(const std::vector<ScenarioResult>& results, int load_failures) {
  size_t models = 0, differ = 0, invalid = 0, state_budget = 0, image_budget = 0, failed = 0,
         interrupted = 0;
  for (const ScenarioResult& scenario : results) {
    for (const ModelResult& model : scenario.models) {
      ++models;
      if (Failed(model)) ++failed;
      if (Interrupted(model)) ++interrupted;
      if (Invalid(model)) ++invalid;
      if (Differs(model)) ++differ;
      if (BudgetRanOut(model) && StateBudgetRanOut(model)) ++state_budget;
      if (BudgetRanOut(model) && ImageBudgetRanOut(model)) ++image_budget;
    }
  }
  std::vector<std::string> problems;
  if (load_failures > 0) {
    problems.push_back(fmt::format("{} not loaded", Plural(load_failures, "file", "files")));
  }
  if (failed > 0) {
    problems.push_back(fmt::format("{} (a bug in crashsim)",
                                   Plural(failed, "internal error", "internal errors")));
  }
  if (invalid > 0) problems.push_back(fmt::format("{} not modelled yet", invalid));
  if (interrupted > 0) problems.push_back(fmt::format("{} interrupted", interrupted));
  if (differ > 0)
    problems.push_back(fmt::format("{} {}", differ, differ == 1 ? "differs" : "differ"));
  if (state_budget > 0) problems.push_back(fmt::format("{} out of state budget", state_budget));
  if (image_budget > 0) problems.push_back(fmt::format("{} out of image budget", image_budget));
  return fmt::format("{}, {}: {}", Plural(results.size(), "scenario", "scenarios"),
                     Plural(models, "model", "models"),
                     problems.empty() ? std::string("all as expected")
                                      : fmt::format("{}", fmt::join(problems, ", ")));
}

}  // namespace crashsim
