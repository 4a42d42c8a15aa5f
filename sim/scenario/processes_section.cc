// "/processes": name -> program, each op parsed and each program cross-checked
// (docs/scenario-format.md, "Processes and ops"). Processes keep the file's key order.
#include <string>

#include "sim/scenario/op_parser.h"
#include "sim/scenario/return_if_error.h"
#include "sim/scenario/sections.h"
#include "sim/scenario/syntax.h"

namespace crashsim {

Status ReadProcesses(const Json& value, Scenario* out, ProgramFacts* facts) {
  if (!value.is_object()) {
    return ErrorAt("/processes",
                   "expected an object of name -> list of ops, got " + Describe(value));
  }
  for (const auto& [name, program] : value.items()) {
    const std::string pointer = PointerJoin("/processes", name);
    if (!IsIdentifier(name)) {
      return ErrorAt(pointer, "bad process name " + Quote(name) + " (process names match " +
                                  kIdentifierRule + ")");
    }
    RETURN_IF_ERROR(ExpectArray(program, pointer));
    Process process;
    process.name = name;
    for (size_t i = 0; i < program.size(); ++i) {
      const std::string op_pointer = PointerJoin(pointer, i);
      std::string text;
      RETURN_IF_ERROR(ReadString(program.at(i), op_pointer, &text));
      StatusOr<Op> op = ParseOp(text);
      if (!op.ok()) return ErrorAt(op_pointer, op.status().message());
      Op parsed = std::move(op).value();
      parsed.pointer = op_pointer;
      process.program.push_back(std::move(parsed));
    }
    RETURN_IF_ERROR(CheckProgram(process, &(*facts)[name]));
    out->processes.push_back(std::move(process));
  }
  return CheckBarriers(out->processes, out->order);
}

}  // namespace crashsim
