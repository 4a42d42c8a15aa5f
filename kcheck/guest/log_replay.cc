#include "kcheck/guest/log_replay.h"

#include <cstring>

namespace crashsim::kcheck {
namespace {

uint64_t Le64(const uint8_t* p) {
  uint64_t value = 0;
  for (int i = 7; i >= 0; --i) value = (value << 8) | p[i];
  return value;
}

uint32_t Le32(const uint8_t* p) {
  uint32_t value = 0;
  for (int i = 3; i >= 0; --i) value = (value << 8) | p[i];
  return value;
}

constexpr uint64_t kPieceBytes = 4096;
constexpr size_t kEntryBytes = 32;  // four little-endian 64-bit fields

}  // namespace

bool LogReader::Open(std::string* error) {
  uint8_t super[28];
  if (!read_(0, sizeof super, super)) {
    *error = "cannot read the log's super block";
    return false;
  }
  if (Le64(super) != kLogMagic) {
    *error = "the log device holds no dm-log-writes log (bad magic)";
    return false;
  }
  if (Le64(super + 8) != 1) {
    *error = "unknown dm-log-writes log version " + std::to_string(Le64(super + 8));
    return false;
  }
  entries_ = Le64(super + 16);
  sector_bytes_ = Le32(super + 24);
  if (sector_bytes_ < 512 || sector_bytes_ > 65536 || (sector_bytes_ & (sector_bytes_ - 1))) {
    *error = "bad sector size " + std::to_string(sector_bytes_) + " in the log";
    return false;
  }
  next_entry_ = 0;
  position_ = sector_bytes_;  // entries start in the sector after the super block
  return true;
}

bool LogReader::Next(LogEntry* entry, std::vector<uint8_t>* data, std::string* error) {
  error->clear();
  if (next_entry_ >= entries_) return false;
  std::vector<uint8_t> header(sector_bytes_);
  if (!read_(position_, sector_bytes_, header.data())) {
    *error = "cannot read log entry " + std::to_string(next_entry_);
    return false;
  }
  entry->index = next_entry_;
  entry->sector = Le64(header.data());
  entry->sector_count = Le64(header.data() + 8);
  entry->flags = Le64(header.data() + 16);
  const uint64_t data_length = Le64(header.data() + 24);
  entry->mark.clear();
  data->clear();
  position_ += sector_bytes_;
  if (entry->flags & kLogMark) {
    if (data_length > sector_bytes_ - kEntryBytes) {
      *error = "mark of entry " + std::to_string(next_entry_) + " overflows its sector";
      return false;
    }
    entry->mark.assign(reinterpret_cast<const char*>(header.data()) + kEntryBytes, data_length);
  } else if (!(entry->flags & kLogDiscard) && entry->sector_count > 0) {
    const uint64_t length = entry->sector_count * sector_bytes_;
    if (length > (uint64_t{1} << 30)) {
      *error = "entry " + std::to_string(next_entry_) + " claims " + std::to_string(length) +
               " bytes";
      return false;
    }
    data->resize(length);
    if (!read_(position_, length, data->data())) {
      *error = "cannot read the data of log entry " + std::to_string(next_entry_);
      return false;
    }
    position_ += length;
  }
  ++next_entry_;
  return true;
}

bool ApplyEntry(const LogEntry& entry, const std::vector<uint8_t>& data, uint32_t sector_bytes,
                ReplayTarget* target, std::string* error) {
  const uint64_t begin = entry.sector * sector_bytes;
  const uint64_t length = entry.sector_count * sector_bytes;
  if (length == 0) return false;
  if (entry.flags & kLogDiscard) {
    if (!target->Punch(begin, length)) {
      *error = "cannot punch the discard of entry " + std::to_string(entry.index);
    }
    return true;
  }
  if (data.size() != length) {
    *error = "entry " + std::to_string(entry.index) + " has no data to replay";
    return false;
  }
  for (uint64_t offset = begin; offset < begin + length;) {
    const uint64_t piece_end = std::min(begin + length, (offset / kPieceBytes + 1) * kPieceBytes);
    const uint8_t* piece = data.data() + (offset - begin);
    const uint64_t piece_length = piece_end - offset;
    bool zero = true;
    for (uint64_t i = 0; i < piece_length && zero; ++i) zero = piece[i] == 0;
    const bool ok = zero ? target->Punch(offset, piece_length)
                         : target->Write(offset, piece, piece_length);
    if (!ok) {
      *error = "cannot replay entry " + std::to_string(entry.index) + " at byte " +
               std::to_string(offset);
      return true;
    }
    offset = piece_end;
  }
  return true;
}

std::string PointKind(const LogEntry& entry) {
  if (entry.flags & kLogMark) return "mark:" + entry.mark;
  const bool flush = entry.flags & kLogFlush, fua = entry.flags & kLogFua;
  if (flush && fua) return "flush+fua";
  return flush ? "flush" : "fua";
}

}  // namespace crashsim::kcheck
