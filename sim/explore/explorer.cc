#include "sim/explore/explorer.h"

#include <algorithm>
#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <set>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

#include "sim/base/check.h"
#include "sim/base/hasher.h"
#include "sim/base/prng.h"
#include "sim/explore/independence.h"
#include "sim/explore/lazy_schedule.h"
#include "sim/explore/partial_order.h"
#include "sim/explore/state_check.h"
#include "sim/explore/successors.h"
#include "sim/result/trace_order.h"

namespace crashsim {
namespace {

// Schedules share their prefixes: a state's schedule is its parent's plus one step, and the step
// is also kept as its position among the parent's enabled steps, so the state can be rebuilt.
struct PathNode;
using Path = std::shared_ptr<const PathNode>;
struct PathNode {
  Path parent;
  TraceStep step;
  uint32_t choice = 0;
  // Whose step it was (the process for a process step or a drain of its store buffer), and
  // whether it was taken alone as a private step, behind `buffered_ahead` accesses already in
  // that process's store buffer: what ShownSchedule needs to cut it.
  StepChoice::Kind kind = StepChoice::Kind::kProcess;
  int pid = 0;
  bool private_step = false;
  uint32_t buffered_ahead = 0;
};

std::vector<TraceStep> ScheduleOf(const Path& path) {
  std::vector<TraceStep> schedule;
  for (const PathNode* node = path.get(); node != nullptr; node = node->parent.get()) {
    schedule.push_back(node->step);
  }
  return {schedule.rbegin(), schedule.rend()};
}

// `private_ahead`: the step was taken alone as a private step, behind that many accesses.
Path Extend(const Path& path, TraceStep step, uint32_t choice, const StepChoice& taken,
            std::optional<uint32_t> private_ahead = std::nullopt) {
  return std::make_shared<const PathNode>(PathNode{path, std::move(step), choice, taken.kind,
                                                   taken.pid, private_ahead.has_value(),
                                                   private_ahead.value_or(0)});
}

// The schedule a finding shows for the state `path` reaches: its steps, less the private steps
// that only ran ahead of the crash. A private step (sim/explore/partial_order.h) of process P that
// no later step of P follows, and whose queued access no later drain of P's store buffer reaches,
// commutes with every step after it and changed no crash input: the crash after the shorter
// schedule checks the same crash inputs. Cutting them keeps traces as short as without the
// reduction would find them, instead of showing every store a process ran ahead with. The cut
// depends on the path alone, so every shard and thread shows the same schedule for a state.
// The nodes of the steps shown, from the last back.
std::vector<const PathNode*> ShownNodes(const Path& path) {
  std::vector<const PathNode*> nodes;
  bool any_private = false;
  for (const PathNode* node = path.get(); node != nullptr; node = node->parent.get()) {
    nodes.push_back(node);
    any_private = any_private || node->private_step;
  }
  if (!any_private) return nodes;  // the common case: nothing to cut
  std::map<int, uint64_t> drains_after;  // per process, its drains later in the schedule
  std::set<int> stepped_after;           // processes with a kept process step later
  std::vector<const PathNode*> shown;
  for (const PathNode* node : nodes) {  // from the last step back
    if (node->kind == StepChoice::Kind::kDrain) {
      ++drains_after[node->pid];
    } else if (node->kind == StepChoice::Kind::kProcess) {
      const bool cut = node->private_step && stepped_after.count(node->pid) == 0 &&
                       drains_after[node->pid] <= node->buffered_ahead;
      if (cut) continue;
      stepped_after.insert(node->pid);
    }
    shown.push_back(node);
  }
  return shown;
}

std::vector<TraceStep> ShownSchedule(const Path& path) {
  const std::vector<const PathNode*> shown = ShownNodes(path);
  std::vector<TraceStep> schedule;
  schedule.reserve(shown.size());
  for (auto node = shown.rbegin(); node != shown.rend(); ++node) schedule.push_back((*node)->step);
  return schedule;
}

// The same, its steps built only when a trace needs them: the length and crash point come from
// the path's nodes, which `path` keeps alive.
LazySchedule LazyShownSchedule(const Path& path) {
  const std::vector<const PathNode*> shown = ShownNodes(path);
  return LazySchedule(shown.size(), shown.empty() ? nullptr : &shown.front()->step,
                      [path] { return ShownSchedule(path); });
}

// A state of the depth being explored, with its Machine when the depth's budget kept it (the
// expansion of its parent built it). A depth can hold many thousands of states, and a Machine its
// pending writes and page-cache entries, so only the first states of each depth, in admission
// order, up to kKeptBytesPerDepth of estimated footprint (ApproxFootprintBytes), keep theirs, and
// only below a narrow depth (Exhaustive::Expand); the rest are rebuilt from their schedules.
struct Node {
  Path path;
  Hash128 hash;
  std::shared_ptr<const Machine> machine;  // null: rebuilt by the Replayer
};

constexpr uint64_t kKeptBytesPerDepth = uint64_t{64} << 20;

// Rebuilds the machine of a schedule, keeping the machines along the last one it rebuilt:
// consecutive states of a depth are mostly siblings, so a rebuild is usually one step.
class Replayer {
 public:
  Replayer(const Scenario& scenario, const Machine& initial) : scenario_(scenario) {
    stack_.push_back({nullptr, initial});
  }

