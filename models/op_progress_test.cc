// An op's progress: one family from its first step to its return, the clock's ticks at attempts,
// and the description of a step for messages.
#include "models/op_progress.h"

#include <doctest/doctest.h>

namespace crashsim {
namespace {

TEST_CASE("an op's progress takes its family at the first step and keeps it") {
  OpProgress progress;
  CHECK(progress.Idle());
  CHECK(progress.If<SyncProgress>() == nullptr);
  progress.Of<SyncProgress>().step = SyncStep::kWait;
  CHECK_FALSE(progress.Idle());
  REQUIRE(progress.If<SyncProgress>() != nullptr);
  CHECK(progress.If<SyncProgress>()->step == SyncStep::kWait);
  CHECK(progress.Of<SyncProgress>().step == SyncStep::kWait);  // not started again
  CHECK_THROWS_AS(progress.Of<WriteProgress>(), InternalError);
}

TEST_CASE("the clock ticks at an op's first step and at each retry of a faulting access") {
  OpProgress progress;
  CHECK(BeginsAttempt(progress));
  progress.Of<FallocProgress>().step = FallocStep::kChange;
  CHECK_FALSE(BeginsAttempt(progress));

  OpProgress access;
  access.Of<AccessProgress>().faulted = true;
  CHECK(BeginsAttempt(access));
  access.Of<AccessProgress>().in_sync_fault = true;
  CHECK_FALSE(BeginsAttempt(access));
}

TEST_CASE("a step is described by its family and step, an idle op by nothing") {
  OpProgress progress;
  CHECK(DescribeProgress(progress).empty());
  WriteProgress& write = progress.Of<WriteProgress>();
  write.step = WriteStep::kSync;
  write.sync.step = SyncStep::kForce;
  CHECK(DescribeProgress(progress) == "write: sync: log force or flush");
}

}  // namespace
}  // namespace crashsim
