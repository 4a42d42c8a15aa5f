#include "models/untouched_span.h"

#include <algorithm>

namespace crashsim {

std::optional<UntouchedSpan> UntouchedFrom(const Device& device, uint64_t block,
                                           uint64_t max_count) {
  const Media& media = device.media();
  const uint64_t bs = media.block_size();
  uint64_t count = max_count;
  const auto& written = media.written_blocks();
  if (auto it = written.lower_bound(block); it != written.end()) {
    if (it->first == block) return std::nullopt;
    count = std::min(count, it->first - block);
  }
  // The first range of blocks under pending writes that ends past `block` (the ranges are
  // disjoint and sorted, so their ends are too): over it, or where the span stops.
  const auto& touched = device.PendingBlocks();
  const auto next = std::upper_bound(
      touched.begin(), touched.end(), block,
      [](uint64_t b, const std::pair<uint64_t, uint64_t>& range) { return b < range.second; });
  if (next != touched.end()) {
    if (next->first <= block) return std::nullopt;
    count = std::min(count, next->first - block);
  }
  const InitialImage& initial = media.initial();
  UntouchedSpan span;
  if (const auto* entry = initial.FileRunAt(block)) {
    const InitialImage::FileRun& run = entry->second;
    count = std::min(count, entry->first + run.count - block);
    span.file_ino = run.ino;
    span.file_offset = (run.file_block + (block - entry->first)) * bs;
    span.file_size = run.size_bytes;
    span.fill = run.fill;
  } else {
    if (auto next = initial.file_runs.upper_bound(block); next != initial.file_runs.end()) {
      count = std::min(count, next->first - block);
    }
    span.fill = initial.free_fill;
    span.free_origin = initial.free_origin;
  }
  span.count = count;
  return span;
}

}  // namespace crashsim
