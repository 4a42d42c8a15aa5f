// Ghost state: what the oracles need and the simulated world never reads (docs/semantics.md 1.5).
//
// - Vector clocks per process give happens-before: program order, a call's return before the
//   caller's next step, and `barrier`.
// - The write history records every write to a file in coherence order (for an mmap store: when
//   it became globally visible), with the writer's clock stamp, so a promise can tell which writes
//   it covers and which later writes may legitimately have replaced them.
// - The promise ledger records each sync call with its invocation clock and whether it returned.
// Records are shared and immutable, so copying a Machine copies pointers.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <map>
#include <utility>
#include <vector>

#include "models/guarantee.h"
#include "models/inode.h"
#include "sim/base/hasher.h"
#include "sim/base/once_cache.h"

namespace crashsim {

using VectorClock = std::vector<uint64_t>;  // indexed by process

// One write (or zeroing, or size cut) to a file, in coherence order.
struct WriteRecord {
  uint64_t id = 0;
  uint32_t ino = 0;
  uint64_t offset = 0;
  std::vector<uint8_t> bytes;   // for a write; empty for a size cut or a fill
  // A fill: `fill_length` bytes of `fill` from `offset`, held without their bytes (a file's initial
  // contents, whatever its size). Zero for a write of `bytes` or a size cut.
  uint64_t fill_length = 0;
  uint8_t fill = 0;
  // A size cut (truncate): bytes at or past `offset` legitimately read as absent or zero.
  bool size_cut = false;
  int process = -1;             // -1: the initial contents
  uint64_t stamp = 0;           // the writer's own clock entry when the write was performed
  std::string what;             // e.g. "P1: pwrite fd 0 'A'"
  // Its place in the writer's own records (0 for the writer's first), and the records of other
  // processes recorded before it that overlap it (same file, bytes in common; a size cut reaches
  // to the end), as (process, ordinal). Together they fix the order of every two records whose
  // order matters, whatever the interleaving of the rest: what the state hash reads of the order
  // (models/machine.h, HashMachine).
  uint64_t ordinal = 0;
  std::vector<std::pair<int, uint64_t>> follows;
  // The digest of the fields above but `id` and `what`, computed when a state is first hashed
  // with the record (models/machine.cc): a record is immutable once recorded, and shared.
  OnceCache<Hash128> digest;

  // The number of bytes written (0 for a size cut), and the byte written at file offset `at`
  // (REQUIRES: offset <= at < offset + length()).
  uint64_t length() const { return fill_length != 0 ? fill_length : bytes.size(); }
  // Whether the two records touch a byte in common, which makes their order matter.
  bool Overlaps(const WriteRecord& other) const {
    if (ino != other.ino) return false;
    const uint64_t end = size_cut ? UINT64_MAX : offset + length();
    const uint64_t other_end = other.size_cut ? UINT64_MAX : other.offset + other.length();
    return offset < other_end && other.offset < end;
  }
  uint8_t ByteAt(uint64_t at) const { return fill_length != 0 ? fill : bytes[at - offset]; }
  // The bytes of [from, to), which lie within the record: for showing a range in a finding.
  std::vector<uint8_t> Bytes(uint64_t from, uint64_t to) const {
    if (fill_length != 0) return std::vector<uint8_t>(to - from, fill);
    return std::vector<uint8_t>(bytes.begin() + (from - offset), bytes.begin() + (to - offset));
  }
};

struct Promise {
  Guarantee guarantee = Guarantee::kFsync;  // fsync, fdatasync, sync-write, msync or sync
  std::string op;               // "P2.ms: msync m 4096 4096 sync"
  int process = 0;
  std::optional<uint32_t> ino;  // nullopt: every file (sync)
  // Every file: those that existed at invocation, the inode numbers below this one (numbers are
  // handed out in increasing order); a file created later is not covered.
  uint32_t inodes_below = 0;
  uint64_t begin = 0, end = UINT64_MAX;  // byte range of the file covered
  VectorClock invocation;       // the caller's clock at invocation
  bool returned = false;
  bool failed = false;          // returned an error: promises nothing (O12)
  uint64_t size_at_invocation = 0;
  uint64_t mtime_at_invocation = 0;
  bool covers_metadata = false; // fsync/O_SYNC: timestamps too
  uint64_t ordinal = 0;         // its place among the calling process's promises
};

// O4: a page was mapped writable through a `sync` mapping; its offset must stay reachable at
// this block in every later crash, until a map change unmaps it.
struct MapSyncPromise {
  uint32_t ino = 0;
  uint64_t page = 0;
  uint64_t physical_block = 0;
  std::string op;      // the store whose fault mapped it writable
  bool ended = false;  // a later map change unmapped the page
};

// Data that an op legitimately moved or shared from one file range to another (reflink, dedupe,
// collapse/insert shifts, swapext): bytes written to the source may be read at the destination.
struct DataMove {
  uint32_t src_ino = 0;
  uint64_t src_offset = 0;
  uint32_t dst_ino = 0;
  uint64_t dst_offset = 0;
  uint64_t length = 0;
};

// O7: a returned seal, until the next returned unseal.
struct SealRecord {
  uint32_t ino = 0;
  ExtentMap snapshot;  // the extent map when the seal returned
  std::string op;
  bool active = true;
};

struct Ghost {
  std::vector<VectorClock> clocks;                      // per process
  std::vector<std::shared_ptr<const WriteRecord>> writes;
  std::vector<std::shared_ptr<const Promise>> promises;
  std::vector<MapSyncPromise> map_sync;
  std::vector<DataMove> moves;
  std::vector<SealRecord> seals;
  // Inodes whose last name an unlink or a rename over them removed, in order: once the removal is
  // durable the file is gone, and no promise about its contents can be asked of it.
  std::vector<uint32_t> removed;
  uint64_t next_write_id = 1;
  // Per actor (index process + 1, so the initial contents' -1 is index 0): how many write records
  // and promises it has, which numbers the next one's ordinal.
  std::vector<uint64_t> records_of;
  std::vector<uint64_t> promises_of;
  // A record of the initial contents' actor (-1) came after a process's record, so the history
  // no longer starts with all of them: the state hash then reads it in recorded order.
  bool initial_after_process = false;

