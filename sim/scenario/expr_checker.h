// Checks what an assertion's expression refers to, once the processes and files are known:
// every `P.x == DATA` names a value bound by `load`/`pread` in process P (and literal DATA
// compared with it has that op's LENGTH), every `P.x == RESULT` a label of P or a name bound by
// an op of P other than load and pread (and a count other than 0 only for an op that returns
// one), every `done(P.label)` an existing label, and `old` only a range of a file that exists
// before the first step, within its size.
//
// Promises: on success every kValue* node carries `value_length` and every kResult* node
// `result_op`. Paths in `/path[...]`,
// `size`, `sealed` and `exists` need not be in `files`: files may be created at run time.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "sim/base/status.h"
#include "sim/scenario/program_checker.h"
#include "sim/scenario/scenario.h"

namespace crashsim {

// `file_sizes`: path -> size before the first step, of every file in `files`. Messages name no
// location; the caller adds the file and pointer.
Status CheckExpr(const ProgramFacts& facts, const std::map<std::string, uint64_t>& file_sizes,
                 Expr* expr);

// For `after` and `done`: P names a process and label is one of its labels.
Status CheckLabelRef(const ProgramFacts& facts, const std::string& process,
                     const std::string& label);

}  // namespace crashsim
