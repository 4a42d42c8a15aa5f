// End-to-end: every bundled scenario meets its `expect` under every design it runs, the verdicts
// come from the mechanism (deliberately wrong models flip them), and a run is deterministic.
#include "sim/engine/engine.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>

#include "sim/scenario/loader.h"

namespace crashsim {
namespace {

std::string ScenarioDir() { return "scenarios"; }  // the test runs in the workspace's runfiles

Scenario Load(const std::string& name) {
  auto loaded = LoadScenarioFile(ScenarioDir() + "/" + name);
  REQUIRE_MESSAGE(loaded.ok(), (loaded.ok() ? "" : loaded.status().message()));
  return *loaded;
}

std::string Names(const std::set<std::string>& names) {
  std::string text = "{";
  for (const auto& name : names) text += (text.size() > 1 ? "," : "") + name;
  return text + "}";
}

TEST_CASE("every bundled scenario meets its expect under every design it runs") {
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(ScenarioDir())) {
    if (entry.path().extension() == ".json") files.push_back(entry.path().filename().string());
  }
  std::sort(files.begin(), files.end());
  REQUIRE(files.size() >= 8);
  for (const std::string& file : files) {
    const Scenario scenario = Load(file);
    for (Design design : scenario.designs) {
      const ModelResult result = RunScenario(scenario, design, RunOptions{});
      INFO(file, " under ", DesignName(design), ": got ", Names(result.violated), " expected ",
           Names(result.expected), " ", result.not_modelled);
      CHECK(result.not_modelled.empty());
      CHECK(result.matches_expect());
      CHECK(result.coverage == Coverage::kExhaustive);
    }
  }
}

TEST_CASE("L1 reports fdatasync violated, reading zeroes, when fdatasync returns early with no dirty page") {
  const Scenario scenario = Load("l1-dio-fdatasync-prealloc.json");
  const ModelResult correct = RunScenario(scenario, Design::kKernelTracked, RunOptions{});
  CHECK(correct.violated.empty());
  RunOptions wrong;
  wrong.mutations.insert(Mutation::kFdatasyncSkipsCleanMapping);
  const ModelResult mutated = RunScenario(scenario, Design::kKernelTracked, wrong);
  REQUIRE(mutated.violated.count("fdatasync") == 1);
  const auto it = std::find_if(mutated.violations.begin(), mutated.violations.end(),
                               [](const Violation& v) { return v.name == "fdatasync"; });
  REQUIRE(it != mutated.violations.end());
  CHECK(it->observed.find("fill(00, 4096)") != std::string::npos);
  CHECK(it->promise.find("fdatasync") != std::string::npos);
}

TEST_CASE("a model where a completed write is durable without a flush hides the loss that dio-needs-flush shows") {
  const Scenario scenario = Load("dio-needs-flush.json");
  const ModelResult correct = RunScenario(scenario, Design::kKernelTracked, RunOptions{});
  CHECK(correct.violated == std::set<std::string>{"durable-at-completion"});
  RunOptions wrong;
  wrong.mutations.insert(Mutation::kCompletedWriteIsDurable);
  const ModelResult mutated = RunScenario(scenario, Design::kKernelTracked, wrong);
  CHECK(mutated.violated.empty());
  CHECK_FALSE(mutated.matches_expect());
}

TEST_CASE("running the same scenario twice gives the same verdict, counts and traces") {
  const Scenario scenario = Load("two-writers-one-fsync.json");
  const ModelResult first = RunScenario(scenario, Design::kMapSync, RunOptions{});
  const ModelResult second = RunScenario(scenario, Design::kMapSync, RunOptions{});
  CHECK(first.violated == second.violated);
  CHECK(first.distinct_states == second.distinct_states);
  CHECK(first.distinct_images == second.distinct_images);
  REQUIRE(first.violations.size() == second.violations.size());
  for (size_t i = 0; i < first.violations.size(); ++i) {
    CHECK(first.violations[i].observed == second.violations[i].observed);
    CHECK(first.violations[i].schedule.size() == second.violations[i].schedule.size());
  }
}

TEST_CASE("a state budget that runs out is reported, never a pass") {
  const Scenario scenario = Load("two-writers-one-fsync.json");
  RunOptions options;
  options.max_states = 3;
  const ModelResult result = RunScenario(scenario, Design::kKernelTracked, options);
  CHECK(result.coverage == Coverage::kBudgetExhausted);
  CHECK(result.distinct_states == 3);
  // Named as a state budget, with the first state it left out.
  REQUIRE(result.budget_stops.size() == 1);
  CHECK(result.budget_stops[0].kind == BudgetStop::Kind::kStates);
  CHECK(result.budget_stops[0].limit == 3);
  CHECK(result.budget_stops[0].reached == 3);
  CHECK(result.budget_stops[0].crash_point.rfind("after step ", 0) == 0);
  CHECK(RunScenario(scenario, Design::kKernelTracked, RunOptions{}).budget_stops.empty());
}

TEST_CASE("an image budget is named apart from a state budget: the run's, and an assertion's") {
  const Scenario scenario = Load("commit-store-256.json");
  RunOptions options;
  options.max_images = 4;
  ModelResult result = RunScenario(scenario, Design::kMapSync, options);
  CHECK(result.coverage == Coverage::kBudgetExhausted);
  REQUIRE(result.budget_stops.size() == 1);
  CHECK(result.budget_stops[0].kind == BudgetStop::Kind::kImages);
  CHECK(result.budget_stops[0].limit == 4);
  CHECK(result.budget_stops[0].assertion.empty());
  CHECK(result.budget_stops[0].reached >= 4);

  // Without the assertion search, the 256-byte store's 32 torn pieces give 2^32 joint images: the
  // per-assertion cap runs out where the pieces are pending, whatever the flag.
  RunOptions enumerate;
  enumerate.reductions.assertion_search = false;
  result = RunScenario(scenario, Design::kMapSync, enumerate);
  CHECK(result.coverage == Coverage::kBudgetExhausted);
  REQUIRE(result.budget_stops.size() == 1);
  CHECK(result.budget_stops[0].kind == BudgetStop::Kind::kImages);
  CHECK(result.budget_stops[0].assertion == "flag-implies-data");
  CHECK(result.budget_stops[0].limit == 65536);
  CHECK(result.budget_stops[0].reached == 65536);
  CHECK(result.budget_stops[0].crash_point.find("store m+0 fill(44, 256)") != std::string::npos);
  // With it, the same scenario is decided exactly.
  result = RunScenario(scenario, Design::kMapSync, RunOptions{});
  CHECK(result.coverage == Coverage::kExhaustive);
  CHECK(result.violated.empty());
}

TEST_CASE("a model whose seal returns with the flag only in the in-memory log breaks immutable") {
  const Scenario scenario = Load("seal-crash-inside.json");
  CHECK(RunScenario(scenario, Design::kDaxfileUntracked, RunOptions{}).violated.empty());
  RunOptions wrong;
  wrong.mutations.insert(Mutation::kSealFlagNotForced);
  const ModelResult mutated = RunScenario(scenario, Design::kDaxfileUntracked, wrong);
  CHECK(mutated.violated.count("immutable") == 1);
  CHECK(mutated.violated.count("sealed-when-returned") == 1);
}

TEST_CASE("a model where punch-hole is not refused on a sealed file breaks immutable") {
  const Scenario scenario = Load("l11-sealed-fallocate-modes.json");
  CHECK(RunScenario(scenario, Design::kDaxfileTracked, RunOptions{}).violated.empty());
  RunOptions wrong;
  wrong.mutations.insert(Mutation::kPunchHoleIgnoresSeal);
  CHECK(RunScenario(scenario, Design::kDaxfileTracked, wrong).violated.count("immutable") == 1);
}

TEST_CASE("a model where zero-range reallocates written blocks without zeroing exposes stale data") {
  const Scenario scenario = Load("zero-range-crash.json");
  CHECK(RunScenario(scenario, Design::kKernelTracked, RunOptions{}).violated.empty());
  RunOptions wrong;
  wrong.mutations.insert(Mutation::kZeroRangeWithoutZeroing);
  const ModelResult mutated = RunScenario(scenario, Design::kKernelTracked, wrong);
  CHECK(mutated.violated.count("no-stale-data") == 1);
}

TEST_CASE("every op of the format runs under every design") {
  auto loaded = LoadScenarioText(R"({
    "crashsim": 1, "name": "all-ops", "dirs": ["/d"],
    "files": { "/f": { "size": 8192, "layout": "written", "fill": "41", "dax": true },
               "/g": { "size": 8192, "layout": "written", "fill": "42" } },
    "processes": { "P1": ["fd = open /f rw", "g = open /g rw", "m = mmap fd 0 8192 shared",
      "store m+0 'A'", "ntstore m+64 'B'", "x = load m+0 1", "clwb m+0", "clflushopt m+64",
      "clflush m+128", "flush m+0 256", "persist m+0 64", "sfence", "mfence",
      "msync m 0 4096 sync", "pwrite g 0 'C'", "y = pread g 0 1", "fsync g", "fdatasync fd",
      "sync", "syncfs g", "fallocate g punch-hole 4096 4096", "ftruncate g 4096",
      "reflink g 0 fd 0 4096", "dedupe g 0 fd 0 4096", "seal fd", "unseal fd",
      "creat /h", "h = open /h rw", "swapext fd h", "rename /h /d/h", "unlink /d/h",
      "munmap m", "close g", "barrier b"] } })", "all-ops.json");
  REQUIRE_MESSAGE(loaded.ok(), (loaded.ok() ? "" : loaded.status().message()));
  const size_t ops = loaded->processes.front().program.size();
  for (Design design : kAllDesigns) {
    RunStats stats;
    const ModelResult result = RunScenario(*loaded, design, RunOptions{}, &stats);
    CHECK(result.not_modelled.empty());
    CHECK_FALSE(result.internal_error.has_value());
    CHECK(result.coverage == Coverage::kExhaustive);
    // Every op took at least one step, so some schedule is at least as long as the program: no
    // op stopped the process or was skipped.
    CHECK(stats.depth >= ops);
  }
}

}  // namespace
}  // namespace crashsim

