// The scenario's own assertions (docs/scenario-format.md, "Assertions"), evaluated in each
// recovered state: file bytes, sizes, flags and existence after recovery, values recorded by loads
// and reads, and which labelled ops had returned before the crash. An assertion with `after`
// applies only at crash points where that op had returned.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/oracles/finding.h"

namespace crashsim {

// Each assertion is decided over every feasible combination of the pending writes covering the
// bytes it reads. With `search` (the default; a reduction, switchable off) the combinations are
// searched with three-valued evaluation (assertion_search.h), which decides `flag -> data` over a
// torn store of any width in a few steps; the witness of a violation is re-checked by the
// ordinary evaluator. Where the search gives up after kSearchStepsMax steps, or with `search` off,
// the combinations are enumerated, at most kJointImagesMax per assertion.
inline constexpr uint64_t kJointImagesMax = uint64_t{1} << 16;
inline constexpr uint64_t kSearchStepsMax = uint64_t{1} << 14;
// A violation's shown witness is the first violating image in enumeration order when the search
// had at most this many writes to decide (2^16 combinations, within kJointImagesMax): the witness
// of the enumeration, so traces do not depend on the switch for spaces the enumeration covers.
inline constexpr size_t kEnumeratedWitnessWritesMax = 16;

// An assertion whose combinations exceeded kJointImagesMax at this crash point: the run is then
// not exhaustive.
struct AssertionCut {
  std::string assertion;
  uint64_t images = 0;  // combinations checked before the cap stopped the enumeration
};

// Returns false when some assertion's space was cut short; *cut (when given) then names the first.
bool CheckAssertions(const CrashContext& context, bool search, std::vector<Finding>* findings,
                     std::optional<AssertionCut>* cut = nullptr);

}  // namespace crashsim
