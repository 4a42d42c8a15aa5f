#include "sim/engine/engine.h"

#include <fmt/format.h>

#include <algorithm>

#include "sim/base/check.h"
#include "sim/engine/fix_check.h"

#include "sim/explore/explorer.h"
#include "sim/oracles/observations.h"
#include "sim/program/program.h"
#include "sim/program/setup.h"

namespace crashsim {

void ApplyMutations(const std::set<Mutation>& mutations, Machine* machine) {
  auto on = [&](Mutation mutation) { return mutations.count(mutation) > 0; };
  machine->faults.fdatasync_skips_clean_mapping = on(Mutation::kFdatasyncSkipsCleanMapping);
  machine->faults.dax_fsync_skips_line_writeback = on(Mutation::kDaxFsyncSkipsLineWriteback);
  machine->faults.map_sync_fault_skips_log_force = on(Mutation::kMapSyncFaultSkipsLogForce);
  machine->faults.seal_flag_not_forced = on(Mutation::kSealFlagNotForced);
  machine->faults.punch_not_refused_on_sealed = on(Mutation::kPunchHoleIgnoresSeal);
  machine->faults.zero_range_without_zeroing = on(Mutation::kZeroRangeWithoutZeroing);
  machine->faults.truncate_skips_tail_zeroing = on(Mutation::kTruncateSkipsTailZeroing);
  machine->faults.flush_unmap_skips_dax_entries = on(Mutation::kFlushUnmapSkipsDaxEntries);
  machine->faults.dax_zeroing_through_folio = on(Mutation::kDaxZeroingThroughFolio);
  machine->faults.no_eof_zeroing = on(Mutation::kNoEofZeroing);
  machine->device.set_completed_write_is_durable(on(Mutation::kCompletedWriteIsDurable));
}

namespace {

// The run's result when crashsim failed in it: no verdict, only the failure.
ModelResult Failed(ModelResult result, InternalFailure failure) {
  result.violated.clear();
  result.violations.clear();
  result.coverage = Coverage::kInternalError;
  result.internal_error = std::move(failure);
  return result;
}

// The explorer's observed values, per listed item, simplest first (fewest runs in the rendering,
// then by text) and cut to kObservedValuesMax: the whole and torn-in-two values of a torn store
// come before its finer mixes, and the choice does not depend on the order the states were
// checked in.
std::vector<ItemOutcomes> CollectOutcomes(const Scenario& scenario, ExploreResult& explored) {
  const std::vector<ListedItem> items = ListedItems(scenario);
  std::vector<ItemOutcomes> outcomes(items.size());
  for (size_t i = 0; i < items.size(); ++i) {
    outcomes[i].item = items[i].item.text;
    outcomes[i].after = AfterText(items[i].item);
    outcomes[i].read_by = items[i].read_by;
    if (auto cut = explored.outcomes_cut.find(i); cut != explored.outcomes_cut.end()) {
      outcomes[i].cut = fmt::format(
          "more than {} distinct values, or more crash images than could be read, {}",
          kObservedValuesMax, cut->second.second);
    }
  }
  for (auto& [key, witness] : explored.outcomes) {
    outcomes[key.first].values.push_back(OutcomeValue{key.second, std::move(witness)});
  }
  const auto parts = [](const std::string& value) {
    size_t count = 0;
    for (size_t at = value.find(" + "); at != std::string::npos; at = value.find(" + ", at + 3)) {
      ++count;
    }
    return count;
  };
  for (ItemOutcomes& item : outcomes) {
    std::sort(item.values.begin(), item.values.end(),
              [&](const OutcomeValue& a, const OutcomeValue& b) {
                return std::make_pair(parts(a.value), a.value) <
                       std::make_pair(parts(b.value), b.value);
              });
    if (item.values.size() > kObservedValuesMax) {
      item.values.resize(kObservedValuesMax);
      if (item.cut.empty()) {
        item.cut = fmt::format("more than {} distinct values over the run; the simplest listed",
                               kObservedValuesMax);
      }
    }
  }
  return outcomes;
}

ModelResult Run(const Scenario& scenario, Design design, const RunOptions& options,
                RunStats* stats, ModelResult result) {
  Machine machine = BuildInitialMachine(scenario, design);
  ApplyMutations(options.mutations, &machine);
  ExploreResult explored = Explore(scenario, machine, options);
  if (explored.interrupted) {
    result.coverage = Coverage::kInterrupted;
  } else if (explored.budget_exhausted) {
    result.coverage = Coverage::kBudgetExhausted;
  } else if (options.sample) {
    result.coverage = Coverage::kSampled;
    result.sample_seed = options.sample->seed;
  }
  if (stats != nullptr) *stats = explored.stats;
  result.distinct_states = explored.distinct_states;
  result.distinct_images = explored.crash_images;
  result.split = std::move(explored.split);
  if (result.coverage == Coverage::kBudgetExhausted) result.budget_stops = explored.budget_stops;
  for (auto& [name, violation] : explored.violations) {
    result.violated.insert(name);
    result.violations.push_back(std::move(violation));
  }
  if (options.fix && !explored.interrupted) AddFixes(scenario, design, options, &result);
  if (options.observe) result.outcomes = CollectOutcomes(scenario, explored);
  return result;
}

}  // namespace

ModelResult RunScenario(const Scenario& scenario, Design design, const RunOptions& options,
                        RunStats* stats) {
  ModelResult result;
  result.design = design;
  auto expected = scenario.expect.find(design);
  if (expected != scenario.expect.end()) result.expected = expected->second;
  // The run boundary: a bug of crashsim ends this run, never the others (sim/base/check.h).
  try {
    return Run(scenario, design, options, stats, result);
  } catch (const ExploreFailure& failure) {
    return Failed(std::move(result), failure.failure);
  } catch (...) {
    return Failed(std::move(result),
                  InternalFailure{DescribeCurrentException(), "building the state before the first step", {}});
  }
}

}  // namespace crashsim
