#include "sim/oracles/expr_eval.h"

#include <fmt/format.h>

#include "sim/oracles/byte_runs.h"
#include "sim/oracles/recorded_result.h"
#include "sim/program/setup.h"

namespace crashsim {

bool ExprEvaluator::Eval(const Expr& e) {
  switch (e.kind) {
    case Expr::Kind::kRangeEq:
    case Expr::Kind::kRangeNe:
    case Expr::Kind::kRangeIn: {
      // As runs, so that a large range over holes or untouched blocks costs its pieces.
      const auto value = ReadRangeRuns(c_.machine, state_, e.path, e.start, e.end);
      if (value) {
        Note(fmt::format("{}[{}:{}] = {}", e.path, e.start, e.end,
                         RenderRuns(*value, c_.scenario.text_runs)));
      } else if (const RecoveredFile* file = state_.File(e.path)) {
        // Bytes past the end of a file have no value (docs/scenario-format.md, "Expressions").
        Note(fmt::format("{}[{}:{}]: past the end of {} (size {})", e.path, e.start, e.end, e.path,
                         file->core.size_bytes));
      } else {
        Note(fmt::format("{}[{}:{}]: {} does not exist", e.path, e.start, e.end, e.path));
      }
      const bool in = value && Matches(*value, e);
      return e.kind == Expr::Kind::kRangeNe ? !in : in;
    }
    case Expr::Kind::kValueEq:
    case Expr::Kind::kValueNe:
    case Expr::Kind::kValueIn: {
      const std::optional<std::vector<uint8_t>> value = RecordedValue(e.process, e.name);
      Note(fmt::format("{}.{} = {}", e.process, e.name,
                       value ? RenderBytes(*value, c_.scenario.text_runs) : "no value"));
      bool in = false;
      if (value) {
        for (const DataValue& d : e.values) in = in || Expected(d, value->size(), "", 0) == *value;
      }
      return e.kind == Expr::Kind::kValueNe ? !in : in;
    }
    case Expr::Kind::kResultEq:
    case Expr::Kind::kResultNe:
    case Expr::Kind::kResultIn: {
      const std::optional<std::string> result = RecordedResult(c_.scenario, c_.machine, e);
      Note(fmt::format("{}.{} = {}", e.process, e.name, result.value_or("no result")));
      return ResultLeafHolds(e, result);
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

bool ExprEvaluator::Done(const std::string& process, const std::string& label) const {
  const int p = c_.scenario.ProcessIndex(process);
  return p >= 0 && c_.machine.processes[p].done_labels.count(label) > 0;
}

std::vector<std::vector<uint8_t>> ExprEvaluator::CandidateValues(const Expr& e,
                                                                 size_t length) const {
  std::vector<std::vector<uint8_t>> values;
  for (const DataValue& d : e.values) values.push_back(Expected(d, length, e.path, e.start));
  return values;
}

std::optional<std::vector<uint8_t>> ExprEvaluator::RecordedValue(const std::string& process,
                                                                 const std::string& name) const {
  const int p = c_.scenario.ProcessIndex(process);
  if (p < 0) return std::nullopt;
  const auto& values = c_.machine.processes[p].values;
  auto it = values.find(name);
  if (it == values.end()) return std::nullopt;
  return it->second;
}

std::vector<uint8_t> ExprEvaluator::Expected(const DataValue& d, size_t length,
                                             const std::string& path, uint64_t start) const {
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

bool ExprEvaluator::Matches(const ByteRuns& value, const Expr& e) const {
  for (const DataValue& d : e.values) {
    if (ExpectedRuns(d, value.size(), e.path, e.start) == value) return true;
  }
  return false;
}

ByteRuns ExprEvaluator::ExpectedRuns(const DataValue& d, uint64_t length, const std::string& path,
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

}  // namespace crashsim
