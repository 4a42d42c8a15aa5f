// ByteRules: what the byte-level guarantees require of each device byte at one crash point whose
// images all recover to the same metadata (ImageWalk::WhyNotApplicable), so that the walk can
// check them per byte, on whichever store is the latest persisted at it.
//
// What it promises: an image breaks guarantee G, as CheckDurability and CheckNoStaleData decide
// it for that image, exactly when G is in `failing_regardless` or some byte's value and origin in
// the image break G's rule at that byte (Breaks). The rules follow the oracles' definitions:
// - durability (fsync, fdatasync, sync-write, msync, sync): each covered byte within the
//   recovered size must read as the last covered write or a later one (zero too after a later
//   size cut); what the metadata alone decides (a missing file, the size, the timestamps, a
//   covered byte past EOF or in a hole) goes to `failing_regardless`;
// - no-stale-data: each byte within EOF of a written extent must be zero or have an origin
//   legitimate at its file offset (at each, when a block is shared).
#pragma once

#include <bitset>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "models/machine.h"
#include "models/recovery.h"

namespace crashsim {

struct ByteRule {
  std::bitset<256> allowed = std::bitset<256>().set();  // the values it may read
  std::vector<std::pair<uint32_t, uint64_t>> places;    // (ino, offset): origins must suit each
};

struct ByteRules {
  std::map<std::string, std::map<uint64_t, ByteRule>> by_name;  // guarantee -> address -> rule
  std::set<std::string> failing_regardless;
};

// `recovered`: the metadata every image recovers to.
ByteRules CompileByteRules(const Machine& machine, const RecoveredState& recovered);

// Whether a byte reading `value` with provenance `origin` breaks `rule`.
bool Breaks(const Machine& machine, const ByteRule& rule, uint8_t value, Origin origin);

}  // namespace crashsim
