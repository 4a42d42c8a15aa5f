// The canonical order of violation traces (docs/architecture.md, "Determinism and parallelism"): of
// all the traces that show one violated name, a report shows the least in this order, never "the
// first found", so the report cannot depend on how the work was split over threads or shards.
//
// The order: the shorter schedule shown; then the breadth-first order of the state it was found
// at (the shorter full schedule, then the least sequence of choices, Violation::order); then the
// schedule's steps and the crash point, as text; then fewer lost persist events; then what was
// observed. Two traces equal in all of these are the same trace. The keys before the lost events
// do not change when a witness is minimised (only the lost events and the observation do), and
// two candidates that agree on them come from one state's check, so minimising each state's own
// best candidate keeps the order consistent across splits.
//
// The shown schedule first: a private step cut from it (sim/explore/explorer.cc, ShownSchedule)
// keeps the trace as short as a walk without the reduction shows. Then breadth-first order, before
// the text: a state reached by several schedules shows the one the walk reached it by first, and
// a shard whose block reaches it by a later one must never win over it (docs/architecture.md,
// "Shards that split the walk"; a walk that may take private steps does not split, so there the
// shown schedule is the full one). Traces without an order (a sampled walk's) compare by the
// shown schedule and the text.
#pragma once

#include "sim/result/result.h"

namespace crashsim {

// True if `a` comes before `b` (is the trace to show).
bool PreferredTrace(const Violation& a, const Violation& b);

}  // namespace crashsim
