// Independent processes (docs/architecture.md, "Independent processes"): a partial-order
// reduction for processes that share nothing a check reads together.
//
// When every process works on its own files (or on its own pages of a file mapped by several,
// through loads, stores, flushes and fences only), every step of a process commutes with every
// step of another, except through the journal, the device and the allocator. Each check
// (a guarantee, an assertion, an observed item) reads the files of one process at most. Then a
// crash state's part that a check reads is one that the process's own steps made, run alone:
// another process's steps can only make more of it durable (its log force, its device flush),
// which leaves a subset of the crash images the process's own states already have. So the
// exploration may run the lowest-numbered process with a step enabled alone, all its enabled
// steps (its own step and its store buffer's drain), and the others after it: the ample set of
// one process (Peled's C1 by the footprints below and the dynamic check KeepsIndependence; C2
// replaced by the locality of every check; C3, the cycle proviso, holds because the state graph
// has no cycles, and the explorer expands fully a step that leaves the state as it was).
//
// What keeps the argument sound is conservative: any op outside the list below, any check that
// reads two processes' footprints, `background: explore`, and the analysis says no and names why.
// An allocation, a change of a shared file's metadata or lock, or a logged change other than
// timestamps not yet forced, found while stepping, makes that state fully expanded instead.
#pragma once

#include <cstdint>
#include <set>
#include <string>

#include "models/machine.h"
#include "sim/scenario/scenario.h"

namespace crashsim {

struct Independence {
  bool applies = false;
  std::string why_not;             // when it does not apply: the first reason found
  std::set<uint32_t> shared_inodes;  // inodes whose pages several processes map
};

// The static half: the processes' footprints from their programs, and the checks' reads.
Independence AnalyseIndependence(const Scenario& scenario, const Machine& initial);

// The dynamic half, for a step of `pid` from `before` to `after`: no shared inode's metadata,
// size or lock changed; and while another process still has ops left, no block was allocated,
// reserved, freed or shared (free space and block choice are shared), no inode was created, and
// neither state has anything in the log, or in flight to it, that another process's log force
// could make durable before `pid` forces it, beyond timestamps.
bool KeepsIndependence(const Independence& independence, const Scenario& scenario,
                       const Machine& before, const Machine& after, int pid);

}  // namespace crashsim
