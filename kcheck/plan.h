// What of a scenario can run on Linux 6.1 and be compared (docs/architecture.md, "Checked
// against Linux"), and the job the guest runner runs for it.
//
// A scenario runs on the file system it names, or the one `--fs` names (the model then runs on
// that one too). It runs its canonical schedule (sim/reach/canonical_schedule.h) under the
// map-sync design, the one Linux implements. What cannot be checked is listed with the reason:
// the other designs, interleavings other than the canonical one, `seal`/`unseal` and sealed
// files (the model's map-sync answer, EOPNOTSUPP with no effect, is taken as given), the
// platform and every crash of persistent memory (emulated pmem loses nothing at power-off: DAX
// scenarios get the volatile check only), device caches other than volatile-fua (dm-log-writes
// advertises FUA whatever the device has). A scenario with an op that has no Linux 6.1 call of
// the same meaning (`swapext`, the `write-zeroes` fallocate mode), an op whose Linux answer the
// model does not hold (lseek to the end, for data or for a hole on a directory descriptor), or
// whose canonical schedule cannot finish does not run at all.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "kcheck/protocol.h"
#include "models/config.h"
#include "sim/reach/canonical_schedule.h"
#include "sim/scenario/scenario.h"

namespace crashsim::kcheck {

struct Plan {
  bool runs = false;
  bool crash_check = false;
  std::vector<std::string> not_checked;  // reasons, in a fixed order
  std::string blocked;                   // why it does not run at all, when !runs
};

// `scenario` already carries the file system it runs on.
Plan PlanScenario(const Scenario& scenario, const CanonicalRun& run);

// The job for one planned scenario.
JobScenario BuildJob(const Scenario& scenario, const CanonicalRun& run, const Plan& plan,
                     const std::vector<std::string>& view_paths);

// A readable name of the i-th canonical op, e.g. "op 3 (P1: pwrite fd 0 'x')".
std::string DescribeOp(const Scenario& scenario, const CanonicalRun& run, size_t index);

}  // namespace crashsim::kcheck