  const Machine& At(const Path& path) {
    std::vector<Path> chain;
    for (Path node = path; node != nullptr; node = node->parent) chain.push_back(node);
    std::reverse(chain.begin(), chain.end());
    // stack_[i + 1] holds the machine after chain[i]; the shared pointers keep the path nodes
    // alive, so equal addresses mean equal nodes.
    size_t common = 0;
    while (common < chain.size() && common + 1 < stack_.size() &&
           stack_[common + 1].first == chain[common]) {
      ++common;
    }
    stack_.erase(stack_.begin() + static_cast<std::ptrdiff_t>(common) + 1, stack_.end());
    for (size_t i = common; i < chain.size(); ++i) {
      const Machine& machine = stack_.back().second;
      const std::vector<StepChoice> steps = EnabledSteps(machine, scenario_);
      CRASHSIM_CHECK_MSG(chain[i]->choice < steps.size(), "a schedule no longer replays");
      Successor next = TakeStep(machine, scenario_, steps[chain[i]->choice]);
      stack_.push_back({chain[i], std::move(next.machine)});
      ++replayed_;
    }
    return stack_.back().second;
  }

  uint64_t replayed() const { return replayed_; }

 private:
  const Scenario& scenario_;
  std::vector<std::pair<Path, Machine>> stack_;
  uint64_t replayed_ = 0;
};

bool Interrupted(const RunOptions& run) {
  return run.interrupt != nullptr && run.interrupt->load(std::memory_order_relaxed) != 0;
}

// Where the exploration was when something failed; turned into an ExploreFailure.
struct FailurePlace {
  std::string step;
  std::vector<TraceStep> schedule;
};

// Inside a catch block: the exception in flight as an ExploreFailure at `place`. An
// ExploreFailure already located (from a nested walk) is kept as it is.
ExploreFailure Locate(FailurePlace place) {
  try {
    throw;
  } catch (const ExploreFailure& failure) {
    return failure;
  } catch (...) {
    return ExploreFailure{
        InternalFailure{DescribeCurrentException(), std::move(place.step), std::move(place.schedule)}};
  }
}

std::string AfterStep(size_t steps) {
  return steps == 0 ? std::string("before the first step") : "after step " + std::to_string(steps);
}

// The fault a test injects: fails like a bug in the model would.
void InjectFault(const RunOptions& run, uint64_t depth) {
  if (!run.fault || run.fault->depth != depth) return;
  const bool out_of_range = run.fault->kind == InjectedFault::Kind::kOutOfRange;
  if (out_of_range) {
    const std::map<int, int> empty;
    (void)empty.at(static_cast<int>(depth));
  }
  CRASHSIM_CHECK_MSG(out_of_range, "a fault injected by a test");
}

// Runs `work(i, worker)` for every i in [0, n), in consecutive chunks of indices, on up to `jobs`
// threads (`worker` is the thread's number); the results go to per-index slots, so the order the
// threads finish in never matters. No exception leaves a thread: when work(i) throws, no index
// after the lowest one that threw is started, every thread is joined, and the exception of the
// lowest index is rethrown here, which is the one a single thread meets first. Once `stop`
// returns true nothing new is started; the caller finds the indices left undone.
void ParallelChunks(size_t n, size_t jobs, const std::function<bool()>& stop,
                    const std::function<void(size_t, size_t)>& work) {
  constexpr size_t kChunk = 32;  // siblings stay together, so rebuilding them stays cheap
  std::mutex mutex;
  std::atomic<size_t> first_failed{n};
  std::exception_ptr failure;
  const auto run_chunk = [&](size_t begin, size_t end, size_t worker) {
    for (size_t i = begin; i < end; ++i) {
      if (i > first_failed.load() || stop()) return;
      try {
        work(i, worker);
      } catch (...) {
        const std::lock_guard<std::mutex> lock(mutex);
        if (i < first_failed.load()) {
          first_failed = i;
          failure = std::current_exception();
        }
        return;
      }
    }
  };
  if (jobs <= 1 || n <= kChunk) {
    run_chunk(0, n, 0);
  } else {
    std::atomic<size_t> next{0};
    std::vector<std::thread> pool;
    for (size_t worker = 0; worker < jobs; ++worker) {
      pool.emplace_back([&, worker] {
        for (size_t begin = next.fetch_add(kChunk); begin < n && begin <= first_failed.load();
             begin = next.fetch_add(kChunk)) {
          run_chunk(begin, std::min(n, begin + kChunk), worker);
        }
      });
    }
    for (std::thread& thread : pool) thread.join();
  }
  if (failure) std::rethrow_exception(failure);
}

// The length of the trace shown so far for each violated name.
std::map<std::string, size_t> ShownLengths(const ExploreResult& result) {
  std::map<std::string, size_t> lengths;
  for (const auto& [name, violation] : result.violations) {
    lengths[name] = violation.schedule.size();
  }
  return lengths;
}

// The names whose shown trace is shorter than `length`: no schedule of `length` steps can replace
// it. (A state's shown schedule can be shorter than its depth, ShownSchedule, so this is asked
// per state, not per depth.)
std::set<std::string> Settled(const std::map<std::string, size_t>& shown, size_t length) {
  std::set<std::string> settled;
  for (const auto& [name, shown_length] : shown) {
    if (shown_length < length) settled.insert(name);
  }
  return settled;
}

// The choices of `path` from the initial state: Violation::order.
std::vector<uint32_t> ChoicesOf(const Path& path) {
  std::vector<uint32_t> choices;
  for (const PathNode* node = path.get(); node != nullptr; node = node->parent.get()) {
    choices.push_back(node->choice);
  }
  return {choices.rbegin(), choices.rend()};
}

// Gives every finding of a state's check the order of the state's path.
void SetOrder(const Path& path, StateFindings* findings) {
  if (findings->best.empty() && findings->outcomes.empty()) return;
  const std::vector<uint32_t> order = ChoicesOf(path);
  for (auto& [name, violation] : findings->best) violation.order = order;
  for (auto& [key, witness] : findings->outcomes) witness.order = order;
}

// Whether a sharded run splits its walk (docs/architecture.md, "Shards that split the walk").
// A budget's cut, a sample and the observed outcomes are defined by the whole walk's order, and
// whether a private step is taken alone by the states visited before, so those runs walk the whole
// graph in every shard and split only the checks.
bool SplitsTheWalk(const Scenario& scenario, const RunOptions& run) {
  return run.shard.count > 1 && !run.max_states && !run.max_images && !run.sample &&
         !run.observe && run.reductions.visited_states &&
         !(run.reductions.partial_order && MayTakePrivateSteps(scenario));
}

// Keeps the first stop of each kind: a state budget where admission first refused a state (the
// admission order is fixed); an image budget at the least crash point (shorter schedule, then
// text, then assertion), which does not depend on the order the states were checked in.
void KeepStop(BudgetStop stop, ExploreResult* result) {
  auto& stops = result->budget_stops;
  auto it = std::find_if(stops.begin(), stops.end(),
                         [&](const BudgetStop& kept) { return kept.kind == stop.kind; });
  if (it == stops.end()) {
    stops.push_back(std::move(stop));
    std::sort(stops.begin(), stops.end(), [](const BudgetStop& a, const BudgetStop& b) {
      return a.kind == BudgetStop::Kind::kStates && b.kind != BudgetStop::Kind::kStates;
    });
    return;
  }
  if (stop.kind == BudgetStop::Kind::kStates) return;
  if (std::tie(stop.depth, stop.crash_point, stop.assertion) <
      std::tie(it->depth, it->crash_point, it->assertion)) {
    *it = std::move(stop);
  }
}

void Absorb(StateFindings& findings, ExploreResult* result) {
  result->crash_images += findings.images;
  result->stats.minimise_checks += findings.minimise_checks;
  result->stats.memo_images += findings.memo_images;
  result->budget_exhausted = result->budget_exhausted || findings.cut;
  if (findings.stop) {
    // The run's image budget is measured over the run: how far the run got.
    if (findings.stop->assertion.empty()) findings.stop->reached = result->crash_images;
    KeepStop(std::move(*findings.stop), result);
  }
  for (auto& [name, violation] : findings.best) {
    KeepPreferred(std::move(violation), &result->violations);
  }
  for (auto& [key, witness] : findings.outcomes) {
    KeepPreferredOutcome(key, std::move(witness), &result->outcomes);
  }
  for (auto& [item, where] : findings.outcomes_cut) {
    auto [it, inserted] = result->outcomes_cut.emplace(item, where);
    if (!inserted && where < it->second) it->second = std::move(where);
  }
}

// One state of a depth, expanded: its findings (when this shard owns it) and its successors not
// visited at a smaller depth.
struct Expansion {
  bool done = false;  // expanded (false: left undone by an interrupt)
  StateFindings findings;
  bool checked = false;
  std::vector<Node> next;
  uint64_t steps = 0, revisits = 0;
  bool private_step = false;  // expanded by one private step alone
  bool independent_process = false;  // expanded by one independent process's steps alone
};

class Exhaustive {
 public:
  Exhaustive(const Scenario& scenario, const Machine& initial, const RunOptions& run)
      : scenario_(scenario), run_(run) {
    const size_t jobs = std::max(1, run.jobs);
    for (size_t worker = 0; worker < jobs; ++worker) replayers_.emplace_back(scenario, initial);
    if (run.reductions.independent_processes) {
      independence_ = AnalyseIndependence(scenario, initial);
    }
    initial_hash_ = StateHash(initial);
    splits_the_walk_ = SplitsTheWalk(scenario, run);
  }

