#include "sim/oracles/durability.h"

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <utility>
#include <vector>

#include "models/guarantee.h"
#include "models/untouched_span.h"
#include "sim/oracles/byte_runs.h"

namespace crashsim {
namespace {

// A broken promise about metadata: what the journal prefix alone decides.
Finding MetadataFinding(const CrashContext& c, const Promise& promise, std::string observed,
                        std::string expected) {
  Finding finding;
  finding.name = GuaranteeName(promise.guarantee);
  finding.promise = promise.op + " returned 0";
  finding.observed = std::move(observed);
  finding.expected = std::move(expected);
  SetWitness(c, c.space.base_image(), {}, &finding);
  return finding;
}

bool Writes(const WriteRecord& record, uint64_t offset) {
  if (record.size_cut) return offset >= record.offset;
  return offset >= record.offset && offset < record.offset + record.length();
}

// A stretch of file offsets [begin, end) covered by the promise over which the last covered
// record is the same and so are the records at or after it that write there: what each of
// these offsets may legitimately read is that set's value at the offset.
struct Stretch {
  uint64_t begin = 0, end = 0;
  size_t covered = 0;                    // index of the last covered record
  std::vector<const WriteRecord*> later;  // the writes (not size cuts) among those records
  bool absent_or_zero = false;           // a size cut among them
};

// RenderBytes of a record's bytes [from, to), without materialising a fill.
std::string RenderRecordBytes(const WriteRecord& record, uint64_t from, uint64_t to,
                              const TextRuns& texts) {
  if (record.fill_length != 0) {
    ByteRuns fill;
    fill.AppendFill(to - from, record.fill);
    return RenderRuns(fill, texts);
  }
  return RenderBytes(record.Bytes(from, to), texts);
}

bool Allows(const Stretch& stretch, uint64_t offset, uint8_t value) {
  if (stretch.absent_or_zero && value == 0) return true;
  for (const WriteRecord* record : stretch.later) {
    if (record->ByteAt(offset) == value) return true;
  }
  return false;
}

// The offsets the promise covers in file `ino`, in order, as stretches. Every edge of a record
// of the file, of the promise's range and the recovered size is a stretch edge, so stretches
// never straddle a change of what is covered or legal, nor the recovered EOF.
std::vector<Stretch> CoveredStretches(const Ghost& ghost, const Promise& promise, uint32_t ino,
                                      uint64_t size) {
  const auto& writes = ghost.writes;
  std::vector<size_t> records;
  std::vector<uint64_t> edges{promise.begin, promise.end, size};
  for (size_t i = 0; i < writes.size(); ++i) {
    const WriteRecord& record = *writes[i];
    if (record.ino != ino) continue;
    records.push_back(i);
    edges.push_back(record.offset);
    if (!record.size_cut) edges.push_back(record.offset + record.length());
  }
  std::sort(edges.begin(), edges.end());
  edges.erase(std::unique(edges.begin(), edges.end()), edges.end());
  auto covers = [&](const WriteRecord& record, uint64_t offset) {
    return !record.size_cut && Ghost::HappenedBefore(record, promise.invocation) &&
           offset >= std::max(record.offset, promise.begin) &&
           offset < std::min<uint64_t>(record.offset + record.length(), promise.end);
  };
  std::vector<Stretch> stretches;
  for (size_t e = 0; e + 1 < edges.size(); ++e) {
    const uint64_t begin = edges[e];
    auto last = std::find_if(records.rbegin(), records.rend(),
                             [&](size_t i) { return covers(*writes[i], begin); });
    if (last == records.rend()) continue;
    Stretch stretch{begin, edges[e + 1], *last, {}, false};
    for (size_t i : records) {
      const WriteRecord& record = *writes[i];
      if (i < stretch.covered || !Writes(record, begin)) continue;
      if (record.size_cut) {
        stretch.absent_or_zero = true;
      } else {
        stretch.later.push_back(&record);
      }
    }
    stretches.push_back(std::move(stretch));
  }
  return stretches;
}

// Checks one promise against one recovered file: every covered byte, in offset order, stopping
// at the first that some crash may get wrong; then the size and timestamps.
class FileCheck {
 public:
  FileCheck(const CrashContext& c, const Promise& promise, uint32_t ino, const RecoveredFile& file)
      : c_(c), promise_(promise), ino_(ino), file_(file), size_(file.core.size_bytes),
        path_(c.recovered.PathOfIno(ino).value_or(c.machine.PathOf(ino))),
        stretches_(CoveredStretches(c.machine.ghost, promise, ino, size_)) {}

