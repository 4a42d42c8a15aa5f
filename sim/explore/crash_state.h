// CrashState: the state a violation's crash leaves, in lines a reader can check by hand
// (issue #6: "the state of the involved cache lines, pages, extents and journal records at the
// crash"): the journal (what is forced, what is only committed in memory, what this crash keeps),
// each file's logged size, flags and extent map with its mapping-tree entries and their tags, and
// each pending device write (pmem line or sector) with its durable and its visible bytes and
// whether the witness image kept it.
#pragma once

#include <string>
#include <vector>

#include "models/machine.h"
#include "models/recovery.h"

namespace crashsim {

std::vector<std::string> DescribeCrashState(const Machine& machine, const CrashImage& witness);

}  // namespace crashsim
