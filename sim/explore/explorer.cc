#include "sim/explore/explorer.h"

#include <fmt/format.h>

#include <set>
#include <vector>

#include "models/kernel.h"
#include "models/pmem_cpu.h"
#include "models/recovery.h"
#include "sim/crash/crash_space.h"
#include "sim/engine/program.h"
#include "sim/oracles/assertions.h"
#include "sim/oracles/coherence.h"
#include "sim/oracles/map_sync.h"
#include "sim/oracles/durability.h"
#include "sim/oracles/immutable.h"
#include "sim/oracles/ordering.h"
#include "sim/oracles/stale_data.h"

namespace crashsim {
namespace {

std::string CanonicalKey(const Violation& v) {
  std::string key;
  for (const TraceStep& step : v.schedule) key += step.actor + "\x1f" + step.text + "\x1e";
  return key + "\x1d" + v.crash_point + "\x1d" + v.observed;
}

// True if `candidate` should replace `current` as the shown trace: shorter schedule first, then
// fewer lost events, then the least key.
bool Better(const Violation& candidate, const Violation& current) {
  if (candidate.schedule.size() != current.schedule.size()) {
    return candidate.schedule.size() < current.schedule.size();
  }
  if (candidate.lost.size() != current.lost.size()) {
    return candidate.lost.size() < current.lost.size();
  }
  return CanonicalKey(candidate) < CanonicalKey(current);
}

class Search {
 public:
  Search(const Scenario& scenario, const ExploreLimits& limits)
      : scenario_(scenario), limits_(limits) {}

  void Visit(const Machine& machine) {
    if (result_.budget_exhausted) return;
    if (limits_.visited_states) {
      if (!visited_.insert(HashMachine(machine)).second) return;
    }
    if (limits_.max_states && result_.distinct_states >= *limits_.max_states) {
      result_.budget_exhausted = true;
      return;
    }
    ++result_.distinct_states;
    std::vector<Finding> volatile_findings;
    CheckImmutableVolatile(machine, &volatile_findings);
    Offer(volatile_findings, "no crash: in the running system");
    CheckCrashes(machine);
    for (size_t pid = 0; pid < scenario_.processes.size(); ++pid) {
      if (!ProcessEnabled(machine, scenario_, static_cast<int>(pid))) continue;
      Machine next = machine;
      StepReport report = StepProcess(next, scenario_, static_cast<int>(pid));
      schedule_.push_back(report.step);
      if (report.read) {
        std::vector<Finding> findings;
        CheckReadNotStale(next, *report.read, &findings);
        CheckReadCoherent(next, *report.read, &findings);
        Offer(findings, "no crash: the read happened before any crash");
      }
      Visit(next);
      schedule_.pop_back();
    }
    // The hardware drains store buffers on its own schedule, one entry at a time.
    for (size_t pid = 0; pid < scenario_.processes.size(); ++pid) {
      const auto& buffer = machine.processes[pid].cpu.store_buffer;
      if (buffer.empty()) continue;
      Machine next = machine;
      const std::string what = buffer.front().what;
      DrainOne(next, static_cast<int>(pid));
      schedule_.push_back(TraceStep{"hardware",
                                    scenario_.processes[pid].name +
                                        "'s store buffer drains its oldest entry (" + what + ")",
                                    ""});
      Visit(next);
      schedule_.pop_back();
    }
    for (const BackgroundEvent& event : EnabledBackground(machine)) {
      Machine next = machine;
      const std::string text = RunBackground(next, event);
      schedule_.push_back(TraceStep{"background", text, ""});
      Visit(next);
      schedule_.pop_back();
    }
  }

  ExploreResult Take() { return std::move(result_); }

 private:
  void CheckCrashes(const Machine& machine) {
    CrashSpace space(machine);
    const std::string crash_point =
        schedule_.empty() ? "before the first step"
                          : fmt::format("after step {} ({}: {})", schedule_.size(),
                                        schedule_.back().actor, schedule_.back().text);
    auto check = [&]() {
      const RecoveredState recovered(machine, space.base_image());
      const CrashContext context{scenario_, machine, space, recovered};
      std::vector<Finding> findings;
      CheckDurability(context, &findings);
      CheckNoStaleData(context, &findings);
      CheckOrdering(context, &findings);
      CheckMapSync(context, &findings);
      CheckImmutable(context, &findings);
      if (!CheckAssertions(context, &findings)) result_.budget_exhausted = true;
      ++result_.crash_images;
      Offer(findings, crash_point, &space);
      if (limits_.max_images && result_.crash_images >= *limits_.max_images) {
        result_.budget_exhausted = true;
      }
      return !result_.budget_exhausted;
    };
    if (limits_.projection) {
      for (uint64_t prefix : space.journal_choices()) {
        space.ChooseJournal(prefix);
        if (!check()) return;
      }
      return;
    }
    // Reductions off: recover and check every whole image the crash may leave.
    auto visit = [&](const CrashImage& image) {
      space.ChooseImage(image);
      return check();
    };
    if (limits_.downsets) {
      space.graph().ForEachImage(visit);
    } else if (space.graph().events().size() <= PersistGraph::kSubsetEventsMax) {
      space.graph().ForEachSubsetImage(visit);
    } else {
      result_.budget_exhausted = true;  // 2^n subsets: beyond any budget worth spending
    }
  }

  // The persist graph of the crash point, with the witness image's lost events marked.
  static std::vector<PersistNode> DrawGraph(const CrashSpace& space, const CrashImage& witness) {
    const auto& events = space.graph().events();
    std::vector<PersistNode> nodes;
    nodes.reserve(events.size());
    for (size_t v = 0; v < events.size(); ++v) {
      const PersistEvent& event = events[v];
      PersistNode node;
      node.kind = event.kind == PersistEvent::Kind::kTransaction ? "journal" : "device-write";
      node.description = event.description;
      node.lost = event.kind == PersistEvent::Kind::kTransaction
                      ? event.id > witness.journal_prefix
                      : witness.persisted.count(event.id) == 0;
      for (size_t p : space.graph().predecessors()[v]) node.after.push_back(static_cast<int>(p));
      nodes.push_back(std::move(node));
    }
    return nodes;
  }

  void Offer(std::vector<Finding>& findings, const std::string& crash_point,
             const CrashSpace* space = nullptr) {
    for (Finding& finding : findings) {
      Violation violation;
      violation.name = finding.name;
      violation.promise = std::move(finding.promise);
      violation.schedule = schedule_;
      violation.crash_point = crash_point;
      violation.lost = std::move(finding.lost);
      violation.observed = std::move(finding.observed);
      violation.expected = std::move(finding.expected);
      violation.state = std::move(finding.state);
      auto it = result_.violations.find(violation.name);
      const bool keep = it == result_.violations.end() || Better(violation, it->second);
      if (!keep) continue;
      if (space != nullptr && finding.has_witness) {
        violation.persist_graph = DrawGraph(*space, finding.witness);
      }
      result_.violations[violation.name] = std::move(violation);
    }
  }

  const Scenario& scenario_;
  const ExploreLimits& limits_;
  std::set<Hash128> visited_;
  std::vector<TraceStep> schedule_;
  ExploreResult result_;
};

}  // namespace

ExploreResult Explore(const Scenario& scenario, const Machine& initial,
                      const ExploreLimits& limits) {
  Search search(scenario, limits);
  search.Visit(initial);
  return search.Take();
}

}  // namespace crashsim
