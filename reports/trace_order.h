// The canonical order of violation traces: which of two traces of one violated name is shown.
//
// A report shows one trace per violated name, and which one must not depend on how the work was
// done (exploration order, how many shards, which shard found it). This order decides it: the
// shorter schedule first, then the fewer lost persist events, then the least canonical key (the
// schedule's actors and texts, the crash point and the observed value, with separator bytes that
// do not occur in trace text). The explorer keeps the preferred trace while it searches, and
// merging shard reports keeps the preferred one among the shards', so both give the same trace.
#pragma once

#include <string>

#include "sim/engine/result.h"

namespace crashsim {

// The key that breaks ties between traces of equal length and equal lost-event count: for each
// schedule step actor + "\x1f" + text + "\x1e", then "\x1d" + crash_point + "\x1d" + observed.
std::string CanonicalTraceKey(const Violation& violation);

// True if `a` comes strictly before `b` in the canonical order, i.e. `a` should be shown instead
// of `b`. Traces that tie (equal length, lost count and key) are not preferred to each other.
bool PreferredTrace(const Violation& a, const Violation& b);

}  // namespace crashsim
