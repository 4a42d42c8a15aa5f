#include "cli/stats.h"

#include <sys/resource.h>

#include <nlohmann/json.hpp>

namespace crashsim {
namespace {

nlohmann::ordered_json Counters(const RunStats& work, uint64_t states, uint64_t images,
                                double seconds) {
  nlohmann::ordered_json out;
  out["distinct_states"] = states;
  out["distinct_images"] = images;
  out["states_checked"] = work.states_checked;
  out["steps"] = work.steps;
  out["revisits"] = work.revisits;
  out["minimise_checks"] = work.minimise_checks;
  out["memo_hits"] = work.memo_hits;
  out["private_steps"] = work.private_steps;
  out["independent_process_states"] = work.independent_process_states;
  out["replayed_steps"] = work.replayed_steps;
  out["images_recovered"] = images - work.memo_images;
  out["depth"] = work.depth;
  out["widest_layer"] = work.widest_layer;
  out["seconds"] = seconds;
  out["states_per_second"] = seconds > 0 ? static_cast<double>(states) / seconds : 0.0;
  return out;
}

}  // namespace

std::string RenderStats(const std::vector<StatsRow>& rows, uint64_t jobs, double peak_mib) {
  nlohmann::ordered_json out;
  out["crashsim_stats"] = 1;
  out["jobs"] = jobs;
  RunStats total;
  uint64_t states = 0, images = 0;
  double seconds = 0;
  nlohmann::ordered_json runs = nlohmann::ordered_json::array();
  for (const StatsRow& row : rows) {
    nlohmann::ordered_json run;
    run["path"] = row.path;
    run["scenario"] = row.scenario;
    run["model"] = DesignName(row.design);
    run.update(Counters(row.work, row.distinct_states, row.distinct_images, row.seconds));
    runs.push_back(std::move(run));
    total.states_checked += row.work.states_checked;
    total.steps += row.work.steps;
    total.revisits += row.work.revisits;
    total.minimise_checks += row.work.minimise_checks;
    total.memo_hits += row.work.memo_hits;
    total.private_steps += row.work.private_steps;
    total.independent_process_states += row.work.independent_process_states;
    total.replayed_steps += row.work.replayed_steps;
    total.memo_images += row.work.memo_images;
    total.depth = std::max(total.depth, row.work.depth);
    total.widest_layer = std::max(total.widest_layer, row.work.widest_layer);
    states += row.distinct_states;
    images += row.distinct_images;
    seconds += row.seconds;
  }
  out["total"] = Counters(total, states, images, seconds);
  out["peak_resident_mib"] = peak_mib;
  out["runs"] = std::move(runs);
  return out.dump(2) + "\n";
}

double PeakResidentMiB() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // Linux reports KiB
}

}  // namespace crashsim