  ExploreResult Run() {
    std::vector<Node> layer;
    Admit(Node{nullptr, initial_hash_, nullptr}, &layer);
    for (size_t depth = 0; !layer.empty(); ++depth) {
      result_.stats.depth = depth;
      result_.stats.widest_layer = std::max<uint64_t>(result_.stats.widest_layer, layer.size());
      CheckOptions options(run_);
      const std::map<std::string, size_t> shown = ShownLengths(result_);
      options.memo = run_.reductions.memoise ? &memo_ : nullptr;
      if (run_.max_images) {
        // Every state of the depth gets the budget left when the depth starts, so the cut does
        // not depend on which thread got there first.
        options.images_left = *run_.max_images - std::min(*run_.max_images,
                                                            result_.crash_images);
      }
      const uint64_t split_width =
          std::max<uint64_t>(1, run_.split_states_per_shard) * run_.shard.count;
      if (splits_the_walk_ && !result_.split && layer.size() >= split_width &&
          depth >= SplitFromDepth(depth, layer.front())) {
        // Every shard has walked the same states so far; from here each takes its own block of
        // consecutive states of this depth, and checks every state it walks.
        result_.split = WalkSplit{depth, result_.distinct_states - layer.size(), {}};
        const size_t count = run_.shard.count, index = run_.shard.index - 1;
        std::vector<Node> block;
        for (size_t i = layer.size() * index / count; i < layer.size() * (index + 1) / count; ++i) {
          block.push_back(std::move(layer[i]));
        }
        layer = std::move(block);
      }
      std::vector<Expansion> expansions(layer.size());
      layer_size_ = layer.size();
      ParallelChunks(
          layer.size(), replayers_.size(), [&] { return Interrupted(run_); },
          [&](size_t i, size_t worker) {
            expansions[i] = Expand(layer[i], depth, options, shown, replayers_[worker]);
          });
      if (result_.split) {
        for (size_t i = 0; i < layer.size(); ++i) {
          if (!expansions[i].done) continue;
          result_.split->states.push_back(
              SplitState{layer[i].hash.high, layer[i].hash.low, expansions[i].findings.images});
        }
      }
      layer.clear();
      std::vector<Node> next;
      kept_bytes_ = 0;
      for (Expansion& expansion : expansions) {
        if (!expansion.done) {
          result_.interrupted = true;
          continue;
        }
        if (expansion.checked) ++result_.stats.states_checked;
        result_.stats.steps += expansion.steps;
        result_.stats.revisits += expansion.revisits;
        if (expansion.private_step) ++result_.stats.private_steps;
        if (expansion.independent_process) ++result_.stats.independent_process_states;
        Absorb(expansion.findings, &result_);
        for (Node& node : expansion.next) Admit(std::move(node), &next);
        expansion = Expansion();
      }
      if (result_.interrupted) break;
      if (run_.max_images && result_.crash_images >= *run_.max_images) {
        result_.budget_exhausted = true;
        if (std::none_of(result_.budget_stops.begin(), result_.budget_stops.end(),
                         [](const BudgetStop& stop) {
                           return stop.kind == BudgetStop::Kind::kImages;
                         })) {
          KeepStop(BudgetStop{BudgetStop::Kind::kImages, *run_.max_images, "",
                              "at the end of depth " + std::to_string(depth), depth,
                              result_.crash_images},
                   &result_);
        }
        break;
      }
      layer = std::move(next);
    }
    if (result_.split) {
      std::sort(result_.split->states.begin(), result_.split->states.end());
    }
    result_.stats.memo_hits = memo_.hits();
    for (const Replayer& replayer : replayers_) result_.stats.replayed_steps += replayer.replayed();
    return std::move(result_);
  }

