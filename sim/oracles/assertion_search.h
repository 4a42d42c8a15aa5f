// SearchAssertion: decides one assertion over every crash image of a chosen journal prefix without
// enumerating the product of the pending writes it reads (docs/architecture.md, "Crash space").
//
// The images differ only in which pending writes covering the assertion's bytes persisted, and a
// feasible choice keeps, with each kept write, every write that must persist before it (a downset
// of the persist order projected onto those writes). The search walks partial choices: each write
// kept, lost or not yet decided. On a partial choice it evaluates the expression in three values:
// a byte is decided when the latest write covering it that is not lost is kept (or every one is
// lost: the byte then reads as the forced prefix leaves it); a range comparison is false as soon
// as some byte cannot take the compared value, true when every byte is decided and matches; the
// connectives combine as Kleene's logic. A decided true prunes every completion; a decided false
// is a violation whatever the undecided writes do. Otherwise it branches, lost then kept, on one
// undecided write that an undecided leaf still depends on (the latest write of its first undecided
// byte that is not lost), and propagates the order: a lost write loses everything after it, a
// kept one keeps everything before it. So a 256-byte store torn into 32 pieces costs a handful of
// steps for `flag -> data`, not 2^32 images.
//
// What it promises:
// - kHolds: the assertion holds in every image of the prefix; kViolated: it fails in `witness`, a
//   downset image (the decided choice completed by keeping every undecided write whose
//   predecessors are kept, which loses as little as possible). The caller re-checks the witness
//   with the ordinary evaluator (ExprEvaluator).
// - kGaveUp after `max_steps` partial choices: nothing is decided; the caller enumerates instead.
// - Deterministic: the branching order depends only on the expression and the machine state.
#pragma once

#include <cstdint>

#include "models/recovery.h"
#include "sim/oracles/finding.h"
#include "sim/scenario/scenario.h"

namespace crashsim {

struct SearchOutcome {
  enum class Kind { kHolds, kViolated, kGaveUp };
  Kind kind = Kind::kGaveUp;
  CrashImage witness;      // kViolated
  uint64_t steps = 0;      // partial choices evaluated
  size_t variables = 0;    // pending writes, not forced by the prefix, covering the bytes read
};

// REQUIRES: `context.space` has a journal prefix chosen (not a whole image).
SearchOutcome SearchAssertion(const CrashContext& context, const Expr& check, uint64_t max_steps);

}  // namespace crashsim
