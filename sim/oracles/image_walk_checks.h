// ImageChecks: every check that reads an ImageWalk's bytes, compiled once per crash point and
// kept current as the walk steps, so that checking an image costs only what its step changed.
//
// What it promises: on every image of the walk, FailingNames() is exactly the set of names the
// slow path reports for that image among the checks compiled here, the slow path being the
// image's RecoveredState with CheckAssertions, CheckDurability and CheckNoStaleData (sim/oracles)
// on a CrashSpace fixed to the image. Compiled: the scenario's assertions (CompiledAssertion) and
// the durability and no-stale-data guarantees (ByteRules). map-sync, immutable and ordering read
// only metadata at such a crash point (ordering by WhyNotApplicable's condition), so they are the
// same in every image and are left to one slow check.
//
// How: a byte-level guarantee depends only on which store is the latest persisted at each byte,
// so each store carries, per line it touches, a 64-bit mask of the bytes it would make break the
// guarantee; a line's mask follows in O(1) as stores enter (saving what they cover) and leave
// (restoring it), and a guarantee fails while any line's mask is non-zero. Assertions are
// re-evaluated only when a line they read changed. A guarantee no image can break there is
// dropped at compile time.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "models/machine.h"
#include "sim/crash/image_walk.h"
#include "sim/oracles/image_walk_expr.h"
#include "sim/scenario/scenario.h"

namespace crashsim {

class ImageChecks {
 public:
  // REQUIRES: `walk` was built for `machine`, stands at its first image (nothing persisted) and
  // outlives this object (the checks read its bytes in place).
  ImageChecks(const Scenario& scenario, const Machine& machine, const ImageWalk& walk);

  // Brings the verdict up to date after walk.Next() returned true.
  void Update(const ImageWalk& walk);

  bool any_failing() const { return failing_names_ > 0; }
  // The names failing on the current image, sorted.
  std::vector<std::string> FailingNames() const;

  // What was compiled (for the benchmark, and for tests that must not pass vacuously): assertions
  // that read the image, byte-level guarantees some image can break, names failing in every image.
  size_t assertions_compiled() const { return assertions_.size(); }
  size_t byte_guarantees_compiled() const { return kinds_; }
  size_t constant_failures() const;

 private:
  uint32_t NameId(const std::string& name);
  void FailConstant(uint32_t name);
  void CompileByteGuarantees(const Machine& machine, const RecoveredState& recovered,
                             const ImageWalk& walk);
  void SetAssertion(size_t assertion, bool failing);
  void SetKindBad(size_t kind, bool bad);
  void SetNameDynamic(uint32_t name, bool up);

  const uint8_t* bytes_ = nullptr;  // the walk's image
  std::vector<std::string> names_;
  std::vector<uint8_t> constant_failing_;  // per name
  std::vector<uint32_t> dynamic_failing_;  // per name: its compiled checks failing now
  size_t failing_names_ = 0;

  // Byte-level guarantees that some image can break: `kinds_` of them. Per event, its touches
  // (one per line): the line, the bytes it covers there, per kind the bytes it makes bad, and per
  // kind what the line's mask held under those bytes when it entered.
  size_t kinds_ = 0;
  std::vector<uint32_t> kind_name_;
  std::vector<uint32_t> touch_begin_;  // per event, and one past the last
  std::vector<uint32_t> touch_line_;
  std::vector<uint64_t> touch_covered_;
  std::vector<uint64_t> touch_bad_, touch_saved_;  // [touch * kinds_ + kind]
  std::vector<uint64_t> line_bad_;                 // [line * kinds_ + kind]
  std::vector<uint32_t> bad_lines_;                // per kind: lines with a non-zero mask

  // Assertions that read the image, and per tracked line those that read it.
  std::vector<CompiledAssertion> assertions_;
  std::vector<uint32_t> assertion_name_;
  std::vector<uint8_t> assertion_failing_;
  std::vector<uint32_t> line_assertion_begin_, line_assertions_;
  std::vector<uint32_t> assertion_stamp_;
  uint32_t stamp_ = 1;
  std::vector<uint32_t> dirty_;
};

struct ImageCheckTotals {
  uint64_t images = 0;          // images visited
  uint64_t failing_images = 0;  // of which some compiled check failed
  bool complete = false;        // every image of the walk was visited
};

// Visits the walk's images from the current one on, at most `limit` of them, keeping `checks`
// current; calls `visit` (when given) on each, and stops when it returns false.
ImageCheckTotals CheckImages(
    ImageWalk& walk, ImageChecks& checks, uint64_t limit,
    const std::function<bool(const ImageWalk&, const ImageChecks&)>& visit = {});

}  // namespace crashsim
