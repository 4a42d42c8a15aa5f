#include "sim/oracles/assertions.h"

#include <fmt/format.h>

#include <optional>
#include <vector>

#include "sim/engine/setup.h"
#include "sim/oracles/byte_runs.h"

namespace crashsim {
namespace {

class Evaluator {
 public:
  Evaluator(const CrashContext& c, const RecoveredState& state) : c_(c), state_(state) {}

  bool Eval(const Expr& e) {
    switch (e.kind) {
      case Expr::Kind::kRangeEq:
      case Expr::Kind::kRangeNe:
      case Expr::Kind::kRangeIn: {
        // As runs, so that a large range over holes or untouched blocks costs its pieces.
        const auto value = ReadRangeRuns(c_.machine, state_, e.path, e.start, e.end);
        Note(fmt::format("{}[{}:{}] = {}", e.path, e.start, e.end,
                         value ? RenderRuns(*value) : "no value"));
        const bool in = value && Matches(*value, e, e.path);
        return e.kind == Expr::Kind::kRangeNe ? !in : in;
      }
      case Expr::Kind::kValueEq:
      case Expr::Kind::kValueNe:
      case Expr::Kind::kValueIn: {
        const std::optional<std::vector<uint8_t>> value = RecordedValue(e.process, e.name);
        Note(fmt::format("{}.{} = {}", e.process, e.name,
                         value ? RenderBytes(*value) : "no value"));
        bool in = false;
        if (value) {
          for (const DataValue& d : e.values) in = in || Expected(d, value->size(), "", 0) == *value;
        }
        return e.kind == Expr::Kind::kValueNe ? !in : in;
      }
      case Expr::Kind::kSizeEq: {
        const RecoveredFile* file = state_.File(e.path);
        Note(file ? fmt::format("size({}) = {}", e.path, file->core.size_bytes)
                  : fmt::format("{} does not exist", e.path));
        return file && file->core.size_bytes == e.size;
      }
      case Expr::Kind::kSealed: {
        const RecoveredFile* file = state_.File(e.path);
        Note(fmt::format("sealed({}) = {}", e.path, file && file->core.sealed));
        return file && file->core.sealed;
      }
      case Expr::Kind::kExists:
        Note(fmt::format("exists({}) = {}", e.path, state_.Exists(e.path)));
        return state_.Exists(e.path);
      case Expr::Kind::kDone: {
        const bool done = Done(e.process, e.name);
        Note(fmt::format("done({}.{}) = {}", e.process, e.name, done));
        return done;
      }
      case Expr::Kind::kNot:
        return !Eval(e.children[0]);
      // Chains are evaluated left to right, stopping where the result is decided, as the
      // nested binary forms would be (so the notes of what was read are the same).
      case Expr::Kind::kAnd:
        for (const Expr& child : e.children) {
          if (!Eval(child)) return false;
        }
        return true;
      case Expr::Kind::kOr:
        for (const Expr& child : e.children) {
          if (Eval(child)) return true;
        }
        return false;
      case Expr::Kind::kImplies:
        for (size_t i = 0; i + 1 < e.children.size(); ++i) {
          if (!Eval(e.children[i])) return true;
        }
        return Eval(e.children.back());
    }
    return false;
  }

  bool Done(const std::string& process, const std::string& label) const {
    const int p = c_.scenario.ProcessIndex(process);
    return p >= 0 && c_.machine.processes[p].done_labels.count(label) > 0;
  }
  const std::vector<std::string>& notes() const { return notes_; }

 private:
  void Note(std::string text) { notes_.push_back(std::move(text)); }

  std::optional<std::vector<uint8_t>> RecordedValue(const std::string& process,
                                                    const std::string& name) const {
    const int p = c_.scenario.ProcessIndex(process);
    if (p < 0) return std::nullopt;
    const auto& values = c_.machine.processes[p].values;
    auto it = values.find(name);
    if (it == values.end()) return std::nullopt;
    return it->second;
  }

