// The crashsim commands `run`, `check`, `merge` and `explain` (docs/architecture.md, "Command
// line"), as a library so that tests drive them with a fake loader and a fake engine; main.cc
// passes the real ones.
//
// For each scenario file given (a directory means every *.json under it, in sorted path order):
// load it, run it under each of its designs (intersected with --model), collect a ScenarioResult,
// then print the text rendering, write the reports asked for (JSON, HTML, Markdown, JUnit, DOT),
// for `check --baseline` compare with the baseline or rewrite it, and return the exit status of the
// table in docs/architecture.md, "Command line". A file that does not load is reported on stderr
// (the loader's one-line message) and the others still run. This is the edge where library
// exceptions are caught.
#pragma once

#include <atomic>
#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "cli/progress.h"
#include "cli/stats.h"
#include "sim/base/status.h"
#include "sim/engine/engine.h"
#include "sim/result/result.h"
#include "sim/scenario/scenario.h"

namespace crashsim {

// Exit statuses (docs/architecture.md, "Command line"). When several apply: 4, then 2, then 1, then 3; an
// interrupted run exits 128 + the signal's number whatever else applies.
inline constexpr int kExitAsExpected = 0;
inline constexpr int kExitDiffers = 1;
inline constexpr int kExitInvalid = 2;
inline constexpr int kExitBudgetExhausted = 3;
inline constexpr int kExitInternalError = 4;
inline constexpr int kExitInterruptedBase = 128;  // + the signal's number

using ScenarioLoader = std::function<StatusOr<Scenario>(const std::string& path)>;
// The engine, as the commands call it; `stats` (may be null) receives the run's work counters.
using ScenarioRunner =
    std::function<ModelResult(const Scenario&, Design, const RunOptions&, RunStats* stats)>;

// The exit status over all files given: 4 when any run ended in an internal error; else 2 when
// any file did not load or any run used an op not modelled yet; else 1 when some verdict differs
// from its `expect`; else 3 when some run's budget ran out or some run was interrupted (a merge of
// interrupted shards: this process was not interrupted itself); else 0.
// With `partial` (one shard of a run) a verdict is as expected when it names nothing beyond
// `expect`: the other shards may find the rest.
int ExitStatus(const std::vector<ScenarioResult>& results, int load_failures,
               bool partial = false);

struct ExpandedPaths {
  std::vector<std::string> files;   // in the order given, each directory expanded in place
  std::vector<std::string> errors;  // one line each, e.g. "no such file or directory: 'x'"
};

// Replaces each directory by the *.json regular files under it, at any depth, sorted by path
// (component by component); keeps other paths as given. A path that does not exist, or a
// directory without any *.json file, is an error.
ExpandedPaths ExpandPaths(const std::vector<std::string>& paths);

// Runs `scenario` under each of its designs that `models` allows (all when `models` is empty),
// in kAllDesigns order, and fills the result's expected sets from the scenario's `expect`. Once
// `options.interrupt` is set, the designs not yet run are reported as interrupted, unrun.
// `progress`, when not null, is told about each model run; `stats`, when not null, gets one row of
// work counters and wall time per model run.
ScenarioResult RunOneScenario(const std::string& path, const Scenario& scenario,
                              const std::vector<Design>& models, const RunOptions& options,
                              const ScenarioRunner& runner, ProgressLine* progress = nullptr,
                              std::vector<StatsRow>* stats = nullptr);

// The whole command line: `args` excludes the program name. Returns the exit status. `progress`,
// when not null, receives the progress line (main.cc passes stderr when it is a terminal).
// `interrupt`, when not null, is polled: once it holds a signal's number the runs in progress stop,
// the runs not started are reported as interrupted, the reports are written, and the status is
// 128 + that number.
int RunCommandLine(const std::vector<std::string>& args, const ScenarioLoader& loader,
                   const ScenarioRunner& runner, std::ostream& out, std::ostream& err,
                   ProgressLine* progress = nullptr,
                   const std::atomic<int>* interrupt = nullptr);

}  // namespace crashsim