  // Returns the first broken promise about the covered bytes, if any.
  std::optional<Finding> CheckBytes() const {
    for (const Stretch& stretch : stretches_) {
      if (stretch.begin >= size_) {
        if (stretch.absent_or_zero) continue;
        return PastEof(stretch);
      }
      if (auto finding = CheckStretch(stretch)) return finding;
    }
    return std::nullopt;
  }

  const std::string& path() const { return path_; }

 private:
  // Block by block, since a block's bytes sit together on the device (or read as zero); spans
  // that every crash reads alike are decided whole (AllowedSpanEnd).
  std::optional<Finding> CheckStretch(const Stretch& stretch) const {
    const uint64_t bs = c_.machine.block_size();
    const bool uniform = std::all_of(stretch.later.begin(), stretch.later.end(),
                                     [](const WriteRecord* record) { return record->fill_length != 0; });
    for (uint64_t offset = stretch.begin; offset < stretch.end;) {
      if (uniform) {
        if (const std::optional<uint64_t> allowed = AllowedSpanEnd(stretch, offset)) {
          offset = *allowed;
          continue;
        }
      }
      const uint64_t end = std::min(stretch.end, (offset / bs + 1) * bs);
      const std::optional<uint64_t> address = c_.recovered.DeviceAddress(ino_, offset);
      if (!address) {
        // A hole or an unwritten extent: every crash reads zero.
        for (uint64_t o = offset; o < end; ++o) {
          if (!Allows(stretch, o, 0)) return WrongByte(stretch, o, std::nullopt, ByteOutcome{});
        }
      } else {
        std::optional<std::pair<uint64_t, ByteOutcome>> wrong;
        c_.space.ForEachOutcome(*address, end - offset, [&](uint64_t at, const ByteOutcome& o) {
          if (Allows(stretch, offset + (at - *address), o.value)) return true;
          wrong = std::make_pair(at, o);
          return false;
        });
        if (wrong) {
          return WrongByte(stretch, offset + (wrong->first - *address), wrong->first,
                           wrong->second);
        }
      }
      offset = end;
    }
    return std::nullopt;
  }

  // For a stretch whose records are all fills (so what it allows is the same at every offset):
  // the end of a span from `offset` whose bytes every crash reads as values the stretch allows,
  // decided without visiting them: a hole or unwritten extent (zeroes), or device blocks that no
  // crash can change (their initial contents). Nullopt when the span cannot be decided whole;
  // the caller then goes byte by byte, and finds the same first wrong byte it always did.
  std::optional<uint64_t> AllowedSpanEnd(const Stretch& stretch, uint64_t offset) const {
    const uint64_t bs = c_.machine.block_size();
    const uint64_t block = offset / bs;
    const auto span_end = [&](uint64_t end_block) {
      return end_block > stretch.end / bs ? stretch.end : std::min(stretch.end, end_block * bs);
    };
    const ExtentMap& extents = file_.core.extents;
    const ExtentMap::Run* run = extents.RunAt(block);
    if (run == nullptr || run->start.state != ExtentState::kWritten) {
      if (!Allows(stretch, offset, 0)) return std::nullopt;
      if (run != nullptr) return span_end(run->end());
      const auto next = extents.NextFrom(block);
      return next ? span_end(next->first) : stretch.end;
    }
    const std::optional<UntouchedSpan> untouched =
        UntouchedFrom(c_.machine.device, run->At(block).physical_block, run->end() - block);
    if (!untouched) return std::nullopt;
    const uint64_t end = span_end(block + untouched->count);
    if (untouched->file_ino == 0) {
      return Allows(stretch, offset, untouched->fill) ? std::optional<uint64_t>(end) : std::nullopt;
    }
    // The initial file's bytes: its fill below its initial size, zero from there on.
    const uint64_t first_initial = untouched->file_offset + offset % bs;
    const uint64_t last_initial = first_initial + (end - 1 - offset);
    if (first_initial < untouched->file_size && !Allows(stretch, offset, untouched->fill)) {
      return std::nullopt;
    }
    if (last_initial >= untouched->file_size && !Allows(stretch, offset, 0)) return std::nullopt;
    return end;
  }

  Finding NewFinding() const {
    Finding finding;
    finding.name = GuaranteeName(promise_.guarantee);
    finding.promise = promise_.op + " returned 0";
    return finding;
  }

