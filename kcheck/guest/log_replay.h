// Reading and replaying a dm-log-writes log, written from its on-disk format as the kernel
// documents it (Documentation/admin-guide/device-mapper/log-writes.rst; the layout in
// drivers/md/dm-log-writes.c): a super block at sector 0 (magic, version, number of entries,
// sector size), then per entry one sector holding the entry (target sector, sector count,
// flags, data length; a mark's name follows the entry in the same sector) and, for a write, its
// data in the sectors after it. A discard carries no data. Sector numbers in entries count the
// logged device's sectors (the super's sector size).
//
// The log lists writes in the order they reached stable storage as the target sees it: an
// ordinary write is logged at the next FLUSH that follows its completion, a FUA write when it
// completes. Replaying a prefix therefore gives a state the device may have been in at a crash.
//
// Replay writes each entry's data onto a target; discards and all-zero pieces become holes, so a
// sparse image stays small. No dependency beyond the standard library (the guest runner is
// static).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace crashsim::kcheck {

inline constexpr uint64_t kLogFlush = 1 << 0;
inline constexpr uint64_t kLogFua = 1 << 1;
inline constexpr uint64_t kLogDiscard = 1 << 2;
inline constexpr uint64_t kLogMark = 1 << 3;
inline constexpr uint64_t kLogMetadata = 1 << 4;
inline constexpr uint64_t kLogMagic = 0x6a736677736872ULL;

struct LogEntry {
  uint64_t index = 0;       // 0-based position in the log
  uint64_t sector = 0;      // first sector written (device sectors)
  uint64_t sector_count = 0;
  uint64_t flags = 0;
  std::string mark;         // a mark's name
};

// Reads `length` bytes at byte `offset` of the log device into `out`; false on failure.
using ReadLog = std::function<bool(uint64_t offset, uint64_t length, uint8_t* out)>;

class LogReader {
 public:
  explicit LogReader(ReadLog read) : read_(std::move(read)) {}
  // Reads the super block. False (and `error`) when it is not a dm-log-writes log.
  bool Open(std::string* error);
  uint64_t entries() const { return entries_; }
  uint32_t sector_bytes() const { return sector_bytes_; }
  // The next entry and its data (empty for discards, flushes and marks). False at the end or on
  // an error (then `error` is set).
  bool Next(LogEntry* entry, std::vector<uint8_t>* data, std::string* error);

 private:
  ReadLog read_;
  uint64_t entries_ = 0;
  uint32_t sector_bytes_ = 0;
  uint64_t next_entry_ = 0;
  uint64_t position_ = 0;  // byte offset of the next entry
};

class ReplayTarget {
 public:
  virtual ~ReplayTarget() = default;
  virtual bool Write(uint64_t offset, const uint8_t* data, uint64_t length) = 0;
  virtual bool Punch(uint64_t offset, uint64_t length) = 0;  // the range reads zero after
};

// Applies one entry's data to the target: a discard as a hole, a write in 4096-byte pieces
// (aligned to the device), an all-zero piece as a hole. Returns whether the target changed.
bool ApplyEntry(const LogEntry& entry, const std::vector<uint8_t>& data, uint32_t sector_bytes,
                ReplayTarget* target, std::string* error);

// Whether a replay stops at this entry to look at the state: a FLUSH, a FUA or a mark.
inline bool IsReplayPoint(const LogEntry& entry) {
  return (entry.flags & (kLogFlush | kLogFua | kLogMark)) != 0;
}

// "flush", "fua", "flush+fua" or "mark:NAME".
std::string PointKind(const LogEntry& entry);

}  // namespace crashsim::kcheck
