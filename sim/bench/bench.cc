// The benchmark. First the enumerator figure: images stepped to and checked per second on one core
// at the last crash point of pmem traces, with projection off (walk_figures.h). Then the main
// table: for generated workloads at growing sizes (workloads.h) and for the bundled scenarios under
// every model, the schedule steps, distinct states, crash images, wall time, states per second and
// the process's peak memory with all reductions on, and side by side in the same process the same
// run with them off (within a budget: "budget" when the naive run would not finish). The bundled
// suite is also run on two threads. Figures only: nothing here is asserted, and everything but the
// times and the memory is deterministic.
//
// Then issue #16's concurrency families, with the partial-order reduction on and off.
//
// Usage: bench [--walk-only | --commit-store-only | --concurrency-only] [--only TEXT]
//              [SCENARIO_DIR]
//        (SCENARIO_DIR defaults to "scenarios"; --only TEXT: of the commit-store table, only the
//        rows whose name contains TEXT, for profiling one of them)
#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <tuple>
#include <vector>

#include <fmt/format.h>

#include "sim/bench/run_figures.h"
#include "sim/bench/walk_figures.h"
#include "sim/bench/workloads.h"
#include "sim/engine/engine.h"
#include "sim/scenario/loader.h"

namespace crashsim {
namespace {

// The process's peak resident size so far (not the row's own).
double PeakMiB() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024.0;
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

// The naive run's budget, per scenario and model.
constexpr uint64_t kOffImages = 200000;
constexpr uint64_t kOffStates = 20000;
// Every run's budget with the reductions on: the interleavings of three and four processes grow
// past any reasonable time (each store-buffer drain is a hardware step of its own).
constexpr uint64_t kOnStates = 200000;
// ParallelChunks in the explorer: a depth of at most this many states is checked on one thread.
constexpr uint64_t kOneThreadDepth = 32;

struct Workload {
  std::string name;
  std::vector<Scenario> scenarios;
  int jobs = 1;
  bool compare = true;  // also run with the reductions off
};

struct Measured {
  RunFigures on, off;
};

Workload Of(std::string name, std::vector<Scenario> scenarios, int jobs = 1) {
  Workload workload;
  workload.name = std::move(name);
  workload.scenarios = std::move(scenarios);
  workload.jobs = jobs;
  workload.compare = jobs == 1;  // the naive run is the jobs = 1 row's
  return workload;
}

Workload Generated(std::string name, const std::string& text, int jobs = 1) {
  return Of(std::move(name), {FromText(text, "generated")}, jobs);
}

void PmemRows(std::vector<Workload>* rows) {
  for (int n : {4, 8, 16, 32, 64}) {
    rows->push_back(Generated(fmt::format("pmem 1 proc, {} stores / 16 lines", n),
                              PmemTrace(n, 16, false, 1)));
    rows->push_back(Generated(fmt::format("pmem 1 proc, {} stores / 16 lines, clwb+sfence", n),
                              PmemTrace(n, 16, true, 1)));
  }
  rows->push_back(Generated("pmem 1 proc, 64 stores / 64 lines", PmemTrace(64, 64, false, 1)));
  rows->push_back(Generated("pmem 2 procs, 4 stores / 16 lines", PmemTrace(4, 16, false, 2)));
  for (int n : {4, 8, 16, 32, 64}) {
    rows->push_back(Generated(fmt::format("pmem 4 procs, {} stores / 16 lines", n),
                              PmemTrace(n, 16, false, 4)));
    // Each process writes back and fences after every fourth store of its own: below 16 stores
    // there is none.
    if (n < 16) continue;
    rows->push_back(Generated(fmt::format("pmem 4 procs, {} stores / 16 lines, clwb+sfence", n),
                              PmemTrace(n, 16, true, 4)));
  }
}

// The commit-store idiom at three sizes, correct and buggy; its data store tears into one piece
// per 8 bytes, so the naive enumeration is beyond any budget past 256 bytes and is run there only.
void CommitStoreRows(std::vector<Workload>* rows) {
  for (uint64_t bytes : {uint64_t{256}, uint64_t{4096}, uint64_t{65536}}) {
    for (CommitStore variant : {CommitStore::kPersist, CommitStore::kFlushNoFence,
                                CommitStore::kNoFlush, CommitStore::kNtstoreSfence,
                                CommitStore::kNtstoreNoSfence}) {
      Workload row = Generated(
          fmt::format("commit-store {} B, {} ({})", bytes, CommitStoreName(variant),
                      CommitStoreCorrect(variant) ? "correct" : "buggy"),
          CommitStoreTrace(bytes, variant));
      row.compare = bytes == 256;
      rows->push_back(std::move(row));
    }
  }
  rows->push_back(Generated("pmem 1 proc, 64 stores / 16 lines, clwb each, one sfence",
                            PmemFlushedOneFence(64, 16)));
}

void BlockRows(std::vector<Workload>* rows) {
  for (int n : {4, 8, 16, 32, 64}) {
    rows->push_back(Generated(fmt::format("block, {} sector writes, fdatasync every 8", n),
                              BlockTrace(n, 8)));
  }
}

void InterleavingRows(std::vector<Workload>* rows) {
  for (int p : {2, 3, 4}) {
    for (int k : {2, 4}) {
      const std::string name = fmt::format("interleaving, {} procs x {} ops", p, k);
      rows->push_back(Generated(name, Interleaving(p, k)));
      // The widest depths of the suite: where a second thread has work to share.
      if (p == 4 && k == 2) rows->push_back(Generated(name, Interleaving(p, k), 2));
    }
  }
}

std::vector<Scenario> LoadDirectory(const std::string& dir) {
  std::vector<std::string> files;
  if (std::filesystem::is_directory(dir)) {
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
      if (entry.path().extension() == ".json") files.push_back(entry.path().string());
    }
  }
  std::sort(files.begin(), files.end());
  std::vector<Scenario> scenarios;
  for (const std::string& file : files) {
    auto loaded = LoadScenarioFile(file);
    if (loaded.ok()) scenarios.push_back(*loaded);
  }
  return scenarios;
}

void BundledRows(const std::string& dir, std::vector<Workload>* rows) {
  std::vector<Scenario> bundled = LoadDirectory(dir);
  if (bundled.empty()) return;
  size_t runs = 0;
  for (const Scenario& scenario : bundled) runs += scenario.designs.size();
  const std::string name = fmt::format("bundled, {} scenarios, {} runs", bundled.size(), runs);
  rows->push_back(Of(name, bundled));
  rows->push_back(Of(name, std::move(bundled), 2));
}

std::string RowName(const Workload& row) {
  return row.jobs == 1 ? row.name : fmt::format("{}, jobs = {}", row.name, row.jobs);
}

double Ratio(double a, double b) { return a / std::max(b, 1e-6); }

// The reductions-off columns: seconds, images, and the ratio of the times (off / on), or "budget"
// when the naive run stopped at its budget (its seconds and images are then what it spent).
std::string OffColumns(const Workload& row, const Measured& m) {
  if (!row.compare) return fmt::format("{:>9} {:>10} {:>9}", "-", "-", "-");
  std::string ratio = "-";  // the run with the reductions on stopped at its own budget
  if (m.off.budget()) {
    ratio = "budget";
  } else if (!m.on.budget()) {
    ratio = fmt::format("{:.1f}x", Ratio(m.off.seconds, m.on.seconds));
  }
  return fmt::format("{:>9.3f} {:>10} {:>9}", m.off.seconds, m.off.images, ratio);
}

constexpr const char* kRowFormat =
    "{:<50} {:>10} {:>8} {:>10} {:>10} {:>8} {:>9} {:>9} {:>8}  {}\n";

Measured PrintRow(const Workload& row) {
  Measured m;
  m.on = MeasureRuns(row.scenarios, ReductionsOn(row.jobs, kOnStates));
  if (row.compare) m.off = MeasureRuns(row.scenarios, ReductionsOff(kOffImages, kOffStates));
  fmt::print(kRowFormat, RowName(row), m.on.steps, m.on.states, m.on.images, m.on.checked,
             m.on.budget() ? "budget" : "all", fmt::format("{:.3f}", m.on.seconds),
             fmt::format("{:.0f}", Ratio(m.on.states, m.on.seconds)),
             fmt::format("{:.1f}", PeakMiB()), OffColumns(row, m));
  std::fflush(stdout);
  return m;
}

void PrintHeader() {
  fmt::print("reductions on (visited-state pruning, memoisation, downsets, per-byte projection, "
             "assertion search), "
             "each run "
             "within {} states, against all off on one thread, side by side in this process, "
             "each run within {} images and {} states (\"budget\": some run stopped there)\n",
             kOnStates, kOffImages, kOffStates);
  fmt::print("steps: schedule steps (successor states built); images: crash images enumerated; "
             "checked: of those, recovered and run through the oracles (the others were answered "
             "by the memo of crash checks; the witness minimiser's own checks are not counted; "
             "with the reductions off every image is checked, by the image walk's compiled checks "
             "where it applies); explored: all, or budget; peak "
             "MiB: the process's peak so far\n");
  fmt::print(kRowFormat, "workload", "steps", "states", "images", "checked", "explored", "seconds",
             "states/s", "peak MiB",
             fmt::format("{:>9} {:>10} {:>9}", "off s", "off images", "off / on"));
}

// For a row of several runs whose naive run stopped at its budget in some: the runs that finished.
void PrintFinishedRuns(const Workload& row, const Measured& m) {
  if (!row.compare || m.on.runs.size() < 2 || !m.off.budget()) return;
  double on_seconds = 0, off_seconds = 0;
  uint64_t on_images = 0, off_images = 0;
  for (size_t i = 0; i < m.off.runs.size(); ++i) {
    if (m.off.runs[i].budget) continue;
    on_seconds += m.on.runs[i].seconds;
    on_images += m.on.runs[i].images;
    off_seconds += m.off.runs[i].seconds;
    off_images += m.off.runs[i].images;
  }
  const size_t finished = m.off.runs.size() - m.off.budget_runs();
  fmt::print("{}, reductions off: {} of {} runs stopped at the budget; the {} that finished took "
             "{:.3f} s for {} images against {:.3f} s for {} with the reductions on ({:.1f}x)\n",
             RowName(row), m.off.budget_runs(), m.off.runs.size(), finished, off_seconds,
             off_images, on_seconds, on_images, Ratio(off_seconds, on_seconds));
}

// For a row on several threads: against the same workload on one.
void PrintScaling(const Workload& row, const Measured& m, const Measured& one) {
  fmt::print("{} against jobs = 1: {:.3f} s against {:.3f} s wall ({:.2f}x), {:.3f} s against "
             "{:.3f} s CPU; its widest depth holds {} states (a depth of at most {} is checked "
             "on one thread)\n",
             RowName(row), m.on.seconds, one.on.seconds, Ratio(one.on.seconds, m.on.seconds),
             m.on.cpu_seconds, one.on.cpu_seconds, m.on.widest_layer, kOneThreadDepth);
}

void PrintNotes(const std::vector<Workload>& rows, const std::vector<Measured>& measured) {
  for (size_t i = 0; i < rows.size(); ++i) PrintFinishedRuns(rows[i], measured[i]);
  for (size_t i = 0; i < rows.size(); ++i) {
    if (rows[i].jobs == 1) continue;
    for (size_t j = 0; j < rows.size(); ++j) {
      if (rows[j].jobs == 1 && rows[j].name == rows[i].name) {
        PrintScaling(rows[i], measured[i], measured[j]);
      }
    }
  }
}

void MainTable(const std::string& dir) {
  std::vector<Workload> rows;
  PmemRows(&rows);
  CommitStoreRows(&rows);
  BlockRows(&rows);
  InterleavingRows(&rows);
  BundledRows(dir, &rows);
  PrintHeader();
  std::vector<Measured> measured;
  for (const Workload& row : rows) measured.push_back(PrintRow(row));
  PrintNotes(rows, measured);
}

}  // namespace

