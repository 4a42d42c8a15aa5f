// The benchmark: for generated workloads at growing sizes and for the bundled scenarios, the
// distinct states, crash images checked, wall time, rate and peak memory, with all reductions on
// and, side by side in the same process, with them off (within a budget: "budget" when the naive
// run would not finish). Before that table, the enumerator figure: images stepped to and checked
// per second on one core at the last crash point of pmem traces, with projection off
// (walk_figures.h). Figures only: nothing here is asserted.
//
// Usage: bench [--walk-only] [SCENARIO_DIR]   (SCENARIO_DIR defaults to "scenarios")
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "sim/bench/walk_figures.h"
#include "sim/bench/workloads.h"
#include "sim/engine/engine.h"
#include "sim/scenario/loader.h"

namespace crashsim {
namespace {

struct Figures {
  uint64_t states = 0, images = 0;
  double seconds = 0;
  bool budget = false;
};

Figures Measure(const std::vector<Scenario>& scenarios, bool reductions) {
  RunOptions options;
  if (!reductions) {
    options.reductions = Reductions{false, false, false};
    options.max_images = 200000;
    options.max_states = 20000;
  }
  Figures figures;
  const auto start = std::chrono::steady_clock::now();
  for (const Scenario& scenario : scenarios) {
    for (Design design : scenario.designs) {
      const ModelResult result = RunScenario(scenario, design, options);
      figures.states += result.distinct_states;
      figures.images += result.distinct_images;
      figures.budget = figures.budget || result.coverage == Coverage::kBudgetExhausted;
    }
  }
  figures.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return figures;
}

double PeakMiB() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024.0;
}

void Row(const std::string& name, const std::vector<Scenario>& scenarios, bool compare) {
  const Figures on = Measure(scenarios, true);
  std::string off_text = "-";
  if (compare) {
    const Figures off = Measure(scenarios, false);
    off_text = off.budget ? fmt::format("budget ({:.2f} s)", off.seconds)
                          : fmt::format("{:.3f} s, {} images ({:.1f}x)", off.seconds, off.images,
                                        off.seconds / std::max(on.seconds, 1e-6));
  }
  std::printf("%-34s %9llu %10llu %9.3f %12.0f %9.1f   %s\n", name.c_str(),
              static_cast<unsigned long long>(on.states), static_cast<unsigned long long>(on.images),
              on.seconds, on.states / std::max(on.seconds, 1e-6), PeakMiB(), off_text.c_str());
  std::fflush(stdout);
}

Scenario FromText(const std::string& text, const std::string& name);

// At most this many images per walk row, and this many for the slow path beside it.
constexpr uint64_t kWalkCap = uint64_t{1} << 25;
constexpr uint64_t kSlowCap = 20000;

std::string Count(uint64_t n) {
  if (n == UINT64_MAX) return "> 1.8e19";
  return n < 1000000 ? fmt::format("{}", n) : fmt::format("{:.3g}", static_cast<double>(n));
}

void WalkRow(const std::string& name, const std::string& text) {
  const WalkFigures f = MeasureWalk(FromText(text, "pmem-walk"), kWalkCap, kSlowCap);
  if (!f.refused.empty()) {
    std::printf("%-34s refused: %s\n", name.c_str(), f.refused.c_str());
    return;
  }
  const double rate = f.walked / std::max(f.walk_seconds, 1e-9);
  const double slow_rate = f.slow_images / std::max(f.slow_seconds, 1e-9);
  std::printf("%-34s %6llu %5llu %10s %10s %7.3f %12.0f %6.2f %4zu+%zu %10.0f %7.0fx %8.1f %8.1f\n",
              name.c_str(), static_cast<unsigned long long>(f.events),
              static_cast<unsigned long long>(f.lines), Count(f.image_count).c_str(),
              Count(f.walked).c_str(), f.walk_seconds, rate, f.changes_per_step, f.assertions,
              f.byte_checks, slow_rate, rate / std::max(slow_rate, 1e-9),
              f.footprint_bytes / 1024.0, PeakMiB());
  std::fflush(stdout);
}

void WalkTable() {
  std::printf("enumerator, projection off, one thread: the last crash point of a pmem trace, every "
              "image stepped to incrementally and checked (at most %llu per row)\n",
              static_cast<unsigned long long>(kWalkCap));
  std::printf("%-34s %6s %5s %10s %10s %7s %12s %6s %6s %10s %8s %8s %8s\n", "workload", "events",
              "lines", "images", "walked", "seconds", "images/s", "moves", "checks", "slow img/s",
              "speedup", "walk KiB", "peak MiB");
  for (auto [stores, lines] : {std::pair{16, 16}, {20, 20}, {24, 24}, {32, 16}, {64, 16},
                               {64, 64}}) {
    WalkRow(fmt::format("pmem {} stores / {} lines", stores, lines),
            PmemWalkTrace(stores, lines, 8, false));
  }
  for (auto [stores, lines] : {std::pair{16, 16}, {32, 16}}) {
    WalkRow(fmt::format("pmem {} torn 16-byte / {} lines", stores, lines),
            PmemWalkTrace(stores, lines, 16, false));
  }
  for (auto [stores, lines] : {std::pair{16, 16}, {32, 16}, {64, 64}}) {
    WalkRow(fmt::format("pmem {} stores / {} lines, msync", stores, lines),
            PmemWalkTrace(stores, lines, 8, true));
  }
  std::printf("(images: the whole space; moves: events moved per step; checks: assertions + "
              "byte-level guarantees compiled; slow img/s: each image recovered and checked by "
              "the oracles, over at most %llu images)\n\n",
              static_cast<unsigned long long>(kSlowCap));
  std::fflush(stdout);
}

Scenario FromText(const std::string& text, const std::string& name) {
  auto loaded = LoadScenarioText(text, name);
  if (!loaded.ok()) {
    std::fprintf(stderr, "bench: %s\n", loaded.status().message().c_str());
    std::exit(2);
  }
  return *loaded;
}

}  // namespace
}  // namespace crashsim

