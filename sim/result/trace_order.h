// The canonical order of violation traces (docs/architecture.md, "Determinism and parallelism"): of
// all the traces that show one violated name, a report shows the least in this order, never "the
// first found", so the report cannot depend on how the work was split over threads or shards.
//
// The order: first the breadth-first order of the states the exploration found them at (the
// shorter full schedule, then the least sequence of choices, Violation::order); then the shorter
// schedule shown; then its steps and the crash point, as text; then fewer lost persist events; then
// what was observed. Two traces equal in all of these are the same trace. The keys before the lost
// events do not change when a witness is minimised (only the lost events and the observation do),
// and two candidates that agree on them come from one state's check, so minimising each state's
// own best candidate keeps the order consistent across splits.
//
// Breadth-first order first, not text: a state reached by several schedules shows the one the
// walk reached it by first, and a shard that reaches it by a later one must never win over it
// (docs/architecture.md, "Shards that split the walk"). Traces without an order (a sampled walk's)
// compare from the second key.
#pragma once

#include "sim/result/result.h"

namespace crashsim {

// True if `a` comes before `b` (is the trace to show).
bool PreferredTrace(const Violation& a, const Violation& b);

}  // namespace crashsim
