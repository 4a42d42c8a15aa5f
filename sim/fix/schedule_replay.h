// ScheduleReplay: a violation's schedule taken again from the initial machine, step by step, with
// the op of the scenario that made each persist effect found at the crash point: each pending
// device write, each committed journal transaction, each ghost write record and each namespace
// entry (docs/architecture.md, "Fix suggestions").
//
// A step is found among the machine's enabled steps (sim/explore/successors.h) by the trace step
// it gives: the schedule a report shows is one the machine can take (its private steps that ran
// ahead of the crash are cut, and they changed no crash input). An effect is the op's that took the
// step that made it, except an access that waited in a store buffer: that one is the op's that
// issued the access, whichever step drained it.
#pragma once

#include <compare>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "models/machine.h"
#include "sim/result/result.h"
#include "sim/scenario/scenario.h"

namespace crashsim {

// An op of the scenario: process index and the op's index in its program.
struct OpRef {
  int pid = -1;
  size_t index = 0;
  bool valid() const { return pid >= 0; }
  auto operator<=>(const OpRef&) const = default;
};

// The 1-based schedule steps an op took (several for an op with inner steps).
struct OpSteps {
  size_t first = 0;
  size_t last = 0;
};

struct ScheduleReplay {
  Machine crash;  // the machine after the last step: the crash point
  std::map<uint64_t, OpRef> write_origin;   // pending write id -> the op that made it
  std::map<uint64_t, OpRef> txn_origin;     // journal sequence number -> the op that committed it
  std::map<uint64_t, OpRef> record_origin;  // ghost write record id -> the op that wrote it
  std::map<std::string, OpRef> name_origin;  // path -> the op that last changed its entry
  std::map<OpRef, OpSteps> steps;           // every op that took a step
};

// Nothing when some step of `schedule` is not one the machine can take (never for a schedule the
// explorer showed).
std::optional<ScheduleReplay> ReplaySchedule(const Scenario& scenario, const Machine& initial,
                                             const std::vector<TraceStep>& schedule);

}  // namespace crashsim