  // The covered bytes from the stretch on lie past the recovered EOF, and no size cut allows it.
  Finding PastEof(const Stretch& stretch) const {
    const WriteRecord& covered = *c_.machine.ghost.writes[stretch.covered];
    const uint64_t offset = stretch.begin;
    Finding finding = NewFinding();
    finding.observed = fmt::format("{}[{}:] is past EOF (size {} after recovery)", path_, offset,
                                   size_);
    finding.expected = fmt::format("{}[{}:{}] = {} ({})", path_, offset,
                                   covered.offset + covered.length(),
                                   RenderRecordBytes(covered, offset,
                                                     covered.offset + covered.length(),
                                                     c_.scenario.text_runs),
                                   covered.what);
    SetWitness(c_, c_.space.base_image(), {}, &finding);
    return finding;
  }

  // Some crash leaves `outcome` at `offset` (at device `address`, or in a hole), which the
  // promise does not allow.
  Finding WrongByte(const Stretch& stretch, uint64_t offset, std::optional<uint64_t> address,
                    const ByteOutcome& outcome) const {
    const WriteRecord& covered = *c_.machine.ghost.writes[stretch.covered];
    const CrashImage image = address ? c_.space.Witness(*address, outcome) : c_.space.base_image();
    // Show the whole run of bytes of this covered write that the witness image gets wrong.
    const RecoveredState witness(c_.machine, image);
    uint64_t end = offset + 1;
    while (end < std::min(size_, covered.offset + covered.length())) {
      const Stretch* next = StretchAt(end);
      if (next == nullptr || next->covered != stretch.covered) break;
      if (Allows(*next, end, witness.ReadIno(ino_, end, end + 1).bytes[0])) break;
      ++end;
    }
    const std::vector<uint8_t> observed = witness.ReadIno(ino_, offset, end).bytes;
    const std::vector<uint8_t> expected = covered.Bytes(offset, end);
    Finding finding = NewFinding();
    const TextRuns& texts = c_.scenario.text_runs;
    finding.observed = fmt::format("{}[{}:{}] = {}{}", path_, offset, end,
                                   RenderBytes(observed, texts),
                                   address ? "" : " (a hole or unwritten extent after recovery)");
    finding.expected = fmt::format("{}[{}:{}] = {} ({})", path_, offset, end,
                                   RenderBytes(expected, texts), covered.what);
    std::vector<AddressRange> read;
    if (address) read.push_back({*address, *address + 1});
    SetWitness(c_, image, read, &finding);
    return finding;
  }

  // The stretch holding `offset`, or nullptr when the promise does not cover it.
  const Stretch* StretchAt(uint64_t offset) const {
    auto it = std::upper_bound(stretches_.begin(), stretches_.end(), offset,
                               [](uint64_t o, const Stretch& s) { return o < s.begin; });
    if (it == stretches_.begin() || offset >= std::prev(it)->end) return nullptr;
    return &*std::prev(it);
  }

  const CrashContext& c_;
  const Promise& promise_;
  const uint32_t ino_;
  const RecoveredFile& file_;
  const uint64_t size_;
  const std::string path_;
  const std::vector<Stretch> stretches_;
};

void CheckFile(const CrashContext& c, const Promise& promise, uint32_t ino,
               std::vector<Finding>* findings) {
  const Machine& m = c.machine;
  const auto& writes = m.ghost.writes;
  const RecoveredFile* file = c.recovered.FileByIno(ino);
  if (file == nullptr) {
    const bool name_promised = promise.guarantee == Guarantee::kSync ||
                               m.config->name_space == Namespace::kJournalPrefix;
    if (!name_promised) return;  // posix-minimal: fsync of the file promises no name
    // An unlink or a rename over the file removed it, and the removal is durable: nothing more
    // can be asked of its contents (docs/semantics.md 2.8.8).
    const auto& removed = m.ghost.removed;
    if (std::find(removed.begin(), removed.end(), ino) != removed.end()) return;
    findings->push_back(MetadataFinding(c, promise, m.PathOf(ino) + " does not exist after recovery",
                                        m.PathOf(ino) + " exists"));
    return;
  }
  const FileCheck check(c, promise, ino, *file);
  if (std::optional<Finding> finding = check.CheckBytes()) {
    findings->push_back(std::move(*finding));
    return;
  }
  const uint64_t size = file->core.size_bytes;
  const std::string& path = check.path();
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
      // sync covers the files that existed when it was called, not those created since.
      for (const auto& [ino, inode] : c.machine.inodes) {
        if (ino < promise->inodes_below) CheckFile(c, *promise, ino, findings);
      }
    }
  }
}

}  // namespace crashsim
