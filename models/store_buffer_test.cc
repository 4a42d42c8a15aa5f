// StoreBuffer: first in, first out, and copies that never see each other's pushes and pops.
#include "models/store_buffer.h"

#include <doctest/doctest.h>

namespace crashsim {
namespace {

BufferedAccess Store(uint64_t address) {
  BufferedAccess access;
  access.address = address;
  return access;
}

TEST_CASE("entries leave in the order they came") {
  StoreBuffer buffer;
  CHECK(buffer.empty());
  buffer.push_back(Store(1));
  buffer.push_back(Store(2));
  CHECK(buffer.size() == 2);
  CHECK(buffer.front().address == 1);
  CHECK(buffer[1].address == 2);
  buffer.pop_front();
  CHECK(buffer.front().address == 2);
  buffer.pop_front();
  CHECK(buffer.empty());
  buffer.push_back(Store(3));
  CHECK(buffer.front().address == 3);
}

TEST_CASE("a copy keeps its entries whatever the other copy pushes or pops") {
  StoreBuffer parent;
  parent.push_back(Store(1));
  parent.push_back(Store(2));
  StoreBuffer drained = parent;
  StoreBuffer stepped = parent;
  drained.pop_front();
  stepped.push_back(Store(3));
  CHECK(parent.size() == 2);
  CHECK(parent.front().address == 1);
  CHECK(parent[1].address == 2);
  CHECK(drained.size() == 1);
  CHECK(drained.front().address == 2);
  CHECK(stepped.size() == 3);
  CHECK(stepped[2].address == 3);
  // A push after a pop on a shared list starts from the live entries only.
  drained.push_back(Store(4));
  CHECK(drained.size() == 2);
  CHECK(drained.front().address == 2);
  CHECK(drained[1].address == 4);
  CHECK(parent.size() == 2);
}

}  // namespace
}  // namespace crashsim
