// Origin: the provenance of one byte of the device, kept beside its value (ghost state, read only
// by the oracles). It says who put the byte there: nobody (zeroes), the device's previous life
// (stale free-space contents), or a write to file `ino` at byte offset `offset` (a write through
// any path, or the file's initial contents). O6 (no stale data) compares a recovered byte's origin
// with the file and offset it is read at; the value alone could coincide.
#pragma once

#include <cstdint>
#include <vector>

namespace crashsim {

using Origin = uint64_t;

inline constexpr Origin kOriginZero = 0;
inline constexpr Origin kOriginStale = uint64_t{1} << 62;
inline constexpr uint64_t kOriginKindMask = uint64_t{3} << 62;
inline constexpr uint64_t kOriginDataKind = uint64_t{2} << 62;
inline constexpr int kOriginOffsetBits = 40;

inline Origin DataOrigin(uint32_t ino, uint64_t offset) {
  return kOriginDataKind | (uint64_t{ino} << kOriginOffsetBits) |
         (offset & ((uint64_t{1} << kOriginOffsetBits) - 1));
}
inline bool IsDataOrigin(Origin origin) { return (origin & kOriginKindMask) == kOriginDataKind; }
inline uint32_t OriginIno(Origin origin) {
  return static_cast<uint32_t>((origin & ~kOriginKindMask) >> kOriginOffsetBits);
}
inline uint64_t OriginOffset(Origin origin) {
  return origin & ((uint64_t{1} << kOriginOffsetBits) - 1);
}

// A run of bytes with their origins (same length).
struct Tagged {
  std::vector<uint8_t> bytes;
  std::vector<Origin> origins;
  size_t size() const { return bytes.size(); }
  bool operator==(const Tagged&) const = default;
};

// The tagged bytes of a write of `data` to file `ino` at `offset`.
inline Tagged TagFileData(uint32_t ino, uint64_t offset, const std::vector<uint8_t>& data) {
  Tagged tagged{data, std::vector<Origin>(data.size())};
  for (size_t i = 0; i < data.size(); ++i) tagged.origins[i] = DataOrigin(ino, offset + i);
  return tagged;
}
inline Tagged TagZeroes(size_t length) {
  return Tagged{std::vector<uint8_t>(length, 0), std::vector<Origin>(length, kOriginZero)};
}

}  // namespace crashsim