int main(int argc, char** argv) {
  using namespace crashsim;
  std::string dir = "scenarios";
  bool walk_only = false;
  for (int i = 1; i < argc; ++i) {
    if (std::string(argv[i]) == "--walk-only") {
      walk_only = true;
    } else {
      dir = argv[i];
    }
  }
  WalkTable();
  if (walk_only) return 0;
  std::printf("%-34s %9s %10s %9s %12s %9s   %s\n", "workload", "states", "images", "seconds",
              "states/s", "peak MiB", "reductions off");
  for (int n : {4, 8, 16, 32, 64}) {
    Row(fmt::format("pmem 1 proc, {} stores / 16 lines", n),
        {FromText(PmemTrace(n, 16, false, 1), "pmem")}, n <= 8);
    Row(fmt::format("pmem 1 proc, {} stores, flushes", n),
        {FromText(PmemTrace(n, 16, true, 1), "pmem")}, n <= 8);
  }
  // Several processes multiply the interleavings (and each store-buffer drain is a hardware
  // step of its own); these stay small.
  Row("pmem 2 procs, 4 stores / 16 lines", {FromText(PmemTrace(4, 16, false, 2), "pmem")}, false);
  Row("pmem 4 procs, 4 stores / 16 lines", {FromText(PmemTrace(4, 16, false, 4), "pmem")}, false);
  for (int n : {4, 8, 16, 32, 64}) {
    Row(fmt::format("block, {} sector writes", n), {FromText(BlockTrace(n, 8), "block")}, n <= 8);
  }
  for (int p : {2, 3, 4}) {
    Row(fmt::format("interleaving, {} procs x 2 ops", p),
        {FromText(Interleaving(p, 2), "interleaving")}, p <= 2);
  }
  std::vector<Scenario> bundled;
  std::vector<std::string> files;
  if (std::filesystem::is_directory(dir)) {
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
      if (entry.path().extension() == ".json") files.push_back(entry.path().string());
    }
  }
  std::sort(files.begin(), files.end());
  for (const std::string& file : files) {
    auto loaded = LoadScenarioFile(file);
    if (loaded.ok()) bundled.push_back(*loaded);
  }
  if (!bundled.empty()) {
    Row(fmt::format("bundled scenarios ({}), all models", bundled.size()), bundled, false);
  }
  return 0;
}