  // True if `write` happened before an event whose clock is `clock`.
  static bool HappenedBefore(const WriteRecord& write, const VectorClock& clock) {
    if (write.process < 0) return true;
    return clock[write.process] >= write.stamp;
  }
  void Tick(int process) { ++clocks[process][process]; }
  void Join(int into, const VectorClock& other) {
    for (size_t i = 0; i < other.size(); ++i) {
      if (other[i] > clocks[into][i]) clocks[into][i] = other[i];
    }
  }
  uint64_t RecordWrite(WriteRecord record) {
    record.id = next_write_id++;
    if (record.process >= 0 && record.stamp == 0) {
      record.stamp = clocks[record.process][record.process];
    }
    const size_t actor = static_cast<size_t>(record.process + 1);
    if (records_of.size() <= actor) records_of.resize(actor + 1, 0);
    record.ordinal = records_of[actor]++;
    bool other_writers = false;
    for (size_t other = 1; other < records_of.size(); ++other) {
      if (other != actor && records_of[other] > 0) other_writers = true;
    }
    if (record.process < 0 && other_writers) initial_after_process = true;
    if (record.process >= 0 && other_writers) {
      for (const auto& earlier : writes) {
        if (earlier->process >= 0 && earlier->process != record.process &&
            earlier->Overlaps(record)) {
          record.follows.emplace_back(earlier->process, earlier->ordinal);
        }
      }
    }
    const uint64_t id = record.id;
    writes.push_back(std::make_shared<const WriteRecord>(std::move(record)));
    return id;
  }
  size_t AddPromise(Promise promise) {
    const size_t actor = static_cast<size_t>(promise.process + 1);
    if (promises_of.size() <= actor) promises_of.resize(actor + 1, 0);
    promise.ordinal = promises_of[actor]++;
    promises.push_back(std::make_shared<const Promise>(std::move(promise)));
    return promises.size() - 1;
  }
  // Whether a byte that `origin_ino` wrote at `origin_offset` may legitimately be read at
  // (`ino`, `offset`): the same place, or a place some recorded move carried it to.
  bool LegitimatePlace(uint32_t origin_ino, uint64_t origin_offset, uint32_t ino,
                       uint64_t offset, int depth = 0) const {
    if (origin_ino == ino && origin_offset == offset) return true;
    if (depth > 8) return false;
    for (const DataMove& move : moves) {
      if (move.dst_ino != ino || offset < move.dst_offset ||
          offset >= move.dst_offset + move.length) {
        continue;
      }
      const uint64_t from = move.src_offset + (offset - move.dst_offset);
      if (LegitimatePlace(origin_ino, origin_offset, move.src_ino, from, depth + 1)) return true;
    }
    return false;
  }
  void ReturnPromise(size_t index, bool failed) {
    auto updated = std::make_shared<Promise>(*promises[index]);
    updated->returned = true;
    updated->failed = failed;
    promises[index] = std::move(updated);
  }
};

}  // namespace crashsim