// Issue #16's families (`bench --concurrency-only`): P processes with independent work, with
// every reduction on and with the three that reduce interleavings off (private steps, independent
// processes and equal histories), each run within kConcurrencyStates.
void ConcurrencyTable() {
  constexpr uint64_t kConcurrencyStates = 50000;
  fmt::print("P processes with independent work, one thread, within {} states; reductions on, "
             "and off (private steps, independent processes, equal histories)\n",
             kConcurrencyStates);
  fmt::print("{:<56} {:>10} {:>8} {:>9}  {:>10} {:>8} {:>9}\n", "family", "states", "explored",
             "seconds", "off states", "explored", "seconds");
  const std::vector<std::pair<Concurrent, std::vector<int>>> families = {
      {Concurrent::kBufferedFsyncOwnFiles, {1, 2, 3, 4, 8}},
      {Concurrent::kBufferedFsyncOneFile, {1, 2, 3, 4}},
      {Concurrent::kDirectOwnFiles, {1, 2, 3, 4, 8}},
      {Concurrent::kPmemPersisted, {1, 2, 3, 4, 8}},
      {Concurrent::kPmemUnfenced, {1, 2, 3, 4, 8}},
  };
  for (const auto& [family, counts] : families) {
    for (int processes : counts) {
      const bool pmem = family == Concurrent::kPmemPersisted || family == Concurrent::kPmemUnfenced;
      const int ops = pmem ? 4 : processes == 8 ? 1 : 2;
      const std::vector<Scenario> scenarios{
          FromText(ConcurrentTrace(family, processes, ops), "concurrent")};
      const RunFigures on = MeasureRuns(scenarios, ReductionsOn(1, kConcurrencyStates));
      RunOptions off_options = ReductionsOn(1, kConcurrencyStates);
      off_options.reductions.partial_order = false;
      off_options.reductions.independent_processes = false;
      off_options.reductions.canonical_history = false;
      const RunFigures off = MeasureRuns(scenarios, off_options);
      fmt::print("{:<56} {:>10} {:>8} {:>9.3f}  {:>10} {:>8} {:>9.3f}\n",
                 fmt::format("{}: {} x {}", ConcurrentName(family), processes, ops),
                 on.states, on.budget() ? "budget" : "all", on.seconds, off.states,
                 off.budget() ? "budget" : "all", off.seconds);
      std::fflush(stdout);
    }
  }
}

