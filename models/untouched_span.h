// UntouchedSpan: device blocks that no crash can change, and what they hold, found without
// visiting their bytes.
//
// A block that nothing has written since the first step (no durable write, no pending write over
// it) holds its initial contents in every crash image: a fill byte up to its initial file's size
// and zero past it, or the free space's byte. The oracles skip such spans whole when the rule
// they check allows those values, so their cost follows the blocks touched, not the file size.
#pragma once

#include <cstdint>
#include <optional>

#include "models/device.h"

namespace crashsim {

struct UntouchedSpan {
  uint64_t count = 0;  // blocks from the asked one on (at least 1)
  // Initial contents: within one file's run (file_ino != 0) or free space (file_ino == 0).
  uint32_t file_ino = 0;
  uint64_t file_offset = 0;  // the initial file's byte offset of the span's first byte
  uint64_t file_size = 0;    // that file's initial size: bytes at or past it read zero
  uint8_t fill = 0;          // the fill byte (file) or the free space's byte
  Origin free_origin = kOriginZero;
};

// The longest span of at most `max_count` blocks from `block` on that no crash can change and
// that lies within one run of the initial image; nullopt when `block` itself was written or has
// a pending write over it.
std::optional<UntouchedSpan> UntouchedFrom(const Device& device, uint64_t block,
                                           uint64_t max_count);

}  // namespace crashsim
