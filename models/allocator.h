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
  void FreeAfter(uint64_t block, uint64_t seq) { busy_[block] = seq; }
  // Blocks whose freeing transaction is now durable become allocatable.
  void ReleaseBusy(uint64_t durable_seq) {
    for (auto it = busy_.begin(); it != busy_.end();) {
      if (it->second <= durable_seq) {
        Release(it->first);
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
  const std::map<uint64_t, uint64_t>& busy_blocks() const { return busy_; }
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
  // Puts `block` back into the free space, merging it with its neighbours (nothing happens if
  // it is free already).
  void Release(uint64_t block) {
    auto next = RangeAfter(block);
    const bool joins_previous = next != free_.begin() && std::prev(next)->end >= block;
    if (joins_previous && block < std::prev(next)->end) return;  // already free
    const bool joins_next = next != free_.end() && next->begin == block + 1;
    if (joins_previous && joins_next) {
      std::prev(next)->end = next->end;
      free_.erase(next);
    } else if (joins_previous) {
      std::prev(next)->end = block + 1;
    } else if (joins_next) {
      next->begin = block;
    } else {
      free_.insert(next, Range{block, block + 1});
    }
  }

  std::vector<Range> free_;            // sorted, disjoint, never adjacent, never empty
  std::map<uint64_t, uint64_t> busy_;  // block -> seq of the freeing transaction
};

}  // namespace crashsim
