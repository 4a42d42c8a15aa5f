// Allocator: the file system's free space, lowest block first (deterministic).
//
// A block freed by a transaction is busy until that transaction is durable (XFS busy extents):
// reusing it earlier could let a crash undo the free while the block already holds another
// file's data.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>

namespace crashsim {

class Allocator {
 public:
  Allocator() = default;
  Allocator(uint64_t first_block, uint64_t block_count) {
    for (uint64_t b = first_block; b < first_block + block_count; ++b) free_.insert(b);
  }
  std::optional<uint64_t> Allocate() {
    if (free_.empty()) return std::nullopt;
    const uint64_t block = *free_.begin();
    free_.erase(free_.begin());
    return block;
  }
  void Reserve(uint64_t block) { free_.erase(block); }
  void FreeAfter(uint64_t block, uint64_t seq) { busy_[block] = seq; }
  // Blocks whose freeing transaction is now durable become allocatable.
  void ReleaseBusy(uint64_t durable_seq) {
    for (auto it = busy_.begin(); it != busy_.end();) {
      if (it->second <= durable_seq) {
        free_.insert(it->first);
        it = busy_.erase(it);
      } else {
        ++it;
      }
    }
  }
  const std::set<uint64_t>& free_blocks() const { return free_; }
  const std::map<uint64_t, uint64_t>& busy_blocks() const { return busy_; }
  bool operator==(const Allocator&) const = default;

 private:
  std::set<uint64_t> free_;
  std::map<uint64_t, uint64_t> busy_;  // block -> seq of the freeing transaction
};

}  // namespace crashsim