namespace crashsim {
namespace {

const Violation& OnlyViolation(const ModelResult& result, const std::string& name) {
  for (const Violation& violation : result.violations) {
    if (violation.name == name) return violation;
  }
  FAIL("no violation named ", name);
  return result.violations.front();
}

bool HasLine(const std::vector<std::string>& lines, const std::string& text) {
  for (const std::string& line : lines) {
    if (line.find(text) != std::string::npos) return true;
  }
  return false;
}

TEST_CASE("L7's msync violation is minimal and carries the state at its crash") {
  const Scenario scenario = Load("l7-mixed-modes-msync.json");
  const ModelResult result = RunScenario(scenario, Design::kDaxfileUntracked, RunOptions{});
  const Violation& msync = OnlyViolation(result, "msync");
  // The shortest schedule: P1 seals, P2 maps, stores and msyncs; nothing else.
  CHECK(msync.schedule.size() == 9);
  // One lost event: the store's line. Nothing else needs to be lost to break the promise.
  REQUIRE(msync.lost.size() == 1);
  CHECK(msync.lost[0].description.find("store k+4096 'Y'") != std::string::npos);
  CHECK(HasLine(msync.state, "journal: 2 transaction(s) committed, forced through 2"));
  CHECK(HasLine(msync.state, "/f: size 8192 logged (8192 in core), flags sealed dax"));
  CHECK(HasLine(msync.state, "pmem line 64 (device bytes 4096+1): durable 0x00, pending 'Y'"));
  CHECK(HasLine(msync.state, "lost by this crash"));
}

TEST_CASE("without minimisation the witness may lose more than it needs; with it, never more") {
  int smaller = 0;  // violations whose minimised witness loses fewer events
  for (const char* file : {"l7-mixed-modes-msync.json", "l8b-mixed-modes-other-page.json",
                           "delalloc-stale-xfs-written.json", "l24-clwb-no-fence.json",
                           "l24-st-st.json", "two-writers-one-fsync.json", "dio-needs-flush.json",
                           "torn-sector-write.json", "l6-sync-fault-prefix.json"}) {
    CAPTURE(file);
    const Scenario scenario = Load(file);
    RunOptions plain;
    plain.minimise = false;
    for (Design design : scenario.designs) {
      const ModelResult minimal = RunScenario(scenario, design, RunOptions{});
      const ModelResult unminimised = RunScenario(scenario, design, plain);
      CHECK(minimal.violated == unminimised.violated);
      REQUIRE(minimal.violations.size() == unminimised.violations.size());
      for (size_t i = 0; i < minimal.violations.size(); ++i) {
        CHECK(minimal.violations[i].schedule.size() == unminimised.violations[i].schedule.size());
        // Every pending event the witness left out, as its persist graph marks them.
        auto all_lost = [](const Violation& v) {
          return std::count_if(v.persist_graph.begin(), v.persist_graph.end(),
                               [](const PersistNode& node) { return node.lost; });
        };
        CHECK(all_lost(minimal.violations[i]) <= all_lost(unminimised.violations[i]));
        if (all_lost(minimal.violations[i]) < all_lost(unminimised.violations[i])) ++smaller;
      }
    }
  }
  MESSAGE(smaller, " witnesses lose fewer events once minimised");
  CHECK(smaller > 0);
}

}  // namespace
}  // namespace crashsim