 private:
  Hash128 StateHash(const Machine& machine) const {
    return HashMachine(machine, run_.reductions.canonical_history);
  }

  // The least depth a split walk splits at: RunOptions::split_from_depth_percent of the walk's
  // depth, estimated when the walk first gets wide enough to split (a walk that never does costs
  // nothing) as `depth` plus the length of the schedule from `first`, the depth's first state,
  // that always takes the first enabled step, run to its end (every step moves an op or an event
  // forward, so it ends). Every shard has walked the same states so far, so each estimates alike.
  // Its steps count as the run's. A step that fails ends the estimate there; the walk takes the
  // same step later and reports the failure where it happens.
  uint64_t SplitFromDepth(uint64_t depth, const Node& first) {
    if (split_from_depth_) return *split_from_depth_;
    if (run_.split_from_depth_percent == 0) {
      split_from_depth_ = 0;
      return 0;
    }
    uint64_t estimate = depth;
    try {
      Machine machine = first.machine ? *first.machine : replayers_.front().At(first.path);
      for (;;) {
        const std::vector<StepChoice> steps = EnabledSteps(machine, scenario_);
        if (steps.empty()) break;
        machine = TakeStep(machine, scenario_, steps.front()).machine;
        ++estimate;
        ++result_.stats.steps;
      }
    } catch (...) {
    }
    split_from_depth_ = (estimate * run_.split_from_depth_percent + 99) / 100;
    return *split_from_depth_;
  }

