// The map-sync oracle (O4): a page mapped writable through a `sync` mapping stays reachable at
// its file offset, at the same block, in every later crash, unless a later map change unmapped it.
// A store persisted at the cache-line level is then readable after the crash. MAP_SYNC makes no
// data-durability promise by itself: what is checked is the recovered extent map.
#pragma once

#include <vector>

#include "sim/oracles/finding.h"

namespace crashsim {

void CheckMapSync(const CrashContext& context, std::vector<Finding>* findings);

}  // namespace crashsim
