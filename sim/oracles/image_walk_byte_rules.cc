#include "sim/oracles/image_walk_byte_rules.h"

#include <algorithm>
#include <optional>

#include "models/guarantee.h"

namespace crashsim {
namespace {

// The durability oracle's reading of a record: it gives a byte its value, or, for a size cut,
// lets every byte from its offset on read as absent or zero.
bool Writes(const WriteRecord& record, uint64_t offset) {
  if (record.size_cut) return offset >= record.offset;
  return offset >= record.offset && offset < record.offset + record.length();
}

// The no-stale-data oracle's definition: zeroes, data written to this file at this offset, or
// data a recorded move carried here.
bool Legitimate(const Machine& m, Origin origin, uint32_t ino, uint64_t offset) {
  if (origin == kOriginZero || origin == DataOrigin(ino, offset)) return true;
  return IsDataOrigin(origin) &&
         m.ghost.LegitimatePlace(OriginIno(origin), OriginOffset(origin), ino, offset);
}

void AddDurability(const Machine& m, const RecoveredState& recovered, const Promise& promise,
                   uint32_t ino, ByteRules* rules) {
  const std::string name = GuaranteeName(promise.guarantee);
  const RecoveredFile* file = recovered.FileByIno(ino);
  if (file == nullptr) {
    const bool name_promised = promise.guarantee == Guarantee::kSync ||
                               m.config->name_space == Namespace::kJournalPrefix;
    if (name_promised) rules->failing_regardless.insert(name);
    return;
  }
  const auto& writes = m.ghost.writes;
  std::map<uint64_t, size_t> last_covered;  // offset -> the last record covering it
  for (size_t i = 0; i < writes.size(); ++i) {
    const WriteRecord& record = *writes[i];
    if (record.ino != ino || !Ghost::HappenedBefore(record, promise.invocation)) continue;
    if (record.size_cut) continue;
    const uint64_t lo = std::max(record.offset, promise.begin);
    const uint64_t hi = std::min<uint64_t>(record.offset + record.length(), promise.end);
    for (uint64_t o = lo; o < hi; ++o) last_covered[o] = i;
  }
  const uint64_t size = file->core.size_bytes;
  for (const auto& [offset, index] : last_covered) {
    std::bitset<256> allowed;
    bool absent_or_zero = false;
    for (size_t i = index; i < writes.size(); ++i) {
      const WriteRecord& record = *writes[i];
      if (record.ino != ino || !Writes(record, offset)) continue;
      if (record.size_cut) {
        absent_or_zero = true;
      } else {
        allowed.set(record.ByteAt(offset));
      }
    }
    if (absent_or_zero) allowed.set(0);
    if (offset >= size) {
      if (!absent_or_zero) rules->failing_regardless.insert(name);
      continue;
    }
    const std::optional<uint64_t> address = recovered.DeviceAddress(ino, offset);
    if (!address) {  // a hole or an unwritten extent reads zero in every image
      if (!allowed.test(0)) rules->failing_regardless.insert(name);
      continue;
    }
    rules->by_name[name][*address].allowed &= allowed;
  }
  const bool cut_later = std::any_of(writes.begin(), writes.end(), [&](const auto& record) {
    return record->ino == ino && record->size_cut &&
           !Ghost::HappenedBefore(*record, promise.invocation);
  });
  if (promise.end == UINT64_MAX && !cut_later && size < promise.size_at_invocation) {
    rules->failing_regardless.insert(name);
  }
  if (promise.covers_metadata && file->core.mtime < promise.mtime_at_invocation) {
    rules->failing_regardless.insert(name);
  }
}

}  // namespace

ByteRules CompileByteRules(const Machine& m, const RecoveredState& recovered) {
  ByteRules rules;
  for (const auto& promise : m.ghost.promises) {
    if (!promise->returned || promise->failed) continue;
    if (promise->ino) {
      AddDurability(m, recovered, *promise, *promise->ino, &rules);
    } else {
      for (const auto& [ino, inode] : m.inodes) {
        if (ino < promise->inodes_below) AddDurability(m, recovered, *promise, ino, &rules);
      }
    }
  }
  const uint32_t bs = m.block_size();
  for (const auto& [path, file] : recovered.files()) {
    bool past_eof = false;
    file.core.extents.ForEachBlock(0, UINT64_MAX, [&](uint64_t block, const Extent& extent) {
      if (past_eof || extent.state != ExtentState::kWritten) return;
      const uint64_t begin = block * bs;
      if (begin >= file.core.size_bytes) {
        past_eof = true;
        return;
      }
      const uint64_t end = std::min<uint64_t>(begin + bs, file.core.size_bytes);
      const uint64_t device = extent.physical_block * bs;
      auto& stale = rules.by_name[GuaranteeName(Guarantee::kNoStaleData)];
      for (uint64_t offset = begin; offset < end; ++offset) {
        stale[device + (offset - begin)].places.emplace_back(file.ino, offset);
      }
    });
  }
  return rules;
}

bool Breaks(const Machine& m, const ByteRule& rule, uint8_t value, Origin origin) {
  if (!rule.allowed.test(value)) return true;
  for (const auto& [ino, offset] : rule.places) {
    if (!Legitimate(m, origin, ino, offset)) return true;
  }
  return false;
}

}  // namespace crashsim
