#include "reports/json_report.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "models/config.h"

namespace crashsim {
namespace {

using Json = nlohmann::ordered_json;

Json NameList(const std::set<std::string>& names) {
  Json list = Json::array();
  for (const std::string& name : names) list.push_back(name);
  return list;
}

Json ScheduleJson(const std::vector<TraceStep>& steps) {
  Json schedule = Json::array();
  for (const TraceStep& step : steps) {
    schedule.push_back(Json{{"actor", step.actor}, {"text", step.text}, {"result", step.result}});
  }
  return schedule;
}

// A shard's report also carries what the merge needs and a report never shows: each trace's
// breadth-first order, and the part of a split walk (WalkSplit).
Json ViolationJson(const Violation& violation, bool shard_part) {
  Json schedule = ScheduleJson(violation.schedule);
  Json lost = Json::array();
  for (const LostEvent& event : violation.lost) {
    lost.push_back(Json{{"kind", event.kind}, {"description", event.description}});
  }
  Json state = Json::array();
  for (const std::string& line : violation.state) state.push_back(line);
  Json graph = Json::array();
  for (const PersistNode& node : violation.persist_graph) {
    Json after = Json::array();
    for (int index : node.after) after.push_back(index);
    graph.push_back(Json{{"kind", node.kind},
                         {"description", node.description},
                         {"lost", node.lost},
                         {"after", std::move(after)}});
  }
  Json out;
  out["guarantee"] = violation.name;
  out["promise"] = violation.promise;
  out["schedule"] = std::move(schedule);
  out["crash_point"] = violation.crash_point;
  out["lost"] = std::move(lost);
  out["observed"] = violation.observed;
  out["expected"] = violation.expected;
  out["state"] = std::move(state);
  out["persist_graph"] = std::move(graph);
  if (!violation.fix.empty()) {
    Json fix = Json::array();
    for (const FixAttempt& attempt : violation.fix) {
      fix.push_back(Json{{"process", attempt.process},
                         {"position", attempt.position},
                         {"ops", attempt.ops},
                         {"missing", attempt.missing},
                         {"outcome", FixOutcomeName(attempt.outcome)},
                         {"note", attempt.note}});
    }
    out["fix"] = std::move(fix);
  }
  if (shard_part) out["order"] = violation.order;
  return out;
}

Json SplitJson(const WalkSplit& split) {
  Json states = Json::array();
  for (const SplitState& state : split.states) {
    states.push_back(Json::array(
        {fmt::format("{:016x}{:016x}", state.hash_high, state.hash_low), state.images}));
  }
  return Json{{"depth", split.depth},
              {"states_above", split.states_above},
              {"states", std::move(states)}};
}

Json ModelJson(const ModelResult& model, bool shard_part) {
  Json out;
  out["model"] = DesignName(model.design);
  out["verdict"] = NameList(model.violated);
  out["expected"] = NameList(model.expected);
  out["matches_expect"] = model.matches_expect();
  out["coverage"] = CoverageName(model.coverage);
  if (model.coverage == Coverage::kSampled) out["seed"] = model.sample_seed;
  out["distinct_states"] = model.distinct_states;
  out["distinct_images"] = model.distinct_images;
  if (shard_part && model.split) out["split"] = SplitJson(*model.split);
  if (model.coverage == Coverage::kBudgetExhausted) {
    Json budgets = Json::array();
    for (const BudgetStop& stop : model.budget_stops) {
      Json entry{{"kind", BudgetKindName(stop.kind)}, {"limit", stop.limit}};
      if (!stop.assertion.empty()) entry["assertion"] = stop.assertion;
      entry["crash_point"] = stop.crash_point;
      entry["depth"] = stop.depth;
      entry["reached"] = stop.reached;
      budgets.push_back(std::move(entry));
    }
    out["budget"] = std::move(budgets);
  }
  if (!model.not_modelled.empty()) out["not_modelled"] = model.not_modelled;
  if (model.internal_error) {
    out["internal_error"] = Json{{"what", model.internal_error->what},
                                 {"step", model.internal_error->step},
                                 {"schedule", ScheduleJson(model.internal_error->schedule)}};
  }
  Json violations = Json::array();
  for (const Violation& violation : model.violations)
    violations.push_back(ViolationJson(violation, shard_part));
  out["violations"] = std::move(violations);
  return out;
}

}  // namespace

const char* CoverageName(Coverage coverage) {
  switch (coverage) {
    case Coverage::kExhaustive:
      return "exhaustive";
    case Coverage::kSampled:
      return "sampled";
    case Coverage::kBudgetExhausted:
      return "budget-exhausted";
    case Coverage::kInterrupted:
      return "interrupted";
    case Coverage::kInternalError:
      return "internal-error";
  }
  return "?";
}

std::string RenderJsonReport(const std::vector<ScenarioResult>& results,
                             const std::optional<Shard>& shard) {
  Json scenarios = Json::array();
  for (const ScenarioResult& scenario : results) {
    Json models = Json::array();
    for (const ModelResult& model : scenario.models) {
      models.push_back(ModelJson(model, shard.has_value()));
    }
    Json entry;
    entry["path"] = scenario.path;
    entry["name"] = scenario.name;
    entry["doc"] = scenario.doc;
    entry["config"] = scenario.config_summary;
    entry["models"] = std::move(models);
    scenarios.push_back(std::move(entry));
  }
  Json report;
  report["crashsim_report"] = kJsonReportVersion;
  if (shard.has_value()) report["shard"] = Json{{"index", shard->index}, {"count", shard->count}};
  report["scenarios"] = std::move(scenarios);
  // Bytes that are not UTF-8 (a trace quoting raw file contents, say) are replaced rather than
  // thrown on: a report is always written.
  return report.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

}  // namespace crashsim
