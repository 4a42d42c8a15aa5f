// Checks what an assertion's expression refers to.
#include "sim/scenario/expr_checker.h"

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

Status CheckValue(const ProgramFacts& facts, Expr* expr) {
  const ProcessFacts* process = nullptr;
  RETURN_IF_ERROR(FindProcess(facts, expr->process, &process));
  const auto found = process->value_lengths.find(expr->name);
  if (found == process->value_lengths.end()) {
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
