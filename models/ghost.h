// Ghost state: what the oracles need and the simulated world never reads (SEMANTICS.md 1.5).
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
#include <vector>

namespace crashsim {

using VectorClock = std::vector<uint64_t>;  // indexed by process

// One write (or zeroing, or size cut) to a file, in coherence order.
struct WriteRecord {
  uint64_t id = 0;
  uint32_t ino = 0;
  uint64_t offset = 0;
  std::vector<uint8_t> bytes;   // for a write; empty for a size cut
  // A size cut (truncate): bytes at or past `offset` legitimately read as absent or zero.
  bool size_cut = false;
  int process = -1;             // -1: the initial contents
  uint64_t stamp = 0;           // the writer's own clock entry when the write was performed
  std::string what;             // e.g. "P1: pwrite fd 0 'A'"
};

enum class PromiseKind { kFsync, kFdatasync, kSyncWrite, kMsync, kSync };

struct Promise {
  PromiseKind kind = PromiseKind::kFsync;
  std::string guarantee;        // the guarantee name: fsync, fdatasync, sync-write, msync, sync
  std::string op;               // "P2.ms: msync m 4096 4096 sync"
  int process = 0;
  std::optional<uint32_t> ino;  // nullopt: every file (sync)
  uint64_t begin = 0, end = UINT64_MAX;  // byte range of the file covered
  VectorClock invocation;       // the caller's clock at invocation
  bool returned = false;
  bool failed = false;          // returned an error: promises nothing (O12)
  uint64_t size_at_invocation = 0;
  uint64_t mtime_at_invocation = 0;
  bool covers_metadata = false; // fsync/O_SYNC: timestamps too
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

struct Ghost {
  std::vector<VectorClock> clocks;                      // per process
  std::vector<std::shared_ptr<const WriteRecord>> writes;
  std::vector<std::shared_ptr<const Promise>> promises;
  std::vector<MapSyncPromise> map_sync;
  uint64_t next_write_id = 1;

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
    const uint64_t id = record.id;
    writes.push_back(std::make_shared<const WriteRecord>(std::move(record)));
    return id;
  }
  size_t AddPromise(Promise promise) {
    promises.push_back(std::make_shared<const Promise>(std::move(promise)));
    return promises.size() - 1;
  }
  void ReturnPromise(size_t index, bool failed) {
    auto updated = std::make_shared<Promise>(*promises[index]);
    updated->returned = true;
    updated->failed = failed;
    promises[index] = std::move(updated);
  }
};

}  // namespace crashsim
