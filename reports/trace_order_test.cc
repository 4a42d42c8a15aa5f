#include "reports/trace_order.h"

#include <doctest/doctest.h>

#include "reports/test_results.h"

namespace crashsim {
namespace {

using testing::MsyncViolation;

TEST_CASE("a shorter schedule is preferred whatever else differs") {
  Violation longer = MsyncViolation();
  Violation shorter = MsyncViolation();
  shorter.schedule.pop_back();
  shorter.lost.push_back({"journal", "transaction 3"});
  shorter.crash_point = "zzz";
  CHECK(PreferredTrace(shorter, longer));
  CHECK_FALSE(PreferredTrace(longer, shorter));
}

TEST_CASE("with schedules of one length, fewer lost events are preferred") {
  Violation fewer = MsyncViolation();
  Violation more = MsyncViolation();
  more.lost.push_back({"journal", "transaction 3"});
  fewer.crash_point = "zzz";  // the key would prefer `more`; the lost count decides first
  CHECK(PreferredTrace(fewer, more));
  CHECK_FALSE(PreferredTrace(more, fewer));
}

TEST_CASE("otherwise the least canonical key is preferred") {
  Violation a = MsyncViolation();
  Violation b = MsyncViolation();
  b.schedule[1].actor = "P3";
  CHECK(PreferredTrace(a, b));
  CHECK_FALSE(PreferredTrace(b, a));

  Violation earlier_crash = MsyncViolation();
  earlier_crash.crash_point = "after step 3";
  CHECK(PreferredTrace(earlier_crash, MsyncViolation()));

  Violation other_observed = MsyncViolation();
  other_observed.observed = "/f[4096:4097] = 01";
  CHECK(PreferredTrace(MsyncViolation(), other_observed));
}

TEST_CASE("a trace is not preferred to an equal one, so the order is strict") {
  CHECK_FALSE(PreferredTrace(MsyncViolation(), MsyncViolation()));
  // Fields outside the key (the promise, the lost events' texts, the graph) do not order traces.
  Violation other_promise = MsyncViolation();
  other_promise.promise = "something else";
  CHECK_FALSE(PreferredTrace(other_promise, MsyncViolation()));
  CHECK_FALSE(PreferredTrace(MsyncViolation(), other_promise));
}

TEST_CASE("the key separates actor, text, crash point and observed value") {
  Violation violation;
  violation.schedule = {{"P1", "a", "0"}, {"P2", "b", ""}};
  violation.crash_point = "after step 2";
  violation.observed = "x";
  CHECK(CanonicalTraceKey(violation) ==
        "P1\x1f" "a\x1eP2\x1f" "b\x1e\x1d" "after step 2\x1dx");
}

}  // namespace
}  // namespace crashsim