  // Takes `node` into the next depth unless it was visited before or the budget is spent. Called
  // in the fixed order of parents and steps, so the first schedule to reach a state is kept.
  void Admit(Node node, std::vector<Node>* layer) {
    if (run_.reductions.visited_states && !visited_.insert(node.hash).second) {
      ++result_.stats.revisits;
      return;
    }
    if (run_.max_states && result_.distinct_states >= *run_.max_states) {
      if (result_.budget_stops.empty() ||
          result_.budget_stops.front().kind != BudgetStop::Kind::kStates) {
        const std::vector<TraceStep> schedule = ScheduleOf(node.path);
        KeepStop(BudgetStop{BudgetStop::Kind::kStates, *run_.max_states, "",
                            CrashPointOf(schedule), schedule.size(), result_.distinct_states},
                 &result_);
      }
      result_.budget_exhausted = true;
      return;
    }
    ++result_.distinct_states;
    if (node.machine) {
      const uint64_t bytes = ApproxFootprintBytes(*node.machine);
      if (kept_bytes_ + bytes <= kKeptBytesPerDepth) {
        kept_bytes_ += bytes;
      } else {
        node.machine.reset();
      }
    }
    layer->push_back(std::move(node));
  }

  // Reads `visited_` only: it does not change while a depth is being expanded. A failure is
  // thrown as an ExploreFailure naming what was being done at which step.
  Expansion Expand(const Node& node, size_t depth, const CheckOptions& depth_options,
                   const std::map<std::string, size_t>& shown, Replayer& replayer) const {
    FailurePlace place{"rebuilding the state " + AfterStep(depth), {}};
    // The step being taken, named only if it fails: describing every step costs more than
    // taking most of them.
    const Machine* current = nullptr;
    const StepChoice* taking = nullptr;
    try {
      Expansion expansion;
      expansion.done = true;
      const Machine& machine = node.machine ? *node.machine : replayer.At(node.path);
      current = &machine;
      // Successors keep their machines only from a narrow depth, and only while the budget could
      // hold every state's: the successors of a whole depth are alive at once, before admission
      // picks the ones kept. A wide depth's states are mostly siblings, which the Replayer
      // rebuilds in about one step each anyway.
      const bool keep_successors =
          layer_size_ <= kKeepFromDepthsUpTo &&
          ApproxFootprintBytes(machine) * (kStepsEstimate + 1) * layer_size_ <= kKeptBytesPerDepth;
      // Below a split every shard checks what it walks; above it, the states it owns.
      expansion.checked = result_.split.has_value() || run_.shard.Owns(node.hash.low);
      // Only the shard that checks a state reports findings, and only findings carry a schedule.
      const LazySchedule schedule =
          expansion.checked ? LazyShownSchedule(node.path) : LazySchedule(0, nullptr, {});
      if (expansion.checked) {
        place.step = "checking the crash states " + AfterStep(depth);
        InjectFault(run_, depth);
        CheckOptions options = depth_options;
        options.settled = Settled(shown, schedule.size());
        expansion.findings = CheckState(scenario_, machine, schedule, options);
        SetOrder(node.path, &expansion.findings);
      }
      place.step = "listing the steps enabled " + AfterStep(depth);
      const std::vector<StepChoice> steps = EnabledSteps(machine, scenario_);
      // The successors the partial-order reduction built and did not take alone, by choice.
      std::vector<std::optional<Successor>> built(steps.size());
      // With one step enabled there is nothing to reduce.
      if (run_.reductions.partial_order && steps.size() > 1 &&
          ExpandPrivateStep(node, machine, steps, keep_successors, &taking, &built, &expansion)) {
        return expansion;
      }
      std::vector<uint32_t> chosen;
      std::vector<std::optional<Hash128>> hashes(steps.size());  // of the successors in `built`
      if (independence_.applies && steps.size() > 1) {
        chosen = IndependentProcessSteps(node, machine, steps, &taking, &built, &hashes,
                                         &expansion);
      }
      if (chosen.empty()) {
        for (uint32_t choice = 0; choice < steps.size(); ++choice) chosen.push_back(choice);
      } else {
        expansion.independent_process = true;
      }
      for (uint32_t choice : chosen) {
        taking = &steps[choice];
        Successor successor = built[choice] ? std::move(*built[choice])
                                            : TakeStep(machine, scenario_, steps[choice]);
        if (!built[choice]) ++expansion.steps;
        Path child = Extend(node.path, std::move(successor.step), choice, steps[choice]);
        if (successor.read && expansion.checked) {
          taking = nullptr;
          place.step = "checking the value read by step " + std::to_string(depth + 1) + " (" +
                       child->step.actor + ": " + child->step.text + ")";
          StateFindings read;
          CheckRead(scenario_, successor.machine, *successor.read, ShownSchedule(child), &read);
          SetOrder(child, &read);
          for (auto& [name, violation] : read.best) {
            KeepPreferred(std::move(violation), &expansion.findings.best);
          }
        }
        const Hash128 hash = hashes[choice] ? *hashes[choice] : StateHash(successor.machine);
        if (run_.reductions.visited_states && visited_.count(hash)) {
          ++expansion.revisits;
          continue;
        }
        expansion.next.push_back(Node{
            std::move(child), hash,
            keep_successors ? std::make_shared<const Machine>(std::move(successor.machine))
                            : nullptr});
      }
      return expansion;
    } catch (...) {
      if (taking != nullptr && current != nullptr) {
        place.step = "taking step " + std::to_string(depth + 1) + " (" +
                     DescribeChoice(*current, scenario_, *taking) + ")";
      }
      place.schedule = ScheduleOf(node.path);
      throw Locate(std::move(place));
    }
  }

