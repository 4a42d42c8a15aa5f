// Device: the one storage device of the file system, with the persist events still pending on it.
//
// Block device (docs/semantics.md 3.3): a write is submitted, then completes; a completed write may
// sit in the volatile write cache until a flush (PREFLUSH) or FUA makes it durable; `device_cache`
// none makes completion durable. Each sector of a write is its own persist event, so a multi-sector
// write may tear at `sector_bytes`; writes to one sector persist in order (a later durable value
// hides earlier ones).
// Persistent memory (docs/semantics.md 3.2): globally visible stores sit, per 64-byte line, in
// visibility order until a flush plus fence (or clflush, or eADR) makes them must-persist; the
// crash keeps a prefix of each line. A store larger than 8 bytes, or unaligned, is split into
// 8-byte pieces that may tear. The kernel's cache-bypassing copies (DAX write(), the pmem block
// driver) persist at the next device flush (nvdimm_flush's pmem_wmb).
// What persists is applied to Media and dropped from `pending`, so `pending` is exactly what a
// crash may still lose or keep.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "models/config.h"
#include "models/media.h"
#include "sim/base/copy_on_write.h"
#include "sim/base/hasher.h"
#include "sim/base/once_cache.h"

namespace crashsim {

inline constexpr uint64_t kLineBytes = 64;

enum class UnitKind : uint8_t { kSector, kLine };

// How far a pending pmem store has gone towards the persistence domain (for traces; what a crash
// may keep follows from the pending list alone).
enum class LineFlush : uint8_t {
  kVisible,             // in the CPU cache, no flush has covered it yet
  kFlushedNotFenced,    // a clwb/clflushopt (or its own non-temporal path) covers it; no fence yet
  kInWpq,               // fenced into the write-pending queue; platform none: awaiting a flush hint
  kKernelWrittenBack,   // written back by the kernel's DAX writeback; durable at the next flush
};

// What a pending write carries and never changes once made: shared by every copy of it (every
// state keeps the device's pending list, and most of them only copy it).
struct PendingPayload {
  Tagged data;
  std::string what;  // for reports: "pwrite by P1 to /f at 0+4096"
  // The hashes of `data` (bytes and origins) and of `what`, computed once: a payload is shared by
  // every state the write is pending in, and each of them hashes it.
  Hash128 data_hash;
  Hash128 what_hash;
};

struct PendingWrite {
  uint64_t id = 0;          // global visibility order of persist events
  UnitKind unit_kind = UnitKind::kSector;
  uint64_t unit = 0;        // sector or line index
  uint64_t address = 0;     // device byte address
  uint64_t unit_count = 1;  // consecutive units covered (a kernel block zeroing spans lines)
  uint64_t group = 0;       // pieces of one multi-word store or one bio share a group
  bool completed = true;    // block: completed (a flush covers it); pmem: always true
  uint64_t completed_tick = 0;  // logical time of completion, for journal PREFLUSH edges
  bool kernel_copy = false; // pmem: a kernel cache-bypassing copy, persisted by the next devflush
  bool eadr_settling = false;  // eADR: a piece of a wide store, durable once the next step runs
  bool nontemporal = false;    // pmem: a non-temporal store
  // Its flush mark (LineFlush) is kept apart, in Device::flush_marks(): see FlushMarkList.
  std::shared_ptr<const PendingPayload> payload;

  const Tagged& data() const { return payload->data; }
  const std::string& what() const { return payload->what; }
  void set_payload(Tagged data, std::string what) {
    Hasher data_hasher, what_hasher;
    data_hasher.AddBytes(data.bytes);
    data_hasher.AddBytes(data.origins);
    what_hasher.AddString(what);
    payload = std::make_shared<const PendingPayload>(PendingPayload{
        std::move(data), std::move(what), data_hasher.Finish(), what_hasher.Finish()});
  }
};

struct PendingList;

// Bytes a delivery writes to media: a run of adjacent bytes within one block, or a whole block,
// made once and shared by every Media the delivery is committed to.
struct MediaRun {
  uint64_t address = 0;
  Tagged data;                           // when not a whole block
  std::shared_ptr<WrittenBlock> block;   // a whole block at `address`
};

// What a delivery of flushed lines (Device::PersistLines) does to the pending list it is decided
// on: the bytes it writes to media, in the order they apply, and the writes that stay pending, by
// index into that list and as a list of their own. Null `kept_list`: nothing persists.
struct PersistOutcome {
  std::vector<MediaRun> runs;
  std::vector<uint32_t> kept;
  std::shared_ptr<PendingList> kept_list;
};

// The device's pending writes, ordered by id, shared by the copies of a Device until one changes
// them (CopyOnWrite), with digests of them computed once per shared list, each when first asked
// for: every state that holds the list hashes it, once or more, and a wide store leaves thousands
// of pieces in it.
struct PendingList {
  std::vector<PendingWrite> writes;
  // Of each write every field Device::HashInto covers, and all of them but the completion tick.
  OnceCache<Hash128> fields;
  OnceCache<Hash128> untimed_fields;
  // The writes with a completion tick, by index, with the tick.
  OnceCache<std::vector<std::pair<uint32_t, uint64_t>>> stamped;
  // Of each write its unit, unit count and description (`what`).
  OnceCache<Hash128> described;
  // The media blocks the writes touch, as sorted disjoint ranges [first, end).
  OnceCache<std::vector<std::pair<uint64_t, uint64_t>>> touched_blocks;
  // Of each pmem line some write covers, the indices of the writes covering it: (line, index)
  // pairs in order, for a drained clwb to find its line's writes among thousands.
  OnceCache<std::vector<std::pair<uint64_t, uint32_t>>> by_line;
  // The last delivery decided on this list, by the (line, up to id) pairs delivered: every state
  // between the drains of a wide `flush` holds this list, and the fence after it delivers the same
  // lines in each of them.
  LastByKey<std::vector<std::pair<uint64_t, uint64_t>>, PersistOutcome> last_persist;
};

// The flush mark of each pending write, by its index in PendingList::writes, in a list of its own:
// a drained clwb changes the marks of one line, and every state between the drains of a wide
// `flush` holds a copy of the marks, so a change of marks copies a byte per write and leaves the
// writes (and their digests) shared. With its digests, computed once per shared list: of the marks,
// and of the marks with a visible and a flushed-not-fenced mark alike.
struct FlushMarkList {
  std::vector<LineFlush> marks;
  OnceCache<Hash128> digest;
  OnceCache<Hash128> unfenced_alike;
};

// Lays the bytes of `write` that fall within `out` (which holds the bytes from `address` on) over
// them.
void OverlayWrite(const PendingWrite& write, uint64_t address, Tagged* out);

class Device {
 public:
  Device(Media media, bool pmem, const Config& config);

