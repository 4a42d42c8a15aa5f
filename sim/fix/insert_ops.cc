#include "sim/fix/insert_ops.h"

#include <fmt/format.h>

#include "sim/scenario/op_parser.h"

namespace crashsim {
namespace {

// An op's result compared by an assertion is found by its index in the program.
void ShiftResultOps(const std::string& process, size_t position, size_t count, Expr* expr) {
  const bool result = expr->kind == Expr::Kind::kResultEq || expr->kind == Expr::Kind::kResultNe ||
                      expr->kind == Expr::Kind::kResultIn;
  if (result && expr->process == process && expr->result_op >= position) expr->result_op += count;
  for (Expr& child : expr->children) ShiftResultOps(process, position, count, &child);
}

}  // namespace

StatusOr<Scenario> InsertOps(const Scenario& scenario, int pid, size_t position,
                             const std::vector<std::string>& ops) {
  if (pid < 0 || static_cast<size_t>(pid) >= scenario.processes.size()) {
    return Status::Error(fmt::format("no process {} to insert into", pid));
  }
  Process original = scenario.processes[pid];
  if (position > original.program.size()) {
    return Status::Error(fmt::format("{} has {} ops: nothing to insert before op {}",
                                     original.name, original.program.size(), position + 1));
  }
  std::vector<Op> parsed;
  for (const std::string& text : ops) {
    StatusOr<Op> op = ParseOp(text);
    if (!op.ok()) return Status::Error(fmt::format("'{}': {}", text, op.status().message()));
    Op inserted = std::move(op).value();
    inserted.pointer = fmt::format("/processes/{}/{} (inserted)", original.name, position);
    parsed.push_back(std::move(inserted));
  }
  Scenario out = scenario;
  std::vector<Op>& program = out.processes[pid].program;
  program.insert(program.begin() + static_cast<std::ptrdiff_t>(position), parsed.begin(),
                 parsed.end());
  for (Assertion& assertion : out.assertions) {
    ShiftResultOps(original.name, position, parsed.size(), &assertion.check);
  }
  return out;
}

}  // namespace crashsim
