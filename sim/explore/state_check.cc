#include "sim/explore/state_check.h"

#include <fmt/format.h>

#include <optional>
#include <utility>

#include "sim/crash/crash_space.h"
#include "sim/crash/image_walk.h"
#include "sim/explore/crash_memo.h"
#include "sim/explore/crash_state.h"
#include "sim/explore/minimise.h"
#include "sim/oracles/coherence.h"
#include "sim/oracles/image_walk_checks.h"
#include "sim/oracles/immutable.h"
#include "sim/oracles/run_checks.h"
#include "sim/oracles/stale_data.h"
#include "sim/result/trace_order.h"

namespace crashsim {
namespace {

// The persist graph of the crash point, with the witness image's lost events marked.
std::vector<PersistNode> DrawGraph(const PersistGraph& graph, const CrashImage& witness) {
  const std::vector<bool> kept = graph.Kept(witness);
  std::vector<PersistNode> nodes;
  nodes.reserve(graph.events().size());
  for (size_t v = 0; v < graph.events().size(); ++v) {
    const PersistEvent& event = graph.events()[v];
    PersistNode node;
    node.kind = event.kind == PersistEvent::Kind::kTransaction ? "journal" : "device-write";
    node.description = event.description;
    node.lost = !kept[v];
    for (size_t p : graph.predecessors()[v]) node.after.push_back(static_cast<int>(p));
    nodes.push_back(std::move(node));
  }
  return nodes;
}

// The finding as a trace at `crash_point`, its lost events described as `machine` has them.
Violation ToViolation(Finding finding, const Machine& machine,
                      const std::vector<TraceStep>& schedule, const std::string& crash_point) {
  Violation violation;
  violation.name = std::move(finding.name);
  violation.promise = std::move(finding.promise);
  violation.schedule = schedule;
  violation.crash_point = crash_point;
  violation.lost = RenderLost(machine, finding.lost);
  violation.observed = std::move(finding.observed);
  violation.expected = std::move(finding.expected);
  violation.state = std::move(finding.state);
  return violation;
}

// Collects one state's crash findings, keeping per name the preferred one and its witness.
class CrashFindings {
 public:
  CrashFindings(const Machine& machine, const LazySchedule& schedule,
                const std::set<std::string>& settled)
      : machine_(machine), schedule_(schedule), settled_(settled) {}

  void Offer(const std::vector<Finding>& findings) {
    for (const Finding& finding : findings) {
      if (settled_.count(finding.name)) continue;
      Violation candidate =
          ToViolation(finding, machine_, schedule_.steps(), schedule_.crash_point());
      auto it = best_.find(candidate.name);
      if (it != best_.end() && !PreferredTrace(candidate, it->second.violation)) continue;
      const std::string name = candidate.name;
      best_[name] = Kept{std::move(candidate), finding.witness, finding.has_witness};
    }
  }

  // Minimises each kept witness, draws its persist graph and hands the traces over.
  void Finish(const Scenario& scenario, const Machine& machine, bool minimise,
              StateFindings* out) {
    std::optional<PersistGraph> graph;  // built only when some finding has a witness to draw
    for (auto& [name, kept] : best_) {
      if (!kept.has_witness) {
        KeepPreferred(std::move(kept.violation), &out->best);
        continue;
      }
      if (minimise) {
        auto minimal = MinimiseWitness(scenario, machine, kept.witness, name,
                                       kept.violation.promise);
        if (minimal) {
          out->minimise_checks += minimal->checks;
          kept.witness = minimal->finding.witness;
          kept.violation =
              ToViolation(std::move(minimal->finding), machine_, schedule_.steps(),
                          schedule_.crash_point());
        }
      }
      if (!graph) graph.emplace(machine);
      kept.violation.persist_graph = DrawGraph(*graph, kept.witness);
      for (std::string& line : DescribeCrashState(scenario, machine, kept.witness)) {
        kept.violation.state.push_back(std::move(line));
      }
      KeepPreferred(std::move(kept.violation), &out->best);
    }
  }