  // The partial-order reduction: when some process's next step is private
  // (sim/explore/partial_order.h) and leads to a state not visited before, it alone is the
  // state's successor. The first such process in the fixed order is taken. Returns whether it
  // expanded the state.
  // The successors it built and did not take go to `built`, for the full expansion.
  bool ExpandPrivateStep(const Node& node, const Machine& machine,
                         const std::vector<StepChoice>& steps, bool keep_machine,
                         const StepChoice** taking, std::vector<std::optional<Successor>>* built,
                         Expansion* expansion) const {
    for (uint32_t choice = 0; choice < steps.size(); ++choice) {
      const StepChoice& step = steps[choice];
      if (step.kind != StepChoice::Kind::kProcess ||
          !MayBePrivate(scenario_, machine, step.pid)) {
        continue;
      }
      *taking = &step;
      Successor successor = TakeStep(machine, scenario_, step);
      ++expansion->steps;
      const bool is_private = IsPrivateStep(scenario_, machine, successor, step.pid);
      const Hash128 hash = is_private ? StateHash(successor.machine) : Hash128{};
      // C3: never put the other steps off round a cycle.
      if (!is_private || visited_.count(hash)) {
        (*built)[choice] = std::move(successor);
        continue;
      }
      const auto ahead =
          static_cast<uint32_t>(machine.processes[step.pid].cpu.store_buffer.size());
      expansion->next.push_back(
          Node{Extend(node.path, std::move(successor.step), choice, step, ahead), hash,
               keep_machine ? std::make_shared<const Machine>(std::move(successor.machine))
                            : nullptr});
      expansion->private_step = true;
      return true;
    }
    return false;
  }

