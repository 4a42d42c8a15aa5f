#include "sim/bench/walk_figures.h"

#include <chrono>
#include <vector>

#include "models/pmem_cpu.h"
#include "models/recovery.h"
#include "sim/crash/crash_space.h"
#include "sim/crash/image_walk.h"
#include "sim/crash/persist_graph.h"
#include "sim/oracles/assertions.h"
#include "sim/oracles/durability.h"
#include "sim/oracles/image_walk_checks.h"
#include "sim/oracles/stale_data.h"
#include "sim/program/program.h"
#include "sim/program/setup.h"

namespace crashsim {
namespace {

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// The state after every process ran to its end, one after another, each store made globally
// visible as soon as it was issued: nothing flushed is persisted, everything else is pending.
Machine RunToEnd(const Scenario& scenario) {
  Machine machine = BuildInitialMachine(scenario, scenario.designs.front());
  for (size_t pid = 0; pid < scenario.processes.size(); ++pid) {
    const int p = static_cast<int>(pid);
    while (ProcessEnabled(machine, scenario, p)) {
      StepProcess(machine, scenario, p);
      while (!machine.processes[pid].cpu.store_buffer.empty()) DrainOne(machine, p);
    }
  }
  return machine;
}

}  // namespace

WalkFigures MeasureWalk(const Scenario& scenario, uint64_t cap, uint64_t slow_cap) {
  WalkFigures figures;
  const Machine machine = RunToEnd(scenario);
  const PersistGraph graph(machine);
  figures.events = graph.events().size();
  if (auto why = ImageWalk::WhyNotApplicable(machine, graph)) {
    figures.refused = *why;
    return figures;
  }
  {
    const auto start = std::chrono::steady_clock::now();
    ImageWalk walk(machine, graph);
    ImageChecks checks(scenario, machine, walk);
    figures.compile_seconds = SecondsSince(start);
    figures.lines = walk.tracked_lines().size();
    figures.components = walk.component_count();
    figures.image_count = walk.image_count();
    figures.assertions = checks.assertions_compiled();
    figures.byte_checks = checks.byte_guarantees_compiled();
    figures.constant_failures = checks.constant_failures();
    figures.footprint_bytes = walk.footprint_bytes();
    const auto walk_start = std::chrono::steady_clock::now();
    const ImageCheckTotals totals = CheckImages(walk, checks, cap);
    figures.walk_seconds = SecondsSince(walk_start);
    figures.walked = totals.images;
    figures.failing = totals.failing_images;
  }
  {
    // Events moved per step, over a prefix of the walk (counting needs a visitor, kept out of the
    // timed run).
    ImageWalk walk(machine, graph);
    ImageChecks checks(scenario, machine, walk);
    uint64_t changes = 0;
    const ImageCheckTotals totals =
        CheckImages(walk, checks, std::min<uint64_t>(cap, 1 << 20),
                    [&](const ImageWalk& w, const ImageChecks&) {
                      changes += w.last_changes().size();
                      return true;
                    });
    figures.changes_per_step =
        totals.images > 1 ? static_cast<double>(changes) / (totals.images - 1) : 0;
  }
  // The slow path on the same state: every image recovered and checked by the oracles that the
  // compiled checks stand for.
  CrashSpace space(machine);
  const auto slow_start = std::chrono::steady_clock::now();
  graph.ForEachImage([&](const CrashImage& image) {
    space.ChooseImage(image);
    const RecoveredState recovered(machine, image);
    const CrashContext context{scenario, machine, space, recovered};
    std::vector<Finding> findings;
    CheckAssertions(context, /*search=*/true, &findings);
    CheckDurability(context, &findings);
    CheckNoStaleData(context, &findings);
    return ++figures.slow_images < slow_cap;
  });
  figures.slow_seconds = SecondsSince(slow_start);
  return figures;
}

}  // namespace crashsim
