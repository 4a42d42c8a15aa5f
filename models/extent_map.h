// ExtentMap: one file's block mapping (file block -> device block, state, sharing), held as runs.
//
// A run maps consecutive file blocks to consecutive device blocks with one state and one sharing
// flag. Runs are kept maximal (a run that continues its neighbour is merged into it), so two maps
// are equal exactly when they map every block alike, and copying, comparing and hashing a map
// costs its number of runs, not the file's size: a fully written file of 2^63 - 1 bytes is one
// run. Per-block changes split and re-merge runs around the block they touch.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <utility>

namespace crashsim {

enum class ExtentState : uint8_t { kWritten, kUnwritten };

struct Extent {  // one file block's mapping
  uint64_t physical_block = 0;
  ExtentState state = ExtentState::kWritten;
  bool shared = false;
  bool operator==(const Extent&) const = default;
};

class ExtentMap {
 public:
  struct Run {
    uint64_t first = 0;  // the first file block
    uint64_t count = 0;  // how many blocks
    Extent start;        // the mapping of `first`; block first + i maps to physical + i
    uint64_t end() const { return first + count; }
    Extent At(uint64_t block) const {
      return Extent{start.physical_block + (block - first), start.state, start.shared};
    }
    bool operator==(const Run&) const = default;
  };

  // The mapping of `block`, or nullopt for a hole.
  std::optional<Extent> Find(uint64_t block) const {
    const Run* run = RunAt(block);
    if (run == nullptr) return std::nullopt;
    return run->At(block);
  }
  bool Contains(uint64_t block) const { return RunAt(block) != nullptr; }
  // The run holding `block`, or nullptr.
  const Run* RunAt(uint64_t block) const {
    auto it = runs_.upper_bound(block);
    if (it == runs_.begin()) return nullptr;
    --it;
    return block < it->second.end() ? &it->second : nullptr;
  }

  void Set(uint64_t block, const Extent& extent) { SetRun(block, 1, extent); }
  // Maps [first, first + count) to [start.physical_block, + count) with start's state and flag.
  void SetRun(uint64_t first, uint64_t count, const Extent& start);
  void Erase(uint64_t block) { EraseRange(block, block + 1); }
  // Unmaps every block of [first, last).
  void EraseRange(uint64_t first, uint64_t last);
  // Sets the sharing flag of every block mapped to device block `physical_block`.
  void SetSharedAt(uint64_t physical_block, bool shared);

  // The first mapped block at or after `block`, with its mapping.
  std::optional<std::pair<uint64_t, Extent>> NextFrom(uint64_t block) const;
  // The last mapped block before `block`, with its mapping.
  std::optional<std::pair<uint64_t, Extent>> LastBefore(uint64_t block) const;

  // Calls f(block, extent) for every mapped block of [first, last), in order. The cost follows
  // the mapped blocks visited: use it only where every one of them is touched anyway.
  template <typename F>
  void ForEachBlock(uint64_t first, uint64_t last, F f) const {
    for (auto it = FirstRunEndingAfter(first); it != runs_.end() && it->second.first < last; ++it) {
      const Run& run = it->second;
      const uint64_t hi = run.end() < last ? run.end() : last;
      for (uint64_t b = run.first > first ? run.first : first; b < hi; ++b) f(b, run.At(b));
    }
  }
  // Calls f(run) for every run overlapping [first, last), clipped to it, in order; stops when f
  // returns false.
  template <typename F>
  bool ForEachRun(uint64_t first, uint64_t last, F f) const {
    for (auto it = FirstRunEndingAfter(first); it != runs_.end() && it->second.first < last; ++it) {
      const Run& run = it->second;
      const uint64_t lo = run.first > first ? run.first : first;
      const uint64_t hi = run.end() < last ? run.end() : last;
      if (!f(Run{lo, hi - lo, run.At(lo)})) return false;
    }
    return true;
  }

  const std::map<uint64_t, Run>& runs() const { return runs_; }
  bool empty() const { return runs_.empty(); }
  uint64_t block_count() const;
  bool operator==(const ExtentMap&) const = default;

 private:
  std::map<uint64_t, Run>::const_iterator FirstRunEndingAfter(uint64_t block) const {
    auto it = runs_.upper_bound(block);
    if (it != runs_.begin() && std::prev(it)->second.end() > block) --it;
    return it;
  }
  // Merges the run starting at `first` with the runs before and after it where they continue.
  void MergeAround(uint64_t first);

  std::map<uint64_t, Run> runs_;  // keyed by each run's first block
};

// The mapping of `block`, or an internal error (CRASHSIM_CHECK) naming the missing block, as
// FOUND does for maps: "no extent of file block 3 (models/kernel_dax.cc:83)".
Extent FoundExtent(const ExtentMap& map, uint64_t block, const char* file, int line);

}  // namespace crashsim

#define FOUND_EXTENT(map, block) ::crashsim::FoundExtent((map), (block), __FILE__, __LINE__)
