// The outcome of `crashsim kernel-check` for one scenario on one file system: what ran on Linux,
// what was compared with the model, every miss (a real result or state the model does not allow)
// and everything that could not be checked, with the reason. Rendered by
// reports/kernel_check_report.h.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace crashsim::kcheck {

struct Miss {
  std::string kind;      // "volatile", "crash", "dax"
  std::string step;      // e.g. "op 3 (P1: pwrite fd 0 'x')"
  std::string point;     // replay point, e.g. "log entry 812 (flush), segment 3"; "" for volatile
  std::string expected;  // what the model allows (closest model state, for a crash miss)
  std::string observed;  // what Linux did
};

struct ScenarioCheck {
  std::string path;  // the file as given
  std::string name;
  std::string fs;    // "xfs", "ext4-ordered", "ext4-writeback"
  bool ran = false;          // the scenario ran on Linux
  bool volatile_checked = false;
  bool crash_checked = false;
  uint64_t ops_compared = 0;
  uint64_t replay_points = 0;     // FLUSH, FUA and mark points replayed
  uint64_t real_states = 0;       // distinct recovered states among them
  uint64_t real_states_in_model = 0;
  uint64_t model_states = 0;      // distinct views the model allows over the schedule
  std::vector<Miss> misses;
  bool known_miss = false;        // listed in the known-misses list
  std::vector<std::string> not_checked;  // what could not be checked, each with its reason
  std::string error;              // set when the scenario could not run (setup failed, ...)
  bool clean() const { return misses.empty() && error.empty(); }
};

struct KernelCheckReport {
  std::string kernel;       // e.g. "Linux 6.1.0-57-amd64 (QEMU, TCG)"
  std::vector<ScenarioCheck> scenarios;  // in the order given, one per file and file system
  std::vector<std::string> stale_known_misses;  // listed as known but not missed: the list is stale
};

}  // namespace crashsim::kcheck
