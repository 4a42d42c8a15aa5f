#include "reports/merge.h"

#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <map>
#include <optional>
#include <tuple>
#include <set>
#include <utility>

#include "models/config.h"
#include "reports/json_reader.h"
#include "sim/result/trace_order.h"

namespace crashsim {
namespace {

// The suffix of every refusal for shards that disagree: the reason they must agree.
constexpr const char* kNotOneRun = "these are not shards of one run";

std::string Names(const std::set<std::string>& names) {
  return names.empty() ? "nothing" : fmt::format("{}", fmt::join(names, ", "));
}

std::string Designs(const std::vector<ModelResult>& models) {
  std::vector<std::string> names;
  for (const ModelResult& model : models) names.push_back(DesignName(model.design));
  return names.empty() ? "no models" : fmt::format("{}", fmt::join(names, ", "));
}

std::string SpellShard(const Shard& shard) {
  return fmt::format("{}/{}", shard.index, shard.count);
}

// The shards ordered by index, once it is checked that they are exactly 1..N of one N, each once.
StatusOr<std::vector<const ShardReport*>> ShardsInOrder(const std::vector<ShardReport>& shards) {
  if (shards.empty()) return Status::Error("no shard reports to merge");
  const ShardReport& first = shards.front();
  const uint32_t count = first.shard.count;
  std::vector<const ShardReport*> by_index(count, nullptr);
  for (const ShardReport& shard : shards) {
    if (shard.shard.count != count) {
      return Status::Error(fmt::format(
          "{} is shard {} but {} is shard {}: the shards of one run have the same count",
          shard.source, SpellShard(shard.shard), first.source, SpellShard(first.shard)));
    }
    if (shard.shard.index < 1 || shard.shard.index > count) {
      return Status::Error(fmt::format("{}: shard {} is not one of 1 to {}", shard.source,
                                       SpellShard(shard.shard), count));
    }
    const ShardReport*& slot = by_index[shard.shard.index - 1];
    if (slot != nullptr) {
      return Status::Error(fmt::format("duplicate shard {}: {} and {}", SpellShard(shard.shard),
                                       slot->source, shard.source));
    }
    slot = &shard;
  }
  std::vector<uint32_t> missing;
  for (uint32_t index = 1; index <= count; ++index) {
    if (by_index[index - 1] == nullptr) missing.push_back(index);
  }
  if (!missing.empty()) {
    return Status::Error(
        fmt::format("missing shard{} {} of {}: a merge needs every shard of the run",
                    missing.size() == 1 ? "" : "s", fmt::join(missing, ", "), count));
  }
  return by_index;
}

// "scenario 'name' (path)", as messages name a scenario.
std::string Label(const ScenarioResult& scenario) {
  return fmt::format("scenario '{}' ({})", scenario.name, scenario.path);
}

// That `other`, the scenario at `position` in `source`, is the same scenario run as `reference`,
// the one at that position in `reference_source`.
Status CheckSameScenario(const ScenarioResult& reference, const std::string& reference_source,
                         const ScenarioResult& other, const std::string& source, size_t position) {
  if (other.path != reference.path || other.name != reference.name) {
    return Status::Error(fmt::format("{}: scenario {} is {}, but in {} it is {}: {}", source,
                                     position + 1, Label(other), reference_source,
                                     Label(reference), kNotOneRun));
  }
  if (other.doc != reference.doc) {
    return Status::Error(fmt::format("{}: {}: its doc differs from {}'s: {}", source,
                                     Label(other), reference_source, kNotOneRun));
  }
  if (other.config_summary != reference.config_summary) {
    return Status::Error(fmt::format("{}: {}: config '{}', but '{}' in {}: {}", source,
                                     Label(other), other.config_summary, reference.config_summary,
                                     reference_source, kNotOneRun));
  }
  bool same_designs = other.models.size() == reference.models.size();
  for (size_t i = 0; same_designs && i < other.models.size(); ++i) {
    same_designs = other.models[i].design == reference.models[i].design;
  }
  if (!same_designs) {
    return Status::Error(fmt::format("{}: {}: models {}, but {} in {}: {}", source, Label(other),
                                     Designs(other.models), Designs(reference.models),
                                     reference_source, kNotOneRun));
  }
  return Status();
}

// Keeps one stop of each kind, the state budget first: the state budget as the first shard that
// met it saw it (every shard walks the same graph and admits states in the same order); an image
// budget at the least crash point any shard met it (shorter schedule, then text, then assertion),
// as the unsharded run chooses it.
void KeepBudgetStop(const BudgetStop& stop, std::vector<BudgetStop>* stops) {
  auto it = std::find_if(stops->begin(), stops->end(),
                         [&](const BudgetStop& kept) { return kept.kind == stop.kind; });
  if (it == stops->end()) {
    stops->push_back(stop);
    std::stable_sort(stops->begin(), stops->end(), [](const BudgetStop& a, const BudgetStop& b) {
      return a.kind == BudgetStop::Kind::kStates && b.kind != BudgetStop::Kind::kStates;
    });
  } else if (stop.kind == BudgetStop::Kind::kImages &&
             std::tie(stop.depth, stop.crash_point, stop.assertion) <
                 std::tie(it->depth, it->crash_point, it->assertion)) {
    *it = stop;
  }
}

// The counts of a split walk (WalkSplit): the states above the split, which every shard walked,
// and the union of the states the shards walked from it on, each with its crash images once.
// Refuses shards that disagree on where the walk split, or on one state's images.
struct SplitCounts {
  uint64_t states = 0;
  uint64_t images = 0;           // of the states below the split, each counted once
  uint64_t images_counted = 0;   // of the same, as the shards counted them (with repeats)
};

StatusOr<std::optional<SplitCounts>> CountSplit(
    const std::vector<const ModelResult*>& runs,
    const std::function<Status(size_t, const std::string&)>& refuse) {
  const ModelResult* reference = nullptr;
  size_t reference_shard = 0;
  std::map<std::pair<uint64_t, uint64_t>, uint64_t> images;  // by state hash
  SplitCounts counts;
  for (size_t k = 0; k < runs.size(); ++k) {
    const ModelResult& run = *runs[k];
    // A run stopped early may not have got as deep as the split (checked below).
    if (!run.split) continue;
    if (reference == nullptr) {
      reference = &run;
      reference_shard = k;
    } else if (run.split->depth != reference->split->depth ||
               run.split->states_above != reference->split->states_above) {
      return refuse(k, fmt::format("split its walk at depth {} below {} states, but at depth {} "
                                   "below {} states in shard {}",
                                   run.split->depth, run.split->states_above,
                                   reference->split->depth, reference->split->states_above,
                                   reference_shard + 1));
    }
    for (const SplitState& state : run.split->states) {
      counts.images_counted += state.images;
      auto [it, fresh] = images.emplace(std::make_pair(state.hash_high, state.hash_low),
                                        state.images);
      if (!fresh && it->second != state.images) {
        return refuse(k, fmt::format("counted {} crash images at state {:016x}{:016x}, but {} "
                                     "elsewhere",
                                     state.images, state.hash_high, state.hash_low, it->second));
      }
    }
  }
  if (reference == nullptr) return std::optional<SplitCounts>();
  for (size_t k = 0; k < runs.size(); ++k) {
    if (!runs[k]->split && runs[k]->coverage == Coverage::kExhaustive) {
      return refuse(k, "walked the whole graph, but others split it");
    }
  }
  for (const auto& [hash, count] : images) counts.images += count;
  counts.states = reference->split->states_above + images.size();
  return std::optional<SplitCounts>(counts);
}

// One scenario's run under one design, from every shard (`runs[k]` from `shards[k]`, in index
// order), merged into the unsharded run.
StatusOr<ModelResult> MergeModelRuns(const ScenarioResult& scenario,
                                     const std::vector<const ModelResult*>& runs,
                                     const std::vector<const ShardReport*>& shards) {
  const ModelResult& first = *runs.front();
  const auto refuse = [&](size_t k, const std::string& what) {
    return Status::Error(fmt::format("{}: {}, model {}: {}: {}", shards[k]->source,
                                     Label(scenario), DesignName(first.design), what, kNotOneRun));
  };
  ModelResult merged;
  merged.design = first.design;
  merged.expected = first.expected;
  merged.not_modelled = first.not_modelled;
  // Violated name -> the preferred trace so far. Shards are visited in index order and a later
  // trace replaces an earlier one only when strictly preferred, so ties go to the lower index.
  std::map<std::string, Violation> traces;
  const ModelResult* complete = nullptr;  // the first run that covered its space
  size_t complete_shard = 0;
  const ModelResult* sampled = nullptr;  // the first sampled run, for the seed
  size_t sampled_shard = 0;
  bool budget_exhausted = false, interrupted = false;
  const ModelResult* failed = nullptr;  // the shard's run whose internal error is kept
  for (size_t k = 0; k < runs.size(); ++k) {
    const ModelResult& run = *runs[k];
    if (run.expected != first.expected) {
      return refuse(k, fmt::format("expects {}, but {} in {}", Names(run.expected),
                                   Names(first.expected), shards.front()->source));
    }
    if (run.not_modelled != first.not_modelled) {
      return refuse(k, fmt::format("not-modelled '{}', but '{}' in {}", run.not_modelled,
                                   first.not_modelled, shards.front()->source));
    }
    if (run.coverage == Coverage::kInternalError) {
      // A failure in any part fails the whole run; the one met at the shortest schedule (then
      // the lowest shard) is shown.
      if (failed == nullptr ||
          run.internal_error->schedule.size() < failed->internal_error->schedule.size()) {
        failed = &run;
      }
      continue;
    }
    if (run.coverage == Coverage::kBudgetExhausted || run.coverage == Coverage::kInterrupted) {
      budget_exhausted = budget_exhausted || run.coverage == Coverage::kBudgetExhausted;
      for (const BudgetStop& stop : run.budget_stops) KeepBudgetStop(stop, &merged.budget_stops);
      interrupted = interrupted || run.coverage == Coverage::kInterrupted;
    } else if (complete == nullptr) {
      complete = &run;
      complete_shard = k;
    } else if (run.coverage != complete->coverage) {
      return refuse(k, fmt::format("coverage {}, but {} in {}", CoverageName(run.coverage),
                                   CoverageName(complete->coverage),
                                   shards[complete_shard]->source));
    }
    if (run.coverage == Coverage::kSampled) {
      if (sampled == nullptr) {
        sampled = &run;
        sampled_shard = k;
      } else if (run.sample_seed != sampled->sample_seed) {
        return refuse(k, fmt::format("sampled with seed {}, but seed {} in {}", run.sample_seed,
                                     sampled->sample_seed, shards[sampled_shard]->source));
      }
    }
    merged.distinct_images += run.distinct_images;
    merged.violated.insert(run.violated.begin(), run.violated.end());
    for (const Violation& violation : run.violations) {
      auto [it, fresh] = traces.emplace(violation.name, violation);
      if (!fresh && PreferredTrace(violation, it->second)) it->second = violation;
    }
  }
  StatusOr<std::optional<SplitCounts>> split = CountSplit(runs, refuse);
  if (!split.ok()) return split.status();
  if (split->has_value()) {
    // Each shard checked every state it walked below the split; blocks may reach a state in
    // common, and the unsharded run checked it once.
    merged.distinct_images = merged.distinct_images - (*split)->images_counted + (*split)->images;
  }
  // Unless the walk split, every shard walks the same graph, so complete runs agree on its size. A
  // run cut short by a budget walked a prefix of the same depth-first order, so it saw no more
  // states than that; the states the shards saw together are then the most any one of them saw.
  if (failed != nullptr) {
    for (const ModelResult* run : runs) {
      merged.distinct_states = std::max(merged.distinct_states, run->distinct_states);
    }
    merged.violated.clear();  // a failed run has no verdict
    merged.budget_stops.clear();
    merged.coverage = Coverage::kInternalError;
    merged.internal_error = failed->internal_error;
    return merged;
  }
  for (size_t k = 0; k < runs.size() && !split->has_value(); ++k) {
    const ModelResult& run = *runs[k];
    merged.distinct_states = std::max(merged.distinct_states, run.distinct_states);
    if (complete == nullptr || &run == complete) continue;
    const bool cut = run.coverage == Coverage::kBudgetExhausted ||
                     run.coverage == Coverage::kInterrupted;
    if (cut ? run.distinct_states > complete->distinct_states
            : run.distinct_states != complete->distinct_states) {
      return refuse(k, fmt::format("{} distinct states{}, but {} in {}, and every shard explores "
                                   "the whole schedule graph",
                                   run.distinct_states, cut ? " before its budget ran out" : "",
                                   complete->distinct_states, shards[complete_shard]->source));
    }
  }
  if (split->has_value()) merged.distinct_states = (*split)->states;
  if (interrupted) {
    merged.coverage = Coverage::kInterrupted;
  } else if (budget_exhausted) {
    merged.coverage = Coverage::kBudgetExhausted;
  } else {
    merged.budget_stops.clear();
    merged.coverage = complete->coverage;
    if (merged.coverage == Coverage::kSampled) merged.sample_seed = complete->sample_seed;
  }
  for (auto& [name, violation] : traces) merged.violations.push_back(std::move(violation));
  return merged;
}

}  // namespace

StatusOr<std::vector<ScenarioResult>> MergeShards(const std::vector<ShardReport>& shards) {
  StatusOr<std::vector<const ShardReport*>> ordered = ShardsInOrder(shards);
  if (!ordered.ok()) return ordered.status();
  const std::vector<const ShardReport*>& by_index = *ordered;
  const ShardReport& first = *by_index.front();
  for (const ShardReport* shard : by_index) {
    if (shard->scenarios.size() != first.scenarios.size()) {
      return Status::Error(fmt::format("{} holds {} scenarios, but {} holds {}: {}", shard->source,
                                       shard->scenarios.size(), first.source,
                                       first.scenarios.size(), kNotOneRun));
    }
    for (size_t i = 0; i < first.scenarios.size(); ++i) {
      Status same = CheckSameScenario(first.scenarios[i], first.source, shard->scenarios[i],
                                      shard->source, i);
      if (!same.ok()) return same;
    }
  }
  std::vector<ScenarioResult> merged;
  for (size_t i = 0; i < first.scenarios.size(); ++i) {
    const ScenarioResult& reference = first.scenarios[i];
    ScenarioResult scenario;
    scenario.path = reference.path;
    scenario.name = reference.name;
    scenario.doc = reference.doc;
    scenario.config_summary = reference.config_summary;
    for (size_t m = 0; m < reference.models.size(); ++m) {
      std::vector<const ModelResult*> runs;
      for (const ShardReport* shard : by_index) runs.push_back(&shard->scenarios[i].models[m]);
      StatusOr<ModelResult> model = MergeModelRuns(reference, runs, by_index);
      if (!model.ok()) return model.status();
      scenario.models.push_back(std::move(model).value());
    }
    merged.push_back(std::move(scenario));
  }
  return merged;
}

StatusOr<std::vector<ScenarioResult>> MergeShardReports(const std::vector<std::string>& paths) {
  std::vector<ShardReport> shards;
  for (const std::string& path : paths) {
    StatusOr<JsonReport> report = ReadJsonReportFile(path);
    if (!report.ok()) return report.status();
    if (!report->shard.has_value()) {
      return Status::Error(fmt::format(
          "{}: not a shard's report (it has no \"shard\" object): merge joins the JSON reports "
          "of `crashsim run --shard I/N`",
          path));
    }
    JsonReport value = std::move(report).value();
    shards.push_back(ShardReport{path, *value.shard, std::move(value.scenarios)});
  }
  return MergeShards(shards);
}

}  // namespace crashsim
