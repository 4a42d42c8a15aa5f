// The scenario's own assertions (docs/scenario-format.md, "Assertions"), evaluated in each
// recovered state: file bytes, sizes, flags and existence after recovery, values recorded by loads
// and reads, and which labelled ops had returned before the crash. An assertion with `after`
// applies only at crash points where that op had returned.
#pragma once

#include <vector>

#include "sim/oracles/finding.h"

namespace crashsim {

// Each assertion is evaluated on every feasible combination of the pending writes covering the
// bytes it reads (at most kJointImagesMax combinations per assertion). Returns false when some
// assertion's space was larger and was cut short: the run is then not exhaustive.
inline constexpr uint64_t kJointImagesMax = uint64_t{1} << 16;
bool CheckAssertions(const CrashContext& context, std::vector<Finding>* findings);

}  // namespace crashsim
