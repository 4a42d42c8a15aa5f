// The crashsim command line (docs/architecture.md, "Command line"): parsing it into Args, and the
// help texts.
//
// Parsing is a pure function of the words after the program name, so it is tested without a
// process. Every option that is not listed in the help of its command is an error, never silently
// ignored.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "models/config.h"
#include "sim/base/status.h"
#include "sim/result/run_options.h"

namespace crashsim {

inline constexpr const char* kCrashsimVersion = "0.1";

enum class Command { kHelp, kVersion, kRun, kCheck, kOutcomes, kMerge, kExplain };

struct Args {
  Command command = Command::kHelp;
  std::string help_topic;          // for kHelp: "" (the overview) or a command name
  // Files and, for check, directories, in the order given; for merge the shard reports; for
  // explain the one scenario file.
  std::vector<std::string> paths;
  std::vector<Design> models;      // --model, in kAllDesigns order; empty: no restriction
  std::optional<std::string> json_path;
  std::optional<std::string> html_path;
  std::optional<std::string> markdown_path;  // --md
  std::optional<std::string> junit_path;
  std::optional<std::string> dot_dir;
  std::optional<uint64_t> max_states;
  std::optional<uint64_t> max_images;
  uint64_t jobs = 1;                  // --jobs: threads; the reports do not depend on it
  bool jobs_given = false;
  std::optional<Shard> shard;      // --shard I/N
  std::optional<uint64_t> sample;     // --sample N: random schedules instead of all of them
  uint64_t seed = 0;                  // --seed S, with --sample
  bool seed_given = false;
  std::optional<std::string> stats_path;  // --stats FILE: work counters, wall time
  // explain only: the violation to explain, a name or a 1-based number in the report's order.
  std::string violation;
  // check only: compare with (or, with update_baseline, rewrite) this baseline file.
  std::optional<std::string> baseline_path;
  bool update_baseline = false;
  // --fix / --no-fix: suggest and verify the op a missing ordering calls for (Violation::fix).
  // Unset: on for run and explain, off for check (CI does not pay for the re-runs) and outcomes.
  std::optional<bool> fix;
  bool FixWanted() const {
    return fix.value_or(command == Command::kRun || command == Command::kExplain);
  }
};

// `args` excludes the program name. An error's message is one line for the user, without the
// "crashsim: " prefix, e.g. "unknown option '--foo' (see crashsim run --help)".
StatusOr<Args> ParseArgs(const std::vector<std::string>& args);

// The help of a topic as in Args::help_topic.
std::string HelpText(const std::string& topic);

// The design names in kAllDesigns order: "kernel-tracked, map-sync, daxfile-untracked, ...".
std::string ModelNameList(const std::string& separator = ", ");

}  // namespace crashsim
