// The no-stale-data oracle (O6): a byte read within EOF, before or after a crash, must be zero or
// a byte that was written to that file at that offset. Block provenance decides: every device byte
// carries the origin of whoever put it there (models/origin.h), so a block that still holds
// another file's data or the device's old free-space contents shows, whatever its value.
#pragma once

#include <vector>

#include "sim/oracles/finding.h"
#include "sim/program/program.h"

namespace crashsim {

void CheckNoStaleData(const CrashContext& context, std::vector<Finding>* findings);
// A read that a process made before any crash; `texts` is the scenario's text_runs.
void CheckReadNotStale(const Machine& machine, const TextRuns& texts, const ObservedRead& read,
                       std::vector<Finding>* findings);

}  // namespace crashsim
