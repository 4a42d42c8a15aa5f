#include "sim/explore/explorer.h"

#include <atomic>
#include <functional>
#include <memory>
#include <set>
#include <thread>
#include <utility>
#include <vector>

#include "sim/base/hasher.h"
#include "sim/base/prng.h"
#include "sim/engine/trace_order.h"
#include "sim/explore/state_check.h"
#include "sim/explore/successors.h"

namespace crashsim {
namespace {

// Schedules share their prefixes: a state's schedule is its parent's plus one step.
struct PathNode {
  std::shared_ptr<const PathNode> parent;
  TraceStep step;
};
using Path = std::shared_ptr<const PathNode>;

std::vector<TraceStep> ScheduleOf(const Path& path) {
  std::vector<TraceStep> schedule;
  for (const PathNode* node = path.get(); node != nullptr; node = node->parent.get()) {
    schedule.push_back(node->step);
  }
  return {schedule.rbegin(), schedule.rend()};
}

Path Extend(const Path& path, TraceStep step) {
  return std::make_shared<const PathNode>(PathNode{path, std::move(step)});
}

struct Node {
  Machine machine;
  Path path;
  Hash128 hash;
};

bool Owns(const ExploreLimits& limits, const Hash128& hash) {
  return limits.shard_count <= 1 || hash.low % limits.shard_count == limits.shard_index;
}

// Runs `work(i)` for every i in [0, n), each exactly once, on up to `jobs` threads. The results
// go to per-index slots, so the order the threads finish in never matters.
void ParallelFor(size_t n, int jobs, const std::function<void(size_t)>& work) {
  const size_t threads = std::min<size_t>(jobs > 1 ? jobs : 1, n);
  if (threads <= 1) {
    for (size_t i = 0; i < n; ++i) work(i);
    return;
  }
  std::atomic<size_t> next{0};
  std::vector<std::thread> pool;
  for (size_t t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      for (size_t i = next++; i < n; i = next++) work(i);
    });
  }
  for (std::thread& thread : pool) thread.join();
}

// The names whose shown trace is shorter than `depth`: nothing found at `depth` can replace it.
std::set<std::string> Settled(const ExploreResult& result, size_t depth) {
  std::set<std::string> settled;
  for (const auto& [name, violation] : result.violations) {
    if (violation.schedule.size() < depth) settled.insert(name);
  }
  return settled;
}

void Absorb(StateFindings& findings, ExploreResult* result) {
  result->crash_images += findings.images;
  result->stats.minimise_checks += findings.minimise_checks;
  result->budget_exhausted = result->budget_exhausted || findings.cut;
  for (auto& [name, violation] : findings.best) {
    KeepPreferred(std::move(violation), &result->violations);
  }
}

// One state of a depth, expanded: its findings (when this shard owns it) and its successors not
// visited at a smaller depth.
struct Expansion {
  StateFindings findings;
  bool checked = false;
  std::vector<Node> next;
  uint64_t steps = 0, revisits = 0;
};

class Exhaustive {
 public:
  Exhaustive(const Scenario& scenario, const ExploreLimits& limits)
      : scenario_(scenario), limits_(limits) {}

  ExploreResult Run(const Machine& initial) {
    std::vector<Node> layer;
    Admit(Node{initial, nullptr, HashMachine(initial)}, &layer);
    for (size_t depth = 0; !layer.empty(); ++depth) {
      result_.stats.depth = depth;
      result_.stats.widest_layer = std::max<uint64_t>(result_.stats.widest_layer, layer.size());
      CheckOptions options;
      options.downsets = limits_.downsets;
      options.projection = limits_.projection;
      options.minimise = limits_.minimise;
      options.settled = Settled(result_, depth);
      if (limits_.max_images) {
        // Every state of the depth gets the budget left when the depth starts, so the cut does
        // not depend on which thread got there first.
        options.max_images = *limits_.max_images - std::min(*limits_.max_images,
                                                            result_.crash_images);
      }
      std::vector<Expansion> expansions(layer.size());
      ParallelFor(layer.size(), limits_.jobs,
                  [&](size_t i) { expansions[i] = Expand(layer[i], options); });
      layer.clear();
      std::vector<Node> next;
      for (Expansion& expansion : expansions) {
        if (expansion.checked) ++result_.stats.states_checked;
        result_.stats.steps += expansion.steps;
        result_.stats.revisits += expansion.revisits;
        Absorb(expansion.findings, &result_);
        for (Node& node : expansion.next) Admit(std::move(node), &next);
        expansion.next.clear();
      }
      if (limits_.max_images && result_.crash_images >= *limits_.max_images) {
        result_.budget_exhausted = true;
        break;
      }
      layer = std::move(next);
    }
    return std::move(result_);
  }

