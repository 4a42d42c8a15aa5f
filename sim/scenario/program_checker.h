// Cross-reference checks over the processes' programs, after each op has been parsed: labels unique
// within a process, every fd and mapping name bound by an earlier op of the same process (fds and
// mappings are per process), each name bound once, and barriers that can be passed
// (docs/scenario-format.md, "The shape of an op" and "Barriers").
//
// Promises: a Process that passes CheckProgram refers only to names it binds before their use,
// so the engine never meets an unknown name; failures are "POINTER: message" of the offending op.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "sim/base/status.h"
#include "sim/scenario/scenario.h"

namespace crashsim {

// What assertions may name in one process: its labels (for `done` and `after`), its values (for
// `P.x == DATA`), each with the LENGTH its load or pread reads, and its ops' results (for
// `P.x == RESULT`): by label, or by the name an op other than load and pread binds.
struct ProcessFacts {
  std::set<std::string> labels;
  std::map<std::string, uint64_t> value_lengths;
  std::map<std::string, size_t> label_ops;    // label -> index of its op in the program
  std::map<std::string, size_t> result_ops;   // fd, mapping or result name -> index of its op
  std::map<std::string, size_t> value_ops;    // load/pread value name -> index of its op
  std::vector<std::string> op_texts;          // each op as written, by index
  std::vector<OpKind> op_kinds;               // each op's kind, by index
};
using ProgramFacts = std::map<std::string, ProcessFacts>;  // by process name

// Checks one process's program; fills `facts` with its labels and values.
Status CheckProgram(const Process& process, ProcessFacts* facts);

// Barriers across processes: a process names each barrier once; under `order: sequential` no
// two processes name the same barrier (the first would wait for one that has not started); the
// order in which processes pass barriers has no cycle (each would wait for another forever).
Status CheckBarriers(const std::vector<Process>& processes, Order order);

}  // namespace crashsim
