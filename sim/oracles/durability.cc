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
    findings->push_back(Finding{promise.guarantee, promise.op + " returned 0",
                                m.PathOf(ino) + " does not exist after recovery",
                                m.PathOf(ino) + " exists", LostEvents(c), {}});
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
  uint64_t bad_begin = 0, bad_end = 0;
  std::vector<uint8_t> observed, expected;
  bool absent = false;
  for (const auto& [offset, index] : last_covered) {
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
    bool ok;
    uint8_t value = 0;
    if (offset >= size) {
      ok = legal.absent_or_zero;
    } else {
      value = c.recovered.ReadIno(ino, offset, offset + 1).bytes[0];
      ok = legal.bytes.count(value) || (legal.absent_or_zero && value == 0);
    }
    if (ok) continue;
    const uint8_t want = writes[index]->bytes[offset - writes[index]->offset];
    if (bad_end == 0) {
      bad_begin = offset;
      bad_end = offset + 1;
      absent = offset >= size;
    } else if (offset == bad_end && (offset >= size) == absent) {
      ++bad_end;
    } else {
      continue;
    }
    observed.push_back(value);
    expected.push_back(want);
  }
  const std::string path = c.recovered.PathOfIno(ino).value_or(m.PathOf(ino));
  if (bad_end != 0) {
    Finding finding;
    finding.name = promise.guarantee;
    finding.promise = promise.op + " returned 0";
    finding.observed = absent ? fmt::format("{}[{}:{}] is past EOF (size {} after recovery)", path,
                                            bad_begin, bad_end, size)
                              : fmt::format("{}[{}:{}] = {}", path, bad_begin, bad_end,
                                            RenderBytes(observed));
    finding.expected = fmt::format("{}[{}:{}] = {} (covered by the promise)", path, bad_begin,
                                   bad_end, RenderBytes(expected));
    finding.lost = LostEvents(c);
    findings->push_back(std::move(finding));
    return;
  }
  const bool cut_later = std::any_of(writes.begin(), writes.end(), [&](const auto& record) {
    return record->ino == ino && record->size_cut &&
           !Ghost::HappenedBefore(*record, promise.invocation);
  });
  if (promise.end == UINT64_MAX && !cut_later && size < promise.size_at_invocation) {
    findings->push_back(Finding{promise.guarantee, promise.op + " returned 0",
                                fmt::format("size({}) = {} after recovery", path, size),
                                fmt::format("size({}) >= {} (the size at invocation)", path,
                                            promise.size_at_invocation),
                                LostEvents(c), {}});
    return;
  }
  if (promise.covers_metadata && file->core.mtime < promise.mtime_at_invocation) {
    findings->push_back(Finding{promise.guarantee, promise.op + " returned 0",
                                fmt::format("mtime({}) = {} after recovery", path, file->core.mtime),
                                fmt::format("mtime({}) >= {} (the timestamps at invocation)", path,
                                            promise.mtime_at_invocation),
                                LostEvents(c), {}});
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
