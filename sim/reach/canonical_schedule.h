// The canonical schedule of a scenario: the one schedule that `crashsim kernel-check` runs on the
// real kernel (docs/architecture.md, "Checked against Linux"). At every step the first process
// in the file's key order that can step takes its next step; so a process runs until it ends or
// waits at a barrier, then the next one runs. No background work and no store-buffer drains are
// interleaved with the ops; after each op returns every store buffer drains (a single-threaded
// program sees its own stores at once, and TSO allows draining then).
//
// Promises: deterministic; every op the schedule runs appears once, in the order it started,
// with the result and the bytes read that the model gives for it under the chosen design.
#pragma once

#include <cstddef>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "models/machine.h"
#include "sim/engine/engine.h"
#include "sim/result/result.h"
#include "sim/scenario/scenario.h"

namespace crashsim {

struct CanonicalOp {
  int pid = 0;
  size_t op_index = 0;  // scenario.processes[pid].program[op_index]
  // "0", a count, an errno name, or "SIGBUS" / "SIGSEGV" for the access that killed its process
  // (the process's later ops are not in the run).
  std::string result;
  // The bytes a `pread` or `load` returned (stale free-space bytes as zero, as in a view).
  std::optional<std::vector<uint8_t>> read;
  std::vector<TraceStep> steps;  // the model's steps of this op
};

struct CanonicalRun {
  std::vector<CanonicalOp> ops;
  // Set when no process could step before every program ended (a barrier that the canonical
  // schedule cannot pass); `ops` holds what ran.
  bool stuck = false;
};

// The process whose step comes next in the canonical schedule, or -1 when none can step.
int CanonicalProcess(const Machine& machine, const Scenario& scenario);

// Whether some process is inside an op with inner steps (started, not returned).
bool OpInProgress(const Machine& machine);

// The number of ops that have returned, over all processes.
size_t OpsReturned(const Machine& machine);

// REQUIRES: `scenario` outlives the call only (nothing is kept).
CanonicalRun RunCanonicalSchedule(const Scenario& scenario, Design design,
                                  const std::set<Mutation>& mutations = {});

}  // namespace crashsim
