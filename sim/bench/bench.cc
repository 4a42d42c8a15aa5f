// The benchmark: for generated workloads at growing sizes and for the bundled scenarios, the
// distinct states, crash images checked, wall time, rate and peak memory, with all reductions on
// and, side by side in the same process, with them off (within a budget: "budget" when the naive
// run would not finish). Figures only: nothing here is asserted.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include <fmt/format.h>

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
  std::string dir = argc > 1 ? argv[1] : "scenarios";
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
