// The allocator hands out the lowest free block, and a block freed by a transaction stays busy
// until that transaction is durable (XFS busy extents): reusing it earlier would let a crash undo
// the free while the block already holds another file's data.
#include "models/allocator.h"

#include <doctest/doctest.h>

#include <set>
#include <vector>

#include "sim/base/hasher.h"
#include "sim/base/prng.h"

namespace crashsim {
namespace {

// The busy blocks one by one: block -> the seq of its freeing transaction.
std::map<uint64_t, uint64_t> BusyBlocks(const Allocator& allocator) {
  std::map<uint64_t, uint64_t> blocks;
  for (const auto& [begin, range] : allocator.busy_ranges()) {
    for (uint64_t block = begin; block < range.end; ++block) blocks[block] = range.seq;
  }
  return blocks;
}

TEST_CASE("a huge range freed and released stays a few ranges") {
  const uint64_t huge = uint64_t{1} << 51;
  Allocator allocator(0, 16);
  allocator.FreeRangeAfter(100, 100 + huge, 3);
  allocator.FreeAfter(100 + 7, 4);  // freed again by a later transaction
  CHECK(allocator.busy_ranges().size() == 3);
  allocator.ReleaseBusy(3);
  CHECK(allocator.busy_ranges().size() == 1);
  CHECK(allocator.free_ranges().size() == 3);  // [0, 16), [100, 107), [108, 100 + huge)
  allocator.ReleaseBusy(4);
  CHECK(allocator.busy_ranges().empty());
  CHECK(allocator.free_ranges() ==
        std::vector<Allocator::Range>{{0, 16}, {100, 100 + huge}});
  CHECK(allocator.free_blocks().size() == 16 + huge);
}

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
  CHECK(BusyBlocks(allocator).count(100) == 1);
  allocator.ReleaseBusy(4);  // an earlier prefix is durable: still busy
  CHECK_FALSE(allocator.Allocate().has_value());
  CHECK_FALSE(allocator.IsFree(100));
  allocator.ReleaseBusy(5);  // now the free is durable: the block may be reused
  CHECK(BusyBlocks(allocator).empty());
  CHECK(allocator.Allocate() == 100);
}

TEST_CASE("each busy block waits for its own transaction") {
  Allocator allocator(0, 4);
  for (int i = 0; i < 4; ++i) REQUIRE(allocator.Allocate().has_value());
  allocator.FreeAfter(3, 2);
  allocator.FreeAfter(1, 7);
  allocator.ReleaseBusy(6);
  CHECK(allocator.free_ranges() == std::vector<Allocator::Range>{{3, 4}});
  CHECK(BusyBlocks(allocator) == std::map<uint64_t, uint64_t>{{1, 7}});
  allocator.ReleaseBusy(7);
  CHECK(allocator.Allocate() == 1);  // lowest first again once both are free
  CHECK(allocator.Allocate() == 3);
}

TEST_CASE("free blocks are kept as maximal ranges") {
  Allocator allocator(0, 6);
  for (int i = 0; i < 6; ++i) REQUIRE(allocator.Allocate() == i);
  CHECK(allocator.free_ranges().empty());
  for (uint64_t block : {4, 1, 2, 5}) allocator.FreeAfter(block, 1);
  allocator.ReleaseBusy(1);
  CHECK(allocator.free_ranges() == std::vector<Allocator::Range>{{1, 3}, {4, 6}});
  allocator.FreeAfter(3, 2);
  allocator.ReleaseBusy(2);  // joins both neighbours
  CHECK(allocator.free_ranges() == std::vector<Allocator::Range>{{1, 6}});
  allocator.Reserve(3);  // splits the range
  CHECK(allocator.free_ranges() == std::vector<Allocator::Range>{{1, 3}, {4, 6}});
  allocator.Reserve(3);  // not free: nothing happens
  CHECK(allocator.free_ranges() == std::vector<Allocator::Range>{{1, 3}, {4, 6}});
  CHECK(allocator.IsFree(1));
  CHECK_FALSE(allocator.IsFree(3));
  CHECK_FALSE(allocator.IsFree(6));
}

// The ranges make the same decisions as the ordered set of free blocks they replace, and feed a
// hasher exactly the sequence that set would.
TEST_CASE("the free ranges behave as an ordered set of free blocks") {
  Prng prng(7, 0);
  for (int round = 0; round < 50; ++round) {
    const uint64_t first = prng.Below(8), count = prng.Below(40);
    Allocator allocator(first, count);
    std::set<uint64_t> free;
    std::map<uint64_t, uint64_t> busy;
    for (uint64_t b = first; b < first + count; ++b) free.insert(b);
    uint64_t seq = 0;
    for (int op = 0; op < 300; ++op) {
      switch (prng.Below(4)) {
        case 0: {
          const std::optional<uint64_t> block = allocator.Allocate();
          REQUIRE(block.has_value() == !free.empty());
          if (block) {
            REQUIRE(*block == *free.begin());
            free.erase(free.begin());
          }
          break;
        }
        case 1: {
          const uint64_t block = prng.Below(first + count + 4);
          allocator.FreeAfter(block, ++seq);
          busy[block] = seq;
          break;
        }
        case 2: {
          const uint64_t durable = seq == 0 ? 0 : prng.Below(seq + 1);
          allocator.ReleaseBusy(durable);
          for (auto it = busy.begin(); it != busy.end();) {
            if (it->second <= durable) {
              free.insert(it->first);
              it = busy.erase(it);
            } else {
              ++it;
            }
          }
          break;
        }
        case 3: {
          const uint64_t block = prng.Below(first + count + 4);
          allocator.Reserve(block);
          free.erase(block);
          break;
        }
      }
      REQUIRE(BusyBlocks(allocator) == busy);
      REQUIRE(allocator.free_blocks().size() == free.size());
      REQUIRE(std::vector<uint64_t>(allocator.free_blocks().begin(),
                                    allocator.free_blocks().end()) ==
              std::vector<uint64_t>(free.begin(), free.end()));
      for (uint64_t b = 0; b < first + count + 4; ++b) REQUIRE(allocator.IsFree(b) == free.count(b));
      const std::vector<Allocator::Range>& ranges = allocator.free_ranges();
      for (size_t i = 0; i < ranges.size(); ++i) {
        REQUIRE(ranges[i].begin < ranges[i].end);
        if (i > 0) REQUIRE(ranges[i - 1].end < ranges[i].begin);
      }
      Hasher from_ranges, from_set;
      from_ranges.AddSequence(allocator.free_blocks());
      from_set.AddSequence(free);
      REQUIRE(from_ranges.Finish() == from_set.Finish());
    }
  }
}

}  // namespace
}  // namespace crashsim
