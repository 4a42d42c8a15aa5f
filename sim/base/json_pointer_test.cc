// PointerJoin escapes the two characters RFC 6901 reserves, and only those.
#include "sim/base/json_pointer.h"

#include <doctest/doctest.h>

namespace crashsim {
namespace {

TEST_CASE("a key is escaped as RFC 6901 says, an index is its decimal") {
  CHECK(PointerJoin("", "files") == "/files");
  CHECK(PointerJoin("/files", "/d/f") == "/files/~1d~1f");
  CHECK(PointerJoin("/x", "a~b") == "/x/a~0b");
  CHECK(PointerJoin("/x", "~/") == "/x/~0~1");
  CHECK(PointerJoin("/x", "") == "/x/");
  CHECK(PointerJoin("/processes/P1", size_t{12}) == "/processes/P1/12");
}

}  // namespace
}  // namespace crashsim
