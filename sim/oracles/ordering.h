// The ordering oracle (O10). The journal is a prefix and pmem lines persist as prefixes by
// construction of the persist graph; what is checked here is the part a model can get wrong:
// on an XFS-like file system an I/O-completion transaction (unwritten conversion, size update)
// that is durable implies the data of the I/O it records is durable (O10 d: the size never runs
// ahead of the data it covers, and a conversion never exposes a block's old contents).
#pragma once

#include <vector>

#include "sim/oracles/finding.h"

namespace crashsim {

void CheckOrdering(const CrashContext& context, std::vector<Finding>* findings);

}  // namespace crashsim
