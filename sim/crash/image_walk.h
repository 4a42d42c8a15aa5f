// ImageWalk: every crash image of one machine state, visited by incremental steps over one byte
// image, for crash points whose persist DAG holds only persistent-memory stores (the pmem trace
// family: per 64-byte line a chain of pending stores, torn wide stores as unordered pieces).
//
// What it promises:
// - It visits exactly the downsets of the persist DAG that PersistGraph::ForEachImage visits, each
//   once, starting from the image that keeps no pending store.
// - Consecutive images differ by a few events: the events split into independent components (in
//   this family, one per line), each component's downsets are listed so that neighbours differ
//   little (for a chain: its prefixes, one store apart), and the components are combined in a
//   reflected mixed-radix Gray code (Knuth, TAOCP 7.2.1.1, Algorithm H, loopless), so each step
//   moves one component to a neighbouring downset. A step never copies the image: a store that
//   enters saves the bytes it covers and writes its own; one that leaves restores what it saved.
//   That is exact because two stores sharing a byte are ordered (WhyNotApplicable checks it), so a
//   store is always the latest persisted writer of its bytes when it enters or leaves.
// - The byte image covers every 64-byte line that some pending store touches (lines packed in
//   address order); every other device byte is the durable media's.
// - Deterministic: the order depends only on the machine state.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "models/machine.h"
#include "models/recovery.h"
#include "sim/crash/persist_graph.h"

namespace crashsim {

// One event entering (persisting) or leaving the current image. `event` indexes
// PersistGraph::events() (equally Device::pending()).
struct EventChange {
  uint32_t event = 0;
  bool enters = false;
};

class ImageWalk {
 public:
  // A component with more downsets than this is refused (its list is stored).
  static constexpr uint64_t kComponentImagesMax = uint64_t{1} << 16;

  // Why the walk cannot stand for the whole image space of `machine`, or nullopt when it can:
  // the device must be persistent memory, every persist event a pending line store (no journal
  // transaction, so the recovered metadata is the same in every image), any two stores sharing a
  // byte ordered in the DAG by visibility, no durable transaction recording the completion of a
  // pending write (the ordering oracle would then read the image), and no component with more
  // than kComponentImagesMax downsets. `graph` must be PersistGraph(machine).
  static std::optional<std::string> WhyNotApplicable(const Machine& machine,
                                                     const PersistGraph& graph);

  // REQUIRES: WhyNotApplicable(machine, graph) is nullopt. The walk stands at its first image.
  ImageWalk(const Machine& machine, const PersistGraph& graph);

  // The number of images (saturated at UINT64_MAX).
  uint64_t image_count() const { return image_count_; }
  size_t event_count() const { return events_.size(); }
  size_t component_count() const { return radix_.size(); }

  // Steps to the next image; false (and nothing changed) after the last one.
  bool Next();
  // The events the last Next() moved, in the order applied.
  std::span<const EventChange> last_changes() const { return last_changes_; }

  bool persisted(size_t event) const { return in_[event] != 0; }
  // The current image, as the rest of the simulator names images.
  CrashImage Image() const;

  // The byte image: 64 bytes per tracked line, lines in address order.
  const uint8_t* bytes() const { return image_.data(); }
  size_t byte_count() const { return image_.size(); }
  const std::vector<uint64_t>& tracked_lines() const { return lines_; }  // device line indices
  // Where the device byte at `address` sits in bytes(), or nullopt when no pending store touches
  // its line (it then reads as the durable media in every image).
  std::optional<uint32_t> ImageOffset(uint64_t address) const;

  // Geometry of one event's bytes, for the checks compiled against this walk.
  struct EventBytes {
    uint32_t image_offset = 0;  // where its first byte sits in bytes()
    uint32_t length = 0;
    uint32_t first_line = 0;    // indices into tracked_lines()
    uint32_t last_line = 0;
  };
  const EventBytes& event_bytes(size_t event) const { return events_[event]; }

  // Heap bytes held by the walk's own tables (the benchmark reports it).
  size_t footprint_bytes() const;

 private:
  void Apply(const EventChange& change);
  void BuildComponents(const PersistGraph& graph);

  // Per event: geometry, its bytes (data_) and the bytes it covered when it entered (undo_), both
  // at data_offset_[event]; whether it is in the current image.
  std::vector<EventBytes> events_;
  std::vector<uint32_t> data_offset_;
  std::vector<uint8_t> data_, undo_;
  std::vector<uint8_t> in_;
  std::vector<uint64_t> ids_;
  uint64_t journal_prefix_ = 0;
  std::vector<uint64_t> lines_;
  std::vector<uint8_t> image_;

  // Per component j: radix_[j] downsets in walk order; the changes from downset i to i + 1 are
  // changes_[forward_[start_[j] + i] .. forward_[start_[j] + i + 1]), the changes back from i + 1
  // to i the same range of backward_changes_.
  std::vector<uint32_t> radix_;
  std::vector<uint32_t> start_;
  std::vector<uint32_t> forward_;
  std::vector<EventChange> changes_, backward_changes_;
  uint64_t image_count_ = 1;

  // Algorithm H's state: digits, focus pointers, directions.
  std::vector<uint32_t> digit_;
  std::vector<uint32_t> focus_;
  std::vector<int8_t> direction_;
  bool done_ = false;
  std::span<const EventChange> last_changes_;
};

}  // namespace crashsim
