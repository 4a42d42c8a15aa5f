#include "sim/oracles/coherence.h"

#include <fmt/format.h>

#include "models/guarantee.h"

namespace crashsim {
namespace {

// The latest value of byte `offset` of `ino` in the write history (0 if never written or cut).
uint8_t LatestValue(const Machine& m, uint32_t ino, uint64_t offset) {
  const auto& writes = m.ghost.writes;
  for (auto it = writes.rbegin(); it != writes.rend(); ++it) {
    const WriteRecord& record = **it;
    if (record.ino != ino) continue;
    if (record.size_cut) {
      if (offset >= record.offset) return 0;
      continue;
    }
    if (offset >= record.offset && offset < record.offset + record.length()) {
      return record.ByteAt(offset);
    }
  }
  return 0;
}

// The reader's own buffered store to the byte, if any (store-to-load forwarding).
std::optional<uint8_t> OwnBuffered(const Machine& m, int pid, uint32_t ino, uint64_t offset) {
  const auto& buffer = m.processes[pid].cpu.store_buffer;
  for (size_t i = buffer.size(); i-- > 0;) {
    const BufferedAccess& entry = buffer[i];
    if (entry.ino == ino && offset >= entry.file_offset &&
        offset < entry.file_offset + entry.data.size() &&
        (entry.kind == BufferedAccess::Kind::kStore ||
         entry.kind == BufferedAccess::Kind::kNtStore)) {
      return entry.data.bytes[offset - entry.file_offset];
    }
  }
  return std::nullopt;
}

}  // namespace

void CheckReadCoherent(const Machine& m, const TextRuns& texts, const ObservedRead& read,
                       std::vector<Finding>* findings) {
  if (!read.coherent_path) return;
  for (uint64_t i = 0; i < read.data.size(); ++i) {
    const uint64_t offset = read.offset + i;
    const auto own = OwnBuffered(m, read.pid, read.ino, offset);
    const uint8_t want = own ? *own : LatestValue(m, read.ino, offset);
    if (read.data.bytes[i] == want) continue;
    Finding finding;
    finding.name = GuaranteeName(Guarantee::kCoherence);
    finding.promise = "O8: a read on a shared path returns the latest write";
    finding.observed = fmt::format("{} returned {} at {}[{}]", read.what,
                                   RenderBytes({read.data.bytes[i]}, texts), m.PathOf(read.ino),
                                   offset);
    finding.expected =
        fmt::format("{} (the latest write to that byte)", RenderBytes({want}, texts));
    findings->push_back(std::move(finding));
    return;
  }
}

}  // namespace crashsim
