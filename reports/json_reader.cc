#include "reports/json_reader.h"

#include <fmt/format.h>

#include <climits>
#include <cstdint>
#include <fstream>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string_view>
#include <utility>

#include "models/config.h"
#include "sim/base/json_pointer.h"

namespace crashsim {
namespace {

using Json = nlohmann::ordered_json;

constexpr const char* kVersionKey = "crashsim_report";

// A value of the wrong shape: where (a JSON pointer, "" for the whole document) and what was
// expected. Thrown only inside this file and caught in ParseJsonReport, so the reader's callers
// see a Status; a throw keeps the many field reads below free of error plumbing.
struct ShapeError {
  std::string pointer;
  std::string problem;
};

[[noreturn]] void Fail(std::string pointer, std::string problem) {
  throw ShapeError{std::move(pointer), std::move(problem)};
}

// Reads the members of one JSON object at `pointer`. The object may hold only the keys `known`
// (the schema's additionalProperties: false), so a misspelt or newer field is refused, not lost.
class ObjectReader {
 public:
  ObjectReader(const Json& value, std::string pointer, std::initializer_list<const char*> known)
      : object_(value), pointer_(std::move(pointer)) {
    if (!object_.is_object()) Fail(pointer_, "expected an object");
    const std::set<std::string_view> allowed(known.begin(), known.end());
    for (auto it = object_.begin(); it != object_.end(); ++it) {
      if (allowed.count(it.key()) == 0) {
        Fail(PointerOf(it.key()), "unknown key: version 1 of the report has no such field");
      }
    }
  }

  std::string PointerOf(std::string_view key) const {
    return PointerJoin(pointer_, key);
  }

  bool Has(const char* key) const { return object_.contains(key); }

  const Json& Required(const char* key) const {
    auto it = object_.find(key);
    if (it == object_.end()) Fail(PointerOf(key), "missing");
    return *it;
  }

  std::string String(const char* key) const {
    const Json& value = Required(key);
    if (!value.is_string()) Fail(PointerOf(key), "expected a string");
    return value.get<std::string>();
  }

  std::string NonEmptyString(const char* key) const {
    std::string text = String(key);
    if (text.empty()) Fail(PointerOf(key), "expected a non-empty string");
    return text;
  }

  bool Bool(const char* key) const {
    const Json& value = Required(key);
    if (!value.is_boolean()) Fail(PointerOf(key), "expected true or false");
    return value.get<bool>();
  }

  uint64_t Count(const char* key) const {
    const Json& value = Required(key);
    // nlohmann parses a non-negative integer as unsigned; negatives and fractions are refused.
    if (!value.is_number_unsigned()) Fail(PointerOf(key), "expected a non-negative integer");
    return value.get<uint64_t>();
  }

  const Json& Array(const char* key) const {
    const Json& value = Required(key);
    if (!value.is_array()) Fail(PointerOf(key), "expected an array");
    return value;
  }

  std::vector<std::string> Strings(const char* key) const {
    const Json& value = Required(key);
    std::vector<std::string> strings;
    if (!value.is_array()) Fail(PointerOf(key), "expected an array of strings");
    for (const Json& item : value) {
      if (!item.is_string()) Fail(PointerOf(key), "expected an array of strings");
      strings.push_back(item.get<std::string>());
    }
    return strings;
  }

  // A name list of the schema: sorted, each name once and non-empty, so that it is a set.
  std::set<std::string> NameSet(const char* key) const {
    const std::vector<std::string> names = Strings(key);
    for (size_t i = 0; i < names.size(); ++i) {
      if (names[i].empty()) Fail(PointerJoin(PointerOf(key), i), "expected a non-empty name");
      if (i > 0 && !(names[i - 1] < names[i])) {
        Fail(PointerOf(key), "expected names sorted, each once");
      }
    }
    return std::set<std::string>(names.begin(), names.end());
  }

