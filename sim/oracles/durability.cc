#include "sim/oracles/durability.h"

#include <fmt/format.h>

#include <map>
#include <set>

namespace crashsim {
namespace {

// The value a record gives byte `offset`: a byte, or "absent or zero" for a size cut.
struct Legal {
  std::set<int> bytes;        // values 0..255
  bool absent_or_zero = false;
};

// A broken promise about metadata: what the journal prefix alone decides.
Finding MetadataFinding(const CrashContext& c, const Promise& promise, std::string observed,
                        std::string expected) {
  Finding finding;
  finding.name = promise.guarantee;
  finding.promise = promise.op + " returned 0";
  finding.observed = std::move(observed);
  finding.expected = std::move(expected);
  SetWitness(c, c.space.base_image(), {}, &finding);
  return finding;
}

bool Writes(const WriteRecord& record, uint64_t offset) {
  if (record.size_cut) return offset >= record.offset;
  return offset >= record.offset && offset < record.offset + record.bytes.size();
}

void CheckFile(const CrashContext& c, const Promise& promise, uint32_t ino,
               std::vector<Finding>* findings) {
  const Machine& m = c.machine;
  const auto& writes = m.ghost.writes;
  const RecoveredFile* file = c.recovered.FileByIno(ino);
  if (file == nullptr) {
    const bool name_promised = promise.kind == PromiseKind::kSync ||
                               m.config->name_space == Namespace::kJournalPrefix;
    if (!name_promised) return;  // posix-minimal: fsync of the file promises no name
    findings->push_back(MetadataFinding(c, promise, m.PathOf(ino) + " does not exist after recovery",
                                        m.PathOf(ino) + " exists"));
    return;
  }
  // The last covered record per offset.
  std::map<uint64_t, size_t> last_covered;
  for (size_t i = 0; i < writes.size(); ++i) {
    const WriteRecord& record = *writes[i];
    if (record.ino != ino || !Ghost::HappenedBefore(record, promise.invocation)) continue;
    if (record.size_cut) continue;
    const uint64_t lo = std::max(record.offset, promise.begin);
    const uint64_t hi = std::min<uint64_t>(record.offset + record.bytes.size(), promise.end);
    for (uint64_t o = lo; o < hi; ++o) last_covered[o] = i;
  }
  const uint64_t size = file->core.size_bytes;
  const std::string path = c.recovered.PathOfIno(ino).value_or(m.PathOf(ino));
  const CrashImage& base = c.space.base_image();
  auto legal_at = [&](uint64_t offset, size_t index) {
    Legal legal;
    for (size_t i = index; i < writes.size(); ++i) {
      const WriteRecord& record = *writes[i];
      if (record.ino != ino || !Writes(record, offset)) continue;
      if (record.size_cut) {
        legal.absent_or_zero = true;
      } else {
        legal.bytes.insert(record.bytes[offset - record.offset]);
      }
    }
    return legal;
  };
  auto allows = [](const Legal& legal, uint8_t value) {
    return legal.bytes.count(value) || (legal.absent_or_zero && value == 0);
  };
  for (const auto& [offset, index] : last_covered) {
    const Legal legal = legal_at(offset, index);
    const WriteRecord& covered = *writes[index];
    Finding finding;
    finding.name = promise.guarantee;
    finding.promise = promise.op + " returned 0";
    if (offset >= size) {
      if (legal.absent_or_zero) continue;
      finding.observed = fmt::format("{}[{}:] is past EOF (size {} after recovery)", path, offset,
                                     size);
      finding.expected = fmt::format("{}[{}:{}] = {} ({})", path, offset,
                                     covered.offset + covered.bytes.size(),
                                     RenderBytes(std::vector<uint8_t>(
                                         covered.bytes.begin() + (offset - covered.offset),
                                         covered.bytes.end())),
                                     covered.what);
      SetWitness(c, base, {}, &finding);
      findings->push_back(std::move(finding));
      return;
    }
    const auto address = c.recovered.DeviceAddress(ino, offset);
    std::vector<ByteOutcome> outcomes =
        address ? c.space.Outcomes(*address) : std::vector<ByteOutcome>{ByteOutcome{}};
    for (const ByteOutcome& outcome : outcomes) {
      if (allows(legal, outcome.value)) continue;
      const CrashImage image = address ? c.space.Witness(*address, outcome) : base;
      // Show the whole run of bytes of this covered write that the witness image gets wrong.
      const RecoveredState witness(m, image);
      uint64_t end = offset + 1;
      while (end < std::min(size, covered.offset + covered.bytes.size())) {
        auto next = last_covered.find(end);
        if (next == last_covered.end() || next->second != index) break;
        if (allows(legal_at(end, index), witness.ReadIno(ino, end, end + 1).bytes[0])) break;
        ++end;
      }
      const std::vector<uint8_t> observed = witness.ReadIno(ino, offset, end).bytes;
      const std::vector<uint8_t> expected(covered.bytes.begin() + (offset - covered.offset),
                                          covered.bytes.begin() + (end - covered.offset));
      finding.observed = fmt::format("{}[{}:{}] = {}{}", path, offset, end, RenderBytes(observed),
                                     address ? "" : " (a hole or unwritten extent after recovery)");
      finding.expected = fmt::format("{}[{}:{}] = {} ({})", path, offset, end,
                                     RenderBytes(expected), covered.what);
      SetWitness(c, image, address ? std::vector<uint64_t>{*address}
                                                  : std::vector<uint64_t>{}, &finding);
      findings->push_back(std::move(finding));
      return;
    }
  }
  const bool cut_later = std::any_of(writes.begin(), writes.end(), [&](const auto& record) {
    return record->ino == ino && record->size_cut &&
           !Ghost::HappenedBefore(*record, promise.invocation);
  });
  if (promise.end == UINT64_MAX && !cut_later && size < promise.size_at_invocation) {
    findings->push_back(MetadataFinding(
        c, promise, fmt::format("size({}) = {} after recovery", path, size),
        fmt::format("size({}) >= {} (the size at invocation)", path, promise.size_at_invocation)));
    return;
  }
  if (promise.covers_metadata && file->core.mtime < promise.mtime_at_invocation) {
    findings->push_back(MetadataFinding(
        c, promise, fmt::format("mtime({}) = {} after recovery", path, file->core.mtime),
        fmt::format("mtime({}) >= {} (the timestamps at invocation)", path,
                    promise.mtime_at_invocation)));
  }
}

}  // namespace

void CheckDurability(const CrashContext& c, std::vector<Finding>* findings) {
  for (const auto& promise : c.machine.ghost.promises) {
    if (!promise->returned || promise->failed) continue;
    if (promise->ino) {
      CheckFile(c, *promise, *promise->ino, findings);
    } else {
      for (const auto& [ino, inode] : c.machine.inodes) CheckFile(c, *promise, ino, findings);
    }
  }
}

}  // namespace crashsim
