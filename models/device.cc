#include "models/device.h"

#include <algorithm>
#include <optional>
#include <set>
#include <utility>

#include "sim/base/check.h"

namespace crashsim {
namespace {

// The `length` tagged bytes of `data` from `from`.
Tagged Slice(const Tagged& data, uint64_t from, uint64_t length) {
  const auto first = static_cast<std::ptrdiff_t>(from);
  const auto last = static_cast<std::ptrdiff_t>(from + length);
  return Tagged{{data.bytes.begin() + first, data.bytes.begin() + last},
                {data.origins.begin() + first, data.origins.begin() + last}};
}

// The units (sectors, lines) that some durable write covers, for ApplyWhere's pass from the
// latest pending write back: a bitmap per unit kind over the span of units the writes touch (one
// bit looked up per write), or an ordered set when that span is too wide for a bitmap.
class TakenUnits {
 public:
  explicit TakenUnits(const std::vector<PendingWrite>& writes) {
    for (const PendingWrite& write : writes) {
      Span& span = spans_[Kind(write)];
      span.first = std::min(span.first, write.unit);
      span.end = std::max(span.end, write.unit + write.unit_count);
    }
    // A bitmap costs a bit per unit of the span: at most 64 per write, so setting it up never
    // costs more than the pass it serves.
    const uint64_t max_units = 64 * writes.size() + 1024;
    for (Span& span : spans_) {
      if (span.first >= span.end) continue;  // no write of this kind: never looked up
      if (span.end - span.first <= max_units) {
        span.bits.assign(span.end - span.first, false);
      } else {
        dense_ = false;
      }
    }
  }

  bool Covers(const PendingWrite& write) const {
    if (dense_) {
      const Span& span = spans_[Kind(write)];
      const auto first = span.bits.begin() + static_cast<std::ptrdiff_t>(write.unit - span.first);
      return std::find(first, first + static_cast<std::ptrdiff_t>(write.unit_count), true) !=
             first + static_cast<std::ptrdiff_t>(write.unit_count);
    }
    const auto first = units_.lower_bound({write.unit_kind, write.unit});
    if (first != units_.end() && first->first == write.unit_kind &&
        first->second < write.unit + write.unit_count) {
      return true;
    }
    return std::any_of(wide_.begin(), wide_.end(), [&](const PendingWrite* span) {
      return span->unit_kind == write.unit_kind && span->unit < write.unit + write.unit_count &&
             write.unit < span->unit + span->unit_count;
    });
  }

  void Take(const PendingWrite& write) {
    if (dense_) {
      Span& span = spans_[Kind(write)];
      const auto first = span.bits.begin() + static_cast<std::ptrdiff_t>(write.unit - span.first);
      std::fill(first, first + static_cast<std::ptrdiff_t>(write.unit_count), true);
    } else if (write.unit_count == 1) {
      units_.insert({write.unit_kind, write.unit});
    } else {
      wide_.push_back(&write);
    }
  }

 private:
  struct Span {
    uint64_t first = UINT64_MAX;
    uint64_t end = 0;
    std::vector<bool> bits;
  };
  static size_t Kind(const PendingWrite& write) { return static_cast<size_t>(write.unit_kind); }

