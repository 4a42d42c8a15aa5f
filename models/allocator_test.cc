// The allocator hands out the lowest free block, and a block freed by a transaction stays busy
// until that transaction is durable (XFS busy extents): reusing it earlier would let a crash undo
// the free while the block already holds another file's data.
#include "models/allocator.h"

#include <doctest/doctest.h>

namespace crashsim {
namespace {

TEST_CASE("blocks are allocated lowest first until none is left") {
  Allocator allocator(10, 3);
  CHECK(allocator.Allocate() == 10);
  CHECK(allocator.Allocate() == 11);
  CHECK(allocator.Allocate() == 12);
  CHECK_FALSE(allocator.Allocate().has_value());
}

TEST_CASE("a reserved block is never handed out") {
  Allocator allocator(0, 3);
  allocator.Reserve(0);
  CHECK(allocator.Allocate() == 1);
  CHECK(allocator.Allocate() == 2);
  CHECK_FALSE(allocator.Allocate().has_value());
}

TEST_CASE("a freed block is not reused until the freeing transaction is durable") {
  Allocator allocator(100, 2);
  REQUIRE(allocator.Allocate() == 100);
  REQUIRE(allocator.Allocate() == 101);
  allocator.FreeAfter(100, /*seq=*/5);
  // Busy: transaction 5 may still be lost, so block 100 may still belong to its old file.
  CHECK_FALSE(allocator.Allocate().has_value());
  CHECK(allocator.busy_blocks().count(100) == 1);
  allocator.ReleaseBusy(4);  // an earlier prefix is durable: still busy
  CHECK_FALSE(allocator.Allocate().has_value());
  CHECK(allocator.free_blocks().count(100) == 0);
  allocator.ReleaseBusy(5);  // now the free is durable: the block may be reused
  CHECK(allocator.busy_blocks().empty());
  CHECK(allocator.Allocate() == 100);
}

TEST_CASE("each busy block waits for its own transaction") {
  Allocator allocator(0, 4);
  for (int i = 0; i < 4; ++i) REQUIRE(allocator.Allocate().has_value());
  allocator.FreeAfter(3, 2);
  allocator.FreeAfter(1, 7);
  allocator.ReleaseBusy(6);
  CHECK(allocator.free_blocks() == std::set<uint64_t>{3});
  CHECK(allocator.busy_blocks() == std::map<uint64_t, uint64_t>{{1, 7}});
  allocator.ReleaseBusy(7);
  CHECK(allocator.Allocate() == 1);  // lowest first again once both are free
  CHECK(allocator.Allocate() == 3);
}

}  // namespace
}  // namespace crashsim
