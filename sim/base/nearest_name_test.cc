#include "sim/base/nearest_name.h"

#include <doctest/doctest.h>

namespace crashsim {
namespace {

const std::vector<std::string> kOps = {"open", "close", "pwrite", "pread", "fsync", "fdatasync",
                                       "sync", "syncfs", "msync"};

TEST_CASE("the distance counts edits, with a swap of neighbours as one") {
  CHECK(AlignmentDistance("", "") == 0);
  CHECK(AlignmentDistance("fsync", "fsync") == 0);
  CHECK(AlignmentDistance("fsnyc", "fsync") == 1);
  CHECK(AlignmentDistance("write", "pwrite") == 1);
  CHECK(AlignmentDistance("abc", "") == 3);
  CHECK(AlignmentDistance("kitten", "sitting") == 3);
}

TEST_CASE("a typo or a near synonym gets the nearest known name") {
  CHECK(NearestName("fsnyc", kOps) == std::optional<std::string>("fsync"));
  CHECK(NearestName("write", kOps) == std::optional<std::string>("pwrite"));
  CHECK(NearestName("read", kOps) == std::optional<std::string>("pread"));
  CHECK(NearestName("fdatsync", kOps) == std::optional<std::string>("fdatasync"));
}

TEST_CASE("a word far from every name gets no hint") {
  CHECK_FALSE(NearestName("mkdir", kOps).has_value());
  CHECK_FALSE(NearestName("", kOps).has_value());
  CHECK_FALSE(NearestName("fsync", {}).has_value());
}

TEST_CASE("of two equally near names the earlier one is suggested") {
  // "sync" is 1 from both "fsync" and "msync"; "fsync" comes first.
  CHECK(NearestName("ssync", kOps) == std::optional<std::string>("fsync"));
}

}  // namespace
}  // namespace crashsim
