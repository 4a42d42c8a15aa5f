// Checks what an assertion's expression refers to.
#include "sim/scenario/expr_checker.h"

#include <optional>

#include "sim/scenario/return_if_error.h"
#include "sim/scenario/syntax.h"

namespace crashsim {
namespace {

std::string ProcessList(const ProgramFacts& facts) {
  std::string list;
  for (const auto& [name, unused] : facts) list += (list.empty() ? "" : ", ") + name;
  return list.empty() ? "none" : list;
}

std::string ByteCount(uint64_t count) {
  return std::to_string(count) + (count == 1 ? " byte" : " bytes");
}

Status FindProcess(const ProgramFacts& facts, const std::string& process,
                   const ProcessFacts** out) {
  const auto found = facts.find(process);
  if (found == facts.end()) {
    return Status::Error("no process " + Quote(process) + " (processes: " + ProcessList(facts) +
                         ")");
  }
  *out = &found->second;
  return Status();
}

// The op whose result P.x names: its label, or the name it binds (not a load's or pread's value).
std::optional<size_t> ResultOp(const ProcessFacts& process, const std::string& name) {
  const auto label = process.label_ops.find(name);
  if (label != process.label_ops.end()) return label->second;
  const auto bound = process.result_ops.find(name);
  if (bound != process.result_ops.end()) return bound->second;
  return std::nullopt;
}

Status CheckValue(const ProgramFacts& facts, Expr* expr) {
  const ProcessFacts* process = nullptr;
  RETURN_IF_ERROR(FindProcess(facts, expr->process, &process));
  const auto found = process->value_lengths.find(expr->name);
  if (found == process->value_lengths.end()) {
    if (const std::optional<size_t> op = ResultOp(*process, expr->name)) {
      return Status::Error(expr->process + "." + expr->name + " is the result of " +
                           Quote(process->op_texts[*op]) +
                           ", a count or an errno name, not bytes: expected a count or an errno "
                           "name after the comparison (" + expr->process + "." + expr->name +
                           " == 0, " + expr->process + "." + expr->name + " in { 0, EINVAL })");
    }
    return Status::Error(expr->process + " binds no value " + Quote(expr->name) +
                         " with 'x = load ...' or 'x = pread ...'");
  }
  expr->value_length = found->second;
  const std::string value = expr->process + "." + expr->name;
  for (const DataValue& data : expr->values) {
    if (data.kind == DataValue::Kind::kOld) {
      return Status::Error("'old' is the content of a file range before the first step; " + value +
                           " is a loaded value");
    }
    if (data.kind == DataValue::Kind::kBytes && data.bytes.size() != found->second) {
      return Status::Error("DATA of " + ByteCount(data.bytes.size()) + " compared with " + value +
                           ", which holds " + ByteCount(found->second) +
                           " (the LENGTH its op reads)");
    }
  }
  return Status();
}

// Ops whose result may be a count other than 0: the bytes written or read, or lseek's new offset.
bool ReturnsCount(OpKind kind) {
  return kind == OpKind::kPwrite || kind == OpKind::kPread || kind == OpKind::kLoad ||
         kind == OpKind::kWrite || kind == OpKind::kWritev || kind == OpKind::kPwritev ||
         kind == OpKind::kLseek;
}

Status CheckResult(const ProgramFacts& facts, Expr* expr) {
  const ProcessFacts* process = nullptr;
  RETURN_IF_ERROR(FindProcess(facts, expr->process, &process));
  const std::string value = expr->process + "." + expr->name;
  const auto label = process->label_ops.find(expr->name);
  const auto bound = process->result_ops.find(expr->name);
  if (label != process->label_ops.end() && bound != process->result_ops.end() &&
      label->second != bound->second) {
    return Status::Error(value + " is ambiguous: " + Quote(expr->name) + " labels " +
                         Quote(process->op_texts[label->second]) + " and is bound by " +
                         Quote(process->op_texts[bound->second]));
  }
  const std::optional<size_t> op = ResultOp(*process, expr->name);
  if (!op) {
    const auto read = process->value_ops.find(expr->name);
    if (read != process->value_ops.end()) {
      return Status::Error(value + " holds the bytes read by " +
                           Quote(process->op_texts[read->second]) +
                           ": compare it with DATA ('text', 0x..., fill(HH, N), zero); to compare "
                           "that op's result, label it ('r: " + process->op_texts[read->second] +
                           "') and compare " + expr->process + ".r");
    }
    return Status::Error(expr->process + " has no label or bound name " + Quote(expr->name) +
                         " whose op's result could be compared");
  }
  const OpKind kind = process->op_kinds[*op];
  for (const std::string& result : expr->results) {
    const bool count = result[0] >= '0' && result[0] <= '9';
    if (count && result != "0" && !ReturnsCount(kind)) {
      return Status::Error(value + " is the result of " + Quote(process->op_texts[*op]) +
                           ", which returns 0 or an errno name, never the count " + result);
    }
  }
  expr->result_op = *op;
  return Status();
}

Status CheckOld(const std::map<std::string, uint64_t>& file_sizes, const Expr& expr) {
  bool uses_old = false;
  for (const DataValue& data : expr.values)
    uses_old = uses_old || data.kind == DataValue::Kind::kOld;
  if (!uses_old) return Status();
  const auto found = file_sizes.find(expr.path);
  if (found == file_sizes.end()) {
    return Status::Error("'old' of " + expr.path + ": " + expr.path +
                         " is not among the scenario's files, so it has no content before the "
                         "first step");
  }
  if (expr.end > found->second) {
    return Status::Error("'old' of " + expr.path + "[" + std::to_string(expr.start) + ":" +
                         std::to_string(expr.end) + "]: " + expr.path + " holds only " +
                         ByteCount(found->second) + " before the first step");
  }
  return Status();
}

}  // namespace

Status CheckLabelRef(const ProgramFacts& facts, const std::string& process,
                     const std::string& label) {
  const ProcessFacts* found = nullptr;
  RETURN_IF_ERROR(FindProcess(facts, process, &found));
  if (found->labels.count(label) == 0) {
    return Status::Error(process + " has no label " + Quote(label));
  }
  return Status();
}

Status CheckExpr(const ProgramFacts& facts, const std::map<std::string, uint64_t>& file_sizes,
                 Expr* expr) {
  switch (expr->kind) {
    case Expr::Kind::kRangeEq:
    case Expr::Kind::kRangeNe:
    case Expr::Kind::kRangeIn: return CheckOld(file_sizes, *expr);
    case Expr::Kind::kValueEq:
    case Expr::Kind::kValueNe:
    case Expr::Kind::kValueIn: return CheckValue(facts, expr);
    case Expr::Kind::kResultEq:
    case Expr::Kind::kResultNe:
    case Expr::Kind::kResultIn: return CheckResult(facts, expr);
    case Expr::Kind::kDone: return CheckLabelRef(facts, expr->process, expr->name);
    case Expr::Kind::kSizeEq:
    case Expr::Kind::kSealed:
    case Expr::Kind::kExists: return Status();
    case Expr::Kind::kNot:
    case Expr::Kind::kAnd:
    case Expr::Kind::kOr:
    case Expr::Kind::kImplies:
      for (Expr& child : expr->children) RETURN_IF_ERROR(CheckExpr(facts, file_sizes, &child));
      return Status();
  }
  return Status();
}

}  // namespace crashsim
