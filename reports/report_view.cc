#include "reports/report_view.h"

#include <fmt/format.h>

#include <iterator>

namespace crashsim {

RunClass ClassifyRun(const ModelResult& model) {
  if (model.coverage == Coverage::kInternalError) return RunClass::kInternalError;
  if (!model.not_modelled.empty()) return RunClass::kNotModelled;
  if (model.coverage == Coverage::kInterrupted) return RunClass::kInterrupted;
  if (model.differs_from_expect()) return RunClass::kDiffersFromExpect;
  if (model.coverage == Coverage::kBudgetExhausted) return RunClass::kBudget;
  if (!model.violated.empty()) return RunClass::kViolatedAsExpected;
  return RunClass::kClean;
}

const char* RunClassName(RunClass run_class) {
  switch (run_class) {
    case RunClass::kInternalError:
      return "internal-error";
    case RunClass::kNotModelled:
      return "not-modelled";
    case RunClass::kInterrupted:
      return "interrupted";
    case RunClass::kDiffersFromExpect:
      return "differs-from-expect";
    case RunClass::kBudget:
      return "budget";
    case RunClass::kViolatedAsExpected:
      return "violated-as-expected";
    case RunClass::kClean:
      return "clean";
  }
  return "?";
}

const ModelResult* FindModel(const ScenarioResult& scenario, Design design) {
  for (const ModelResult& model : scenario.models) {
    if (model.design == design) return &model;
  }
  return nullptr;
}

std::vector<Design> MatrixColumns(const std::vector<ScenarioResult>& results) {
  std::vector<Design> columns;
  for (Design design : kAllDesigns) {
    for (const ScenarioResult& scenario : results) {
      if (FindModel(scenario, design) != nullptr) {
        columns.push_back(design);
        break;
      }
    }
  }
  if (columns.empty()) columns.assign(std::begin(kAllDesigns), std::end(kAllDesigns));
  return columns;
}

namespace {

// Two runs that a column group may merge: finished, and agreeing on everything a cell shows.
bool SameCell(const ModelResult* a, const ModelResult* b) {
  if (a == nullptr || b == nullptr) return a == b;
  auto plain = [](const ModelResult& model) {
    return (model.coverage == Coverage::kExhaustive || model.coverage == Coverage::kSampled) &&
           model.not_modelled.empty();
  };
  return plain(*a) && plain(*b) && a->coverage == b->coverage &&
         a->sample_seed == b->sample_seed && a->violated == b->violated &&
         a->expected == b->expected;
}

}  // namespace

std::string DesignsLabel(const std::vector<Design>& designs, size_t runs_in_scenario) {
  if (designs.size() > 1 && designs.size() == runs_in_scenario) return "all designs";
  std::vector<std::string> names;
  for (Design design : designs) names.emplace_back(DesignName(design));
  return fmt::format("{}", fmt::join(names, ", "));
}

std::vector<ColumnGroup> GroupedMatrixColumns(const std::vector<ScenarioResult>& results) {
  const std::vector<Design> columns = MatrixColumns(results);
  bool all_same = !results.empty() && columns.size() > 1;
  for (Design design : columns) {
    for (const ScenarioResult& scenario : results) {
      all_same = all_same &&
                 SameCell(FindModel(scenario, columns.front()), FindModel(scenario, design));
    }
  }
  std::vector<ColumnGroup> groups;
  if (all_same) {
    groups.push_back({columns, DesignsLabel(columns, columns.size())});
    return groups;
  }
  for (Design design : columns) groups.push_back({{design}, DesignName(design)});
  return groups;
}

std::vector<ViolationGroup> GroupedViolations(const ScenarioResult& scenario) {
  std::vector<ViolationGroup> groups;
  for (const ModelResult& model : scenario.models) {
    for (const Violation& violation : model.violations) {
      const bool expected = model.expected.count(violation.name) > 0;
      ViolationGroup* same = nullptr;
      for (ViolationGroup& group : groups) {
        if (*group.violation == violation &&
            (group.model->expected.count(violation.name) > 0) == expected) {
          same = &group;
          break;
        }
      }
      if (same != nullptr) {
        same->designs.push_back(model.design);
      } else {
        groups.push_back({&model, &violation, {model.design}, ""});
      }
    }
  }
  for (ViolationGroup& group : groups) {
    group.label = DesignsLabel(group.designs, scenario.models.size());
  }
  return groups;
}

std::string FixInsertionText(const FixAttempt& attempt) {
  std::string ops;
  for (const std::string& op : attempt.ops) ops += (ops.empty() ? "`" : "; `") + op + "`";
  return fmt::format("insert {} into {} as op {}", ops, attempt.process, attempt.position);
}

std::string FixOutcomeText(const FixAttempt& attempt, const std::string& designs) {
  switch (attempt.outcome) {
    case FixAttempt::Outcome::kVerified:
      return "fix verified: the violation is gone under " + designs;
    case FixAttempt::Outcome::kNotEnough:
      return "not enough: the violation remains under " + designs;
    case FixAttempt::Outcome::kUndecided:
      break;
  }
  return "not verified under " + designs + ": " + attempt.note;
}

std::string VerdictText(const std::set<std::string>& names, const char* separator) {
  if (names.empty()) return "ok";
  return fmt::format("{}", fmt::join(names, separator));
}

bool IsBackgroundActor(const std::string& actor) {
  return actor == "background" || actor == "hardware";
}

TimelineLanes LayOutLanes(const std::vector<TraceStep>& schedule) {
  TimelineLanes lanes;
  for (const TraceStep& step : schedule) {
    if (IsBackgroundActor(step.actor)) continue;
    bool known = false;
    for (const std::string& name : lanes.names) known = known || name == step.actor;
    if (!known) lanes.names.push_back(step.actor);
  }
  const size_t background = lanes.names.size();
  lanes.names.push_back(kBackgroundLaneName);
  for (const TraceStep& step : schedule) {
    size_t lane = background;
    for (size_t i = 0; i < background; ++i) {
      if (lanes.names[i] == step.actor) lane = i;
    }
    lanes.lane_of_step.push_back(lane);
  }
  return lanes;
}

std::vector<std::string> BudgetStopTexts(const ModelResult& model) {
  std::vector<std::string> texts;
  for (const BudgetStop& stop : model.budget_stops) {
    if (stop.kind == BudgetStop::Kind::kStates) {
      texts.push_back(fmt::format(
          "state budget (--max-states {}) ran out after {} distinct states; the first state left "
          "out: {}",
          stop.limit, stop.reached, stop.crash_point));
    } else if (!stop.assertion.empty()) {
      texts.push_back(fmt::format(
          "image budget ({} joint images per assertion) ran out on assertion {} after {} images, "
          "at the crash point {}",
          stop.limit, stop.assertion, stop.reached, stop.crash_point));
    } else {
      texts.push_back(fmt::format(
          "image budget (--max-images {}) ran out after {} crash images, at the crash point {}",
          stop.limit, stop.reached, stop.crash_point));
    }
  }
  if (texts.empty() && model.coverage == Coverage::kBudgetExhausted) {
    texts.push_back(fmt::format("a budget ran out after {} distinct states",
                                model.distinct_states));
  }
  return texts;
}

std::string BudgetSummary(const ModelResult& model) {
  return fmt::format("{}", fmt::join(BudgetStopTexts(model), "; "));
}

bool StateBudgetRanOut(const ModelResult& model) {
  if (model.coverage != Coverage::kBudgetExhausted) return false;
  for (const BudgetStop& stop : model.budget_stops) {
    if (stop.kind == BudgetStop::Kind::kStates) return true;
  }
  return model.budget_stops.empty();  // read back without its stops: states, as reports said
}

bool ImageBudgetRanOut(const ModelResult& model) {
  if (model.coverage != Coverage::kBudgetExhausted) return false;
  for (const BudgetStop& stop : model.budget_stops) {
    if (stop.kind == BudgetStop::Kind::kImages) return true;
  }
  return false;
}

std::string ViolationSummary(const Violation& violation) {
  return fmt::format("{}: {}; crash {}; observed {}, expected {}", violation.name,
                     violation.promise.empty() ? "-" : violation.promise, violation.crash_point,
                     violation.observed, violation.expected);
}

}  // namespace crashsim

namespace crashsim {

std::string InternalErrorSummary(const ScenarioResult& scenario, const ModelResult& model) {
  return fmt::format("internal error (a bug in crashsim) in {} ({}) under {}: {}, while {}",
                     scenario.name, scenario.path, DesignName(model.design),
                     model.internal_error->what, model.internal_error->step);
}

std::vector<std::string> InternalErrorLines(const ScenarioResult& scenario,
                                            const ModelResult& model) {
  const InternalFailure& failure = *model.internal_error;
  std::vector<std::string> lines = {
      fmt::format("{} ({}), {}: internal error, a bug in crashsim (please report it with the "
                  "scenario file)",
                  scenario.name, scenario.path, DesignName(model.design)),
      "failed:   " + failure.what,
      "while:    " + failure.step,
  };
  if (failure.schedule.empty()) {
    lines.push_back("schedule: no steps before it");
  } else {
    lines.push_back("schedule:");
    for (size_t i = 0; i < failure.schedule.size(); ++i) {
      const TraceStep& step = failure.schedule[i];
      lines.push_back(fmt::format("  {}. {}: {}{}", i + 1, step.actor, step.text,
                                  step.result.empty() ? "" : " -> " + step.result));
    }
  }
  return lines;
}

}  // namespace crashsim
