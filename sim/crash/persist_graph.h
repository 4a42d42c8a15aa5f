// PersistGraph: the pending persist events of one Machine and the "must persist before" order among
// them (docs/architecture.md, "Crash space"; docs/semantics.md 3.6); every downset is a persistent
// image a crash may leave.
//
// Events: each pending device write piece (a sector of a block write, a piece of a pmem store),
// and, when background journal pushes are explored, each committed but unforced transaction.
// Edges (u -> v: v persisted implies u persisted):
// - writes to one sector or one pmem line persist in visibility order (the pieces of one torn
//   store are unordered among themselves);
// - transactions persist as a prefix of the log;
// - a log write carries REQ_PREFLUSH, so every write completed before a transaction was committed
//   persists before it (the earliest such transaction is enough: the log is a prefix);
// - ext4-ordered: a transaction's ordered data persists before its commit.
// The graph is stored in Boost.Graph (vecS), transitively reduced once (Boost's
// transitive_reduction), and walked in a fixed topological order.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "models/machine.h"
#include "models/recovery.h"

namespace crashsim {

struct PersistEvent {
  enum class Kind { kDeviceWrite, kTransaction };
  Kind kind = Kind::kDeviceWrite;
  uint64_t id = 0;  // pending write id, or transaction sequence number
  std::string description;
};

// A persist event named by kind and id (pending write id, or transaction sequence number). A crash
// check names the events it found lost this way, and the report renders their text from the state
// that shows them (DescribeEvent): the text reads how far a store got towards persistence, which
// no crash check reads, so checks memoised across such states stay exact.
struct EventRef {
  PersistEvent::Kind kind = PersistEvent::Kind::kDeviceWrite;
  uint64_t id = 0;
  bool operator==(const EventRef&) const = default;
};

// The description PersistGraph gives the event in `machine` (REQUIRES: it is pending there, or a
// committed transaction).
std::string DescribeEvent(const Machine& machine, const EventRef& event);

class PersistGraph {
 public:
  explicit PersistGraph(const Machine& machine);

  const std::vector<PersistEvent>& events() const { return events_; }
  const std::vector<std::vector<size_t>>& predecessors() const { return predecessors_; }
  // Visits every downset as a CrashImage, in a fixed order; stops when `visit` returns false.
  // Returns the number of images visited.
  uint64_t ForEachImage(const std::function<bool(const CrashImage&)>& visit) const;
  // The same images found the naive way: every subset of the events, discarding those that are not
  // downsets (so no image the hardware cannot produce is ever visited). For measuring reductions.
  // REQUIRES: events().size() <= kSubsetEventsMax.
  static constexpr size_t kSubsetEventsMax = 20;
  uint64_t ForEachSubsetImage(const std::function<bool(const CrashImage&)>& visit) const;
  // The events an image left out, for reports.
  std::vector<const PersistEvent*> Lost(const CrashImage& image) const;

  // Images as sets of events (indices into events()), for minimising a witness and for drawing
  // samples: which events `image` keeps; the image keeping exactly `in`; whether `in` is a
  // downset (an image the hardware can produce).
  std::vector<bool> Kept(const CrashImage& image) const;
  CrashImage ImageOf(const std::vector<bool>& in) const;
  bool IsDownset(const std::vector<bool>& in) const;
  // One downset drawn event by event in topological order: an event whose predecessors are all
  // kept is kept when `keep()` says so. Every downset can be drawn.
  CrashImage DrawImage(const std::function<bool()>& keep) const;

 private:
  uint64_t forced_seq_ = 0;
  std::vector<PersistEvent> events_;
  std::vector<PersistEvent> unpushed_;  // committed transactions no crash can keep
  std::vector<std::vector<size_t>> predecessors_;  // per event, in topological order
  std::vector<size_t> order_;                      // a topological order of events
};

}  // namespace crashsim
