// CrashSpace: the crash images of one machine state, organised for the checkers so that they never
// enumerate more than what they can observe (docs/architecture.md, "Crash space" and "Reductions
// and their switches": projection and analytic checks), while every verdict stays exact.
//
// The durable journal prefix J is chosen first (every feasible prefix under background pushes,
// exactly the forced one without). J forces its ancestors in the persist graph (PREFLUSH, ordered
// data). Given J, the value a crash leaves in one byte depends only on which of the pending writes
// covering that byte persisted, and the feasible outcomes are exactly: the last persisted write is
// any write at or after the latest forced one (or the durable media value when none is forced).
// Byte-local checkers (durability, no stale data) therefore examine each byte's outcomes directly,
// run by run: the bytes that the same pending writes cover have the same kinds of outcome, and a
// byte no pending write covers has exactly one, the durable media value.
// Checkers that relate several bytes (assertions) enumerate the downsets of the persist order
// projected onto the writes covering those bytes. Each finding comes with a concrete witness image.
#pragma once

#include <cstdint>
#include <functional>
#include <utility>
#include <map>
#include <optional>
#include <set>
#include <vector>

#include "models/machine.h"
#include "models/recovery.h"
#include "sim/crash/persist_graph.h"

namespace crashsim {

// One feasible outcome of one byte: the value, its origin, and the write it came from (-1: the
// durable media).
struct ByteOutcome {
  uint8_t value = 0;
  Origin origin = kOriginZero;
  int event = -1;
};

// Device bytes [begin, end).
struct AddressRange {
  uint64_t begin = 0, end = 0;
};

// A run of bytes within one media block that the same pending writes cover, so every byte of it
// has the same kinds of outcome: the durable media value (when `media`), then the value of each
// write in `writes`. A byte that no pending write covers has one outcome, the media value.
struct OutcomeRun {
  uint64_t address = 0;
  uint64_t length = 0;
  BlockView block;         // the media block holding the run
  uint64_t in_block = 0;   // the run's offset within that block
  bool media = false;
  std::vector<int> writes;  // event indices (= indices into the device's pending writes)
};

class CrashSpace {
 public:
  explicit CrashSpace(const Machine& machine);

  const PersistGraph& graph() const { return graph_; }
  // The feasible durable journal prefixes, shortest first.
  const std::vector<uint64_t>& journal_choices() const { return journal_choices_; }

  // Sets the journal prefix the next queries refer to.
  void ChooseJournal(uint64_t prefix);
  // Fixes one whole image instead (the reductions switched off): every byte then has exactly the
  // outcome that image gives it, and joint enumeration visits that image alone.
  void ChooseImage(const CrashImage& image);
  // The minimal image for the chosen prefix (what it forces, nothing else).
  const CrashImage& base_image() const { return base_image_; }
  // Whether a whole image was chosen (ChooseImage) rather than a journal prefix.
  bool whole_image() const { return fixed_; }
  // Whether the chosen prefix (or image) forces the event (an index into graph().events()).
  bool forced(int event) const { return forced_[event]; }
  // The image that keeps what the chosen prefix forces, `events` and their ancestors, and nothing
  // else: a downset, so an image the hardware can produce.
  CrashImage ImageKeeping(const std::vector<int>& events) const;
  // Every feasible outcome of the device byte at `address`, in a fixed order.
  std::vector<ByteOutcome> Outcomes(uint64_t address) const;
  // Calls `visit(address, outcome)` for every feasible outcome of every byte of
  // [address, address + length), byte by byte, each byte's in the order of Outcomes(); stops
  // and returns false when `visit` returns false. A template so that the per-byte call inlines.
  template <typename Visit>
  bool ForEachOutcome(uint64_t address, uint64_t length, Visit&& visit) const;
  // The same range cut into runs of bytes with the same covering writes, in address order;
  // stops and returns false when `visit` returns false.
  bool ForEachRun(uint64_t address, uint64_t length,
                  const std::function<bool(const OutcomeRun&)>& visit) const;
  // ForEachOutcome over the bytes of one run.
  template <typename Visit>
  bool ForEachOutcomeIn(const OutcomeRun& run, Visit&& visit) const;
  // The image that shows `outcome` at `address` (the base image plus that write's ancestors), and
  // the pending writes covering the byte that it leaves out.
  CrashImage Witness(uint64_t address, const ByteOutcome& outcome) const;
  // The pending writes covering the byte, or any byte of the ranges, in id order.
  std::vector<int> CoveringEvents(uint64_t address) const;
  std::vector<int> CoveringEvents(const std::vector<AddressRange>& ranges) const;
  // Enumerates every feasible combination of the writes covering the bytes of `ranges`
  // (projected downsets) as images; stops when `visit` returns false. Returns false if the space
  // exceeded `limit` combinations and was cut short.
  bool ForEachJointImage(const std::vector<AddressRange>& ranges, uint64_t limit,
                         const std::function<bool(const CrashImage&)>& visit) const;
  // The same for a set of single bytes.
  bool ForEachJointImage(const std::set<uint64_t>& addresses, uint64_t limit,
                         const std::function<bool(const CrashImage&)>& visit) const;

 private:
  std::vector<bool> Ancestors(const std::vector<int>& roots) const;
  CrashImage ImageOf(const std::vector<bool>& in) const;
  // The pending writes touching [begin, end), in id order.
  std::vector<int> Touching(uint64_t begin, uint64_t end) const;
  // Of the writes covering one byte (in id order), those whose value a crash may leave, and
  // whether the durable media value is possible too.
  void ChooseOutcomes(const std::vector<int>& covering, bool* media,
                      std::vector<int>* writes) const;

  const Machine& machine_;
  PersistGraph graph_;
  std::vector<uint64_t> journal_choices_;
  std::map<uint64_t, std::vector<int>> line_index_;  // 64-byte line -> device-write events
  uint64_t prefix_ = 0;
  std::vector<bool> forced_;  // events forced by the chosen prefix (or in the chosen image)
  bool fixed_ = false;        // a whole image was chosen
  CrashImage base_image_;
};

template <typename Visit>
bool CrashSpace::ForEachOutcome(uint64_t address, uint64_t length, Visit&& visit) const {
  return ForEachRun(address, length,
                    [&](const OutcomeRun& run) { return ForEachOutcomeIn(run, visit); });
}

template <typename Visit>
bool CrashSpace::ForEachOutcomeIn(const OutcomeRun& run, Visit&& visit) const {
  const auto& pending = machine_.device.pending();
  for (uint64_t i = 0; i < run.length; ++i) {
    const uint64_t pos = run.address + i;
    if (run.media && !visit(pos, ByteOutcome{run.block.byte(run.in_block + i),
                                             run.block.origin(run.in_block + i), -1})) {
      return false;
    }
    for (int v : run.writes) {
      const PendingWrite& write = pending[v];
      const uint64_t at = pos - write.address;
      if (!visit(pos, ByteOutcome{write.data().bytes[at], write.data().origins[at], v})) return false;
    }
  }
  return true;
}

}  // namespace crashsim
