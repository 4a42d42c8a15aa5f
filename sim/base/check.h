// CRASHSIM_CHECK: a broken invariant of the simulator itself (never bad user input, never a
// simulated errno, never a violation). A failing check throws InternalError naming the condition,
// file:line and detail, in every build mode.
//
// InternalError is the one exception the core raises, and only for its own bugs: nothing in the
// core catches it. The engine catches it, and any other exception escaping the core (an
// std::out_of_range from a container's at(), say), at the boundary of one run (sim/engine/engine.h)
// and turns it into that run's internal-error result, naming the scenario, the model and the
// schedule step; every other run goes on and is reported (docs/architecture.md, "Internal
// errors and interrupts"). Worker threads never let an exception escape (sim/explore/explorer.cc).
#pragma once

#include <exception>
#include <string>

namespace crashsim {

class InternalError : public std::exception {
 public:
  explicit InternalError(std::string failure) : failure_(std::move(failure)) {}
  // e.g. "internal check failed: allocated.has_value() at models/kernel_io.cc:120: detail"
  const std::string& failure() const { return failure_; }
  const char* what() const noexcept override { return failure_.c_str(); }

 private:
  std::string failure_;
};

[[noreturn]] void CheckFailed(const char* condition, const char* file, int line,
                              const std::string& detail);

// Inside a catch block: what the exception in flight says, as one line. An InternalError gives its
// failure; std::bad_alloc "out of memory"; another std::exception its type and what(), e.g.
// "std::out_of_range: map::at"; anything else "an exception of unknown type".
std::string DescribeCurrentException();

}  // namespace crashsim

#define CRASHSIM_CHECK(condition)                                                  \
  do {                                                                             \
    if (!(condition)) ::crashsim::CheckFailed(#condition, __FILE__, __LINE__, ""); \
  } while (false)

#define CRASHSIM_CHECK_MSG(condition, detail)                                              \
  do {                                                                                     \
    if (!(condition)) ::crashsim::CheckFailed(#condition, __FILE__, __LINE__, (detail)); \
  } while (false)
