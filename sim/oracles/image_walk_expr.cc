#include "sim/oracles/image_walk_expr.h"

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "sim/base/check.h"
#include "sim/oracles/recorded_result.h"
#include "sim/program/setup.h"

namespace crashsim {
namespace {

bool Done(const Scenario& s, const Machine& m, const std::string& process,
          const std::string& label) {
  const int p = s.ProcessIndex(process);
  return p >= 0 && m.processes[p].done_labels.count(label) > 0;
}

// The bytes a DATA value stands for when compared with `length` bytes of `path` at `start` (as
// the assertion checker reads it: `old` outside a file range stands for no bytes).
std::vector<uint8_t> Expected(const Scenario& s, const DataValue& d, size_t length,
                              const std::string& path, uint64_t start) {
  switch (d.kind) {
    case DataValue::Kind::kBytes:
      return d.bytes;
    case DataValue::Kind::kZero:
      return std::vector<uint8_t>(length, 0);
    case DataValue::Kind::kOld:
      return InitialContents(s, path, start, start + length).value_or(std::vector<uint8_t>{});
  }
  return {};
}

}  // namespace

class CompiledAssertion::Compiler {
 public:
  Compiler(const Scenario& s, const Machine& m, const RecoveredState& recovered,
           const ImageWalk& walk, CompiledAssertion* out)
      : s_(s), m_(m), recovered_(recovered), walk_(walk), out_(out) {}

  uint32_t Compile(const Expr& e) {
    switch (e.kind) {
      case Expr::Kind::kRangeEq:
      case Expr::Kind::kRangeNe:
      case Expr::Kind::kRangeIn:
        return Range(e);
      case Expr::Kind::kValueEq:
      case Expr::Kind::kValueNe:
      case Expr::Kind::kValueIn: {
        std::optional<std::vector<uint8_t>> value;
        const int p = s_.ProcessIndex(e.process);
        if (p >= 0) {
          const auto& values = m_.processes[p].values;
          auto it = values.find(e.name);
          if (it != values.end()) value = it->second;
        }
        bool in = false;
        if (value) {
          for (const DataValue& d : e.values) {
            in = in || Expected(s_, d, value->size(), "", 0) == *value;
          }
        }
        return Constant(e.kind == Expr::Kind::kValueNe ? !in : in);
      }
      case Expr::Kind::kResultEq:
      case Expr::Kind::kResultNe:
      case Expr::Kind::kResultIn:
        return Constant(ResultLeafHolds(e, RecordedResult(s_, m_, e)));
      case Expr::Kind::kSizeEq: {
        const RecoveredFile* file = recovered_.File(e.path);
        return Constant(file && file->core.size_bytes == e.size);
      }
      case Expr::Kind::kSealed: {
        const RecoveredFile* file = recovered_.File(e.path);
        return Constant(file && file->core.sealed);
      }
      case Expr::Kind::kExists:
        return Constant(recovered_.Exists(e.path));
      case Expr::Kind::kDone:
        return Constant(Done(s_, m_, e.process, e.name));
      case Expr::Kind::kNot: {
        const uint32_t a = Compile(e.children[0]);
        return IsConstant(a) ? Constant(!Value(a)) : Add({Node::Kind::kNot, false, false, a, 0});
      }
      case Expr::Kind::kAnd:
      case Expr::Kind::kOr:
      case Expr::Kind::kImplies:
        return Chain(e);
    }
    CRASHSIM_CHECK_MSG(false, "an assertion kind the image walk does not know");
    return 0;
  }

 private:
  uint32_t Add(Node node) {
    out_->nodes_.push_back(node);
    return static_cast<uint32_t>(out_->nodes_.size() - 1);
  }
  uint32_t Constant(bool value) { return Add({Node::Kind::kConst, value, false, 0, 0}); }
  bool IsConstant(uint32_t n) const { return out_->nodes_[n].kind == Node::Kind::kConst; }
  bool Value(uint32_t n) const { return out_->nodes_[n].value; }

