#include "cli/commands.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>

namespace crashsim {
namespace {

namespace fs = std::filesystem;

// A fresh, empty directory for one test case.
fs::path FreshDirectory(const std::string& name) {
  const char* test_tmpdir = std::getenv("TEST_TMPDIR");
  const fs::path base = test_tmpdir != nullptr ? fs::path(test_tmpdir)
                                               : fs::temp_directory_path() /
                                                     ("crashsim_cli_" + std::to_string(getpid()));
  const fs::path dir = base / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

void Touch(const fs::path& path) {
  fs::create_directories(path.parent_path());
  std::ofstream(path) << "{}\n";
}

std::string ReadFile(const fs::path& path) {
  std::ifstream file(path, std::ios::binary);
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

ModelResult Model(Design design, std::set<std::string> violated = {},
                  std::set<std::string> expected = {}) {
  ModelResult model;
  model.design = design;
  model.violated = std::move(violated);
  model.expected = std::move(expected);
  return model;
}

ScenarioResult ScenarioOf(std::vector<ModelResult> models) {
  ScenarioResult scenario;
  scenario.path = "s.json";
  scenario.name = "s";
  scenario.models = std::move(models);
  return scenario;
}

TEST_CASE("the exit status is 0 when every verdict equals its expect") {
  CHECK(ExitStatus({}, 0) == 0);
  CHECK(ExitStatus({ScenarioOf({Model(Design::kMapSync, {"fsync"}, {"fsync"})})}, 0) == 0);
  ModelResult sampled = Model(Design::kPerVma);
  sampled.coverage = Coverage::kSampled;
  CHECK(ExitStatus({ScenarioOf({sampled})}, 0) == 0);
}

TEST_CASE("the exit status follows the precedence invalid, then differs, then budget") {
  const ModelResult ok = Model(Design::kKernelTracked);
  const ModelResult differs = Model(Design::kMapSync, {"fsync"}, {});
  ModelResult budget = Model(Design::kPerVma);
  budget.coverage = Coverage::kBudgetExhausted;
  ModelResult not_modelled = Model(Design::kDaxfileTracked);
  not_modelled.not_modelled = "/processes/P1/0: not modelled yet: reflink";

  CHECK(ExitStatus({ScenarioOf({ok, budget})}, 0) == 3);
  CHECK(ExitStatus({ScenarioOf({ok, differs})}, 0) == 1);
  CHECK(ExitStatus({ScenarioOf({budget}), ScenarioOf({differs})}, 0) == 1);
  CHECK(ExitStatus({ScenarioOf({ok, not_modelled})}, 0) == 2);
  CHECK(ExitStatus({ScenarioOf({differs, budget, not_modelled})}, 0) == 2);
  CHECK(ExitStatus({ScenarioOf({ok})}, 1) == 2);
  CHECK(ExitStatus({ScenarioOf({differs, budget})}, 1) == 2);
  CHECK(ExitStatus({}, 3) == 2);
}

TEST_CASE("an internal error comes first: 4, then 2, then 1, then 3") {
  ModelResult failed = Model(Design::kKernelTracked);
  failed.coverage = Coverage::kInternalError;
  failed.internal_error = InternalFailure{"internal check failed: x", "taking step 1 (P1: sync)", {}};
  const ModelResult differs = Model(Design::kMapSync, {"fsync"}, {});
  ModelResult budget = Model(Design::kPerVma);
  budget.coverage = Coverage::kBudgetExhausted;
  ModelResult not_modelled = Model(Design::kDaxfileTracked);
  not_modelled.not_modelled = "/processes/P1/0: not modelled yet: reflink";
  CHECK(ExitStatus({ScenarioOf({failed})}, 0) == 4);
  CHECK(ExitStatus({ScenarioOf({differs, budget, not_modelled}), ScenarioOf({failed})}, 1) == 4);
  // A run that failed has no verdict: it never matches, even when nothing was expected.
  CHECK_FALSE(failed.matches_expect());
  // An interrupted run (in a merge of interrupted shards) is never a pass.
  ModelResult interrupted = Model(Design::kPerVma);
  interrupted.coverage = Coverage::kInterrupted;
  CHECK(ExitStatus({ScenarioOf({interrupted})}, 0) == 3);
  CHECK(ExitStatus({ScenarioOf({interrupted, differs})}, 0) == 1);
}

TEST_CASE("a budget that ran out and a verdict that differs anyway is a difference") {
  ModelResult model = Model(Design::kMapSync, {"fsync"}, {});
  model.coverage = Coverage::kBudgetExhausted;
  CHECK(ExitStatus({ScenarioOf({model})}, 0) == 1);
}

TEST_CASE("a budget-cut run that found only expected violations, not all, did not reach them") {
  ModelResult model = Model(Design::kMapSync, {"fsync"}, {"fsync", "msync"});
  model.coverage = Coverage::kBudgetExhausted;
  CHECK(model.expected_not_reached());
  CHECK_FALSE(model.differs_from_expect());
  CHECK(model.expected_missing() == std::set<std::string>{"msync"});
  CHECK(ExitStatus({ScenarioOf({model})}, 0) == 3);
  // Nothing found at all is not reached either; a violation `expect` does not name still differs.
  ModelResult none = Model(Design::kMapSync, {}, {"fsync"});
  none.coverage = Coverage::kBudgetExhausted;
  CHECK(ExitStatus({ScenarioOf({none})}, 0) == 3);
  ModelResult extra = Model(Design::kMapSync, {"fsync", "sync"}, {"fsync", "msync"});
  extra.coverage = Coverage::kBudgetExhausted;
  CHECK(ExitStatus({ScenarioOf({extra})}, 0) == 1);
  // The same verdict from a run that covered its whole space is a difference.
  model.coverage = Coverage::kExhaustive;
  CHECK(model.differs_from_expect());
  CHECK(ExitStatus({ScenarioOf({model})}, 0) == 1);
}

TEST_CASE("a directory expands to every json file under it in sorted path order") {
  const fs::path dir = FreshDirectory("expand");
  for (const char* name : {"b.json", "a-c.json", "a/z.json", "a/b/y.json", "notes.txt",
                           "c/deep/er/x.json", "Z.json"}) {
    Touch(dir / name);
  }
  fs::create_directories(dir / "empty.json.d");
  const std::string d = dir.generic_string();
  const ExpandedPaths expanded = ExpandPaths({d});
  CHECK(expanded.errors.empty());
  CHECK(expanded.files == std::vector<std::string>{d + "/Z.json", d + "/a/b/y.json",
                                                   d + "/a/z.json", d + "/a-c.json", d + "/b.json",
                                                   d + "/c/deep/er/x.json"});
}

TEST_CASE("files keep the order given, directories expand in place, and bad paths are errors") {
  const fs::path dir = FreshDirectory("mixed");
  Touch(dir / "one.json");
  Touch(dir / "sub/two.json");
  Touch(dir / "sub/one.json");
  fs::create_directories(dir / "none");
  const std::string d = dir.generic_string();
  const ExpandedPaths expanded =
      ExpandPaths({d + "/one.json", d + "/sub", d + "/missing.json", d + "/none", d + "/one.json"});
  CHECK(expanded.files == std::vector<std::string>{d + "/one.json", d + "/sub/one.json",
                                                   d + "/sub/two.json", d + "/one.json"});
  CHECK(expanded.errors ==
        std::vector<std::string>{"no such file or directory: '" + d + "/missing.json'",
                                 "no scenario files (*.json) under '" + d + "/none'"});
}

// A scenario that runs under the given designs and expects `expect` of each.
Scenario FakeScenario(const std::string& name, std::vector<Design> designs,
                      std::map<Design, std::set<std::string>> expect = {}) {
  Scenario scenario;
  scenario.name = name;
  scenario.doc = "A scenario for the command line tests.";
  scenario.designs = std::move(designs);
  for (Design design : scenario.designs) scenario.expect[design] = expect[design];
  return scenario;
}

// Loads scenarios by file name from a table; a name not in it fails to load like the real
// loader does, with one line naming the file.
struct FakeWorld {
  std::map<std::string, Scenario> scenarios;
  // What the fake engine finds, per scenario name and design; clean when absent.
  std::map<std::pair<std::string, Design>, ModelResult> verdicts;
  std::vector<std::string> runs;  // "name/design" in the order run
  std::optional<uint64_t> max_states_seen;
  bool observe_seen = false;

  ScenarioLoader Loader() {
    return [this](const std::string& path) -> StatusOr<Scenario> {
      const auto it = scenarios.find(fs::path(path).filename().string());
      if (it == scenarios.end()) return Status::Error(path + ": /: not a scenario");
      Scenario scenario = it->second;
      scenario.source_path = path;
      return scenario;
    };
  }
  ScenarioRunner Runner() {
    return [this](const Scenario& scenario, Design design, const RunOptions& options, RunStats*) {
      runs.push_back(scenario.name + "/" + DesignName(design));
      max_states_seen = options.max_states;
      observe_seen = options.observe;
      const auto it = verdicts.find({scenario.name, design});
      if (it != verdicts.end()) return it->second;
      ModelResult model;
      model.distinct_states = 7;
      model.distinct_images = 9;
      return model;
    };
  }
};

struct Outcome {
  int status;
  std::string out, err;
};

Outcome Run(FakeWorld& world, const std::vector<std::string>& args,
            ProgressLine* progress = nullptr) {
  std::ostringstream out, err;
  const int status = RunCommandLine(args, world.Loader(), world.Runner(), out, err, progress);
  return {status, out.str(), err.str()};
}

// A violation with a trace and a persist graph, as the engine reports one.
ModelResult Violated(Design design, const std::string& name, const std::string& observed) {
  ModelResult model = Model(design, {name});
  Violation violation;
  violation.name = name;
  violation.promise = "P1.s: fsync fd returned 0";
  violation.schedule = {{"P1", "pwrite fd 0 'A'", "1"},
                        {"background", "writeback of /f page 0", ""},
                        {"P1", "s: fsync fd", "0"}};
  violation.crash_point = "after step 3 (P1: s: fsync fd)";
  violation.lost = {{"device-write", "sector 0 of /f"}};
  violation.observed = observed;
  violation.expected = "/f[0:1] = 'A'";
  violation.persist_graph = {{"device-write", "sector 0 of /f", true, {}},
                             {"journal", "transaction 1", false, {0}}};
  model.violations = {violation};
  model.distinct_states = 40;
  return model;
}

// Two scenario files in a fresh directory: a.json expects fsync violated under map-sync (and
// it is), b.json is clean under per-vma.
struct TwoScenarios {
  fs::path dir;
  FakeWorld world;
  std::string a, b;
};

TwoScenarios MakeTwoScenarios(const std::string& name) {
  TwoScenarios two;
  two.dir = FreshDirectory(name);
  Touch(two.dir / "a.json");
  Touch(two.dir / "b.json");
  two.world.scenarios["a.json"] = FakeScenario("a", {Design::kKernelTracked, Design::kMapSync},
                                               {{Design::kMapSync, {"fsync"}}});
  two.world.scenarios["b.json"] = FakeScenario("b", {Design::kPerVma});
  two.world.verdicts[{"a", Design::kMapSync}] =
      Violated(Design::kMapSync, "fsync", "/f[0:1] = 00");
  two.a = (two.dir / "a.json").generic_string();
  two.b = (two.dir / "b.json").generic_string();
  return two;
}

TEST_CASE("a scenario runs under its designs that --model allows, with its expected sets") {
  FakeWorld world;
  const Scenario scenario =
      FakeScenario("s", {Design::kKernelTracked, Design::kMapSync, Design::kPerVma},
                   {{Design::kMapSync, {"fsync"}}});
  RunOptions options;
  const ScenarioResult all = RunOneScenario("dir/s.json", scenario, {}, options, world.Runner());
  CHECK(all.path == "dir/s.json");
  CHECK(all.name == "s");
  CHECK(all.doc == scenario.doc);
  CHECK(all.config_summary.rfind("platform=adr fs=xfs ", 0) == 0);
  REQUIRE(all.models.size() == 3);
  CHECK(all.models[1].design == Design::kMapSync);
  CHECK(all.models[1].expected == std::set<std::string>{"fsync"});
  CHECK(all.models[2].design == Design::kPerVma);

  world.runs.clear();
  const ScenarioResult some = RunOneScenario(
      "dir/s.json", scenario, {Design::kMapSync, Design::kDaxfileTracked}, options, world.Runner());
  REQUIRE(some.models.size() == 1);
  CHECK(some.models[0].design == Design::kMapSync);
  CHECK(world.runs == std::vector<std::string>{"s/map-sync"});
}

TEST_CASE("run prints the matrix and every file still runs when another fails to load") {
  const fs::path dir = FreshDirectory("run_load_failure");
  Touch(dir / "a.json");
  Touch(dir / "broken.json");
  Touch(dir / "c.json");
  FakeWorld world;
  world.scenarios["a.json"] = FakeScenario("a", {Design::kKernelTracked});
  world.scenarios["c.json"] = FakeScenario("c", {Design::kKernelTracked, Design::kPerVma});
  const std::string d = dir.generic_string();
  const Outcome outcome =
      Run(world, {"run", d + "/a.json", d + "/broken.json", d + "/gone.json", d + "/c.json"});
  CHECK(outcome.status == 2);
  CHECK(outcome.err == "crashsim: no such file or directory: '" + d + "/gone.json'\n" + d +
                           "/broken.json: /: not a scenario\n");
  CHECK(world.runs ==
        std::vector<std::string>{"a/kernel-tracked", "c/kernel-tracked", "c/per-vma"});
  CHECK(outcome.out ==
        "scenario  kernel-tracked  per-vma\n"
        "a         ok\n"
        "c         ok              ok\n"
        "\n"
        "2 scenarios, 3 models: 2 files not loaded\n");
}

TEST_CASE("the HTML and Markdown reports name each file that did not load and why") {
  const fs::path dir = FreshDirectory("report_load_failure");
  Touch(dir / "a.json");
  Touch(dir / "broken.json");
  FakeWorld world;
  world.scenarios["a.json"] = FakeScenario("a", {Design::kKernelTracked});
  const std::string d = dir.generic_string();
  const fs::path out = dir / "out";
  fs::create_directories(out);
  for (const bool with_a : {true, false}) {
    std::vector<std::string> args = {"run", d + "/broken.json", d + "/gone.json", "--html",
                                     (out / "r.html").string(), "--md", (out / "r.md").string()};
    if (with_a) args.push_back(d + "/a.json");
    CHECK(Run(world, args).status == 2);
    const std::string html = ReadFile(out / "r.html");
    const std::string md = ReadFile(out / "r.md");
    // (The directory's path is escaped as each format needs, so only the names are looked for.)
    for (const std::string* report : {&html, &md}) {
      CHECK(report->find("broken.json: /: not a scenario") != std::string::npos);
      CHECK(report->find("no such file or directory") != std::string::npos);
      CHECK(report->find("gone.json") != std::string::npos);
    }
    // The matrix only when some scenario ran: never a header without rows.
    CHECK((html.find("id=\"matrix\"") != std::string::npos) == with_a);
    CHECK((md.find("| scenario |") != std::string::npos) == with_a);
  }
}

TEST_CASE("outcomes observes, lists and exits 0 whatever the verdicts; 2 when a file did not load") {
  TwoScenarios two = MakeTwoScenarios("outcomes");
  ModelResult listed = Violated(Design::kPerVma, "fsync", "/f[0:1] = 00");  // b expects nothing
  ItemOutcomes item;
  item.item = "/f[0:1]";
  item.read_by = {"observe"};
  item.values = {OutcomeValue{"'A'", {}}, OutcomeValue{"0x00", {}}};
  listed.outcomes = {item};
  two.world.verdicts[{"b", Design::kPerVma}] = listed;
  const std::string json = (two.dir / "outcomes.json").generic_string();
  Outcome outcome = Run(two.world, {"outcomes", "--json", json, two.a, two.b});
  CHECK(outcome.status == 0);
  CHECK(two.world.observe_seen);
  CHECK(outcome.out.find("    /f[0:1] (read by observe): 2 values\n      = 'A'\n") !=
        std::string::npos);
  CHECK(outcome.out.find("crashsim outcomes: 2 scenarios, 3 model runs, 1 item observed\n") !=
        std::string::npos);
  std::ifstream written(json);
  const std::string text((std::istreambuf_iterator<char>(written)), {});
  CHECK(text.find("\"crashsim_outcomes\": 1") != std::string::npos);

  outcome = Run(two.world, {"outcomes", two.a, (two.dir / "missing.json").generic_string()});
  CHECK(outcome.status == 2);
  CHECK(Run(two.world, {"outcomes", "--shard", "1/2", two.a}).status == 2);
  CHECK(Run(two.world, {"outcomes", "--junit", "j.xml", two.a}).status == 2);
  two.world.observe_seen = false;
  Run(two.world, {"run", two.a});
  CHECK_FALSE(two.world.observe_seen);
}

TEST_CASE("check is quiet and exits 0 when every verdict is as expected") {
  const fs::path dir = FreshDirectory("check_clean");
  Touch(dir / "x/a.json");
  Touch(dir / "b.json");
  FakeWorld world;
  world.scenarios["a.json"] =
      FakeScenario("a", {Design::kMapSync}, {{Design::kMapSync, {"fsync"}}});
  world.scenarios["b.json"] = FakeScenario("b", {Design::kPerVma});
  world.verdicts[{"a", Design::kMapSync}] = Model(Design::kMapSync, {"fsync"});
  const Outcome outcome = Run(world, {"check", dir.generic_string()});
  CHECK(outcome.status == 0);
  CHECK(outcome.err.empty());
  CHECK(outcome.out == "crashsim check: 2 scenarios, 2 models: all as expected\n");
  CHECK(world.runs == std::vector<std::string>{"b/per-vma", "a/map-sync"});
}

TEST_CASE("check exits 1 and names the run when a verdict differs, 3 when only a budget ran out") {
  const fs::path dir = FreshDirectory("check_differs");
  Touch(dir / "a.json");
  FakeWorld world;
  world.scenarios["a.json"] = FakeScenario("a", {Design::kMapSync, Design::kPerVma});
  ModelResult budget = Model(Design::kPerVma);
  budget.coverage = Coverage::kBudgetExhausted;
  budget.distinct_states = 10;
  budget.budget_stops = {BudgetStop{BudgetStop::Kind::kStates, 10, "", "after step 3 (P1: x)", 3,
                                    10}};
  world.verdicts[{"a", Design::kPerVma}] = budget;
  const std::string path = (dir / "a.json").generic_string();

  Outcome outcome = Run(world, {"check", "--max-states", "10", path});
  CHECK(outcome.status == 3);
  CHECK(world.max_states_seen == 10u);
  CHECK(outcome.out == "BUDGET " + path +
                           ": per-vma: state budget (--max-states 10) ran out after 10 distinct "
                           "states; the first state left out: after step 3 (P1: x)\n"
                           "crashsim check: 1 scenario, 2 models: 1 out of state budget\n");

  world.verdicts[{"a", Design::kMapSync}] = Model(Design::kMapSync, {"map-sync", "fsync"});
  outcome = Run(world, {"check", path});
  CHECK(outcome.status == 1);
  CHECK(outcome.out.rfind("FAIL " + path + ": map-sync: got {fsync, map-sync} expected {}\n", 0) ==
        0);
}

TEST_CASE("check says which expected violation a budget-cut run did not reach, and exits 3") {
  const fs::path dir = FreshDirectory("check_not_reached");
  Touch(dir / "a.json");
  FakeWorld world;
  world.scenarios["a.json"] =
      FakeScenario("a", {Design::kPerVma}, {{Design::kPerVma, {"fsync", "a1"}}});
  ModelResult cut = Model(Design::kPerVma, {"fsync"}, {"a1", "fsync"});
  cut.coverage = Coverage::kBudgetExhausted;
  cut.distinct_states = 7;
  cut.budget_stops = {BudgetStop{BudgetStop::Kind::kStates, 7, "", "after step 2 (P1: y)", 2, 7}};
  world.verdicts[{"a", Design::kPerVma}] = cut;
  const std::string path = (dir / "a.json").generic_string();
  const Outcome outcome = Run(world, {"check", "--max-states", "7", path});
  CHECK(outcome.status == 3);
  CHECK(outcome.out == "BUDGET " + path +
                           ": per-vma: state budget (--max-states 7) ran out after 7 distinct "
                           "states; the first state left out: after step 2 (P1: y); expected "
                           "violation not reached within the budget: {a1}\n"
                           "crashsim check: 1 scenario, 1 model: 1 out of state budget\n");
}

TEST_CASE("an op not modelled yet makes the run invalid") {
  const fs::path dir = FreshDirectory("not_modelled");
  Touch(dir / "a.json");
  FakeWorld world;
  world.scenarios["a.json"] = FakeScenario("a", {Design::kMapSync});
  ModelResult model = Model(Design::kMapSync, {"fsync"});
  model.not_modelled = "/processes/P1/3: not modelled yet: swapext";
  world.verdicts[{"a", Design::kMapSync}] = model;
  const Outcome outcome = Run(world, {"check", dir.generic_string()});
  CHECK(outcome.status == 2);
  CHECK(outcome.out.find("INVALID ") == 0);
}

TEST_CASE("a run that ended in an internal error is named on stderr and in every report; the "
          "other runs are kept and the exit status is 4") {
  TwoScenarios two = MakeTwoScenarios("internal_error");
  ModelResult failed = Model(Design::kKernelTracked);
  failed.coverage = Coverage::kInternalError;
  failed.internal_error = InternalFailure{"std::out_of_range: map::at",
                                          "taking step 2 (P1: fsync fd)",
                                          {{"P1", "fd = open /f rw", "0"}}};
  two.world.verdicts[{"a", Design::kKernelTracked}] = failed;
  const fs::path out = two.dir / "out";
  fs::create_directories(out);
  const Outcome outcome =
      Run(two.world, {"run", two.a, two.b, "--json", (out / "r.json").string(), "--html",
                      (out / "r.html").string(), "--md", (out / "r.md").string(), "--junit",
                      (out / "j.xml").string()});
  CHECK(outcome.status == 4);
  CHECK(outcome.err == "crashsim: internal error (a bug in crashsim) in a (" + two.a +
                           ") under kernel-tracked: std::out_of_range: map::at, while taking step "
                           "2 (P1: fsync fd)\n");
  CHECK(two.world.runs ==
        std::vector<std::string>{"a/kernel-tracked", "a/map-sync", "b/per-vma"});
  CHECK(outcome.out.find("internal-error!") != std::string::npos);
  CHECK(outcome.out.find("  failed:   std::out_of_range: map::at\n") != std::string::npos);
  CHECK(outcome.out.find("    1. P1: fd = open /f rw -> 0\n") != std::string::npos);
  CHECK(outcome.out.find("1 internal error (a bug in crashsim)") != std::string::npos);
  const std::string json = ReadFile(out / "r.json");
  CHECK(json.find("\"coverage\": \"internal-error\"") != std::string::npos);
  CHECK(json.find("\"what\": \"std::out_of_range: map::at\"") != std::string::npos);
  CHECK(json.find("\"guarantee\": \"fsync\"") != std::string::npos);  // a's map-sync run kept
  CHECK(ReadFile(out / "r.html").find("id=\"internal-errors\"") != std::string::npos);
  CHECK(ReadFile(out / "r.md").find("Internal errors") != std::string::npos);
  CHECK(ReadFile(out / "j.xml").find("<error type=\"internal-error\"") != std::string::npos);
  // check names it too, and a baseline is never rewritten from it.
  const Outcome checked = Run(two.world, {"check", two.a});
  CHECK(checked.status == 4);
  CHECK(checked.out.rfind("INTERNAL-ERROR " + two.a + ": kernel-tracked: ", 0) == 0);
  const Outcome update = Run(two.world, {"check", two.a, "--baseline",
                                         (two.dir / "b.baseline").string(), "--update-baseline"});
  CHECK(update.status == 4);
  CHECK_FALSE(fs::exists(two.dir / "b.baseline"));
}

TEST_CASE("an interrupt marks the runs not finished as interrupted, writes the reports and exits "
          "128 + the signal") {
  TwoScenarios two = MakeTwoScenarios("interrupted");
  std::atomic<int> interrupt{0};
  const fs::path json = two.dir / "r.json";
  std::ostringstream out, err;
  // The signal arrives during a's first run: that run stops (the fake engine says so), the rest
  // never starts.
  const ScenarioRunner runner = [&](const Scenario&, Design design, const RunOptions& options,
                                    RunStats*) {
    CHECK(options.interrupt == &interrupt);
    interrupt = 15;
    ModelResult model = Model(design);
    model.coverage = Coverage::kInterrupted;
    model.distinct_states = 3;
    return model;
  };
  const int status = RunCommandLine({"run", two.a, two.b, "--json", json.string()},
                                    two.world.Loader(), runner, out, err, nullptr, &interrupt);
  CHECK(status == 128 + 15);
  CHECK(err.str() == "crashsim: interrupted by signal 15: the runs not finished are reported as "
                     "interrupted\n");
  CHECK(out.str().find("interrupted: kernel-tracked: after 3 distinct states") != std::string::npos);
  CHECK(out.str().find("interrupted: map-sync: before it started") != std::string::npos);
  CHECK(out.str().find("3 interrupted") != std::string::npos);
  const std::string report = ReadFile(json);
  size_t interrupted = 0;
  for (size_t at = report.find("\"interrupted\""); at != std::string::npos;
       at = report.find("\"interrupted\"", at + 1)) {
    ++interrupted;
  }
  CHECK(interrupted == 3);  // every model run of both files, none a pass
}

TEST_CASE("two outputs naming one file, or an output naming an input, are refused with exit 2") {
  TwoScenarios two = MakeTwoScenarios("clash");
  const std::string x = (two.dir / "x").string();
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"run", two.a, "--json", x, "--html", x},
        std::vector<std::string>{"run", two.a, "--md", x, "--junit", x},
        std::vector<std::string>{"check", two.a, "--stats", x, "--json", x},
        std::vector<std::string>{"run", two.a, "--dot", x, "--json", x},
        std::vector<std::string>{"run", two.a, "--json", two.a},
        std::vector<std::string>{"check", two.a, "--baseline", x, "--junit", x},
        std::vector<std::string>{"merge", two.a, "--json", two.a}}) {
    std::string words;
    for (const std::string& word : args) words += word + " ";
    INFO(words);
    two.world.runs.clear();
    const Outcome outcome = Run(two.world, args);
    CHECK(outcome.status == 2);
    CHECK(outcome.err.find("crashsim: ") == 0);
    CHECK(two.world.runs.empty());  // refused before anything ran
  }
  const Outcome explain = Run(two.world, {"explain", two.a, "--model", "map-sync", "--violation",
                                          "fsync", "--md", x, "--html", x});
  CHECK(explain.status == 2);
  CHECK(explain.err.find("name one file") != std::string::npos);
}

TEST_CASE("a report of an earlier run is removed when a run starts, then written anew") {
  TwoScenarios two = MakeTwoScenarios("stale");
  const fs::path json = two.dir / "r.json";
  std::ofstream(json) << "an old report\n";
  // (output_files_test shows the removal itself; here the command uses it.)
  const Outcome outcome = Run(two.world, {"run", two.a, "--json", json.string()});
  CHECK(outcome.status == 0);
  CHECK(ReadFile(json).find("an old report") == std::string::npos);
}

TEST_CASE("--json writes the same bytes for the same run") {
  const fs::path dir = FreshDirectory("json");
  Touch(dir / "a.json");
  FakeWorld world;
  world.scenarios["a.json"] = FakeScenario("a", {Design::kKernelTracked, Design::kPerVma});
  const std::string scenario = (dir / "a.json").generic_string();
  const fs::path first = dir / "first.report";
  const fs::path second = dir / "second.report";
  CHECK(Run(world, {"run", scenario, "--json", first.string()}).status == 0);
  CHECK(Run(world, {"run", "--json=" + second.string(), scenario}).status == 0);
  const std::string text = ReadFile(first);
  CHECK(text.rfind("{\n  \"crashsim_report\": 1,", 0) == 0);
  CHECK(text.find("\"path\": \"" + scenario + "\"") != std::string::npos);
  CHECK(text == ReadFile(second));
}

TEST_CASE("a JSON report that cannot be written is an error") {
  const fs::path dir = FreshDirectory("json_unwritable");
  Touch(dir / "a.json");
  FakeWorld world;
  world.scenarios["a.json"] = FakeScenario("a", {Design::kKernelTracked});
  const std::string target = (dir / "no/such/dir/r.json").string();
  const Outcome outcome = Run(world, {"run", (dir / "a.json").string(), "--json", target});
  CHECK(outcome.status == 2);
  CHECK(outcome.err == "crashsim: cannot write the JSON report to '" + target +
                           "': No such file or directory\n");
}

TEST_CASE("--html, --md, --junit and --dot write the same bytes for the same run") {
  TwoScenarios two = MakeTwoScenarios("outputs");
  std::map<std::string, std::string> first;
  for (const char* round : {"1", "2"}) {
    const fs::path out = two.dir / round;
    fs::create_directories(out);
    const Outcome outcome =
        Run(two.world, {"run", two.a, two.b, "--html", (out / "r.html").string(), "--md",
                        (out / "r.md").string(), "--junit", (out / "j.xml").string(), "--dot",
                        (out / "graphs").string()});
    CHECK(outcome.status == 0);
    CHECK(outcome.err.empty());
    std::map<std::string, std::string> files;
    for (const auto& entry : fs::recursive_directory_iterator(out)) {
      if (entry.is_regular_file()) {
        files[fs::relative(entry.path(), out).generic_string()] = ReadFile(entry.path());
      }
    }
    if (first.empty()) {
      first = files;
    } else {
      CHECK(files == first);
    }
  }
  std::vector<std::string> names;
  for (const auto& [name, text] : first) names.push_back(name);
  CHECK(names == std::vector<std::string>{"graphs/a.map-sync.fsync.dot", "j.xml", "r.html",
                                          "r.md"});
  CHECK(first["r.html"].find("id=\"matrix\"") != std::string::npos);
  CHECK(first["r.html"].find("class=\"timeline\"") != std::string::npos);
  CHECK(first["r.md"].rfind("# crashsim report\n", 0) == 0);
  CHECK(first["j.xml"].find("tests=\"3\" failures=\"0\" errors=\"0\"") != std::string::npos);
  CHECK(first["graphs/a.map-sync.fsync.dot"].rfind("digraph G {\n", 0) == 0);
}

TEST_CASE("an output that cannot be written is an error, and the others are still written") {
  TwoScenarios two = MakeTwoScenarios("outputs_unwritable");
  Touch(two.dir / "file");
  const std::string html = (two.dir / "no/such/dir/r.html").string();
  const std::string dot = (two.dir / "file").string();
  const std::string md = (two.dir / "r.md").string();
  const Outcome outcome =
      Run(two.world, {"run", two.a, "--html", html, "--dot", dot, "--md", md});
  CHECK(outcome.status == 2);
  CHECK(outcome.err.rfind("crashsim: cannot write the HTML report to '" + html +
                              "': No such file or directory\n" +
                              "crashsim: cannot create the DOT directory '" + dot + "'",
                          0) == 0);
  CHECK(fs::exists(md));
}

TEST_CASE("check --update-baseline records the runs, and check --baseline then agrees") {
  TwoScenarios two = MakeTwoScenarios("baseline_round_trip");
  const std::string baseline = (two.dir / "baseline.json").string();
  Outcome outcome =
      Run(two.world, {"check", "--baseline", baseline, "--update-baseline", two.a, two.b});
  CHECK(outcome.status == 0);
  CHECK(outcome.out == "crashsim check: 2 scenarios, 3 models: all as expected; baseline " +
                           baseline + " rewritten (3 runs)\n");
  const std::string recorded = ReadFile(baseline);
  CHECK(recorded.find("\"scenario\": \"a\",\n      \"model\": \"map-sync\"") !=
        std::string::npos);

  outcome = Run(two.world, {"check", "--baseline", baseline, two.b, two.a});
  CHECK(outcome.status == 0);
  CHECK(outcome.err.empty());
  CHECK(outcome.out == "crashsim check: 2 scenarios, 3 models: all as expected; baseline " +
                           baseline + ": as recorded\n");

  // The order of the files does not change the baseline.
  outcome = Run(two.world, {"check", "--baseline", baseline, "--update-baseline", two.b, two.a});
  CHECK(outcome.status == 0);
  CHECK(ReadFile(baseline) == recorded);
}

TEST_CASE("a verdict or trace that changed from the baseline is a short diff and exit 1") {
  TwoScenarios two = MakeTwoScenarios("baseline_diff");
  const std::string baseline = (two.dir / "baseline.json").string();
  REQUIRE(Run(two.world, {"check", "--baseline", baseline, "--update-baseline", two.a, two.b})
              .status == 0);

  // The same verdict reached by another trace, and a new violation as expected by its scenario.
  two.world.verdicts[{"a", Design::kMapSync}] =
      Violated(Design::kMapSync, "fsync", "/f[0:1] = 'B'");
  two.world.scenarios["b.json"].expect[Design::kPerVma] = {"msync"};
  two.world.verdicts[{"b", Design::kPerVma}] = Violated(Design::kPerVma, "msync", "/f[0:1] = 00");
  Outcome outcome = Run(two.world, {"check", "--baseline", baseline, two.a, two.b});
  CHECK(outcome.status == 1);
  CHECK(outcome.out ==
        "BASELINE a: map-sync: changed trace: fsync\n"
        "  was: 3 steps; crash after step 3 (P1: s: fsync fd); observed /f[0:1] = 00\n"
        "  now: 3 steps; crash after step 3 (P1: s: fsync fd); observed /f[0:1] = 'B'\n"
        "BASELINE b: per-vma: new violation: msync: 3 steps; crash after step 3 (P1: s: fsync "
        "fd); observed /f[0:1] = 00\n"
        "crashsim check: 2 scenarios, 3 models: all as expected; baseline " +
            baseline + ": 2 differences\n");

  // A scenario left out of the run is missing from it.
  outcome = Run(two.world, {"check", "--baseline", baseline, two.a});
  CHECK(outcome.status == 1);
  CHECK(outcome.out.find("BASELINE b: per-vma: missing run, in the baseline with verdict {} but "
                         "not run\n") != std::string::npos);
}

TEST_CASE("a changed expect fails check --baseline even when the verdicts match the baseline") {
  TwoScenarios two = MakeTwoScenarios("baseline_expect");
  const std::string baseline = (two.dir / "baseline.json").string();
  REQUIRE(Run(two.world, {"check", "--baseline", baseline, "--update-baseline", two.a, two.b})
              .status == 0);
  two.world.scenarios["a.json"].expect[Design::kMapSync] = {};
  const Outcome outcome = Run(two.world, {"check", "--baseline", baseline, two.a, two.b});
  CHECK(outcome.status == 1);
  CHECK(outcome.out == "FAIL " + two.a + ": map-sync: got {fsync} expected {}\n" +
                           "crashsim check: 2 scenarios, 3 models: 1 differs; baseline " +
                           baseline + ": as recorded\n");
}

TEST_CASE("a baseline that does not read, or an update from invalid input, exits 2") {
  TwoScenarios two = MakeTwoScenarios("baseline_invalid");
  const std::string missing = (two.dir / "missing.json").string();
  Outcome outcome = Run(two.world, {"check", "--baseline", missing, two.a});
  CHECK(outcome.status == 2);
  CHECK(outcome.err == "crashsim: cannot read the baseline '" + missing + "'\n");
  CHECK(outcome.out.find("; baseline " + missing + ": not compared\n") != std::string::npos);

  const std::string broken = (two.dir / "broken.json").string();
  std::ofstream(broken) << "{\"crashsim_report\": 1, \"scenarios\": []}\n";
  outcome = Run(two.world, {"check", "--baseline", broken, two.a});
  CHECK(outcome.status == 2);
  CHECK(outcome.err == "crashsim: " + broken +
                           ": not a crashsim baseline: : unknown key \"crashsim_report\"\n");

  const std::string target = (two.dir / "new.json").string();
  outcome = Run(two.world,
                {"check", "--baseline", target, "--update-baseline", two.a, (two.dir / "gone.json").string()});
  CHECK(outcome.status == 2);
  CHECK(outcome.err.find("crashsim: baseline '" + target +
                         "' not updated: some input is invalid or not modelled yet, or some run "
                         "ended in an internal error or was interrupted\n") !=
        std::string::npos);
  CHECK_FALSE(fs::exists(target));
}

TEST_CASE("the progress line goes only where it is sent, and is erased before the output") {
  TwoScenarios two = MakeTwoScenarios("progress");
  std::ostringstream progress_text;
  double now = 100.0;
  ProgressLine progress(progress_text, [&now] { return now += 0.5; });
  const std::string json = (two.dir / "r.json").string();
  const Outcome with = Run(two.world, {"run", two.a, two.b, "--json", json}, &progress);
  const std::string report = ReadFile(json);
  const Outcome without = Run(two.world, {"run", two.a, two.b, "--json", json});
  CHECK(with.status == 0);
  CHECK(with.out == without.out);
  CHECK(with.err == without.err);
  CHECK(ReadFile(json) == report);
  const std::string shown = progress_text.str();
  CHECK(shown.find("\r[1/2] 0 states, 0 states/s: a under kernel-tracked\x1b[K") !=
        std::string::npos);
  // Each clock reading advances half a second. kernel-tracked's fake run explored 7 states,
  // map-sync's 40: 47 states in the 1.5 seconds since the line started.
  CHECK(shown.find("\r[2/2] 47 states, 31 states/s: b under per-vma\x1b[K") !=
        std::string::npos);
  CHECK(shown.substr(shown.size() - 4) == "\r\x1b[K");
}

TEST_CASE("bad arguments exit 2 with one line on stderr and run nothing") {
  FakeWorld world;
  Outcome outcome = Run(world, {"run", "--foo", "a.json"});
  CHECK(outcome.status == 2);
  CHECK(outcome.err == "crashsim: unknown option '--foo' (see crashsim run --help)\n");
  CHECK(outcome.out.empty());
  outcome = Run(world, {"check", "--model", "bogus", "d"});
  CHECK(outcome.status == 2);
  CHECK(outcome.err.rfind("crashsim: unknown model 'bogus' for --model; the models are: ", 0) == 0);
  outcome = Run(world, {"run"});
  CHECK(outcome.status == 2);
  CHECK(outcome.err == "crashsim: no scenario files given (see crashsim run --help)\n");
  CHECK(world.runs.empty());
}

TEST_CASE("help and version print to stdout and exit 0") {
  FakeWorld world;
  Outcome outcome = Run(world, {"--version"});
  CHECK(outcome.status == 0);
  CHECK(outcome.out == "crashsim 0.1\n");
  outcome = Run(world, {"check", "--help"});
  CHECK(outcome.status == 0);
  CHECK(outcome.out.rfind("Usage: crashsim check", 0) == 0);
  outcome = Run(world, {"--help"});
  CHECK(outcome.status == 0);
  CHECK(outcome.out.find("crashsim run") != std::string::npos);
}

TEST_CASE("an exception from below is caught at the command line as an internal error, exit 4") {
  const fs::path dir = FreshDirectory("exception");
  Touch(dir / "a.json");
  FakeWorld world;
  world.scenarios["a.json"] = FakeScenario("a", {Design::kKernelTracked});
  std::ostringstream out, err;
  const ScenarioRunner throwing = [](const Scenario&, Design, const RunOptions&,
                                    RunStats*) -> ModelResult {
    throw std::runtime_error("boom");
  };
  CHECK(RunCommandLine({"run", (dir / "a.json").string()}, world.Loader(), throwing, out, err) ==
        4);
  CHECK(err.str() == "crashsim: internal error (a bug in crashsim): std::runtime_error: boom\n");
}

}  // namespace
}  // namespace crashsim
