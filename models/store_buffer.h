// StoreBuffer: a CPU's store buffer under TSO (docs/semantics.md 1.2), as a value that copies in
// constant time.
//
// Every successor state copies the Machine, and so each process's store buffer, while only the
// step of that process or the drain of its buffer changes it. The entries are immutable and
// shared by every copy; a copy shares the whole list and its own read position. Pushing to a list
// that another copy also holds copies its pointers (not the entries) first, so no copy ever sees
// another's change. Entries leave in the order they came (program order).
#pragma once

#include <cstddef>
#include <memory>
#include <utility>
#include <vector>

#include "models/origin.h"
#include "sim/base/hasher.h"

namespace crashsim {

// A store-buffer entry: stores and flushes leave the buffer in program order.
struct BufferedAccess {
  enum class Kind { kStore, kNtStore, kClwb, kClflushopt, kClflush };
  Kind kind = Kind::kStore;
  uint64_t address = 0;  // device byte address (DAX) or page-cache byte (non-DAX, see below)
  Tagged data;           // for stores
  // A store through a non-DAX mapping lands in the page cache of `ino` at `file_offset`.
  bool page_cache = false;
  uint32_t ino = 0;
  uint64_t file_offset = 0;
  uint64_t stamp = 0;    // the issuing process's clock when the store was issued
  std::string what;
};

class StoreBuffer {
 public:
  bool empty() const { return size() == 0; }
  size_t size() const { return entries_ ? entries_->size() - head_ : 0; }
  // The i-th oldest entry (0 is the next to drain). REQUIRES: i < size().
  const BufferedAccess& operator[](size_t i) const { return (*entries_)[head_ + i]->access; }
  // The digest of the i-th oldest entry (every field of it but `what`), computed when it was
  // pushed: a state hashes its whole buffer, and a wide `flush` leaves a thousand entries in it.
  const Hash128& digest(size_t i) const { return (*entries_)[head_ + i]->digest; }
  const BufferedAccess& front() const { return (*this)[0]; }

  void push_back(BufferedAccess access) {
    const Hash128 digest = DigestOf(access);
    auto entry = std::make_shared<const Entry>(Entry{std::move(access), digest});
    if (!entries_ || entries_.use_count() > 1) {
      // Shared with another copy (or empty): start a list of our own from the live entries.
      auto own = std::make_shared<std::vector<std::shared_ptr<const Entry>>>();
      if (entries_) own->assign(entries_->begin() + static_cast<std::ptrdiff_t>(head_),
                                entries_->end());
      entries_ = std::move(own);
      head_ = 0;
    }
    entries_->push_back(std::move(entry));
  }

  // Whether this buffer holds exactly `older`'s entries first (the same entries, not equal
  // copies), then possibly more: what a step that only issued accesses leaves.
  bool Extends(const StoreBuffer& older) const {
    if (size() < older.size()) return false;
    for (size_t i = 0; i < older.size(); ++i) {
      if ((*entries_)[head_ + i] != (*older.entries_)[older.head_ + i]) return false;
    }
    return true;
  }

  // REQUIRES: !empty(). Leaves the list itself alone: other copies may still read it.
  void pop_front() {
    if (++head_ == entries_->size()) {
      entries_.reset();
      head_ = 0;
    }
  }

 private:
  struct Entry {
    BufferedAccess access;
    Hash128 digest;
  };
  static Hash128 DigestOf(const BufferedAccess& access) {
    Hasher h;
    h.Add(static_cast<uint64_t>(access.kind));
    h.Add(access.address);
    h.AddBytes(access.data.bytes);
    h.AddBytes(access.data.origins);
    h.AddBool(access.page_cache);
    h.Add(access.ino);
    h.Add(access.file_offset);
    h.Add(access.stamp);
    return h.Finish();
  }

  std::shared_ptr<std::vector<std::shared_ptr<const Entry>>> entries_;
  size_t head_ = 0;  // entries before it have drained
};

}  // namespace crashsim
