// The coherence oracle (O8): on paths that share one copy of the data (buffered read/write and
// mmap of a non-DAX file; every path of a DAX file), a read returns, for every byte, the value of
// the latest write to it in coherence order, or the reader's own store still in its store buffer.
// Direct I/O mixed with the page cache promises no such thing and is not checked.
#pragma once

#include <vector>

#include "sim/oracles/finding.h"
#include "sim/program/program.h"

namespace crashsim {

// `texts` is the scenario's text_runs, for rendering bytes.
void CheckReadCoherent(const Machine& machine, const TextRuns& texts, const ObservedRead& read,
                       std::vector<Finding>* findings);

}  // namespace crashsim
