// RunKernelCheck: `crashsim kernel-check` without its command line (docs/architecture.md,
// "Checked against Linux"). For each scenario: the model's canonical run and, for a crash check,
// its reachable views per segment; then one boot of Linux 6.1 per file system runs every
// scenario of that file system; then each scenario's real results are compared with the model.
#pragma once

#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "kcheck/result.h"
#include "models/config.h"
#include "sim/engine/engine.h"
#include "sim/reach/reachable_views.h"
#include "sim/scenario/scenario.h"

namespace crashsim::kcheck {

struct KernelCheckOptions {
  std::optional<FsKind> fs;  // run every scenario on this file system (the model too)
  std::string runner;        // the static guest runner
  std::string init;          // the guest's init script
  std::string work_dir;      // scratch space for disk images and the initramfs
  ReachLimits limits;
  // (scenario name, file system) pairs whose misses are known and expected: a listed pair that
  // misses is reported as a known miss; a listed pair that does not is reported as stale.
  std::set<std::pair<std::string, std::string>> known_misses;
  std::set<Mutation> mutations;  // tests only: deliberately wrong models
  std::ostream* progress = nullptr;
};

struct LoadedScenario {
  std::string path;
  Scenario scenario;
};

// Returns false, with `error`, when nothing could run (no kernel cache, no QEMU, a guest that
// did not boot); per-scenario failures are in the report.
bool RunKernelCheck(const std::vector<LoadedScenario>& scenarios,
                    const KernelCheckOptions& options, KernelCheckReport* report,
                    std::string* error);

// Whether the report has a miss that the known-misses list does not name, or a stale entry.
bool HasUnexpectedMiss(const KernelCheckReport& report);

}  // namespace crashsim::kcheck