  uint32_t Range(const Expr& e) {
    const bool negate = e.kind == Expr::Kind::kRangeNe;
    const RecoveredFile* file = recovered_.File(e.path);
    // No value (a missing file, a range past EOF) is in no set.
    if (file == nullptr || e.end > file->core.size_bytes) return Constant(negate);
    Leaf leaf;
    bool reads_image = false;
    for (uint64_t offset = e.start; offset < e.end; ++offset) {
      const std::optional<uint64_t> address = recovered_.DeviceAddress(file->ino, offset);
      const std::optional<uint32_t> at = address ? walk_.ImageOffset(*address) : std::nullopt;
      if (at) {
        leaf.offsets.push_back(static_cast<int32_t>(*at));
        leaf.constants.push_back(0);
        reads_image = true;
      } else {
        // A hole or unwritten extent reads zero; a line no pending store touches, the media.
        leaf.offsets.push_back(-1);
        leaf.constants.push_back(address ? m_.device.media().Read(*address, 1).bytes[0] : 0);
      }
    }
    for (const DataValue& d : e.values) {
      leaf.expected.push_back(Expected(s_, d, e.end - e.start, e.path, e.start));
    }
    if (!reads_image) return Constant(out_->In(leaf, nullptr) != negate);
    out_->leaves_.push_back(std::move(leaf));
    return Add({Node::Kind::kRange, false, negate,
                static_cast<uint32_t>(out_->leaves_.size() - 1), 0});
  }

  // A chain of `&&`, `||` or `->` (c1 -> ... -> cn is !c1 || ... || !c(n-1) || cn) as one
  // n-ary node over its operands that are not constant, or a constant when one decides it.
  uint32_t Chain(const Expr& e) {
    const bool is_and = e.kind == Expr::Kind::kAnd;
    std::vector<uint32_t> operands;
    for (size_t i = 0; i < e.children.size(); ++i) {
      uint32_t operand = Compile(e.children[i]);
      const bool negated = e.kind == Expr::Kind::kImplies && i + 1 < e.children.size();
      if (IsConstant(operand)) {
        const bool value = Value(operand) != negated;
        if (value != is_and) return Constant(value);  // false decides `&&`, true decides `||`
        continue;                                     // a neutral operand
      }
      if (negated) operand = Add({Node::Kind::kNot, false, false, operand, 0});
      operands.push_back(operand);
    }
    if (operands.empty()) return Constant(is_and);
    if (operands.size() == 1) return operands.front();
    const uint32_t first = static_cast<uint32_t>(out_->operands_.size());
    out_->operands_.insert(out_->operands_.end(), operands.begin(), operands.end());
    return Add({is_and ? Node::Kind::kAnd : Node::Kind::kOr, false, false, first,
                static_cast<uint32_t>(operands.size())});
  }

  const Scenario& s_;
  const Machine& m_;
  const RecoveredState& recovered_;
  const ImageWalk& walk_;
  CompiledAssertion* out_;
};

std::optional<CompiledAssertion> CompiledAssertion::Compile(const Assertion& assertion,
                                                            const Scenario& scenario,
                                                            const Machine& machine,
                                                            const RecoveredState& recovered,
                                                            const ImageWalk& walk) {
  if (assertion.after &&
      !Done(scenario, machine, assertion.after->first, assertion.after->second)) {
    return std::nullopt;
  }
  CompiledAssertion compiled;
  Compiler compiler(scenario, machine, recovered, walk, &compiled);
  compiled.root_ = compiler.Compile(assertion.check);
  // Leaves folded away leave extra lines here: a needless re-evaluation, never a missed one.
  std::set<uint32_t> lines;
  for (const Leaf& leaf : compiled.leaves_) {
    for (int32_t offset : leaf.offsets) {
      if (offset >= 0) lines.insert(static_cast<uint32_t>(offset / kLineBytes));
    }
  }
  compiled.lines_read_.assign(lines.begin(), lines.end());
  return compiled;
}

bool CompiledAssertion::In(const Leaf& leaf, const uint8_t* bytes) const {
  const size_t n = leaf.offsets.size();
  for (const std::vector<uint8_t>& expected : leaf.expected) {
    if (expected.size() != n) continue;
    bool equal = true;
    for (size_t i = 0; i < n && equal; ++i) {
      const uint8_t byte = leaf.offsets[i] >= 0 ? bytes[leaf.offsets[i]] : leaf.constants[i];
      equal = byte == expected[i];
    }
    if (equal) return true;
  }
  return false;
}

bool CompiledAssertion::Eval(uint32_t index, const uint8_t* bytes) const {
  const Node& node = nodes_[index];
  switch (node.kind) {
    case Node::Kind::kConst:
      return node.value;
    case Node::Kind::kRange:
      return In(leaves_[node.a], bytes) != node.negate;
    case Node::Kind::kNot:
      return !Eval(node.a, bytes);
    case Node::Kind::kAnd:
      for (uint32_t i = node.a; i < node.a + node.b; ++i) {
        if (!Eval(operands_[i], bytes)) return false;
      }
      return true;
    case Node::Kind::kOr:
      for (uint32_t i = node.a; i < node.a + node.b; ++i) {
        if (Eval(operands_[i], bytes)) return true;
      }
      return false;
  }
  return false;
}

}  // namespace crashsim
