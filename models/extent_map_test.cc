// ExtentMap: runs stay maximal whatever order blocks are set and cleared in, so equal maps are
// equal; lookups, iteration and sharing flags agree with a block-by-block map; and a map of a
// file of 2^63 - 1 bytes is one run, whose changes touch a few runs, not the file's blocks.
#include "models/extent_map.h"

#include <doctest/doctest.h>

#include <map>
#include <vector>

namespace crashsim {
namespace {

constexpr uint64_t kHugeBlocks = (uint64_t{1} << 63) / 4096;  // a 2^63 - 1 byte file, 4 KiB blocks

Extent Written(uint64_t physical) { return Extent{physical, ExtentState::kWritten, false}; }

TEST_CASE("runs merge and split so that equal maps compare equal") {
  ExtentMap one_by_one;
  for (uint64_t b = 0; b < 8; ++b) one_by_one.Set(b, Written(100 + b));
  ExtentMap as_run;
  as_run.SetRun(0, 8, Written(100));
  CHECK(one_by_one == as_run);
  CHECK(as_run.runs().size() == 1);

  as_run.Set(3, Extent{100 + 3, ExtentState::kUnwritten, false});
  CHECK(as_run.runs().size() == 3);
  as_run.Set(3, Written(103));
  CHECK(as_run == one_by_one);

  as_run.Erase(5);
  CHECK(!as_run.Contains(5));
  CHECK(as_run.block_count() == 7);
  CHECK(as_run.NextFrom(5)->first == 6);
  CHECK(as_run.NextFrom(5)->second == Written(106));
  CHECK(as_run.LastBefore(6)->first == 4);
  CHECK(as_run.LastBefore(0) == std::nullopt);
  as_run.Set(5, Written(105));
  CHECK(as_run == one_by_one);
}

TEST_CASE("lookups and block iteration agree with a block-by-block map") {
  std::map<uint64_t, Extent> reference;
  ExtentMap map;
  // A few interleaved changes: runs, single blocks, holes punched, sharing set and cleared.
  auto set = [&](uint64_t b, Extent e) {
    reference[b] = e;
    map.Set(b, e);
  };
  for (uint64_t b = 10; b < 30; ++b) set(b, Written(b * 2 / 2 + 50));
  set(15, Extent{7, ExtentState::kUnwritten, false});
  map.EraseRange(20, 23);
  for (uint64_t b = 20; b < 23; ++b) reference.erase(b);
  set(40, Written(75));  // continues nothing: 40 -> 75 while 29 -> 79
  for (auto& [b, e] : reference) {
    if (e.physical_block == 60) e.shared = true;
  }
  map.SetSharedAt(60, true);
  std::vector<std::pair<uint64_t, Extent>> seen;
  map.ForEachBlock(0, 100, [&](uint64_t b, const Extent& e) { seen.emplace_back(b, e); });
  CHECK(seen == std::vector<std::pair<uint64_t, Extent>>(reference.begin(), reference.end()));
  for (uint64_t b = 0; b < 50; ++b) {
    const auto it = reference.find(b);
    CHECK(map.Find(b) == (it == reference.end() ? std::nullopt : std::optional<Extent>(it->second)));
  }
  map.SetSharedAt(60, false);
  CHECK(!map.Find(10)->shared);
}

TEST_CASE("a fully written file of 2^63 - 1 bytes is one run, and changes to it stay a few runs") {
  ExtentMap map;
  map.SetRun(0, kHugeBlocks, Written(0));
  CHECK(map.runs().size() == 1);
  CHECK(map.block_count() == kHugeBlocks);
  CHECK(map.Find(kHugeBlocks - 1) == Written(kHugeBlocks - 1));
  CHECK(!map.Contains(kHugeBlocks));

  // Copy-on-write of one block in the middle, a punched range and a block shared by reflink:
  // each splits a run, never materialises the blocks around it.
  map.Set(kHugeBlocks / 2, Written(kHugeBlocks + 1));
  map.EraseRange(1000, 1000 + (uint64_t{1} << 40));
  map.SetSharedAt(7, true);
  CHECK(map.runs().size() <= 8);
  CHECK(map.Find(7)->shared);
  CHECK(!map.Find(8)->shared);
  CHECK(map.NextFrom(1000)->first == 1000 + (uint64_t{1} << 40));
  CHECK(map.LastBefore(kHugeBlocks)->first == kHugeBlocks - 1);

  // Counting the blocks of a range visits runs, not blocks.
  uint64_t runs = 0, blocks = 0;
  map.ForEachRun(0, UINT64_MAX, [&](const ExtentMap::Run& run) {
    ++runs;
    blocks += run.count;
    return true;
  });
  CHECK(runs == map.runs().size());
  CHECK(blocks == kHugeBlocks - (uint64_t{1} << 40));
}

}  // namespace
}  // namespace crashsim
