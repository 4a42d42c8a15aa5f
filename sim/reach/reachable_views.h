// ReachableViews: for the canonical schedule of a scenario (canonical_schedule.h), the recovered
// views (recovered_view.h) that a crash may leave while the schedule is at each point, with the
// inner steps of ops, store-buffer drains and background events (writeback, bio completions, log
// pushes) interleaved in every order the model allows. This is the model side of the crash check
// of `crashsim kernel-check`: every state the real kernel leaves at a replay point must be one of
// the views of that point's segment.
//
// Segment j (1 <= j <= number of canonical ops) holds the crash states from the moment op j-1 has
// returned (or the start, for j = 1) until op j+1 starts: during op j, and around it with only
// background and hardware events. Its views are every view of every image of every such state
// (every feasible journal prefix, every downset of the pending writes that cover the viewed
// files' bytes). Segment 0 is the state before the first op. "Op j has started" counts an op
// by the first step it took; a process waiting at a barrier counts as having returned from it
// (the real program passes a barrier at once), and so does a process killed by a signal from the
// op it died in. `returned_views` is the part of a segment after its op returned.
//
// Promises: deterministic (breadth first, fixed successor order, views numbered in the order
// first found); a budget that runs out marks what it cut, never silently: `max_states` (distinct
// machine states) cuts every segment not yet complete, `max_images` (images per state and
// journal prefix) cuts the segments of that state.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "sim/engine/engine.h"
#include "sim/reach/recovered_view.h"
#include "sim/scenario/scenario.h"

namespace crashsim {

struct ReachLimits {
  uint64_t max_states = 200000;
  uint64_t max_images = 65536;
};

struct SegmentViews {
  std::set<int> views;  // indices into ScheduleViews::views
  // The views of the states where op j has returned and op j+1 has not started (background and
  // hardware events only since): what a crash right after op j returned may leave.
  std::set<int> returned_views;
  uint64_t states = 0;  // distinct machine states in the segment
  bool budget_exhausted = false;
};

struct ScheduleViews {
  std::vector<RecoveredView> views;    // distinct views
  std::vector<SegmentViews> segments;  // 0 .. number of canonical ops
  uint64_t states = 0;                 // distinct machine states explored
};

ScheduleViews ReachableViews(const Scenario& scenario, Design design,
                             const std::vector<std::string>& paths, const ReachLimits& limits,
                             const std::set<Mutation>& mutations = {});

}  // namespace crashsim
