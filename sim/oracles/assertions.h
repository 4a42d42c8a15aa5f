// The scenario's own assertions (SCENARIO_FORMAT.md, "Assertions"), evaluated in each recovered
// state: file bytes, sizes, flags and existence after recovery, values recorded by loads and
// reads, and which labelled ops had returned before the crash. An assertion with `after` applies
// only at crash points where that op had returned.
#pragma once

#include <vector>

#include "sim/oracles/finding.h"

namespace crashsim {

void CheckAssertions(const CrashContext& context, std::vector<Finding>* findings);

}  // namespace crashsim
