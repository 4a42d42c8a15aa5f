// A failing check throws InternalError naming the condition, the file and line, and the detail;
// DescribeCurrentException names what any exception in flight says.
#include "sim/base/check.h"

#include <doctest/doctest.h>

#include <map>
#include <new>
#include <stdexcept>
#include <string>

namespace crashsim {
namespace {

std::string FailureOf(void (*body)()) {
  try {
    body();
  } catch (...) {
    return DescribeCurrentException();
  }
  return "(nothing thrown)";
}

TEST_CASE("a failing check throws InternalError with the condition, file:line and detail") {
  const int line = __LINE__ + 2;
  try {
    CRASHSIM_CHECK_MSG(1 + 1 == 3, "arithmetic");
    FAIL("the check did not throw");
  } catch (const InternalError& error) {
    CHECK(error.failure() == "internal check failed: 1 + 1 == 3 at sim/base/check_test.cc:" +
                                 std::to_string(line) + ": arithmetic");
    CHECK(std::string(error.what()) == error.failure());
  }
  CHECK(FailureOf([] { CRASHSIM_CHECK(false); }).rfind("internal check failed: false at ", 0) ==
        0);
  CHECK_NOTHROW(CRASHSIM_CHECK(true));
}

TEST_CASE("DescribeCurrentException names the exception's type and message") {
  CHECK(FailureOf([] { std::map<int, int>().at(0); }) == "std::out_of_range: map::at");
  CHECK(FailureOf([] { throw std::bad_alloc(); }) == "out of memory");
  CHECK(FailureOf([] { throw 7; }) == "an exception of unknown type");
  CHECK(FailureOf([] { throw InternalError("broken"); }) == "broken");
}

}  // namespace
}  // namespace crashsim