// The steps of `scenarios` run in `count` shards with `options`: summed over the shards, and the
// most any one shard walked.
struct ShardSteps {
  uint64_t sum = 0, largest = 0;
};
ShardSteps StepsOfShards(const std::vector<Scenario>& scenarios, RunOptions options,
                         uint32_t count) {
  ShardSteps steps;
  for (uint32_t index = 1; index <= count; ++index) {
    options.shard = Shard{index, count};
    const uint64_t shard = MeasureRuns(scenarios, options).steps;
    steps.sum += shard;
    steps.largest = std::max(steps.largest, shard);
  }
  return steps;
}

// How the walk splits (`bench --concurrency-only`, after the families): per family, exhaustive,
// the steps of the unsharded run against the sum of the steps of its 4 shards and the most any one
// shard walked (a wide walk splits, docs/architecture.md "Shards that split the walk"; a narrow
// one is walked whole by every shard), and the wall time on 2 threads against 1.
void SplitTable() {
  constexpr uint32_t kShards = 4;
  fmt::print("\nsplitting the walk, exhaustive: steps unsharded, summed over {} shards, and the "
             "largest shard's; seconds on 1 and 2 threads\n",
             kShards);
  fmt::print("{:<56} {:>10} {:>12} {:>7} {:>10} {:>9} {:>9} {:>8}\n", "family", "steps",
             "shard steps", "ratio", "largest", "1 thread", "2 threads", "speed-up");
  const std::vector<std::tuple<Concurrent, int, int>> families = {
      {Concurrent::kBufferedFsyncOwnFiles, 4, 2},  {Concurrent::kBufferedFsyncOwnFiles, 8, 1},
      {Concurrent::kPmemPersisted, 3, 4},          {Concurrent::kBufferedFsyncOneFile, 2, 2},
      {Concurrent::kBufferedFsyncOneFile, 2, 4},   {Concurrent::kBufferedFsyncOneFile, 3, 2},
  };
  for (const auto& [family, processes, ops] : families) {
    const std::vector<Scenario> scenarios{
        FromText(ConcurrentTrace(family, processes, ops), "concurrent")};
    const RunFigures one = MeasureRuns(scenarios, ReductionsOn(1, std::nullopt));
    const RunFigures two = MeasureRuns(scenarios, ReductionsOn(2, std::nullopt));
    const ShardSteps shards = StepsOfShards(scenarios, ReductionsOn(1, std::nullopt), kShards);
    fmt::print("{:<56} {:>10} {:>12} {:>6.2f}x {:>10} {:>9.3f} {:>9.3f} {:>7.2f}x\n",
               fmt::format("{}: {} x {}", ConcurrentName(family), processes, ops), one.steps,
               shards.sum, one.steps ? double(shards.sum) / double(one.steps) : 0.0,
               shards.largest, one.seconds, two.seconds,
               two.seconds > 0 ? one.seconds / two.seconds : 0.0);
    std::fflush(stdout);
  }
}