  Span spans_[2];
  bool dense_ = true;
  std::set<std::pair<UnitKind, uint64_t>> units_;  // not dense: units of single-unit writes
  std::vector<const PendingWrite*> wide_;          // not dense: writes spanning several units
};

}  // namespace

Device::Device(Media media, bool pmem, const Config& config)
    : media_(std::move(media)),
      pmem_(pmem),
      platform_(config.platform),
      // The pmem block driver's writes are durable after the next flush or FUA
      // (docs/scenario-format.md, "Config": device_cache does not apply on pmem).
      cache_(pmem ? DeviceCache::kVolatileFua : config.device_cache),
      sector_bytes_(config.sector_bytes) {}

void Device::ApplyWhere(bool (*predicate)(const PendingWrite&, const void*), const void* arg) {
  if (const auto outcome = DecideWhere(predicate, arg)) Commit(*outcome);
}

std::shared_ptr<const PersistOutcome> Device::DecideWhere(
    bool (*predicate)(const PendingWrite&, const void*), const void* arg) const {
  const std::vector<PendingWrite>& writes = pending_->writes;
  std::vector<bool> apply(writes.size(), false);
  bool any = false;
  for (size_t i = 0; i < writes.size(); ++i) {
    apply[i] = predicate(writes[i], arg);
    any = any || apply[i];
  }
  if (!any) return nullptr;  // the common case (a drain with nothing settling): no copy of the list
  // Writes to one sector or line persist in order: a write that becomes durable takes every
  // earlier pending write to the same unit with it (they are persisted, then overwritten), and
  // those take theirs. Visited from the latest write back, `taken` holds the units that some later
  // durable write covers, so each write is decided with one lookup, not a scan of the list (a
  // fence over a wide store persists thousands of pieces at once).
  TakenUnits taken(writes);
  for (size_t i = writes.size(); i-- > 0;) {
    const PendingWrite& write = writes[i];
    if (!apply[i]) apply[i] = taken.Covers(write);
    if (apply[i]) taken.Take(write);
  }
  // Applied in visibility order. Consecutive applied writes that lie end to end (the pieces of one
  // wide store) are written as one: they do not overlap, so the order among them is moot, and
  // each media write looks its blocks up.
  auto outcome = std::make_shared<PersistOutcome>();
  outcome->kept_list = std::make_shared<PendingList>();
  std::vector<std::pair<uint64_t, Tagged>> runs;
  for (size_t i = 0; i < writes.size(); ++i) {
    if (!apply[i]) {
      outcome->kept.push_back(static_cast<uint32_t>(i));
      continue;
    }
    const PendingWrite& write = writes[i];
    if (runs.empty() || write.address != runs.back().first + runs.back().second.size()) {
      runs.emplace_back(write.address, Tagged{});
    }
    Tagged& run = runs.back().second;
    run.bytes.insert(run.bytes.end(), write.data().bytes.begin(), write.data().bytes.end());
    run.origins.insert(run.origins.end(), write.data().origins.begin(),
                       write.data().origins.end());
  }
  // Cut at block boundaries: a whole block becomes a block of its own, the rest stays bytes.
  const uint64_t bs = media_.block_size();
  for (const auto& [address, run] : runs) {
    for (uint64_t done = 0; done < run.size();) {
      const uint64_t pos = address + done;
      const uint64_t take = std::min<uint64_t>(bs - pos % bs, run.size() - done);
      const auto first = static_cast<std::ptrdiff_t>(done);
      const auto last = static_cast<std::ptrdiff_t>(done + take);
      MediaRun piece;
      piece.address = pos;
      Tagged data{{run.bytes.begin() + first, run.bytes.begin() + last},
                  {run.origins.begin() + first, run.origins.begin() + last}};
      if (take == bs) {
        piece.block = std::make_shared<WrittenBlock>();
        piece.block->data = std::move(data);
      } else {
        piece.data = std::move(data);
      }
      outcome->runs.push_back(std::move(piece));
      done += take;
    }
  }
  // The kept writes are copied into a list of their own: a fence persists most of a list other
  // states still share, and copying the whole list first to compact it costs a copy of every
  // write it drops.
  outcome->kept_list->writes.reserve(outcome->kept.size());
  for (uint32_t i : outcome->kept) outcome->kept_list->writes.push_back(writes[i]);
  return outcome;
}

void Device::Commit(const PersistOutcome& outcome) {
  if (!outcome.kept_list) return;
  for (const MediaRun& run : outcome.runs) {
    if (run.block) {
      media_.PutBlock(run.address / media_.block_size(), run.block);
    } else {
      media_.Write(run.address, run.data);
    }
  }
  FlushMarkList kept_marks;
  kept_marks.marks.reserve(outcome.kept.size());
  for (uint32_t i : outcome.kept) kept_marks.marks.push_back(flush_marks()[i]);
  pending_.Share(outcome.kept_list);
  marks_.Set(std::move(kept_marks));
}

uint64_t Device::SubmitBlockWrite(uint64_t address, const Tagged& data, bool fua,
                                  std::string what) {
  const uint64_t group = next_group_++;
  uint64_t done = 0;
  while (done < data.size()) {
    const uint64_t pos = address + done;
    const uint64_t sector = pos / sector_bytes_;
    const uint64_t take = std::min<uint64_t>(sector_bytes_ - pos % sector_bytes_,
                                             data.size() - done);
    PendingWrite write;
    write.id = next_id_++;
    write.unit_kind = UnitKind::kSector;
    write.unit = sector;
    write.address = pos;
    write.set_payload(Slice(data, done, take), what);
    write.group = group;
    write.completed = false;
    AppendPending(std::move(write));
    done += take;
  }
  if (fua) fua_groups_.push_back(group);
  return group;
}

bool Device::InFlight(uint64_t group) const {
  return std::any_of(pending().begin(), pending().end(), [&](const PendingWrite& w) {
    return w.group == group && !w.completed;
  });
}

void Device::CompleteBlockWrite(uint64_t group) {
  const uint64_t now = Tick();
  for (auto& write : MutablePending()) {
    if (write.group == group && !write.completed) {
      write.completed = true;
      write.completed_tick = now;
    }
  }
  const bool fua = std::find(fua_groups_.begin(), fua_groups_.end(), group) != fua_groups_.end();
  if (fua) fua_groups_.erase(std::find(fua_groups_.begin(), fua_groups_.end(), group));
  if (cache_ == DeviceCache::kNone || completed_is_durable_) {
    ApplyWhere([](const PendingWrite& w, const void* g) {
      return w.group == *static_cast<const uint64_t*>(g);
    }, &group);
  } else if (fua && cache_ == DeviceCache::kVolatileFua) {
    ApplyWhere([](const PendingWrite& w, const void* g) {
      return w.group == *static_cast<const uint64_t*>(g);
    }, &group);
  } else if (fua) {
    // No FUA on the device: the block layer emulates it with a flush after the write completes,
    // which makes every completed write durable (docs/semantics.md 3.3).
    Flush();
  }
}

void Device::AcceptToWpq(uint64_t line, uint64_t up_to_id) { AcceptToWpq({{line, up_to_id}}); }

void Device::AcceptToWpq(const std::vector<std::pair<uint64_t, uint64_t>>& lines) {
  if (platform_ == Platform::kNone) {
    for (const auto& [line, up_to_id] : lines) {
      wpq_.emplace_back(line, up_to_id);
      MarkLine(line, up_to_id, LineFlush::kInWpq, /*stamp=*/true);
    }
  } else {
    PersistLines(lines);
  }
}

void Device::MarkFlushed(const std::vector<uint64_t>& lines, uint64_t up_to_id) {
  // The writes of each named line, found through the list's index by line (a write is raised
  // when any of its lines is named): a drained clwb looks at its line's writes, not at the
  // thousands of pieces a wide store leaves elsewhere.
  CRASHSIM_CHECK(std::is_sorted(lines.begin(), lines.end()));
  if (pending().empty()) return;  // and no index to keep with the one empty list all share
  const std::vector<PendingWrite>& writes = pending();
  const std::vector<std::pair<uint64_t, uint32_t>>& by_line = ByLine();
  std::vector<uint32_t> raised;
  for (const uint64_t line : lines) {
    for (auto it = std::lower_bound(by_line.begin(), by_line.end(), std::make_pair(line, 0u));
         it != by_line.end() && it->first == line; ++it) {
      const PendingWrite& write = writes[it->second];
      if (!write.kernel_copy && write.id <= up_to_id &&
          flush_marks()[it->second] < LineFlush::kFlushedNotFenced) {
        raised.push_back(it->second);
      }
    }
  }
  if (raised.empty()) return;
  std::vector<LineFlush>& marks = MutableFlushMarks(/*visible_to_unfenced_only=*/true);
  for (uint32_t i : raised) marks[i] = LineFlush::kFlushedNotFenced;
}

const std::vector<std::pair<uint64_t, uint32_t>>& Device::ByLine() const {
  return pending_->by_line.Get([&] {
    const std::vector<PendingWrite>& writes = pending();
    std::vector<std::pair<uint64_t, uint32_t>> index;
    for (size_t i = 0; i < writes.size(); ++i) {
      if (writes[i].unit_kind != UnitKind::kLine) continue;
      for (uint64_t u = 0; u < writes[i].unit_count; ++u) {
        index.emplace_back(writes[i].unit + u, static_cast<uint32_t>(i));
      }
    }
    std::sort(index.begin(), index.end());
    return index;
  });
}

bool Device::LineHasPending(uint64_t line) const {
  if (pending().empty()) return false;  // and no index to keep with the one empty list all share
  const auto& by_line = ByLine();
  const auto it = std::lower_bound(by_line.begin(), by_line.end(), std::make_pair(line, 0u));
  return it != by_line.end() && it->first == line;
}

void Device::KernelWriteBack(uint64_t line, uint64_t up_to_id) {
  wpq_.emplace_back(line, up_to_id);
  MarkLine(line, up_to_id, LineFlush::kKernelWrittenBack, /*stamp=*/true);
}

void Device::MarkLine(uint64_t line, uint64_t up_to_id, LineFlush state, bool stamp) {
  const std::vector<PendingWrite>& writes = pending();
  const auto covers = [&](const PendingWrite& write) {
    return write.unit_kind == UnitKind::kLine && !write.kernel_copy && write.unit <= line &&
           line < write.unit + write.unit_count && write.id <= up_to_id;
  };
  // Looked at before it is changed: a copy shared with other states stays shared when nothing
  // changes.
  std::vector<size_t> raised;
  for (size_t i = 0; i < writes.size(); ++i) {
    if (covers(writes[i]) && flush_marks()[i] < state) raised.push_back(i);
  }
  if (raised.empty()) return;
  std::vector<LineFlush>& marks = MutableFlushMarks(/*visible_to_unfenced_only=*/false);
  for (size_t i : raised) marks[i] = state;
  if (!stamp) return;
  // Lines waiting for a device flush count as completed at this tick: a later log write's
  // PREFLUSH takes them along (the persist graph's PREFLUSH edges).
  const uint64_t now = Tick();
  std::vector<PendingWrite>& mutable_writes = MutablePending();
  for (size_t i = 0; i < mutable_writes.size(); ++i) {
    PendingWrite& write = mutable_writes[i];
    if (covers(write) && marks[i] == state && write.completed_tick == 0) {
      write.completed_tick = now;
    }
  }
}

void Device::Flush() {
  PersistLines(wpq_);
  wpq_.clear();
  ApplyWhere([](const PendingWrite& w, const void*) {
    return (w.unit_kind == UnitKind::kSector && w.completed) || w.kernel_copy;
  }, nullptr);
}

uint64_t Device::AppendVisibleStore(uint64_t address, const Tagged& data, std::string what,
                                    bool nontemporal) {
  CRASHSIM_CHECK(pmem_);
  const uint64_t group = next_group_++;
  // Pieces: split at line boundaries, and at 8-byte boundaries unless the whole store is one
  // aligned word of at most 8 bytes (the failure-atomic unit).
  const bool atomic = data.size() <= 8 && address / 8 == (address + data.size() - 1) / 8;
  uint64_t last = 0;
  for (PendingWrite& write : LinePieces(address, data, /*words=*/!atomic, group, what)) {
    write.nontemporal = nontemporal;
    last = write.id;
    if (platform_ == Platform::kEadr && atomic && !LineHasPending(write.unit)) {
      Apply(write);  // eADR: the caches are in the persistence domain
    } else if (platform_ == Platform::kEadr && atomic) {
      // An older write to the line is still pending (a kernel copy awaiting a device flush). The
      // store is durable at once, and a line persists in visibility order, so the older write
      // persists with it and the store lands over it, as every read since sees it.
      const uint64_t line = write.unit;
      AppendPending(std::move(write));
      PersistLines({{line, last}});
    } else {
      write.eadr_settling = platform_ == Platform::kEadr;
      AppendPending(std::move(write));
    }
  }
  return last;
}

std::vector<PendingWrite> Device::LinePieces(uint64_t address, const Tagged& data, bool words,
                                             uint64_t group, const std::string& what) {
  std::vector<PendingWrite> pieces;
  uint64_t done = 0;
  while (done < data.size()) {
    const uint64_t pos = address + done;
    uint64_t limit = kLineBytes - pos % kLineBytes;
    if (words) limit = std::min<uint64_t>(limit, 8 - pos % 8);
    const uint64_t take = std::min<uint64_t>(limit, data.size() - done);
    PendingWrite write;
    write.id = next_id_++;
    write.unit_kind = UnitKind::kLine;
    write.unit = pos / kLineBytes;
    write.address = pos;
    write.set_payload(Slice(data, done, take), what);
    write.group = group;
    pieces.push_back(std::move(write));
    done += take;
  }
  return pieces;
}

void Device::SettleEadr() {
  if (platform_ != Platform::kEadr) return;  // only eADR marks pieces as settling
  ApplyWhere([](const PendingWrite& w, const void*) { return w.eadr_settling; }, nullptr);
}

void Device::AppendKernelCopy(uint64_t address, const Tagged& data, std::string what) {
  CRASHSIM_CHECK(pmem_);
  const uint64_t group = next_group_++;
  Tick();
  // memcpy_flushcache fills whole lines through the write-combining buffers: one persist event
  // per line (a partial line at either end is its own event).
  for (PendingWrite& write : LinePieces(address, data, /*words=*/false, group, what)) {
    write.kernel_copy = true;
    write.completed_tick = tick_;
    AppendPending(std::move(write));
  }
}

void Device::AppendKernelZeroing(uint64_t address, uint64_t length, std::string what) {
  if (!pmem_) {
    CompleteBlockWrite(SubmitBlockWrite(address, TagZeroes(length), false, std::move(what)));
    return;
  }
  PendingWrite write;
  write.id = next_id_++;
  write.unit_kind = UnitKind::kLine;
  write.unit = address / kLineBytes;
  write.unit_count = (length + kLineBytes - 1) / kLineBytes;
  write.address = address;
  write.set_payload(TagZeroes(length), std::move(what));
  write.group = next_group_++;
  write.kernel_copy = true;
  write.completed_tick = Tick();
  AppendPending(std::move(write));
}

void Device::PersistLine(uint64_t line, uint64_t up_to_id) { PersistLines({{line, up_to_id}}); }

void Device::PersistLines(const std::vector<std::pair<uint64_t, uint64_t>>& lines) {
  // Nothing pending: nothing to decide, and nothing to remember with a list no state owns (a
  // device that never had a pending write shares one empty list with every other).
  if (lines.empty() || pending().empty()) return;
  // Sorted by line, each line once with the highest id persisted: a line named twice persists
  // the union of its two prefixes.
  std::vector<std::pair<uint64_t, uint64_t>> up_to(lines);
  std::sort(up_to.begin(), up_to.end());
  for (size_t i = up_to.size(); i-- > 1;) {
    if (up_to[i - 1].first == up_to[i].first) up_to.erase(up_to.begin() + (i - 1));
  }
  // Looked up per pending write: by index when the lines are close together (a fence over a
  // wide store names a thousand consecutive lines), else by binary search.
  struct Bounds {
    std::vector<std::pair<uint64_t, uint64_t>> sorted;
    uint64_t first = 0;
    std::vector<uint64_t> dense;  // up_to of line first + i, 0 for none (ids start at 1)
  } bounds;
  bounds.sorted = std::move(up_to);
  const uint64_t first = bounds.sorted.front().first;
  const uint64_t span = bounds.sorted.back().first - first + 1;
  if (span <= 4 * bounds.sorted.size() + 1024) {
    bounds.first = first;
    bounds.dense.assign(span, 0);
    for (const auto& [line, id] : bounds.sorted) bounds.dense[line - first] = id;
  }
  // Decided once per shared list and set of lines: the states between the drains of a wide
  // `flush` share the list, and each takes the same fence.
  if (const auto known = pending_->last_persist.Find(bounds.sorted)) {
    Commit(*known);
    return;
  }
  auto outcome = DecideWhere([](const PendingWrite& w, const void* a) {
    if (w.unit_kind != UnitKind::kLine) return false;
    const auto& b = *static_cast<const Bounds*>(a);
    if (!b.dense.empty()) {
      const uint64_t end = b.first + b.dense.size();
      for (uint64_t line = std::max(w.unit, b.first); line < std::min(w.unit + w.unit_count, end);
           ++line) {
        if (w.id <= b.dense[line - b.first]) return true;
      }
      return false;
    }
    const auto first = std::make_pair(w.unit, uint64_t{0});
    for (auto it = std::lower_bound(b.sorted.begin(), b.sorted.end(), first);
         it != b.sorted.end() && it->first < w.unit + w.unit_count; ++it) {
      if (w.id <= it->second) return true;
    }
    return false;
  }, &bounds);
  if (!outcome) outcome = std::make_shared<const PersistOutcome>();  // nothing persists
  pending_->last_persist.Remember(bounds.sorted, outcome);
  Commit(*outcome);
}

std::vector<PendingWrite>& Device::MutablePending() {
  PendingList& list = pending_.mut();
  list.fields.Reset();
  list.untimed_fields.Reset();
  list.stamped.Reset();
  list.described.Reset();
  list.touched_blocks.Reset();
  list.last_persist.Reset();
  list.by_line.Reset();
  return list.writes;
}

void Device::AppendPending(PendingWrite write) {
  MutablePending().push_back(std::move(write));
  MutableFlushMarks(/*visible_to_unfenced_only=*/false).push_back(LineFlush::kVisible);
}

std::vector<LineFlush>& Device::MutableFlushMarks(bool visible_to_unfenced_only) {
  std::optional<Hash128> unfenced_alike;
  if (const Hash128* known = marks_->unfenced_alike.value()) unfenced_alike = *known;
  FlushMarkList& list = marks_.mut();
  list.digest.Reset();
  list.unfenced_alike.Reset();
  if (unfenced_alike && visible_to_unfenced_only) list.unfenced_alike.Keep(*unfenced_alike);
  return list.marks;
}

const std::vector<std::pair<uint64_t, uint64_t>>& Device::PendingBlocks() const {
  return pending_->touched_blocks.Get([this] {
    const uint64_t bs = media_.block_size();
    std::vector<std::pair<uint64_t, uint64_t>> spans;
    for (const PendingWrite& write : pending_->writes) {
      spans.emplace_back(write.address / bs, (write.address + write.data().size() + bs - 1) / bs);
    }
    std::sort(spans.begin(), spans.end());
    std::vector<std::pair<uint64_t, uint64_t>> merged;
    for (const auto& [first, end] : spans) {
      if (!merged.empty() && first <= merged.back().second) {
        merged.back().second = std::max(merged.back().second, end);
      } else {
        merged.emplace_back(first, end);
      }
    }
    return merged;
  });
}

namespace {

// The digest of `writes`, feeding each with `feed(hasher, write)`.
template <class Feed>
Hash128 DigestOf(const std::vector<PendingWrite>& writes, Feed feed) {
  Hasher hasher;
  for (const PendingWrite& write : writes) feed(hasher, write);
  return hasher.Finish();
}

}  // namespace

void Device::HashInto(Hasher& hasher, bool flush_marks) const {
  HashWithTicks(hasher, flush_marks, nullptr);
}

void Device::HashTimelessInto(Hasher& hasher,
                              const std::function<uint64_t(uint64_t)>& place_of_tick) const {
  HashWithTicks(hasher, /*flush_marks=*/true, &place_of_tick);
}

void Device::HashWithTicks(Hasher& hasher, bool flush_marks,
                           const std::function<uint64_t(uint64_t)>* place_of_tick) const {
  for (const auto& [block, written] : media_.written_blocks()) {
    const Hash128& digest = written->Digest();  // kept with the shared block
    hasher.Add(block);
    hasher.Add(digest.high);
    hasher.Add(digest.low);
  }
  const PendingList& list = *pending_;
  hasher.Add(list.writes.size());
  // Every field but the completion tick, which the timeless hash gives by its place.
  auto feed = [](Hasher& h, const PendingWrite& write) {
    h.Add(write.id);
    h.Add(static_cast<uint64_t>(write.unit_kind));
    h.Add(write.address);
    h.Add(write.payload->data_hash.high);
    h.Add(write.payload->data_hash.low);
    h.Add(write.group);
    h.AddBool(write.completed);
    h.AddBool(write.kernel_copy);
    h.AddBool(write.eadr_settling);
    h.AddBool(write.nontemporal);
  };
  const Hash128& fields = place_of_tick ? list.untimed_fields.Get([&] {
    return DigestOf(list.writes, feed);
  }) : list.fields.Get([&] {
    return DigestOf(list.writes, [&](Hasher& h, const PendingWrite& write) {
      feed(h, write);
      h.Add(write.completed_tick);
    });
  });
  const FlushMarkList& mark_list = *marks_;
  const Hash128& marks = flush_marks ? mark_list.digest.Get([&] {
    Hasher h;
    h.AddEnumBytes(mark_list.marks);
    return h.Finish();
  }) : mark_list.unfenced_alike.Get([&] {
    std::vector<LineFlush> alike(mark_list.marks);
    std::replace(alike.begin(), alike.end(), LineFlush::kFlushedNotFenced, LineFlush::kVisible);
    Hasher h;
    h.AddEnumBytes(alike);
    return h.Finish();
  });
  for (const Hash128& digest : {fields, marks}) {
    hasher.Add(digest.high);
    hasher.Add(digest.low);
  }
  hasher.AddBytes(fua_groups_);
  hasher.Add(next_id_);
  if (place_of_tick) {
    // Each stamped write's place among the ticks that decide something: the commits before it.
    const std::vector<std::pair<uint32_t, uint64_t>>& stamped = list.stamped.Get([&] {
      std::vector<std::pair<uint32_t, uint64_t>> found;
      for (uint32_t i = 0; i < list.writes.size(); ++i) {
        if (list.writes[i].completed_tick != 0) found.emplace_back(i, list.writes[i].completed_tick);
      }
      return found;
    });
    hasher.Add(stamped.size());
    for (const auto& [index, tick] : stamped) {
      hasher.Add(index);
      hasher.Add((*place_of_tick)(tick));
    }
  } else {
    hasher.Add(tick_);
  }
  hasher.Add(wpq_.size());
  for (const auto& [line, id] : wpq_) {
    hasher.Add(line);
    hasher.Add(id);
  }
}

void Device::HashDescriptionsInto(Hasher& hasher) const {
  const PendingList& list = *pending_;
  const Hash128& described = list.described.Get([&] {
    return DigestOf(list.writes, [](Hasher& h, const PendingWrite& write) {
      h.Add(write.unit);
      h.Add(write.unit_count);
      h.Add(write.payload->what_hash.high);
      h.Add(write.payload->what_hash.low);
    });
  });
  hasher.Add(list.writes.size());
  hasher.Add(described.high);
  hasher.Add(described.low);
}

void OverlayWrite(const PendingWrite& write, uint64_t address, Tagged* out) {
  const uint64_t begin = std::max(address, write.address);
  const uint64_t end = std::min(address + out->size(), write.address + write.data().size());
  for (uint64_t pos = begin; pos < end; ++pos) {
    out->bytes[pos - address] = write.data().bytes[pos - write.address];
    out->origins[pos - address] = write.data().origins[pos - write.address];
  }
}

}  // namespace crashsim
