// Minimise: delta debugging over the lost persist events of a witness image. Given a crash image
// that shows a violation, finds a smaller set of lost events whose loss alone still shows the same
// violation (same name, same promise): every other pending event is taken as persisted. Candidate
// sets are closed upwards in the persist order before they are tried (losing an event loses what
// must persist after it), so every image tried is one the hardware can produce. The result is
// 1-minimal (within a bound on the checks spent): losing any one event fewer no longer shows the
// violation.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "models/machine.h"
#include "models/recovery.h"
#include "sim/oracles/assertions.h"
#include "sim/oracles/finding.h"
#include "sim/scenario/scenario.h"

namespace crashsim {

struct MinimisedWitness {
  Finding finding;         // the violation as the minimal image shows it
  uint64_t checks = 0;     // images checked on the way (work counter)
};

// Returns nothing when the witness cannot be re-checked as a whole image (it never happens for
// images the crash space produced, but a minimiser must not invent a violation).
std::optional<MinimisedWitness> MinimiseWitness(const Scenario& scenario, const Machine& machine,
                                                const CrashImage& witness, const std::string& name,
                                                const std::string& promise);

}  // namespace crashsim
