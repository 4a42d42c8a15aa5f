// The processes' programs as steps of the Machine: which process may step next, and what one
// step of it does (the next inner step of its current op, or the whole op when it has none).
//
// Each op is translated into calls on the modelled kernel (models/kernel.h); this file knows the
// scenario's op syntax, the kernel knows the mechanism. An op's return value is kept when an
// assertion compares it (Op::result_read); a step that raises a signal kills the process, whose
// later ops never run. Happens-before is kept here: a process's
// clock ticks at the start of each op (and of each retry of an access that faulted), and
// `barrier` joins the clocks of everyone it releases.
#pragma once

#include <optional>
#include <string>

#include "models/machine.h"
#include "sim/result/result.h"
#include "sim/scenario/scenario.h"

namespace crashsim {

// A value that a step read, for the volatile oracles (O6 before any crash).
struct ObservedRead {
  int pid = 0;
  bool coherent_path = true;  // a path that shares the one copy of the data (O8 applies)
  uint32_t ino = 0;
  uint64_t offset = 0;
  Tagged data;
  std::string what;  // "P1.x = pread fd 0 4096"
};

struct StepReport {
  TraceStep step;
  std::optional<ObservedRead> read;
};

// Whether the process has run its last op, or was killed by a signal (docs/semantics.md 2.10).
bool ProcessFinished(const Machine& machine, const Scenario& scenario, int pid);
bool ProcessKilled(const Machine& machine, int pid);
// Whether the process can take a step now (not finished, not waiting at a barrier, and first in
// line under `order: sequential`).
bool ProcessEnabled(const Machine& machine, const Scenario& scenario, int pid);
StepReport StepProcess(Machine& machine, const Scenario& scenario, int pid);

}  // namespace crashsim
