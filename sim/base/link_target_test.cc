// Link targets as paths: relative targets joined to the link's directory, normalised, and the
// relative form of an absolute target naming the same path.
#include "sim/base/link_target.h"

#include <doctest/doctest.h>

namespace crashsim {
namespace {

TEST_CASE("a target as a path: absolute kept, relative joined to the link's directory") {
  CHECK(LinkTargetAsPath("/d/l", "/x/y") == "/x/y");
  CHECK(LinkTargetAsPath("/d/l", "f") == "/d/f");
  CHECK(LinkTargetAsPath("/d/l", "../x") == "/x");
  CHECK(LinkTargetAsPath("/d/l", "./e/./f") == "/d/e/f");
  CHECK(LinkTargetAsPath("/l", "../../x") == "/x");  // never above the root
  CHECK(LinkTargetAsPath("/d/l", "/") == "/");
  CHECK(LinkTargetAsPath("/d/l", "..") == "/");
}

TEST_CASE("an absolute target written relative to the link names the same path") {
  CHECK(RelativeLinkTarget("/d/l", "/x/y") == "../x/y");
  CHECK(RelativeLinkTarget("/l", "/x/y") == "x/y");
  CHECK(RelativeLinkTarget("/a/b/l", "/a") == "../../a");
  CHECK(RelativeLinkTarget("/l", "/") == ".");
  CHECK(RelativeLinkTarget("/d/l", "/") == "..");
  for (const char* link : {"/l", "/d/l", "/a/b/c/l"}) {
    for (const char* target : {"/x", "/x/y/z", "/", "/a/b"}) {
      CHECK(LinkTargetAsPath(link, RelativeLinkTarget(link, target)) == target);
    }
  }
}

}  // namespace
}  // namespace crashsim
