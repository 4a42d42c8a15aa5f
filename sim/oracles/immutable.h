// The immutable oracle (O7, daxfile designs): between a returned seal and the next returned
// unseal, the extent map equals the seal-time snapshot in every state of the running system and
// in every recovered state; so map-changing ops fail with no durable effect, and a returned seal
// is durable. Also, in every recovered state, a file whose sealed flag survived is fully written
// and unshared within EOF: never sealed with a hole, an unwritten or a shared range.
#pragma once

#include <vector>

#include "sim/oracles/finding.h"

namespace crashsim {

void CheckImmutable(const CrashContext& context, std::vector<Finding>* findings);
void CheckImmutableVolatile(const Machine& machine, std::vector<Finding>* findings);

}  // namespace crashsim