  // The reduction for independent processes (sim/explore/independence.h): the enabled steps of
  // the lowest-numbered process that has any, when the others have steps too and every one of
  // the taken steps keeps the independence (KeepsIndependence) and changes the state. Empty:
  // expand every step. The successors it built go to `built`, and their hashes to `hashes`, for
  // the expansion.
  std::vector<uint32_t> IndependentProcessSteps(const Node& node, const Machine& machine,
                                                const std::vector<StepChoice>& steps,
                                                const StepChoice** taking,
                                                std::vector<std::optional<Successor>>* built,
                                                std::vector<std::optional<Hash128>>* hashes,
                                                Expansion* expansion) const {
    int pid = -1;
    for (const StepChoice& step : steps) {
      // A background event is an actor of its own that may touch every file.
      if (step.kind == StepChoice::Kind::kBackground) return {};
      if (pid < 0 || step.pid < pid) pid = step.pid;
    }
    std::vector<uint32_t> ample;
    for (uint32_t choice = 0; choice < steps.size(); ++choice) {
      if (steps[choice].pid == pid) ample.push_back(choice);
    }
    if (ample.size() == steps.size()) return {};
    for (uint32_t choice : ample) {
      *taking = &steps[choice];
      if (!(*built)[choice]) {
        (*built)[choice] = TakeStep(machine, scenario_, steps[choice]);
        ++expansion->steps;
      }
      const Machine& after = (*built)[choice]->machine;
      // C3: the state graph has no cycles (every process step moves its op forward, every drain
      // empties an entry), so only a step that leaves the state as it was could put the others
      // off for ever; none is known, and such a state is expanded fully all the same.
      if (!KeepsIndependence(independence_, scenario_, machine, after, pid)) return {};
      (*hashes)[choice] = StateHash(after);
      if (*(*hashes)[choice] == node.hash) return {};
    }
    return ample;
  }

