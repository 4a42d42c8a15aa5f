// ByteRuns: a string of bytes held as pieces, each one byte repeated or a few literal bytes, so
// that a range of a file read by an assertion costs its touched blocks, not its length: a hole
// or an untouched initial fill is one piece whatever its size.
//
// ReadRangeRuns reads a recovered file's range this way; InitialRuns gives a file's contents
// before the first step (`old`); RenderRuns renders exactly as RenderBytes renders the same
// bytes, and equality is equality of the bytes, not of the pieces.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "models/machine.h"
#include "models/recovery.h"
#include "sim/crash/crash_space.h"
#include "sim/scenario/scenario.h"

namespace crashsim {

class ByteRuns {
 public:
  struct Piece {
    uint64_t length = 0;
    uint8_t fill = 0;            // the repeated byte, when `bytes` is empty
    std::vector<uint8_t> bytes;  // literal bytes (length == bytes.size()), or empty
    uint8_t At(uint64_t i) const { return bytes.empty() ? fill : bytes[i]; }
  };

  static ByteRuns Of(const std::vector<uint8_t>& bytes);
  void AppendFill(uint64_t length, uint8_t byte);
  void AppendBytes(std::vector<uint8_t> bytes);

  uint64_t size() const { return size_; }
  const std::vector<Piece>& pieces() const { return pieces_; }
  bool operator==(const ByteRuns& other) const;

 private:
  std::vector<Piece> pieces_;
  uint64_t size_ = 0;
};

// What RenderBytes renders for these bytes, without materialising them.
std::string RenderRuns(const ByteRuns& runs, const TextRuns& texts);

// The bytes of [begin, end) of `path` in the recovered state, or nullopt where Read has no value
// (no such file, or the range passes its size). Holes, unwritten extents and device blocks that
// no crash changed are pieces of one byte; other blocks are read.
std::optional<ByteRuns> ReadRangeRuns(const Machine& machine, const RecoveredState& state,
                                      const std::string& path, uint64_t begin, uint64_t end);

// Appends the device bytes that [begin, end) of `path` reads under the recovered metadata, block
// run by block run (a block's bytes sit together on the device; holes, unwritten extents and
// bytes past the file's size read no device byte).
void FileRangeAddresses(const RecoveredState& state, const std::string& path, uint64_t begin,
                        uint64_t end, uint64_t block_size, std::vector<AddressRange>* out);

// InitialContents as runs: nullopt when the file did not exist or the range passes its size.
std::optional<ByteRuns> InitialRuns(const Scenario& scenario, const std::string& path,
                                    uint64_t begin, uint64_t end);

}  // namespace crashsim