 private:
  struct Kept {
    Violation violation;
    CrashImage witness;
    bool has_witness = false;
  };
  const Machine& machine_;
  const LazySchedule& schedule_;
  const std::set<std::string>& settled_;
  std::map<std::string, Kept> best_;
};

// Each value observed at this state, with this state's schedule as its witness's.
void AddOutcomes(const Observations& observed, const std::vector<ListedItem>& items,
                 const Machine& machine, const LazySchedule& schedule,
                 StateFindings* out) {
  if (observed.values.empty() && observed.cut.empty()) return;
  const std::string& crash_point = schedule.crash_point();
  for (const ObservedValue& value : observed.values) {
    Violation witness;
    witness.name = items[value.item].item.text;
    witness.observed = value.value;
    witness.schedule = schedule.steps();
    witness.crash_point = crash_point;
    witness.lost = RenderLost(machine, value.lost);
    KeepPreferredOutcome(OutcomeKey{value.item, value.value}, std::move(witness), &out->outcomes);
  }
  for (size_t item : observed.cut) {
    out->outcomes_cut.emplace(item, std::make_pair(schedule.size(), crash_point));
  }
}

void CheckRunningSystem(const Machine& machine, const LazySchedule& schedule,
                        StateFindings* out) {
  std::vector<Finding> findings;
  CheckImmutableVolatile(machine, &findings);
  for (Finding& finding : findings) {
    KeepPreferred(ToViolation(std::move(finding), machine, schedule.steps(),
                              "no crash: in the running system"),
                  &out->best);
  }
}

}  // namespace

std::string CrashPointOf(const std::vector<TraceStep>& schedule) {
  return LazySchedule::CrashPointAt(schedule.size(),
                                    schedule.empty() ? nullptr : &schedule.back());
}

void KeepPreferredOutcome(const OutcomeKey& key, Violation candidate,
                          std::map<OutcomeKey, Violation>* best) {
  auto it = best->find(key);
  if (it == best->end()) {
    best->emplace(key, std::move(candidate));
  } else if (PreferredTrace(candidate, it->second)) {
    it->second = std::move(candidate);
  }
}

void KeepPreferred(Violation candidate, std::map<std::string, Violation>* best) {
  auto it = best->find(candidate.name);
  if (it == best->end()) {
    best->emplace(candidate.name, std::move(candidate));
  } else if (PreferredTrace(candidate, it->second)) {
    it->second = std::move(candidate);
  }
}

namespace {

// Every crash check of `machine`: each feasible journal prefix with per-byte projection, or with
// projection off every whole image.
CrashChecks RunCrashChecks(const Scenario& scenario, const Machine& machine,
                           const CheckOptions& options) {
  CrashChecks out;
  CrashSpace space(machine);
  const std::vector<ListedItem> items =
      options.run.observe ? ListedItems(scenario) : std::vector<ListedItem>{};
  const std::vector<ListedItem>* observe = options.run.observe ? &items : nullptr;
  auto check = [&]() {
    std::optional<AssertionCut> assertion_cut;
    std::vector<Finding> findings =
        CheckChosen(scenario, machine, space, options.run.reductions.assertion_search, &out.cut,
                    &assertion_cut, observe, &out.observed);
    if (assertion_cut && !out.assertion_cut) out.assertion_cut = std::move(assertion_cut);
    ++out.images;
    for (Finding& finding : findings) out.findings.push_back(std::move(finding));
    if (options.images_left && out.images >= *options.images_left) out.cut = out.images_cut = true;
    return !out.cut;
  };
  if (options.run.reductions.projection) {
    for (uint64_t prefix : space.journal_choices()) {
      space.ChooseJournal(prefix);
      if (!check()) break;
    }
    return out;
  }
  // Reductions off: recover and check every whole image the crash may leave.
  auto visit = [&](const CrashImage& image) {
    space.ChooseImage(image);
    return check();
  };
  if (!options.run.reductions.downsets) {
    if (space.graph().events().size() <= PersistGraph::kSubsetEventsMax) {
      space.graph().ForEachSubsetImage(visit);
    } else {
      out.cut = true;  // 2^n subsets: beyond any budget worth spending
    }
    return out;
  }
  if (ImageWalk::WhyNotApplicable(machine, space.graph())) {
    space.graph().ForEachImage(visit);
    return out;
  }
  // Persistent-memory stores only: walk the same downsets incrementally with compiled checks,
  // and recover and check through the oracles only the first image (for the findings that no
  // image changes) and each image where a compiled check fails; every image when observing
  // (the compiled checks do not read observed items).
  ImageWalk walk(machine, space.graph());
  ImageChecks checks(scenario, machine, walk);
  bool first = true;
  CheckImages(walk, checks, UINT64_MAX, [&](const ImageWalk& at, const ImageChecks& now) {
    if (first || now.any_failing() || observe != nullptr) {
      first = false;
      return visit(at.Image());
    }
    ++out.images;
    if (options.images_left && out.images >= *options.images_left) out.cut = out.images_cut = true;
    return !out.cut;
  });
  return out;
}

// The memo key: what the checks read, and the options that change what they do.
Hash128 MemoKey(const Machine& machine, const CheckOptions& options) {
  const Hash128 inputs = HashCrashChecks(machine);
  Hasher hasher;
  hasher.Add(inputs.high);
  hasher.Add(inputs.low);
  hasher.AddBool(options.run.reductions.projection);
  hasher.AddBool(options.run.reductions.downsets);
  hasher.AddBool(options.run.reductions.assertion_search);
  hasher.AddBool(options.run.observe);
  hasher.Add(options.images_left.value_or(0));
  return hasher.Finish();
}

// The image budget that cut a state's crash checks, at its crash point.
BudgetStop ImageStop(const CrashChecks& checks, const CheckOptions& options,
                     const LazySchedule& schedule) {
  BudgetStop stop;
  stop.kind = BudgetStop::Kind::kImages;
  stop.crash_point = schedule.crash_point();
  stop.depth = schedule.size();
  if (checks.assertion_cut) {
    stop.limit = kJointImagesMax;
    stop.assertion = checks.assertion_cut->assertion;
    stop.reached = checks.assertion_cut->images;
  } else if (checks.images_cut) {
    stop.limit = options.run.max_images.value_or(options.images_left.value_or(0));
    stop.reached = checks.images;
  } else {
    stop.limit = uint64_t{1} << PersistGraph::kSubsetEventsMax;  // subsets of too many events
    stop.reached = checks.images;
  }
  return stop;
}

}  // namespace

StateFindings CheckState(const Scenario& scenario, const Machine& machine,
                         const LazySchedule& schedule, const CheckOptions& options) {
  StateFindings out;
  CheckRunningSystem(machine, schedule, &out);
  std::shared_ptr<const CrashChecks> checks;
  if (options.memo != nullptr) {
    const Hash128 key = MemoKey(machine, options);
    checks = options.memo->Find(key);
    if (checks != nullptr) out.memo_images += checks->images;
    if (checks == nullptr) {
      checks = options.memo->Insert(key, RunCrashChecks(scenario, machine, options));
    }
  } else {
    checks = std::make_shared<const CrashChecks>(RunCrashChecks(scenario, machine, options));
  }
  out.images += checks->images;
  out.cut = out.cut || checks->cut;
  if (checks->cut) out.stop = ImageStop(*checks, options, schedule);
  CrashFindings crash(machine, schedule, options.settled);
  crash.Offer(checks->findings);
  crash.Finish(scenario, machine, options.run.minimise, &out);
  if (options.run.observe) {
    AddOutcomes(checks->observed, ListedItems(scenario), machine, schedule, &out);
  }
  return out;
}

StateFindings CheckStateSampled(const Scenario& scenario, const Machine& machine,
                                const std::vector<TraceStep>& steps, Prng& prng,
                                bool observe) {
  StateFindings out;
  const LazySchedule schedule(steps);
  CheckRunningSystem(machine, schedule, &out);
  const std::set<std::string> settled;
  CrashFindings crash(machine, schedule, settled);
  CrashSpace space(machine);
  const CrashImage image = space.graph().DrawImage([&] { return prng.Coin(); });
  const std::vector<ListedItem> items =
      observe ? ListedItems(scenario) : std::vector<ListedItem>{};
  Observations observed;
  std::vector<Finding> findings = CheckWholeImage(scenario, machine, space, image, &out.cut,
                                                  observe ? &items : nullptr, &observed);
  ++out.images;
  crash.Offer(findings);
  crash.Finish(scenario, machine, /*minimise=*/true, &out);
  AddOutcomes(observed, items, machine, schedule, &out);
  return out;
}

void CheckRead(const Scenario& scenario, const Machine& after, const ObservedRead& read,
               const std::vector<TraceStep>& schedule, StateFindings* findings) {
  std::vector<Finding> found;
  CheckReadNotStale(after, scenario.text_runs, read, &found);
  CheckReadCoherent(after, scenario.text_runs, read, &found);
  for (Finding& finding : found) {
    KeepPreferred(ToViolation(std::move(finding), after, schedule,
                              "no crash: the read happened before any crash"),
                  &findings->best);
  }
}

}  // namespace crashsim
