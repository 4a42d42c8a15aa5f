#include "sim/result/trace_order.h"

#include <doctest/doctest.h>

namespace crashsim {
namespace {

Violation Trace(std::vector<std::string> steps, std::string crash_point, int lost,
                std::string observed) {
  Violation v;
  v.name = "fsync";
  for (auto& text : steps) v.schedule.push_back(TraceStep{"P1", text, ""});
  v.crash_point = std::move(crash_point);
  v.lost.resize(lost);
  v.observed = std::move(observed);
  return v;
}

TEST_CASE("the shorter schedule comes first, whatever else it has") {
  const Violation short_trace = Trace({"z"}, "z", 5, "z");
  const Violation long_trace = Trace({"a", "a"}, "a", 0, "a");
  CHECK(PreferredTrace(short_trace, long_trace));
  CHECK_FALSE(PreferredTrace(long_trace, short_trace));
}

TEST_CASE("equal lengths: the schedule text decides before the lost events do") {
  const Violation a = Trace({"a", "b"}, "x", 9, "x");
  const Violation b = Trace({"a", "c"}, "x", 0, "x");
  CHECK(PreferredTrace(a, b));
  CHECK_FALSE(PreferredTrace(b, a));
}

TEST_CASE("one state's candidates: the crash point, then fewer lost events, then the observation") {
  CHECK(PreferredTrace(Trace({"a"}, "p1", 3, "x"), Trace({"a"}, "p2", 0, "x")));
  CHECK(PreferredTrace(Trace({"a"}, "p", 1, "z"), Trace({"a"}, "p", 2, "a")));
  CHECK(PreferredTrace(Trace({"a"}, "p", 1, "a"), Trace({"a"}, "p", 1, "b")));
}

TEST_CASE("at one shown length, the breadth-first order of the states comes before the text") {
  // A state reached by a later choice loses to one reached by an earlier choice, whatever its
  // schedule shows: 'z' at choices {0, 1} before 'a' at {1, 0}; and a deeper state loses at the
  // same shown length (a private step cut from it).
  Violation first = Trace({"z", "z"}, "z", 5, "z");
  first.order = {0, 1};
  Violation later = Trace({"a", "a"}, "a", 0, "a");
  later.order = {1, 0};
  CHECK(PreferredTrace(first, later));
  CHECK_FALSE(PreferredTrace(later, first));
  Violation deeper = Trace({"a", "a"}, "a", 0, "a");
  deeper.order = {0, 0, 0};
  CHECK(PreferredTrace(first, deeper));
  // The shown schedule still comes first: a private step cut keeps a trace as short as a walk
  // without the reduction shows.
  Violation shorter_shown = Trace({"a"}, "a", 0, "a");
  shorter_shown.order = {1, 1, 1};
  CHECK(PreferredTrace(shorter_shown, first));
  // One state's candidates share their order; the rest of the keys decide.
  Violation same_state = Trace({"z", "z"}, "y", 5, "z");
  same_state.order = first.order;
  CHECK(PreferredTrace(same_state, first));
}

TEST_CASE("a trace is not preferred to itself (a strict order)") {
  const Violation a = Trace({"a"}, "p", 1, "a");
  CHECK_FALSE(PreferredTrace(a, a));
}

TEST_CASE("steps compare field by field: no separator can make two schedules equal") {
  Violation a = Trace({"ab"}, "p", 0, "");
  Violation b = Trace({"a"}, "p", 0, "");
  b.schedule[0].result = "b";
  CHECK(PreferredTrace(a, b) != PreferredTrace(b, a));
}

}  // namespace
}  // namespace crashsim
