// Status and StatusOr carry either a value or one line of text for the user.
#include "sim/base/status.h"

#include <doctest/doctest.h>

#include <string>

namespace crashsim {
namespace {

TEST_CASE("a default status is ok") { CHECK(Status().ok()); }

TEST_CASE("an error status keeps its message") {
  const Status status = Status::Error("scenario.json: /ops/3: unknown op \"fsynk\"");
  CHECK_FALSE(status.ok());
  CHECK(status.message() == "scenario.json: /ops/3: unknown op \"fsynk\"");
}

TEST_CASE("a status-or holds a value or an error, never both") {
  const StatusOr<std::string> value = std::string("map-sync");
  REQUIRE(value.ok());
  CHECK(*value == "map-sync");
  CHECK(value->size() == 8);

  const StatusOr<std::string> error = Status::Error("no such design");
  CHECK_FALSE(error.ok());
  CHECK(error.status().message() == "no such design");
}

TEST_CASE("a value can be moved out of a status-or") {
  StatusOr<std::string> value = std::string("per-vma");
  const std::string taken = std::move(value).value();
  CHECK(taken == "per-vma");
}

}  // namespace
}  // namespace crashsim
