// Partial-order reduction over private steps (docs/architecture.md, "Partial-order reduction").
//
// A process's CPU instruction that only queues an access in its own store buffer (a store, a
// non-temporal store or a cache-line flush through a PTE that is already there) changes nothing
// that another actor reads, and nothing that a crash check reads. Taking it first, and only it,
// stands for every order of it with the other actors' steps: those orders reach states that
// differ from the ones taken only in how far this process has run ahead, and their crash checks
// see the same crash inputs as a state that is explored. This is the ample-set reduction with a
// set of one step (Peled's conditions):
// - C1, independence: no other actor can change what the step reads or is changed by it before
//   the process steps again. The step changed only its own process (HashOutsideProcess) and only
//   appended to its own store buffer, which its drains read from the other end; the process has
//   no read-only PTE that another's fault could take away; every other
//   process has only ops left that never touch another process's mappings, PTEs or store buffer
//   (no writeback, no truncate or hole punch, no barrier), no file is marked to be flushed at its
//   close (a close or a process's exit would then write it back), and there is no background
//   actor.
// - C2, invisibility: the crash inputs (HashCrashInputs) are unchanged and nothing was read for
//   the checks on the running system.
// - C3, no step is put off for ever: the step leads to a state not visited before (the
//   breadth-first form of the cycle proviso); otherwise every step is expanded.
#pragma once

#include "models/machine.h"
#include "sim/explore/successors.h"
#include "sim/scenario/scenario.h"

namespace crashsim {

// Whether `pid`'s step may be the only one explored from `before`, judging by what it did
// (`after`). The caller still checks C3 against its visited states.
bool IsPrivateStep(const Scenario& scenario, const Machine& before, const Successor& after,
                   int pid);

// Whether the op at `pid`'s program counter is of a kind that can be a private step: a cheap test
// before the step is taken.
bool MayBePrivate(const Scenario& scenario, const Machine& machine, int pid);

// Whether any op of the scenario is of a kind that can be a private step. Whether a step is taken
// alone depends on the states visited before (C3), so a walk split over shards, each with its own
// visited states, could take different steps than the whole walk: such a walk is not split.
bool MayTakePrivateSteps(const Scenario& scenario);

}  // namespace crashsim
