// The durability oracles: fsync (O1, strong form: every writer of the file), fdatasync (O2),
// sync-write (O3), msync, and sync. A returned promise covers every write to its range that
// happened before the call was invoked; after recovery each covered byte must read as the last
// covered write to it or as a write that followed it in coherence order (a later size cut lets
// it read as absent or zero). fsync and sync also promise the size and the timestamps at
// invocation; fdatasync the size.
#pragma once

#include <vector>

#include "sim/oracles/finding.h"

namespace crashsim {

void CheckDurability(const CrashContext& context, std::vector<Finding>* findings);

}  // namespace crashsim