// Where to split (`bench --concurrency-only`, last): the steps summed over 4 shards against the
// unsharded steps, by the share of the walk's depth at which the walk may split first
// (RunOptions::split_from_depth_percent; 0: at the first depth wide enough), on processes writing
// their own blocks of one file: the figures behind the command line's default
// (docs/architecture.md, "Shards that split the walk").
void SplitDepthTable() {
  constexpr uint32_t kShards = 4;
  const std::vector<uint32_t> percents = {0, 30, 40, 50, 55, 60, 70};
  fmt::print("\nwhere to split, exhaustive: steps summed over {} shards / unsharded steps, by the "
             "split depth's least share of the walk's depth (default {}%)\n",
             kShards, RunOptions{}.split_from_depth_percent);
  std::string header = fmt::format("{:<56} {:>6}", "family", "depth");
  for (uint32_t percent : percents) header += fmt::format(" {:>6}", fmt::format("{}%", percent));
  fmt::print("{}\n", header);
  const std::vector<std::pair<int, int>> families = {{2, 4}, {3, 2}, {3, 3}};
  for (const auto& [processes, ops] : families) {
    const std::vector<Scenario> scenarios{FromText(
        ConcurrentTrace(Concurrent::kBufferedFsyncOneFile, processes, ops), "concurrent")};
    const RunFigures whole = MeasureRuns(scenarios, ReductionsOn(1, std::nullopt));
    std::string row = fmt::format(
        "{:<56} {:>6}",
        fmt::format("{}: {} x {}", ConcurrentName(Concurrent::kBufferedFsyncOneFile), processes,
                    ops),
        whole.depth);
    for (uint32_t percent : percents) {
      RunOptions options = ReductionsOn(1, std::nullopt);
      options.split_from_depth_percent = percent;
      const ShardSteps shards = StepsOfShards(scenarios, options, kShards);
      const double ratio = double(shards.sum) / double(std::max<uint64_t>(1, whole.steps));
      row += fmt::format(" {:>5.2f}x", ratio);
    }
    fmt::print("{}\n", row);
    std::fflush(stdout);
  }
}

