// CrashSpace: the crash images of one machine state, organised for the checkers so that they
// never enumerate more than what they can observe (DESIGN.md, "Crash enumeration and reduction":
// projection and analytic checks), while every verdict stays exact.
//
// The durable journal prefix J is chosen first (every feasible prefix under background pushes,
// exactly the forced one without). J forces its ancestors in the persist graph (PREFLUSH, ordered
// data). Given J, the value a crash leaves in one byte depends only on which of the pending writes
// covering that byte persisted, and the feasible outcomes are exactly: the last persisted write is
// any write at or after the latest forced one (or the durable media value when none is forced).
// Byte-local checkers (durability, no stale data) therefore examine each byte's outcomes directly.
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
  // Every feasible outcome of the device byte at `address`, in a fixed order.
  std::vector<ByteOutcome> Outcomes(uint64_t address) const;
  // Calls `visit(address, outcome)` for every feasible outcome of every byte of
  // [address, address + length), byte by byte; stops when `visit` returns false.
  void ForEachOutcome(uint64_t address, uint64_t length,
                      const std::function<bool(uint64_t, const ByteOutcome&)>& visit) const;
  // The image that shows `outcome` at `address` (the base image plus that write's ancestors), and
  // the pending writes covering the byte that it leaves out.
  CrashImage Witness(uint64_t address, const ByteOutcome& outcome) const;
  std::vector<int> CoveringEvents(uint64_t address) const;
  // Enumerates every feasible combination of the writes covering `addresses` (projected downsets)
  // as images; stops when `visit` returns false. Returns false if the space exceeded `limit`
  // combinations and was cut short.
  bool ForEachJointImage(const std::set<uint64_t>& addresses, uint64_t limit,
                         const std::function<bool(const CrashImage&)>& visit) const;

 private:
  std::vector<bool> Ancestors(const std::vector<int>& roots) const;
  CrashImage ImageOf(const std::vector<bool>& in) const;

  const Machine& machine_;
  PersistGraph graph_;
  std::vector<uint64_t> journal_choices_;
  std::map<uint64_t, std::vector<int>> line_index_;  // 64-byte line -> device-write events
  uint64_t prefix_ = 0;
  std::vector<bool> forced_;  // events forced by the chosen prefix (or in the chosen image)
  bool fixed_ = false;        // a whole image was chosen
  CrashImage base_image_;
};

}  // namespace crashsim
