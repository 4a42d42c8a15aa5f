#include "kcheck/guest/log_replay.h"

#include <doctest/doctest.h>

#include <cstring>
#include <map>

namespace crashsim::kcheck {
namespace {

constexpr uint32_t kSector = 512;

// Builds a log in the on-disk layout the kernel writes (drivers/md/dm-log-writes.c).
class LogBuilder {
 public:
  LogBuilder() : bytes_(kSector, 0) {}
  void Add(uint64_t sector, uint64_t count, uint64_t flags, const std::vector<uint8_t>& data,
           const std::string& mark = "") {
    std::vector<uint8_t> header(kSector, 0);
    Put64(header.data(), sector);
    Put64(header.data() + 8, count);
    Put64(header.data() + 16, flags);
    Put64(header.data() + 24, mark.empty() ? 0 : mark.size());
    std::memcpy(header.data() + 32, mark.data(), mark.size());
    bytes_.insert(bytes_.end(), header.begin(), header.end());
    if (!(flags & (kLogDiscard | kLogMark))) bytes_.insert(bytes_.end(), data.begin(), data.end());
    ++entries_;
  }
  std::vector<uint8_t> Finish() {
    Put64(bytes_.data(), kLogMagic);
    Put64(bytes_.data() + 8, 1);
    Put64(bytes_.data() + 16, entries_);
    bytes_[24] = kSector & 0xff;
    bytes_[25] = kSector >> 8;
    return bytes_;
  }

 private:
  static void Put64(uint8_t* at, uint64_t value) {
    for (int i = 0; i < 8; ++i) at[i] = static_cast<uint8_t>(value >> (8 * i));
  }
  std::vector<uint8_t> bytes_;
  uint64_t entries_ = 0;
};

// A byte-addressed sparse image: punched bytes are erased.
struct Image : ReplayTarget {
  std::map<uint64_t, uint8_t> bytes;
  bool Write(uint64_t offset, const uint8_t* data, uint64_t length) override {
    for (uint64_t i = 0; i < length; ++i) bytes[offset + i] = data[i];
    return true;
  }
  bool Punch(uint64_t offset, uint64_t length) override {
    for (uint64_t i = 0; i < length; ++i) bytes.erase(offset + i);
    return true;
  }
};

LogReader ReaderOf(const std::vector<uint8_t>& log) {
  return LogReader([&log](uint64_t offset, uint64_t length, uint8_t* out) {
    if (offset + length > log.size()) return false;
    std::memcpy(out, log.data() + offset, length);
    return true;
  });
}

TEST_CASE("entries are read back in order with their data, flags and mark names") {
  LogBuilder builder;
  builder.Add(8, 1, 0, std::vector<uint8_t>(kSector, 'a'));
  builder.Add(0, 0, kLogFlush, {});
  builder.Add(0, 0, kLogMark, {}, "op-1");
  builder.Add(16, 2, kLogFua, std::vector<uint8_t>(2 * kSector, 'b'));
  const std::vector<uint8_t> log = builder.Finish();
  LogReader reader = ReaderOf(log);
  std::string error;
  REQUIRE(reader.Open(&error));
  CHECK(reader.entries() == 4);
  CHECK(reader.sector_bytes() == kSector);
  LogEntry entry;
  std::vector<uint8_t> data;
  REQUIRE(reader.Next(&entry, &data, &error));
  CHECK(entry.sector == 8);
  CHECK(data == std::vector<uint8_t>(kSector, 'a'));
  CHECK_FALSE(IsReplayPoint(entry));
  REQUIRE(reader.Next(&entry, &data, &error));
  CHECK(PointKind(entry) == "flush");
  REQUIRE(reader.Next(&entry, &data, &error));
  CHECK(PointKind(entry) == "mark:op-1");
  REQUIRE(reader.Next(&entry, &data, &error));
  CHECK(entry.index == 3);
  CHECK(data.size() == 2 * kSector);
  CHECK(PointKind(entry) == "fua");
  CHECK_FALSE(reader.Next(&entry, &data, &error));
  CHECK(error.empty());
}

TEST_CASE("a log without the magic is refused") {
  std::vector<uint8_t> log(kSector, 0);
  LogReader reader = ReaderOf(log);
  std::string error;
  CHECK_FALSE(reader.Open(&error));
  CHECK(error.find("magic") != std::string::npos);
}

TEST_CASE("replay writes data, turns discards and zero pieces into holes") {
  Image image;
  std::string error;
  std::vector<uint8_t> data(8192, 'x');
  std::fill(data.begin() + 4096, data.end(), 0);
  CHECK(ApplyEntry(LogEntry{0, 0, 16, 0, ""}, data, kSector, &image, &error));
  CHECK(image.bytes.size() == 4096);  // the zero half is a hole
  CHECK(image.bytes.at(0) == 'x');
  CHECK(ApplyEntry(LogEntry{1, 4, 2, kLogDiscard, ""}, {}, kSector, &image, &error));
  CHECK(image.bytes.size() == 4096 - 1024);
  CHECK(image.bytes.count(2048) == 0);
  CHECK(image.bytes.count(3072) == 1);
  CHECK_FALSE(ApplyEntry(LogEntry{2, 0, 0, kLogFlush, ""}, {}, kSector, &image, &error));
  CHECK(error.empty());
}

TEST_CASE("a write that straddles a 4096-byte boundary is cut there") {
  Image image;
  std::string error;
  std::vector<uint8_t> data(1024, 0);
  data[1023] = 'z';  // the piece after the boundary is not all zero, the one before is
  CHECK(ApplyEntry(LogEntry{0, 7, 2, 0, ""}, data, kSector, &image, &error));
  CHECK(image.bytes.size() == 512);
  CHECK(image.bytes.at(4096 + 511) == 'z');
}

}  // namespace
}  // namespace crashsim::kcheck
