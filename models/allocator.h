// Allocator: the file system's free space, lowest block first (deterministic).
//
// A block freed by a transaction is busy until that transaction is durable (XFS busy extents):
// reusing it earlier could let a crash undo the free while the block already holds another
// file's data.
//
// The free space is kept as sorted, disjoint, maximal ranges of blocks in one small vector: it is
// mostly one long run past the files, so a Machine copy copies a few words instead of rebuilding
// a tree node per free block. The ranges are canonical (a given set of free blocks has exactly
// one representation), so equal free sets compare and hash equal.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <map>
#include <optional>
#include <utility>
#include <vector>

namespace crashsim {

class Allocator {
 public:
  // Blocks [begin, end).
  struct Range {
    uint64_t begin = 0, end = 0;
    bool operator==(const Range&) const = default;
  };

  // The free blocks in increasing order, one at a time: a sequence for Hasher::AddSequence,
  // which sees exactly the elements an ordered set of the same blocks would give it.
  class Blocks {
   public:
    class Iterator {
     public:
      using iterator_category = std::forward_iterator_tag;
      using value_type = uint64_t;
      using difference_type = std::ptrdiff_t;
      using pointer = const uint64_t*;
      using reference = uint64_t;

      Iterator() = default;
      uint64_t operator*() const { return block_; }
      Iterator& operator++() {
        if (++block_ == range_->end && ++range_ != ranges_end_) block_ = range_->begin;
        return *this;
      }
      Iterator operator++(int) {
        Iterator before = *this;
        ++*this;
        return before;
      }
      bool operator==(const Iterator& other) const {
        return range_ == other.range_ && (range_ == ranges_end_ || block_ == other.block_);
      }

     private:
      friend class Blocks;
      using RangeIt = std::vector<Range>::const_iterator;
      Iterator(RangeIt range, RangeIt ranges_end)
          : range_(range), ranges_end_(ranges_end),
            block_(range != ranges_end ? range->begin : 0) {}
      RangeIt range_, ranges_end_;
      uint64_t block_ = 0;
    };

    size_t size() const {
      size_t n = 0;
      for (const Range& range : *ranges_) n += range.end - range.begin;
      return n;
    }
    bool empty() const { return ranges_->empty(); }
    Iterator begin() const { return Iterator(ranges_->begin(), ranges_->end()); }
    Iterator end() const { return Iterator(ranges_->end(), ranges_->end()); }

   private:
    friend class Allocator;
    explicit Blocks(const std::vector<Range>* ranges) : ranges_(ranges) {}
    const std::vector<Range>* ranges_;
  };

  Allocator() = default;
  Allocator(uint64_t first_block, uint64_t block_count) {
    if (block_count > 0) free_.push_back(Range{first_block, first_block + block_count});
  }

  // The lowest free block.
  std::optional<uint64_t> Allocate() {
    if (free_.empty()) return std::nullopt;
    const uint64_t block = free_.front().begin++;
    if (free_.front().begin == free_.front().end) free_.erase(free_.begin());
    return block;
  }
  // Takes `block` out of the free space (nothing happens if it is not free).
  void Reserve(uint64_t block) {
    auto it = RangeAfter(block);
    if (it == free_.begin() || block >= std::prev(it)->end) return;
    Range& range = *std::prev(it);
    if (range.begin == block) {
      if (++range.begin == range.end) free_.erase(std::prev(it));
    } else if (block + 1 == range.end) {
      --range.end;
    } else {
      const Range upper{block + 1, range.end};
      range.end = block;
      free_.insert(it, upper);
    }
  }
  void FreeAfter(uint64_t block, uint64_t seq) { FreeRangeAfter(block, block + 1, seq); }
  // Blocks [begin, end) are busy until transaction `seq` is durable (a later free of a block
  // replaces its earlier one).
  void FreeRangeAfter(uint64_t begin, uint64_t end, uint64_t seq) {
    if (begin >= end) return;
    auto it = busy_.upper_bound(begin);
    if (it != busy_.begin() && std::prev(it)->second.end > begin) --it;
    std::vector<std::pair<uint64_t, Busy>> kept;
    while (it != busy_.end() && it->first < end) {
      const auto [first, busy] = *it;
      it = busy_.erase(it);
      if (first < begin) kept.push_back({first, Busy{begin, busy.seq}});
      if (busy.end > end) kept.push_back({end, Busy{busy.end, busy.seq}});
    }
    for (const auto& entry : kept) busy_.insert(entry);
    auto placed = busy_.emplace(begin, Busy{end, seq}).first;
    // Canonical: adjacent ranges freed by the same transaction are one.
    if (placed != busy_.begin()) {
      auto before = std::prev(placed);
      if (before->second.end == begin && before->second.seq == seq) {
        before->second.end = end;
        busy_.erase(placed);
        placed = before;
      }
    }
    auto after = std::next(placed);
    if (after != busy_.end() && after->first == placed->second.end && after->second.seq == seq) {
      placed->second.end = after->second.end;
      busy_.erase(after);
    }
  }
  // Blocks whose freeing transaction is now durable become allocatable.
  void ReleaseBusy(uint64_t durable_seq) {
    for (auto it = busy_.begin(); it != busy_.end();) {
      if (it->second.seq <= durable_seq) {
        Release(it->first, it->second.end);
        it = busy_.erase(it);
      } else {
        ++it;
      }
    }
  }

  bool IsFree(uint64_t block) const {
    auto it = RangeAfter(block);
    return it != free_.begin() && block < std::prev(it)->end;
  }
  Blocks free_blocks() const { return Blocks(&free_); }
  const std::vector<Range>& free_ranges() const { return free_; }
  // Busy blocks: [begin, end) -> the seq of the freeing transaction, canonical (maximal ranges).
  struct Busy {
    uint64_t end = 0;
    uint64_t seq = 0;
    bool operator==(const Busy&) const = default;
  };
  const std::map<uint64_t, Busy>& busy_ranges() const { return busy_; }
  bool operator==(const Allocator&) const = default;

 private:
  // The first range that starts after `block`.
  std::vector<Range>::const_iterator RangeAfter(uint64_t block) const {
    return std::upper_bound(free_.begin(), free_.end(), block,
                            [](uint64_t b, const Range& range) { return b < range.begin; });
  }
  std::vector<Range>::iterator RangeAfter(uint64_t block) {
    return std::upper_bound(free_.begin(), free_.end(), block,
                            [](uint64_t b, const Range& range) { return b < range.begin; });
  }
  // Puts [begin, end) back into the free space, merging it with every range it overlaps or
  // touches (blocks already free stay free).
  void Release(uint64_t begin, uint64_t end) {
    auto first = std::lower_bound(free_.begin(), free_.end(), begin,
                                  [](const Range& range, uint64_t b) { return range.end < b; });
    auto last = first;
    while (last != free_.end() && last->begin <= end) ++last;
    if (first == last) {
      free_.insert(first, Range{begin, end});
      return;
    }
    first->begin = std::min(begin, first->begin);
    first->end = std::max(end, std::prev(last)->end);
    free_.erase(std::next(first), last);
  }

  std::vector<Range> free_;            // sorted, disjoint, never adjacent, never empty
  std::map<uint64_t, Busy> busy_;  // first busy block -> its range's end and freeing seq
};

}  // namespace crashsim