  bool is_pmem() const { return pmem_; }
  const Media& media() const { return media_; }
  const std::vector<PendingWrite>& pending() const { return pending_->writes; }
  // The flush mark of each pending write: flush_marks()[i] is pending()[i]'s.
  const std::vector<LineFlush>& flush_marks() const { return marks_->marks; }
  uint64_t tick() const { return tick_; }
  uint64_t Tick() { return ++tick_; }

  // Block path. Returns the group id of the bio. `fua`: durable when it completes.
  uint64_t SubmitBlockWrite(uint64_t address, const Tagged& data, bool fua, std::string what);
  // Completes the bio; with no volatile cache (or FUA) the data becomes durable.
  void CompleteBlockWrite(uint64_t group);
  bool InFlight(uint64_t group) const;
  // REQ_PREFLUSH / blkdev_issue_flush: every completed write becomes durable. On pmem this is
  // nvdimm_flush: the kernel's cache-bypassing copies become durable as well.
  void Flush();

  // Persistent-memory path: a store (or non-temporal store) became globally visible. Returns the
  // id of its last piece. Under eADR it is durable at once.
  uint64_t AppendVisibleStore(uint64_t address, const Tagged& data, std::string what,
                              bool nontemporal = false);
  // eADR: the pieces of a wide (non-atomic) store become visible, and so durable, one by one; a
  // crash right after the store may find it torn. Any later step finds them all durable.
  void SettleEadr();
  // The kernel's cache-bypassing copy (memcpy_flushcache): visible now, durable at Flush().
  void AppendKernelCopy(uint64_t address, const Tagged& data, std::string what);
  // The kernel zeroing a whole block before it is allocated (dax_zero_range / zeroout): one
  // persist event spanning the block's lines, durable at Flush().
  void AppendKernelZeroing(uint64_t address, uint64_t length, std::string what);
  // Makes every pending write to `line` with id <= `up_to_id` durable (flush + fence took effect).
  void PersistLine(uint64_t line, uint64_t up_to_id);
  // PersistLine for each (line, up_to_id), in one pass over the pending writes: the same media.
  void PersistLines(const std::vector<std::pair<uint64_t, uint64_t>>& lines);
  // A userspace flush + fence delivered the line to the memory controller's write-pending queue:
  // durable under ADR; under platform `none` only after the next Flush() (flush hints).
  void AcceptToWpq(uint64_t line, uint64_t up_to_id);
  // AcceptToWpq for each (line, up_to_id): what one fence delivers.
  void AcceptToWpq(const std::vector<std::pair<uint64_t, uint64_t>>& lines);
  // A clwb or clflushopt of each of `lines` (sorted) drained from a store buffer, or the lines of
  // a non-temporal store: their visible writes up to `up_to_id` are flushed but not yet fenced
  // (only traces read this).
  void MarkFlushed(const std::vector<uint64_t>& lines, uint64_t up_to_id);
  // The kernel's DAX writeback wrote the line back (dax_flush, a clwb loop). The kernel relies on
  // the next device flush (nvdimm_flush) for durability, and so does the model: the writes up to
  // `up_to_id` persist at the next Flush(), whichever CPU issues it. A background log push's
  // PREFLUSH is such a flush (the persist graph orders them before the transactions it writes).
  void KernelWriteBack(uint64_t line, uint64_t up_to_id);
  uint64_t last_id() const { return next_id_ - 1; }