  std::vector<uint8_t> Expected(const DataValue& d, size_t length, const std::string& path,
                                uint64_t start) const {
    switch (d.kind) {
      case DataValue::Kind::kBytes:
        return d.bytes;
      case DataValue::Kind::kZero:
        return std::vector<uint8_t>(length, 0);
      case DataValue::Kind::kOld: {
        auto old = InitialContents(c_.scenario, path, start, start + length);
        return old.value_or(std::vector<uint8_t>{});
      }
    }
    return {};
  }

  bool Matches(const ByteRuns& value, const Expr& e, const std::string& path) const {
    for (const DataValue& d : e.values) {
      if (ExpectedRuns(d, value.size(), path, e.start) == value) return true;
    }
    return false;
  }

  // Expected, as runs: `zero` and `old` without materialising their bytes.
  ByteRuns ExpectedRuns(const DataValue& d, uint64_t length, const std::string& path,
                        uint64_t start) const {
    switch (d.kind) {
      case DataValue::Kind::kBytes:
        return ByteRuns::Of(d.bytes);
      case DataValue::Kind::kZero: {
        ByteRuns zero;
        zero.AppendFill(length, 0);
        return zero;
      }
      case DataValue::Kind::kOld:
        if (path.empty()) return ByteRuns();
        return InitialRuns(c_.scenario, path, start, start + length).value_or(ByteRuns());
    }
    return ByteRuns();
  }

  const CrashContext& c_;
  const RecoveredState& state_;
  std::vector<std::string> notes_;
};

// The device bytes an expression reads under the recovered metadata, block by block (a block's
// bytes sit together on the device; holes and unwritten extents read no device byte).
void CollectAddresses(const Expr& e, const RecoveredState& state, uint64_t block_size,
                      std::vector<AddressRange>* out) {
  if (e.kind == Expr::Kind::kRangeEq || e.kind == Expr::Kind::kRangeNe ||
      e.kind == Expr::Kind::kRangeIn) {
    const RecoveredFile* file = state.File(e.path);
    if (file == nullptr) return;
    const uint64_t end = std::min(e.end, file->core.size_bytes);
    if (e.start >= end) return;
    // Run by run: one range per written run, whatever its length.
    file->core.extents.ForEachRun(
        e.start / block_size, (end - 1) / block_size + 1, [&](const ExtentMap::Run& run) {
          if (run.start.state != ExtentState::kWritten) return true;
          const uint64_t lo = std::max(e.start, run.first * block_size);
          const uint64_t hi = std::min(end, run.end() * block_size);
          const uint64_t address = run.start.physical_block * block_size + (lo - run.first * block_size);
          out->push_back({address, address + (hi - lo)});
          return true;
        });
  }
  for (const Expr& child : e.children) CollectAddresses(child, state, block_size, out);
}

}  // namespace

bool CheckAssertions(const CrashContext& c, std::vector<Finding>* findings) {
  bool complete = true;
  for (const Assertion& assertion : c.scenario.assertions) {
    {
      Evaluator probe(c, c.recovered);
      if (assertion.after && !probe.Done(assertion.after->first, assertion.after->second)) {
        continue;
      }
    }
    std::vector<AddressRange> addresses;
    CollectAddresses(assertion.check, c.recovered, c.machine.block_size(), &addresses);
    std::optional<Finding> found;
    complete = c.space.ForEachJointImage(addresses, kJointImagesMax, [&](const CrashImage& image) {
      const RecoveredState state(c.machine, image);
      Evaluator evaluator(c, state);
      if (evaluator.Eval(assertion.check)) return true;
      Finding finding;
      finding.name = assertion.name;
      finding.promise = "assertion " + assertion.name +
                        (assertion.after ? " (after " + assertion.after->first + "." +
                                               assertion.after->second + ")"
                                         : "");
      std::string observed;
      for (const std::string& note : evaluator.notes()) {
        observed += (observed.empty() ? "" : "; ") + note;
      }
      finding.observed = observed;
      finding.expected = assertion.text;
      SetWitness(c, image, addresses, &finding);
      found = std::move(finding);
      return false;
    }) && complete;
    if (found) findings->push_back(std::move(*found));
  }
  return complete;
}

}  // namespace crashsim
