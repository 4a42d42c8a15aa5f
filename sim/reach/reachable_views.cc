#include "sim/reach/reachable_views.h"

#include <deque>
#include <map>

#include "models/kernel.h"
#include "models/pmem_cpu.h"
#include "sim/crash/crash_space.h"
#include "sim/program/program.h"
#include "sim/program/setup.h"
#include "sim/reach/canonical_schedule.h"

namespace crashsim {
namespace {

// The number of canonical ops that have started, and whether one is between its inner steps.
struct Position {
  size_t started = 0;
  bool running = false;
};

Position PositionOf(const Machine& machine) {
  Position position;
  for (const ProcessState& process : machine.processes) {
    // A process killed by a signal has left the op it died in: that op counts as started and
    // over, as the real program's mark after it does (docs/semantics.md 2.10).
    const bool killed = !process.killed_by.empty();
    const bool mid_op = !killed && !process.progress.Idle();
    position.started += process.pc + ((mid_op || process.at_barrier || killed) ? 1 : 0);
    position.running = position.running || mid_op;
  }
  return position;
}

std::vector<Machine> Successors(const Machine& machine, const Scenario& scenario) {
  std::vector<Machine> next;
  const int pid = CanonicalProcess(machine, scenario);
  if (pid >= 0) {
    next.push_back(machine);
    StepProcess(next.back(), scenario, pid);
  }
  for (size_t p = 0; p < machine.processes.size(); ++p) {
    if (machine.processes[p].cpu.store_buffer.empty()) continue;
    next.push_back(machine);
    DrainOne(next.back(), static_cast<int>(p));
  }
  for (const BackgroundEvent& event : EnabledBackground(machine)) {
    next.push_back(machine);
    RunBackground(next.back(), event);
  }
  return next;
}

class ViewCollector {
 public:
  ViewCollector(const std::vector<std::string>& paths, uint64_t max_images)
      : paths_(paths), max_images_(max_images) {}

  // The views of every crash image of `machine`; `*complete` is false when the image budget cut
  // them short.
  const std::set<int>& ViewsOf(const Machine& machine, bool* complete) {
    const Hash128 key = HashCrashInputs(machine);
    auto memo = memo_.find(key);
    if (memo != memo_.end()) {
      *complete = memo->second.complete;
      return memo->second.views;
    }
    Entry entry;
    CrashSpace space(machine);
    const uint32_t bs = machine.block_size();
    for (uint64_t prefix : space.journal_choices()) {
      space.ChooseJournal(prefix);
      const RecoveredState base(machine, space.base_image());
      std::vector<AddressRange> ranges;
      for (const std::string& path : paths_) {
        const RecoveredFile* file = base.File(path);
        if (file == nullptr) continue;
        for (uint64_t offset = 0; offset < file->core.size_bytes; offset += bs) {
          const auto address = base.DeviceAddress(file->ino, offset);
          if (!address) continue;
          const uint64_t length = std::min<uint64_t>(bs, file->core.size_bytes - offset);
          ranges.push_back(AddressRange{*address, *address + length});
        }
      }
      const bool whole = space.ForEachJointImage(ranges, max_images_, [&](const CrashImage& image) {
        entry.views.insert(Intern(ViewOf(RecoveredState(machine, image), paths_)));
        return true;
      });
      entry.complete = entry.complete && whole;
    }
    auto [it, inserted] = memo_.emplace(key, std::move(entry));
    *complete = it->second.complete;
    return it->second.views;
  }

  std::vector<RecoveredView> TakeViews() { return std::move(views_); }

 private:
  struct Entry {
    std::set<int> views;
    bool complete = true;
  };

  int Intern(RecoveredView view) {
    auto [it, inserted] = index_.emplace(std::move(view), static_cast<int>(views_.size()));
    if (inserted) views_.push_back(it->first);
    return it->second;
  }

  const std::vector<std::string>& paths_;
  uint64_t max_images_;
  std::map<Hash128, Entry> memo_;
  std::map<RecoveredView, int> index_;
  std::vector<RecoveredView> views_;
};

}  // namespace

ScheduleViews ReachableViews(const Scenario& scenario, Design design,
                             const std::vector<std::string>& paths, const ReachLimits& limits,
                             const std::set<Mutation>& mutations) {
  size_t ops = 0;
  for (const Process& process : scenario.processes) ops += process.program.size();
  ScheduleViews result;
  result.segments.resize(ops + 1);
  ViewCollector collector(paths, limits.max_images);

  Machine initial = BuildInitialMachine(scenario, design);
  ApplyMutations(mutations, &initial);
  std::set<Hash128> visited{HashMachine(initial)};
  std::deque<Machine> frontier{std::move(initial)};
  bool cut = false;
  while (!frontier.empty()) {
    Machine machine = std::move(frontier.front());
    frontier.pop_front();
    ++result.states;
    const Position position = PositionOf(machine);
    std::vector<size_t> segments{position.started};
    if (!position.running && position.started < ops) segments.push_back(position.started + 1);
    bool complete = true;
    const std::set<int>& views = collector.ViewsOf(machine, &complete);
    if (!position.running) {
      result.segments[position.started].returned_views.insert(views.begin(), views.end());
    }
    for (size_t segment : segments) {
      SegmentViews& target = result.segments[segment];
      target.views.insert(views.begin(), views.end());
      ++target.states;
      if (!complete) target.budget_exhausted = true;
    }
    for (Machine& next : Successors(machine, scenario)) {
      if (!visited.insert(HashMachine(next)).second) continue;
      if (visited.size() > limits.max_states) {
        cut = true;
        break;
      }
      frontier.push_back(std::move(next));
    }
    if (cut) break;
  }
  if (cut) {
    for (SegmentViews& segment : result.segments) segment.budget_exhausted = true;
  }
  result.views = collector.TakeViews();
  return result;
}

}  // namespace crashsim
