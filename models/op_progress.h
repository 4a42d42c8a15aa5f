// OpProgress: where a process is inside an op with inner steps (docs/architecture.md, "The
// Machine"). Each op family has its own steps and named fields; an op that has not started, or
// has returned, holds none. The op at the program counter fixes the family, so comparing two
// processes at the same op compares their steps field by field.
//
// A step that does not return always moves its family off its first step or sets a field, so a
// started op never looks like one not started (the state hash relies on it).
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "sim/base/check.h"

namespace crashsim {

// The data-integrity sync of fsync, fdatasync, msync(MS_SYNC), sync and syncfs, and the one
// inside an O_DSYNC or O_SYNC write (generic_write_sync) and a synchronous page fault.
enum class SyncStep : uint8_t {
  kWriteback,  // record the promise, start writeback of the dirty pages
  kWait,       // wait for the bios submitted
  kForce,      // log force or device flush, then return
};

struct SyncProgress {
  SyncStep step = SyncStep::kWriteback;
  std::vector<uint64_t> bios;  // submitted by kWriteback, waited for by kWait
  int promise = -1;            // the ledger index of the promise it returns, if it made one
  bool operator==(const SyncProgress&) const = default;
};

// pwrite.
enum class WriteStep : uint8_t {
  kCopy,        // checks, then the DAX copy, the page-cache copy or the direct I/O submission
  kDirectWait,  // direct I/O: wait for its bios (conversion and size logged at completion)
  kSync,        // O_DSYNC / O_SYNC: the steps of generic_write_sync
};

struct WriteProgress {
  WriteStep step = WriteStep::kCopy;
  std::vector<uint64_t> direct_bios;  // kDirectWait: the bios of the direct I/O
  bool fua = false;                   // kDirectWait: sent with REQ_FUA, durable at completion
  int fua_promise = -1;               // kDirectWait: the ledger index of the FUA write's promise
  uint64_t written = 0;               // kSync: the bytes the write copied, its result
  // Where the call writes, fixed at its first step: its offset, the file position (write,
  // writev) or, on an O_APPEND descriptor, the size at that step.
  uint64_t offset = 0;
  SyncProgress sync;                  // kSync
  bool operator==(const WriteProgress&) const = default;
};

// A CPU access through a mapping (store, load, flushes, persist): the page faults it takes.
struct AccessProgress {
  // A fault of this access has had a step of its own: a further fault (its PTE taken away
  // again) and the access are one step. Cleared during a synchronous fault's later steps.
  bool faulted = false;
  bool in_sync_fault = false;    // inside a MAP_SYNC write fault's fdatasync
  uint64_t sync_fault_page = 0;  // the page of the latest synchronous fault (kept after it)
  SyncProgress sync;             // that fdatasync's steps, while in_sync_fault
  bool operator==(const AccessProgress&) const = default;
};

// fallocate, every mode.
enum class FallocStep : uint8_t {
  kUnmap,       // checks, then flush, wait for and unmap the range (preallocation: the whole op)
  kChange,      // the mode's map change: punch and zero-range free, XFS collapse frees, XFS
                // insert grows the size, unshare copies a block a step, write-zeroes zeroes;
                // ext4's collapse and insert do all in this one step
  kShift,       // XFS collapse and insert: one extent shifted a step
  kReallocate,  // zero-range: the freed range preallocated again
  kForce,       // a synchronous fallocate's log force
};

struct FallocProgress {
  FallocStep step = FallocStep::kUnmap;
  // kShift: collapse, the lowest block that may still shift down; insert, the bound below which
  // the highest block shifts up next.
  uint64_t shift_cursor = 0;
  bool operator==(const FallocProgress&) const = default;
};

// reflink, dedupe and swapext.
enum class RemapStep : uint8_t {
  kPrepare,  // checks, then flush and unmap both ranges
  kRemap,    // the one transaction that remaps (swapext: exchanges the forks)
  kForce,    // reflink and dedupe on a synchronous fd: the log force
};

struct RemapProgress {
  RemapStep step = RemapStep::kPrepare;
  bool operator==(const RemapProgress&) const = default;
};

// seal.
enum class SealStep : uint8_t {
  kCheck,     // checks; an already sealed file returns here
  kConvert,   // a run of holes or unwritten blocks filled, or a shared block unshared, a step;
              // then the sealed flag
};

struct SealProgress {
  SealStep step = SealStep::kCheck;
  bool operator==(const SealProgress&) const = default;
};

// sync_file_range: one inner step per flag given, in the order wait_before, write, wait_after.
struct RangeSyncProgress {
  uint8_t steps_done = 0;  // how many of the flags' steps have run
  bool operator==(const RangeSyncProgress&) const = default;
};

struct OpProgress {
  std::variant<std::monostate, SyncProgress, WriteProgress, AccessProgress, FallocProgress,
               RemapProgress, SealProgress, RangeSyncProgress>
      family;

  bool Idle() const { return std::holds_alternative<std::monostate>(family); }

  // The op's progress in its family, started at its first step.
  template <class Family>
  Family& Of() {
    if (Idle()) family.template emplace<Family>();
    Family* progress = std::get_if<Family>(&family);
    CRASHSIM_CHECK_MSG(progress != nullptr, "an op's progress changed family");
    return *progress;
  }

  // The progress if the op in progress is of `Family`, else null.
  template <class Family>
  const Family* If() const {
    return std::get_if<Family>(&family);
  }

  bool operator==(const OpProgress&) const = default;
};

// Whether the next step begins an attempt at the op, where the process's clock ticks: an op's
// first step, and a CPU access's every step outside a synchronous fault (an access that faulted
// runs again once the fault is handled).
bool BeginsAttempt(const OpProgress& progress);

// The op's step, for messages that name where a run stopped: "" when idle, else e.g.
// "sync: wait".
std::string DescribeProgress(const OpProgress& progress);

}  // namespace crashsim
