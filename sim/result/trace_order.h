// The canonical order of violation traces (docs/architecture.md, "Determinism and parallelism"): of
// all the traces that show one violated name, a report shows the least in this order, never "the
// first found", so the report cannot depend on how the work was split over threads or shards.
//
// The order: the shorter schedule; then the schedule's steps and the crash point, as text; then
// fewer lost persist events; then what was observed. Two traces equal in all of these are the same
// trace. The first two keys do not change when a witness is minimised (only the lost events and
// the observation do), and two candidates that agree on them come from one state's check, so
// minimising each state's own best candidate keeps the order consistent across splits.
#pragma once

#include "sim/result/result.h"

namespace crashsim {

// True if `a` comes before `b` (is the trace to show).
bool PreferredTrace(const Violation& a, const Violation& b);

}  // namespace crashsim
