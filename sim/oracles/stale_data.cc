#include "sim/oracles/stale_data.h"

#include <fmt/format.h>

#include <optional>
#include <utility>

#include "models/guarantee.h"
#include "models/untouched_span.h"

namespace crashsim {
namespace {

// Zeroes, or data written to this file at this offset, or data that a recorded move (reflink,
// shift, exchange) carried here from where it was written.
bool Legitimate(const Machine& m, Origin origin, uint32_t ino, uint64_t offset) {
  if (origin == kOriginZero || origin == DataOrigin(ino, offset)) return true;
  return IsDataOrigin(origin) &&
         m.ghost.LegitimatePlace(OriginIno(origin), OriginOffset(origin), ino, offset);
}

std::string DescribeOrigin(const Machine& m, Origin origin) {
  if (origin == kOriginStale) return "stale contents of free space";
  if (IsDataOrigin(origin)) {
    return fmt::format("data written to {} at offset {}", m.PathOf(OriginIno(origin)),
                       OriginOffset(origin));
  }
  return "zeroes";
}

// The first run of illegitimate bytes in `data` (read from `ino` at `offset`), if any.
bool FirstBadRun(const Machine& m, const Tagged& data, uint32_t ino, uint64_t offset,
                 uint64_t* begin, uint64_t* end) {
  for (uint64_t i = 0; i < data.size(); ++i) {
    if (Legitimate(m, data.origins[i], ino, offset + i)) continue;
    uint64_t j = i;
    while (j < data.size() && !Legitimate(m, data.origins[j], ino, offset + j)) ++j;
    *begin = offset + i;
    *end = offset + j;
    return true;
  }
  return false;
}

// Whether every feasible outcome of every byte of the run, read from `offset` of `ino` on, is
// zeroes or this file's own data there: the common case, checked source by source in one pass.
bool AllOwnData(const CrashContext& c, const OutcomeRun& run, uint32_t ino, uint64_t offset) {
  if (run.media && !run.block.ZeroOrDataOf(run.in_block, run.length, ino, offset)) return false;
  const auto& pending = c.machine.device.pending();
  for (int v : run.writes) {
    const PendingWrite& write = pending[v];
    const Origin* origins = write.data().origins.data() + (run.address - write.address);
    if (!ZeroOrDataOf(origins, run.length, ino, offset)) return false;
  }
  return true;
}

// The first feasible outcome of the device bytes [base, base + length), read at `offset` of
// `ino`, that is not legitimate there, with its device address.
std::optional<std::pair<uint64_t, ByteOutcome>> FirstIllegitimate(const CrashContext& c,
                                                                  uint32_t ino, uint64_t offset,
                                                                  uint64_t base, uint64_t length) {
  std::optional<std::pair<uint64_t, ByteOutcome>> bad;
  c.space.ForEachRun(base, length, [&](const OutcomeRun& run) {
    if (AllOwnData(c, run, ino, offset + (run.address - base))) return true;
    return c.space.ForEachOutcomeIn(run, [&](uint64_t address, const ByteOutcome& outcome) {
      if (Legitimate(c.machine, outcome.origin, ino, offset + (address - base))) return true;
      bad = std::make_pair(address, outcome);
      return false;
    });
  });
  return bad;
}

// How many blocks of `run` from `block` on still hold the recovered file's own initial contents
// at their own offsets in every crash (untouched since the first step), or zeroes: legitimate
// without a look at their bytes. 0 when that cannot be decided whole.
uint64_t OwnInitialBlocks(const CrashContext& c, const RecoveredFile& file,
                          const ExtentMap::Run& run, uint64_t block) {
  const std::optional<UntouchedSpan> span =
      UntouchedFrom(c.machine.device, run.At(block).physical_block, run.end() - block);
  if (!span) return 0;
  if (span->file_ino == 0) return span->free_origin == kOriginZero ? span->count : 0;
  const bool own = span->file_ino == file.ino && span->file_offset == block * c.machine.block_size();
  return own ? span->count : 0;
}

}  // namespace

void CheckNoStaleData(const CrashContext& c, std::vector<Finding>* findings) {
  const uint32_t bs = c.machine.block_size();
  for (const auto& [path, file] : c.recovered.files()) {
    std::optional<Finding> first_bad;
    file.core.extents.ForEachRun(0, UINT64_MAX, [&](const ExtentMap::Run& run) {
      if (run.start.state != ExtentState::kWritten) return true;
      for (uint64_t block = run.first; block < run.end(); ++block) {
      if (block * bs >= file.core.size_bytes) return false;
      if (const uint64_t own = OwnInitialBlocks(c, file, run, block)) {
        block += own - 1;
        continue;
      }
      const Extent extent = run.At(block);
      const uint64_t begin = block * bs;
      if (begin >= file.core.size_bytes) return false;
      const uint64_t end = std::min<uint64_t>(begin + bs, file.core.size_bytes);
      const uint64_t base = extent.physical_block * bs;
      const auto bad = FirstIllegitimate(c, file.ino, begin, base, end - begin);
      if (!bad) continue;
      const auto& [address, outcome] = *bad;
      const CrashImage image = c.space.Witness(address, outcome);
      const RecoveredState witness(c.machine, image);
      // Show the whole run of illegitimate bytes that this image exposes.
      const Tagged data = witness.ReadIno(file.ino, begin, end);
      const uint64_t offset = begin + (address - base);
      uint64_t bad_begin = offset, bad_end = offset + 1;
      FirstBadRun(c.machine, data, file.ino, begin, &bad_begin, &bad_end);
      const std::vector<uint8_t> shown(data.bytes.begin() + (bad_begin - begin),
                                       data.bytes.begin() + (bad_end - begin));
      Finding finding;
      finding.name = GuaranteeName(Guarantee::kNoStaleData);
      finding.promise = "O6: reads within EOF return zeroes or bytes written there";
      finding.observed = fmt::format("{}[{}:{}] = {} after recovery: {}", path, bad_begin, bad_end,
                                     RenderBytes(shown, c.scenario.text_runs),
                                     DescribeOrigin(c.machine, outcome.origin));
      finding.expected = fmt::format("{}[{}:{}] = zeroes or data written to {} there", path,
                                     bad_begin, bad_end, path);
      SetWitness(c, image, {{address, address + 1}}, &finding);
      finding.state.push_back(fmt::format("{} block {} -> device block {} (written)", path, block,
                                          extent.physical_block));
      first_bad = std::move(finding);
      return false;
      }
      return true;
    });
    if (first_bad) {
      findings->push_back(std::move(*first_bad));
      return;
    }
  }
}

void CheckReadNotStale(const Machine& m, const TextRuns& texts, const ObservedRead& read,
                       std::vector<Finding>* findings) {
  uint64_t bad_begin, bad_end;
  if (!FirstBadRun(m, read.data, read.ino, read.offset, &bad_begin, &bad_end)) return;
  const std::vector<uint8_t> shown(read.data.bytes.begin() + (bad_begin - read.offset),
                                   read.data.bytes.begin() + (bad_end - read.offset));
  Finding finding;
  finding.name = GuaranteeName(Guarantee::kNoStaleData);
  finding.promise = "O6: reads within EOF return zeroes or bytes written there";
  finding.observed = fmt::format("{} returned {} at {}[{}:{}]: {}", read.what,
                                 RenderBytes(shown, texts),
                                 m.PathOf(read.ino), bad_begin, bad_end,
                                 DescribeOrigin(m, read.data.origins[bad_begin - read.offset]));
  finding.expected = "zeroes or data written to that file at that offset";
  findings->push_back(std::move(finding));
}

}  // namespace crashsim
