// CopyOnWrite: copies share a value until one changes it, and a change never shows in another copy.
#include "sim/base/copy_on_write.h"

#include <vector>

#include <doctest/doctest.h>

namespace crashsim {
namespace {

TEST_CASE("a default value reads as empty and allocates at its first change") {
  CopyOnWrite<std::vector<int>> value;
  CHECK(value->empty());
  value.mut().push_back(1);
  CHECK(value.get() == std::vector<int>{1});
}

TEST_CASE("copies share the value until one of them changes it") {
  CopyOnWrite<std::vector<int>> a(std::vector<int>{1, 2});
  CopyOnWrite<std::vector<int>> b = a;
  CHECK(&a.get() == &b.get());
  b.mut().push_back(3);
  CHECK(a.get() == std::vector<int>{1, 2});
  CHECK(b.get() == std::vector<int>{1, 2, 3});
  CHECK(&a.get() != &b.get());
  // Alone again: a change goes in place.
  const std::vector<int>* before = &a.get();
  a.mut().push_back(4);
  CHECK(&a.get() == before);
}

}  // namespace
}  // namespace crashsim