 private:
  const Json& object_;
  std::string pointer_;
};

TraceStep ReadStep(const Json& value, const std::string& pointer) {
  const ObjectReader step(value, pointer, {"actor", "text", "result"});
  return TraceStep{step.NonEmptyString("actor"), step.String("text"), step.String("result")};
}

LostEvent ReadLostEvent(const Json& value, const std::string& pointer) {
  const ObjectReader event(value, pointer, {"kind", "description"});
  return LostEvent{event.NonEmptyString("kind"), event.String("description")};
}

// `node_count` is the size of the graph the node belongs to: its edges must stay inside it.
PersistNode ReadPersistNode(const Json& value, const std::string& pointer, size_t node_count) {
  const ObjectReader reader(value, pointer, {"kind", "description", "lost", "after"});
  PersistNode node;
  node.kind = reader.NonEmptyString("kind");
  node.description = reader.String("description");
  node.lost = reader.Bool("lost");
  const Json& after = reader.Array("after");
  std::set<uint64_t> seen;
  for (size_t i = 0; i < after.size(); ++i) {
    const std::string where = PointerJoin(reader.PointerOf("after"), i);
    if (!after[i].is_number_unsigned()) Fail(where, "expected a node number");
    const uint64_t index = after[i].get<uint64_t>();
    if (index >= node_count) {
      Fail(where, fmt::format("node {} is not in this graph of {} nodes", index, node_count));
    }
    if (!seen.insert(index).second) Fail(where, fmt::format("node {} is listed twice", index));
    node.after.push_back(static_cast<int>(index));
  }
  return node;
}

FixAttempt ReadFixAttempt(const Json& value, const std::string& pointer) {
  const ObjectReader reader(value, pointer,
                            {"process", "position", "ops", "missing", "outcome", "note"});
  FixAttempt attempt;
  attempt.process = reader.NonEmptyString("process");
  attempt.position = reader.Count("position");
  if (attempt.position == 0) Fail(reader.PointerOf("position"), "expected an op number from 1");
  attempt.ops = reader.Strings("ops");
  if (attempt.ops.empty()) Fail(reader.PointerOf("ops"), "expected at least one op");
  attempt.missing = reader.String("missing");
  const std::string outcome = reader.String("outcome");
  bool known = false;
  for (FixAttempt::Outcome candidate :
       {FixAttempt::Outcome::kVerified, FixAttempt::Outcome::kNotEnough,
        FixAttempt::Outcome::kUndecided}) {
    if (outcome == FixOutcomeName(candidate)) {
      attempt.outcome = candidate;
      known = true;
    }
  }
  if (!known) {
    Fail(reader.PointerOf("outcome"),
         fmt::format("unknown outcome \"{}\": expected verified, not-enough or undecided",
                     outcome));
  }
  attempt.note = reader.String("note");
  return attempt;
}

// `shard_part`: read from a shard's report, which also carries the merge's fields.
Violation ReadViolation(const Json& value, const std::string& pointer, bool shard_part) {
  const ObjectReader reader(value, pointer,
                            {"guarantee", "promise", "schedule", "crash_point", "lost", "observed",
                             "expected", "state", "persist_graph", "fix", "order"});
  Violation violation;
  violation.name = reader.NonEmptyString("guarantee");
  violation.promise = reader.String("promise");
  const Json& schedule = reader.Array("schedule");
  for (size_t i = 0; i < schedule.size(); ++i) {
    violation.schedule.push_back(
        ReadStep(schedule[i], PointerJoin(reader.PointerOf("schedule"), i)));
  }
  violation.crash_point = reader.NonEmptyString("crash_point");
  const Json& lost = reader.Array("lost");
  for (size_t i = 0; i < lost.size(); ++i) {
    violation.lost.push_back(ReadLostEvent(lost[i], PointerJoin(reader.PointerOf("lost"), i)));
  }
  violation.observed = reader.String("observed");
  violation.expected = reader.String("expected");
  violation.state = reader.Strings("state");
  const Json& graph = reader.Array("persist_graph");
  for (size_t i = 0; i < graph.size(); ++i) {
    violation.persist_graph.push_back(
        ReadPersistNode(graph[i], PointerJoin(reader.PointerOf("persist_graph"), i), graph.size()));
  }
  if (reader.Has("fix")) {
    const Json& fix = reader.Array("fix");
    if (fix.empty() || fix.size() > kFixAttemptsMax) {
      Fail(reader.PointerOf("fix"),
           fmt::format("expected 1 to {} fix attempts (the key is left out when there are none)",
                       kFixAttemptsMax));
    }
    for (size_t i = 0; i < fix.size(); ++i) {
      violation.fix.push_back(ReadFixAttempt(fix[i], PointerJoin(reader.PointerOf("fix"), i)));
    }
  }
  if (reader.Has("order")) {
    if (!shard_part) Fail(reader.PointerOf("order"), "only a shard's report has one");
    const Json& order = reader.Array("order");
    for (size_t i = 0; i < order.size(); ++i) {
      if (!order[i].is_number_unsigned() || order[i].get<uint64_t>() > UINT32_MAX) {
        Fail(PointerJoin(reader.PointerOf("order"), i), "expected a step's choice, from 0");
      }
      violation.order.push_back(order[i].get<uint32_t>());
    }
  }
  return violation;
}

// A state's hash as the writer gives it: 32 lowercase hexadecimal digits.
bool ParseStateHash(const Json& value, SplitState* state) {
  if (!value.is_string()) return false;
  const std::string text = value.get<std::string>();
  if (text.size() != 32) return false;
  uint64_t halves[2] = {0, 0};
  for (size_t i = 0; i < 32; ++i) {
    const char c = text[i];
    const int digit = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    if (digit < 0) return false;
    halves[i / 16] = halves[i / 16] << 4 | static_cast<uint64_t>(digit);
  }
  state->hash_high = halves[0];
  state->hash_low = halves[1];
  return true;
}

WalkSplit ReadSplit(const Json& value, const std::string& pointer) {
  const ObjectReader reader(value, pointer, {"depth", "states_above", "states"});
  WalkSplit split;
  split.depth = reader.Count("depth");
  split.states_above = reader.Count("states_above");
  const Json& states = reader.Array("states");
  for (size_t i = 0; i < states.size(); ++i) {
    const std::string where = PointerJoin(reader.PointerOf("states"), i);
    SplitState state;
    if (!states[i].is_array() || states[i].size() != 2 || !ParseStateHash(states[i][0], &state) ||
        !states[i][1].is_number_unsigned()) {
      Fail(where, "expected [state hash (32 hexadecimal digits), crash images]");
    }
    state.images = states[i][1].get<uint64_t>();
    if (!split.states.empty() && !(split.states.back() < state)) {
      Fail(where, "expected states sorted by hash, each once");
    }
    split.states.push_back(state);
  }
  return split;
}

Coverage ReadCoverage(const ObjectReader& reader) {
  const std::string name = reader.String("coverage");
  for (Coverage coverage : {Coverage::kExhaustive, Coverage::kSampled, Coverage::kBudgetExhausted,
                            Coverage::kInterrupted, Coverage::kInternalError}) {
    if (name == CoverageName(coverage)) return coverage;
  }
  Fail(reader.PointerOf("coverage"),
       fmt::format("unknown coverage \"{}\": expected exhaustive, sampled, budget-exhausted, "
                   "interrupted or internal-error",
                   name));
}

BudgetStop ReadBudgetStop(const Json& value, const std::string& pointer) {
  const ObjectReader reader(value, pointer,
                            {"kind", "limit", "assertion", "crash_point", "depth", "reached"});
  BudgetStop stop;
  const std::string kind = reader.String("kind");
  if (kind == BudgetKindName(BudgetStop::Kind::kStates)) {
    stop.kind = BudgetStop::Kind::kStates;
  } else if (kind == BudgetKindName(BudgetStop::Kind::kImages)) {
    stop.kind = BudgetStop::Kind::kImages;
  } else {
    Fail(reader.PointerOf("kind"),
         fmt::format("unknown budget \"{}\": expected states or images", kind));
  }
  stop.limit = reader.Count("limit");
  if (reader.Has("assertion")) stop.assertion = reader.NonEmptyString("assertion");
  stop.crash_point = reader.NonEmptyString("crash_point");
  stop.depth = reader.Count("depth");
  stop.reached = reader.Count("reached");
  return stop;
}

InternalFailure ReadInternalError(const Json& value, const std::string& pointer) {
  const ObjectReader reader(value, pointer, {"what", "step", "schedule"});
  InternalFailure failure;
  failure.what = reader.NonEmptyString("what");
  failure.step = reader.NonEmptyString("step");
  const Json& schedule = reader.Array("schedule");
  for (size_t i = 0; i < schedule.size(); ++i) {
    failure.schedule.push_back(ReadStep(schedule[i], PointerJoin(reader.PointerOf("schedule"), i)));
  }
  return failure;
}

ModelResult ReadModel(const Json& value, const std::string& pointer, bool shard_part) {
  const ObjectReader reader(value, pointer,
                            {"model", "verdict", "expected", "matches_expect", "coverage", "seed",
                             "distinct_states", "distinct_images", "split", "budget",
                             "not_modelled", "internal_error", "violations"});
  ModelResult model;
  const std::string design = reader.String("model");
  if (!ParseDesign(design, &model.design)) {
    Fail(reader.PointerOf("model"), fmt::format("unknown model \"{}\"", design));
  }
  model.violated = reader.NameSet("verdict");
  model.expected = reader.NameSet("expected");
  model.coverage = ReadCoverage(reader);
  // matches_expect is derived from the two sets; a report where it disagrees is not one crashsim
  // wrote, and rendering what was read would silently change it.
  if (reader.Bool("matches_expect") != model.matches_expect()) {
    Fail(reader.PointerOf("matches_expect"), "disagrees with verdict and expected");
  }
  if (model.coverage == Coverage::kSampled) {
    model.sample_seed = reader.Count("seed");
  } else if (reader.Has("seed")) {
    Fail(reader.PointerOf("seed"), "only a sampled run has a seed");
  }
  model.distinct_states = reader.Count("distinct_states");
  model.distinct_images = reader.Count("distinct_images");
  if (reader.Has("split")) {
    if (!shard_part) Fail(reader.PointerOf("split"), "only a shard's report has one");
    model.split = ReadSplit(reader.Required("split"), reader.PointerOf("split"));
  }
  if (model.coverage == Coverage::kBudgetExhausted) {
    const Json& budgets = reader.Array("budget");
    for (size_t i = 0; i < budgets.size(); ++i) {
      model.budget_stops.push_back(ReadBudgetStop(budgets[i], PointerJoin(reader.PointerOf("budget"), i)));
    }
  } else if (reader.Has("budget")) {
    Fail(reader.PointerOf("budget"), "only a budget-exhausted run has one");
  }
  if (reader.Has("not_modelled")) model.not_modelled = reader.NonEmptyString("not_modelled");
  if (model.coverage == Coverage::kInternalError) {
    model.internal_error =
        ReadInternalError(reader.Required("internal_error"), reader.PointerOf("internal_error"));
    if (!model.violated.empty()) {
      Fail(reader.PointerOf("verdict"), "a run that ended in an internal error has no verdict");
    }
  } else if (reader.Has("internal_error")) {
    Fail(reader.PointerOf("internal_error"), "only a run whose coverage is internal-error has one");
  }
  const Json& violations = reader.Array("violations");
  // One trace per verdict name, in the verdict's order (the merge relies on it).
  if (violations.size() != model.violated.size()) {
    Fail(reader.PointerOf("violations"),
         fmt::format("{} traces for the {} names of the verdict: expected one per name",
                     violations.size(), model.violated.size()));
  }
  auto name = model.violated.begin();
  for (size_t i = 0; i < violations.size(); ++i, ++name) {
    const std::string where = PointerJoin(reader.PointerOf("violations"), i);
    Violation violation = ReadViolation(violations[i], where, shard_part);
    if (violation.name != *name) {
      Fail(where + "/guarantee",
           fmt::format("\"{}\" where the verdict's names in order give \"{}\"", violation.name,
                       *name));
    }
    model.violations.push_back(std::move(violation));
  }
  return model;
}

ScenarioResult ReadScenario(const Json& value, const std::string& pointer, bool shard_part) {
  const ObjectReader reader(value, pointer, {"path", "name", "doc", "config", "models"});
  ScenarioResult scenario;
  scenario.path = reader.String("path");
  scenario.name = reader.NonEmptyString("name");
  scenario.doc = reader.String("doc");
  scenario.config_summary = reader.String("config");
  const Json& models = reader.Array("models");
  for (size_t i = 0; i < models.size(); ++i) {
    const std::string where = PointerJoin(reader.PointerOf("models"), i);
    ModelResult model = ReadModel(models[i], where, shard_part);
    // Each design at most once, in kAllDesigns order, as the writer emits them.
    if (!scenario.models.empty() && !(scenario.models.back().design < model.design)) {
      Fail(where + "/model", fmt::format("\"{}\" after \"{}\": models come once each, in the "
                                         "fixed design order",
                                         DesignName(model.design),
                                         DesignName(scenario.models.back().design)));
    }
    scenario.models.push_back(std::move(model));
  }
  return scenario;
}

Shard ReadShard(const Json& value, const std::string& pointer) {
  const ObjectReader reader(value, pointer, {"index", "count"});
  const uint64_t index = reader.Count("index");
  const uint64_t count = reader.Count("count");
  if (count < 1 || count > UINT32_MAX) {
    Fail(reader.PointerOf("count"), "expected a shard count of at least 1");
  }
  if (index < 1 || index > count) {
    Fail(reader.PointerOf("index"), fmt::format("expected a shard from 1 to {}", count));
  }
  return Shard{static_cast<uint32_t>(index), static_cast<uint32_t>(count)};
}

// The version comes first, before any other field is judged: a report of another version is
// refused as such, not for the fields it may have that version 1 does not know.
void CheckVersion(const Json& report) {
  if (!report.is_object()) Fail("", "expected a JSON object, a crashsim report");
  auto version = report.find(kVersionKey);
  if (version == report.end()) {
    if (report.contains("crashsim")) Fail("", "a scenario file, not a crashsim report");
    if (report.contains("crashsim_baseline")) Fail("", "a baseline, not a crashsim report");
    Fail(std::string("/") + kVersionKey, "missing: not a crashsim report");
  }
  if (!version->is_number_integer() || version->get<int64_t>() != kJsonReportVersion) {
    Fail(std::string("/") + kVersionKey,
         fmt::format("unknown report version {}; this crashsim reads version {}", version->dump(),
                     kJsonReportVersion));
  }
}

JsonReport ReadReport(const Json& document) {
  CheckVersion(document);
  const ObjectReader reader(document, "", {kVersionKey, "shard", "scenarios"});
  JsonReport report;
  if (reader.Has("shard")) report.shard = ReadShard(reader.Required("shard"), "/shard");
  const Json& scenarios = reader.Array("scenarios");
  for (size_t i = 0; i < scenarios.size(); ++i) {
    report.scenarios.push_back(
        ReadScenario(scenarios[i], PointerJoin("/scenarios", i), report.shard.has_value()));
  }
  return report;
}

// nlohmann's messages start with "[json.exception.parse_error.101] "; the tag means nothing to a
// reader of the message.
std::string WithoutExceptionTag(const std::string& what) {
  if (what.rfind("[json.exception.", 0) != 0) return what;
  const size_t end = what.find("] ");
  return end == std::string::npos ? what : what.substr(end + 2);
}

}  // namespace

StatusOr<JsonReport> ParseJsonReport(const std::string& text, const std::string& path) {
  Json document;
  try {
    document = Json::parse(text);
  } catch (const nlohmann::json::exception& error) {
    return Status::Error(fmt::format("{}: not JSON: {}", path, WithoutExceptionTag(error.what())));
  }
  try {
    return ReadReport(document);
  } catch (const ShapeError& error) {
    if (error.pointer.empty()) return Status::Error(fmt::format("{}: {}", path, error.problem));
    return Status::Error(fmt::format("{}: {}: {}", path, error.pointer, error.problem));
  } catch (const nlohmann::json::exception& error) {
    // The checks above come before every access, so this is a reader bug; still a clean error.
    return Status::Error(
        fmt::format("{}: not a crashsim report: {}", path, WithoutExceptionTag(error.what())));
  }
}

StatusOr<JsonReport> ReadJsonReportFile(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return Status::Error(fmt::format("cannot read the report '{}'", path));
  std::ostringstream text;
  text << file.rdbuf();
  if (file.bad()) return Status::Error(fmt::format("cannot read the report '{}'", path));
  return ParseJsonReport(text.str(), path);
}

}  // namespace crashsim