 private:
  // Takes `node` into the next depth unless it was visited before or the budget is spent. Called
  // in the fixed order of parents and steps, so the first schedule to reach a state is kept.
  void Admit(Node node, std::vector<Node>* layer) {
    if (limits_.visited_states && !visited_.insert(node.hash).second) {
      ++result_.stats.revisits;
      return;
    }
    if (limits_.max_states && result_.distinct_states >= *limits_.max_states) {
      result_.budget_exhausted = true;
      return;
    }
    ++result_.distinct_states;
    layer->push_back(std::move(node));
  }

  // Reads `visited_` only: it does not change while a depth is being expanded.
  Expansion Expand(Node& node, const CheckOptions& options) const {
    Expansion expansion;
    const std::vector<TraceStep> schedule = ScheduleOf(node.path);
    expansion.checked = Owns(limits_, node.hash);
    if (expansion.checked) {
      expansion.findings = CheckState(scenario_, node.machine, schedule, options);
    }
    for (Successor& successor : Successors(node.machine, scenario_)) {
      ++expansion.steps;
      if (successor.read && expansion.checked) {
        std::vector<TraceStep> read_schedule = schedule;
        read_schedule.push_back(successor.step);
        CheckRead(successor.machine, *successor.read, read_schedule, &expansion.findings);
      }
      const Hash128 hash = HashMachine(successor.machine);
      if (limits_.visited_states && visited_.count(hash)) {
        ++expansion.revisits;
        continue;
      }
      expansion.next.push_back(
          Node{std::move(successor.machine), Extend(node.path, std::move(successor.step)), hash});
    }
    return expansion;
  }

  const Scenario& scenario_;
  const ExploreLimits& limits_;
  std::set<Hash128> visited_;
  ExploreResult result_;
};

// The states one random walk passes, each checked with one drawn crash image.
struct Walk {
  std::vector<std::pair<Hash128, StateFindings>> states;
  std::vector<bool> checked;
  uint64_t steps = 0;
};

Walk RandomWalk(const Scenario& scenario, const Machine& initial, const ExploreLimits& limits,
                uint64_t index) {
  const SampleSpec& sample = *limits.sample;
  Prng schedule_prng(sample.seed, index);
  Walk walk;
  std::set<Hash128> on_walk;
  Machine machine = initial;
  std::vector<TraceStep> schedule;
  for (;;) {
    const Hash128 hash = HashMachine(machine);
    if (!on_walk.insert(hash).second) break;  // a cycle: nothing new down this walk
    StateFindings findings;
    const bool owned = Owns(limits, hash);
    if (owned) {
      // The image drawn depends on the state, not on the walk that reached it.
      Prng image_prng(sample.seed, hash.high ^ hash.low);
      findings = CheckStateSampled(scenario, machine, schedule, image_prng);
    }
    std::vector<Successor> successors = Successors(machine, scenario);
    if (!successors.empty()) {
      Successor& chosen = successors[schedule_prng.Below(successors.size())];
      ++walk.steps;
      schedule.push_back(chosen.step);
      if (chosen.read && owned) CheckRead(chosen.machine, *chosen.read, schedule, &findings);
      machine = std::move(chosen.machine);
    }
    walk.states.emplace_back(hash, std::move(findings));
    walk.checked.push_back(owned);
    if (successors.empty()) break;
  }
  return walk;
}

ExploreResult Sampled(const Scenario& scenario, const Machine& initial,
                      const ExploreLimits& limits) {
  std::vector<Walk> walks(limits.sample->schedules);
  ParallelFor(walks.size(), limits.jobs,
              [&](size_t w) { walks[w] = RandomWalk(scenario, initial, limits, w); });
  ExploreResult result;
  std::set<Hash128> seen;
  for (Walk& walk : walks) {
    result.stats.steps += walk.steps;
    for (size_t i = 0; i < walk.states.size(); ++i) {
      auto& [hash, findings] = walk.states[i];
      if (!seen.insert(hash).second) {
        ++result.stats.revisits;
        continue;
      }
      if (limits.max_states && result.distinct_states >= *limits.max_states) {
        result.budget_exhausted = true;
        continue;
      }
      ++result.distinct_states;
      if (walk.checked[i]) ++result.stats.states_checked;
      Absorb(findings, &result);
    }
  }
  return result;
}

}  // namespace

ExploreResult Explore(const Scenario& scenario, const Machine& initial,
                      const ExploreLimits& limits) {
  if (limits.sample) return Sampled(scenario, initial, limits);
  return Exhaustive(scenario, limits).Run(initial);
}

}  // namespace crashsim
