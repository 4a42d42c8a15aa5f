#include "models/extent_map.h"

#include <iterator>
#include <string>
#include <vector>

#include "sim/base/check.h"

namespace crashsim {
namespace {

bool Continues(const ExtentMap::Run& before, const ExtentMap::Run& after) {
  return before.end() == after.first &&
         before.start.physical_block + before.count == after.start.physical_block &&
         before.start.state == after.start.state && before.start.shared == after.start.shared;
}

}  // namespace

void ExtentMap::SetRun(uint64_t first, uint64_t count, const Extent& start) {
  if (count == 0) return;
  EraseRange(first, first + count);
  runs_[first] = Run{first, count, start};
  MergeAround(first);
}

void ExtentMap::EraseRange(uint64_t first, uint64_t last) {
  if (first >= last) return;
  auto it = FirstRunEndingAfter(first);
  std::vector<Run> kept;
  while (it != runs_.end() && it->second.first < last) {
    const Run run = it->second;
    it = runs_.erase(it);
    if (run.first < first) kept.push_back(Run{run.first, first - run.first, run.start});
    if (run.end() > last) kept.push_back(Run{last, run.end() - last, run.At(last)});
  }
  for (const Run& run : kept) runs_[run.first] = run;
}

void ExtentMap::SetSharedAt(uint64_t physical_block, bool shared) {
  std::vector<uint64_t> blocks;
  for (const auto& [first, run] : runs_) {
    if (physical_block >= run.start.physical_block &&
        physical_block < run.start.physical_block + run.count && run.start.shared != shared) {
      blocks.push_back(first + (physical_block - run.start.physical_block));
    }
  }
  for (uint64_t block : blocks) {
    Extent extent = *Find(block);
    extent.shared = shared;
    Set(block, extent);
  }
}

std::optional<std::pair<uint64_t, Extent>> ExtentMap::NextFrom(uint64_t block) const {
  auto it = FirstRunEndingAfter(block);
  if (it == runs_.end()) return std::nullopt;
  const uint64_t at = it->second.first > block ? it->second.first : block;
  return std::make_pair(at, it->second.At(at));
}

std::optional<std::pair<uint64_t, Extent>> ExtentMap::LastBefore(uint64_t block) const {
  auto it = runs_.lower_bound(block);
  if (it == runs_.begin()) return std::nullopt;
  --it;
  const uint64_t at = it->second.end() < block ? it->second.end() - 1 : block - 1;
  return std::make_pair(at, it->second.At(at));
}

uint64_t ExtentMap::block_count() const {
  uint64_t total = 0;
  for (const auto& [first, run] : runs_) total += run.count;
  return total;
}

void ExtentMap::MergeAround(uint64_t first) {
  auto it = runs_.find(first);
  if (it != runs_.begin()) {
    auto before = std::prev(it);
    if (Continues(before->second, it->second)) {
      before->second.count += it->second.count;
      runs_.erase(it);
      it = before;
    }
  }
  auto after = std::next(it);
  if (after != runs_.end() && Continues(it->second, after->second)) {
    it->second.count += after->second.count;
    runs_.erase(after);
  }
}

Extent FoundExtent(const ExtentMap& map, uint64_t block, const char* file, int line) {
  const std::optional<Extent> extent = map.Find(block);
  if (!extent) CheckFailed("found", file, line, "no extent of file block " + std::to_string(block));
  return *extent;
}

}  // namespace crashsim
