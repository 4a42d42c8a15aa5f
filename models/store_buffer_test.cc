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

TEST_CASE("a buffer extends an older one when it holds the same entries first") {
  StoreBuffer older;
  older.push_back(Store(1));
  StoreBuffer issued = older;
  issued.push_back(Store(2));
  CHECK(issued.Extends(older));
  CHECK(older.Extends(older));
  CHECK_FALSE(older.Extends(issued));
  StoreBuffer drained = issued;
  drained.pop_front();
  CHECK_FALSE(drained.Extends(older));
  StoreBuffer lookalike;
  lookalike.push_back(Store(1));  // an equal entry, but not the same one
  CHECK_FALSE(lookalike.Extends(older));
  CHECK(issued.Extends(StoreBuffer()));
}

TEST_CASE("an entry's digest covers every field but its description") {
  BufferedAccess base = Store(64);
  base.data = TagFileData(1, 64, {'A', 'B'});
  std::vector<BufferedAccess> variants(8, base);
  variants[0].kind = BufferedAccess::Kind::kNtStore;
  variants[1].address = 128;
  variants[2].data = TagFileData(1, 64, {'A', 'C'});
  variants[3].data = TagFileData(2, 64, {'A', 'B'});  // the same bytes from another file
  variants[4].page_cache = true;
  variants[5].ino = 7;
  variants[6].file_offset = 4096;
  variants[7].stamp = 3;
  StoreBuffer buffer;
  buffer.push_back(base);
  for (const BufferedAccess& variant : variants) buffer.push_back(variant);
  BufferedAccess described = base;
  described.what = "another description";
  buffer.push_back(described);
  for (size_t i = 1; i <= variants.size(); ++i) {
    CAPTURE(i);
    CHECK(buffer.digest(i) != buffer.digest(0));
  }
  CHECK(buffer.digest(variants.size() + 1) == buffer.digest(0));
  buffer.pop_front();
  CHECK(buffer.digest(0) != buffer.digest(variants.size()));  // follows the read position
}

}  // namespace
}  // namespace crashsim
