#include "sim/bench/run_figures.h"

#include <sys/resource.h>

#include <algorithm>
#include <chrono>

namespace crashsim {
namespace {

double CpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) { return t.tv_sec + t.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

size_t RunFigures::budget_runs() const {
  return static_cast<size_t>(
      std::count_if(runs.begin(), runs.end(), [](const OneRun& run) { return run.budget; }));
}

RunOptions ReductionsOn(int jobs, std::optional<uint64_t> max_states) {
  RunOptions options;
  options.jobs = jobs;
  options.max_states = max_states;
  return options;
}

RunOptions ReductionsOff(uint64_t max_images, uint64_t max_states) {
  RunOptions options;
  options.reductions = Reductions{false, false, false, false, false};
  options.max_images = max_images;
  options.max_states = max_states;
  return options;
}

RunFigures MeasureRuns(const std::vector<Scenario>& scenarios, const RunOptions& options) {
  RunFigures figures;
  const double cpu_start = CpuSeconds();
  const auto start = std::chrono::steady_clock::now();
  for (const Scenario& scenario : scenarios) {
    for (Design design : scenario.designs) {
      const auto run_start = std::chrono::steady_clock::now();
      RunStats stats;
      const ModelResult result = RunScenario(scenario, design, options, &stats);
      figures.runs.push_back(OneRun{SecondsSince(run_start), result.distinct_images,
                                    result.coverage == Coverage::kBudgetExhausted});
      figures.steps += stats.steps;
      figures.states += result.distinct_states;
      figures.images += result.distinct_images;
      figures.checked += result.distinct_images - stats.memo_images;
      figures.widest_layer = std::max(figures.widest_layer, stats.widest_layer);
      figures.depth = std::max(figures.depth, stats.depth);
    }
  }
  figures.seconds = SecondsSince(start);
  figures.cpu_seconds = CpuSeconds() - cpu_start;
  return figures;
}

}  // namespace crashsim
