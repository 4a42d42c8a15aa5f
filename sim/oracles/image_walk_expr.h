// CompiledAssertion: one of the scenario's assertions compiled, at one crash point, into an
// expression over an ImageWalk's byte image.
//
// What it promises: Holds(bytes) is what CheckAssertions decides for the image whose bytes they
// are, for every image of the walk. That rests on the recovered metadata being the same in every
// image (ImageWalk::WhyNotApplicable): each file range then resolves once to device addresses
// (read from the image where a pending store touches their line, else constant media bytes) or
// to constant zeroes (holes, unwritten extents), and sizes, flags, existence, `done(...)` and
// recorded values are constants. Constant subexpressions are folded, so an assertion the image
// cannot change compiles to a constant.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "models/machine.h"
#include "models/recovery.h"
#include "sim/crash/image_walk.h"
#include "sim/scenario/scenario.h"

namespace crashsim {

class CompiledAssertion {
 public:
  // nullopt when the assertion says nothing at this crash point (its `after` op had not
  // returned). `recovered`: the metadata every image recovers to.
  static std::optional<CompiledAssertion> Compile(const Assertion& assertion,
                                                  const Scenario& scenario, const Machine& machine,
                                                  const RecoveredState& recovered,
                                                  const ImageWalk& walk);

  // True when no image can change the verdict; it is then constant_value().
  bool constant() const { return nodes_[root_].kind == Node::Kind::kConst; }
  bool constant_value() const { return nodes_[root_].value; }
  // The verdict on the image whose bytes are `bytes` (ImageWalk::bytes()).
  bool Holds(const uint8_t* bytes) const { return Eval(root_, bytes); }
  // The tracked lines (indices into ImageWalk::tracked_lines()) whose bytes it reads, ascending.
  const std::vector<uint32_t>& lines_read() const { return lines_read_; }

 private:
  struct Node {
    enum class Kind : uint8_t { kConst, kRange, kNot, kAnd, kOr };
    Kind kind = Kind::kConst;
    bool value = false;     // kConst
    bool negate = false;    // kRange: `!=` rather than `==` or `in`
    // kRange: a is the leaf; kNot: a is the child; kAnd, kOr: the children are
    // operands_[a, a + b) (an implication is compiled as the `||` it equals).
    uint32_t a = 0, b = 0;
  };
  // The bytes of one range: each from the image (offset >= 0) or a constant; the values it may
  // equal.
  struct Leaf {
    std::vector<int32_t> offsets;
    std::vector<uint8_t> constants;
    std::vector<std::vector<uint8_t>> expected;
  };
  class Compiler;

  bool Eval(uint32_t node, const uint8_t* bytes) const;
  bool In(const Leaf& leaf, const uint8_t* bytes) const;

  std::vector<Node> nodes_;
  std::vector<uint32_t> operands_;
  std::vector<Leaf> leaves_;
  uint32_t root_ = 0;
  std::vector<uint32_t> lines_read_;
};

}  // namespace crashsim