  const Scenario& scenario_;
  const RunOptions& run_;
  Independence independence_;
  std::vector<Replayer> replayers_;  // one per worker thread
  Hash128 initial_hash_;
  bool splits_the_walk_ = false;
  std::optional<uint64_t> split_from_depth_;  // SplitFromDepth, once estimated
  std::set<Hash128> visited_;
  uint64_t kept_bytes_ = 0;  // the estimated footprint of the machines the next depth keeps
  uint64_t layer_size_ = 0;  // states in the depth being expanded (read by the workers)
  static constexpr uint64_t kStepsEstimate = 8;  // successors per state, for keep_successors
  static constexpr uint64_t kKeepFromDepthsUpTo = 256;  // states
  CrashMemo memo_;
  ExploreResult result_;
};

// The states one random walk passes, each checked with one drawn crash image.
struct Walk {
  std::vector<std::pair<Hash128, StateFindings>> states;
  std::vector<bool> checked;
  uint64_t steps = 0;
  bool cut = false;  // stopped by an interrupt before its end
};

Walk RandomWalk(const Scenario& scenario, const Machine& initial, const RunOptions& run,
                uint64_t index) {
  const Sampling& sample = *run.sample;
  Prng schedule_prng(sample.seed, index);
  Walk walk;
  std::set<Hash128> on_walk;
  Machine machine = initial;
  std::vector<TraceStep> schedule;
  FailurePlace place;
  try {
    for (;;) {
      if (Interrupted(run)) {
        walk.cut = true;
        break;
      }
      const std::string on = " on random schedule " + std::to_string(index + 1);
      place.step = "hashing the state " + AfterStep(schedule.size()) + on;
      const Hash128 hash = HashMachine(machine, run.reductions.canonical_history);
      if (!on_walk.insert(hash).second) break;  // a cycle: nothing new down this walk
      StateFindings findings;
      const bool owned = run.shard.Owns(hash.low);
      if (owned) {
        // Each walk draws its own image at each of its states (a state on several walks gets
        // several draws), from a stream fixed by the seed, the walk and the position: whoever
        // checks it, the image is the same.
        place.step = "checking the crash states " + AfterStep(schedule.size()) + on;
        InjectFault(run, schedule.size());
        Prng image_prng(Prng(sample.seed, index).Next(), walk.states.size());
        findings = CheckStateSampled(scenario, machine, schedule, image_prng, run.observe);
      }
      place.step = "listing the steps enabled " + AfterStep(schedule.size()) + on;
      const std::vector<StepChoice> steps = EnabledSteps(machine, scenario);
      if (!steps.empty()) {
        // Only the step taken is built.
        const StepChoice& choice = steps[schedule_prng.Below(steps.size())];
        place.step = "taking step " + std::to_string(schedule.size() + 1) + " (" +
                     DescribeChoice(machine, scenario, choice) + ")" + on;
        Successor chosen = TakeStep(machine, scenario, choice);
        ++walk.steps;
        schedule.push_back(chosen.step);
        if (chosen.read && owned) {
          place.step = "checking the value read by step " + std::to_string(schedule.size()) + on;
          CheckRead(scenario, chosen.machine, *chosen.read, schedule, &findings);
        }
        machine = std::move(chosen.machine);
      }
      walk.states.emplace_back(hash, std::move(findings));
      walk.checked.push_back(owned);
      if (steps.empty()) break;
    }
  } catch (...) {
    place.schedule = schedule;
    if (place.step.rfind("checking the value read", 0) == 0) place.schedule.pop_back();
    throw Locate(std::move(place));
  }
  return walk;
}

ExploreResult Sampled(const Scenario& scenario, const Machine& initial,
                      const RunOptions& run) {
  std::vector<Walk> walks(run.sample->schedules);
  std::vector<char> walked(walks.size(), 0);  // one byte each: written from several threads
  ParallelChunks(
      walks.size(), static_cast<size_t>(std::max(1, run.jobs)),
      [&] { return Interrupted(run); },
      [&](size_t w, size_t) {
        walks[w] = RandomWalk(scenario, initial, run, w);
        walked[w] = 1;
      });
  ExploreResult result;
  // A walk cut short, or never started, leaves the sample incomplete.
  for (size_t w = 0; w < walks.size(); ++w) {
    result.interrupted = result.interrupted || !walked[w] || walks[w].cut;
  }
  std::set<Hash128> seen;
  for (Walk& walk : walks) {
    result.stats.steps += walk.steps;
    for (size_t i = 0; i < walk.states.size(); ++i) {
      auto& [hash, findings] = walk.states[i];
      if (seen.count(hash) == 0) {
        if (run.max_states && result.distinct_states >= *run.max_states) {
          if (!result.budget_exhausted) {
            KeepStop(BudgetStop{BudgetStop::Kind::kStates, *run.max_states, "",
                                "on random schedule " + std::to_string(&walk - walks.data() + 1) +
                                    " after step " + std::to_string(i),
                                i, result.distinct_states},
                     &result);
          }
          result.budget_exhausted = true;
          continue;
        }
        seen.insert(hash);
        ++result.distinct_states;
      } else {
        ++result.stats.revisits;
      }
      if (walk.checked[i]) ++result.stats.states_checked;
      Absorb(findings, &result);
    }
  }
  return result;
}

}  // namespace

ExploreResult Explore(const Scenario& scenario, const Machine& initial,
                      const RunOptions& run) {
  try {
    if (run.sample) return Sampled(scenario, initial, run);
    return Exhaustive(scenario, initial, run).Run();
  } catch (...) {
    // Failures inside a state's expansion are located there; this is the rest of the walk.
    throw Locate(FailurePlace{"joining the results of the explored states", {}});
  }
}

}  // namespace crashsim