// The commit-store rows alone, for measuring the assertion search (`bench --commit-store-only`).
void CommitStoreTable(const std::string& only) {
  std::vector<Workload> rows;
  CommitStoreRows(&rows);
  PrintHeader();
  for (const Workload& row : rows) {
    if (RowName(row).find(only) != std::string::npos) PrintRow(row);
  }
}

}  // namespace crashsim

int main(int argc, char** argv) {
  using namespace crashsim;
  std::string dir = "scenarios";
  bool walk_only = false, commit_store_only = false, concurrency_only = false;
  std::string only;  // --only TEXT: the table rows whose name contains TEXT
  for (int i = 1; i < argc; ++i) {
    if (std::string(argv[i]) == "--only" && i + 1 < argc) {
      only = argv[++i];
    } else if (std::string(argv[i]) == "--walk-only") {
      walk_only = true;
    } else if (std::string(argv[i]) == "--commit-store-only") {
      commit_store_only = true;
    } else if (std::string(argv[i]) == "--concurrency-only") {
      concurrency_only = true;
    } else {
      dir = argv[i];
    }
  }
  if (commit_store_only) {
    CommitStoreTable(only);
    return 0;
  }
  if (concurrency_only) {
    ConcurrencyTable();
    SplitTable();
    SplitDepthTable();
    return 0;
  }
  WalkTable();
  if (walk_only) return 0;
  MainTable(dir);
  ConcurrencyTable();
  SplitTable();
  SplitDepthTable();
  return 0;
}