  // The latest value of each byte: durable media overlaid with every pending write, in order.
  Tagged ReadVisible(uint64_t address, uint64_t length) const {
    return ReadOverlaid(address, length, [](const PendingWrite&) { return true; });
  }
  // Durable media overlaid with the pending writes that `keep` selects, in visibility order (a
  // crash image: the writes it persisted).
  template <class Keep>
  Tagged ReadOverlaid(uint64_t address, uint64_t length, Keep keep) const {
    Tagged out = media_.Read(address, length);
    for (const PendingWrite& write : pending_->writes) {
      // `keep` is asked only about writes that reach the range: it may cost a lookup, and a wide
      // store leaves thousands of pending pieces elsewhere.
      const bool overlaps =
          write.address < address + length && address < write.address + write.data().size();
      if (overlaps && keep(write)) OverlayWrite(write, address, &out);
    }
    return out;
  }

  // `flush_marks` false: a line's visible and flushed-not-fenced marks hash alike (they differ
  // only in the text a report gives a lost store; see HashCrashChecks in models/machine.h).
  // The pending writes are fed as a digest (PendingList), computed once per shared list.
  void HashInto(Hasher& hasher, bool flush_marks = true) const;
  // HashInto (with the flush marks) without the ticks as numbers: each completion tick a pending
  // write carries is given by `place_of_tick(tick)`, and the device's own tick not at all. A tick
  // only decides which journal transactions a write completed before (the PREFLUSH edges of the
  // persist graph), and every later tick is greater than each earlier one in any case; so with
  // `place_of_tick` the number of transactions committed before the tick, two devices that hash
  // equal give the same edges now and later (docs/architecture.md, "Equal histories").
  void HashTimelessInto(Hasher& hasher,
                        const std::function<uint64_t(uint64_t)>& place_of_tick) const;
  // Of each pending write what the persist graph reads besides: its unit, unit count and
  // description (HashCrashInputs), as a digest computed once per shared list.
  void HashDescriptionsInto(Hasher& hasher) const;

  // The media blocks some pending write touches, as sorted disjoint ranges [first, end) of
  // block numbers; computed once per shared list.
  const std::vector<std::pair<uint64_t, uint64_t>>& PendingBlocks() const;

  // Test-only wrong model: a completed write is durable without a flush.
  void set_completed_write_is_durable(bool on) { completed_is_durable_ = on; }

 private:
  void Apply(const PendingWrite& write) { media_.Write(write.address, write.data()); }
  // HashInto, or with `place_of_tick` HashTimelessInto.
  void HashWithTicks(Hasher& hasher, bool flush_marks,
                     const std::function<uint64_t(uint64_t)>* place_of_tick) const;
  // `data` at `address` as pmem persist events of `group`, ids in address order: one per line
  // part, and one per 8-byte word part when `words`.
  std::vector<PendingWrite> LinePieces(uint64_t address, const Tagged& data, bool words,
                                       uint64_t group, const std::string& what);
  void ApplyWhere(bool (*predicate)(const PendingWrite&, const void*), const void* arg);
  // PendingList::by_line, built when first asked for. REQUIRES: some write is pending.
  const std::vector<std::pair<uint64_t, uint32_t>>& ByLine() const;
  // Whether some pending pmem write covers `line`.
  bool LineHasPending(uint64_t line) const;
  // What ApplyWhere(predicate, arg) would do to the pending writes, or null when nothing persists.
  std::shared_ptr<const PersistOutcome> DecideWhere(
      bool (*predicate)(const PendingWrite&, const void*), const void* arg) const;
  // Does it: writes the runs to media and keeps the writes it keeps, with their flush marks.
  void Commit(const PersistOutcome& outcome);

  Media media_;
  bool pmem_;
  Platform platform_;
  DeviceCache cache_;
  uint32_t sector_bytes_;
  bool completed_is_durable_ = false;
  // Ordered by id. Shared between copies until changed: most steps leave it alone.
  CopyOnWrite<PendingList> pending_;
  // The flush marks of the pending writes, index for index (FlushMarkList).
  CopyOnWrite<FlushMarkList> marks_;
  // The pending writes to change in place (never to add or drop one): no longer shared, their
  // digests dropped.
  std::vector<PendingWrite>& MutablePending();
  // Adds `write` at the end of the pending writes, visible (not flushed).
  void AppendPending(PendingWrite write);
  // The flush marks to change: no longer shared, their digests dropped.
  // `visible_to_unfenced_only`: the change only raises visible marks to flushed-not-fenced, which
  // the digest that hashes the two alike does not see.
  std::vector<LineFlush>& MutableFlushMarks(bool visible_to_unfenced_only);
  uint64_t next_id_ = 1;
  uint64_t next_group_ = 1;
  uint64_t tick_ = 0;
  // Groups submitted with FUA (durable at completion).
  std::vector<uint64_t> fua_groups_;
  // Lines waiting for the next Flush(): platform `none`'s write-pending queue (flush hints), and
  // lines the kernel wrote back.
  std::vector<std::pair<uint64_t, uint64_t>> wpq_;
  void MarkLine(uint64_t line, uint64_t up_to_id, LineFlush state, bool stamp);
};

}  // namespace crashsim
