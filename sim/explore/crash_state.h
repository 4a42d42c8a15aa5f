// CrashState: the state a violation's crash leaves, in lines a reader can check by hand
// (issue #6: "the state of the involved cache lines, pages, extents and journal records at the
// crash"): the journal (what is forced, what is only committed in memory, what this crash keeps);
// when a name changed (since the start, in core, or in what this crash recovers) each directory's
// entries, in core and after this crash; each file, named by its path (an inode that lost its
// name by the path this crash leaves it, or its last name), with its logged size, flags and
// extent map with its mapping-tree entries and their tags; and each pending device write (pmem
// line or sector) with its durable and its visible bytes (as the scenario writes them: text it
// wrote as text, Scenario::text_runs) and whether the witness image kept it.
#pragma once

#include <string>
#include <vector>

#include "models/machine.h"
#include "models/recovery.h"
#include "sim/scenario/scenario.h"

namespace crashsim {

std::vector<std::string> DescribeCrashState(const Scenario& scenario, const Machine& machine,
                                            const CrashImage& witness);

}  // namespace crashsim
