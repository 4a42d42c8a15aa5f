#include "sim/explore/crash_state.h"

#include <fmt/format.h>

#include "sim/oracles/finding.h"

namespace crashsim {
namespace {

std::string JournalLine(const Machine& m, const CrashImage& witness) {
  const uint64_t forced = m.journal.forced_seq(), committed = m.journal.committed_seq();
  std::string line =
      fmt::format("journal: {} transaction(s) committed, forced through {}", committed, forced);
  if (committed > forced) line += fmt::format(" ({}..{} not forced)", forced + 1, committed);
  return line + fmt::format("; the log this crash leaves ends at transaction {}",
                            witness.journal_prefix);
}

std::string ExtentText(uint64_t block, const Extent& extent) {
  return fmt::format("{}->{}{}{}", block, extent.physical_block,
                     extent.state == ExtentState::kUnwritten ? " unwritten" : "",
                     extent.shared ? " shared" : "");
}

constexpr uint64_t kRunShownByBlocks = 16;

// "first-last->physical-last", for a run shown as one range.
std::string RunText(const ExtentMap::Run& run) {
  return fmt::format("{}-{}->{}-{}{}{}", run.first, run.end() - 1, run.start.physical_block,
                     run.start.physical_block + run.count - 1,
                     run.start.state == ExtentState::kUnwritten ? " unwritten" : "",
                     run.start.shared ? " shared" : "");
}

std::string EntryText(uint64_t page, const TreeEntry& entry) {
  std::string tags;
  for (auto [set, name] : {std::pair{entry.dirty, "DIRTY"}, std::pair{entry.towrite, "TOWRITE"},
                           std::pair{entry.writeback, "WRITEBACK"}}) {
    if (set) tags += std::string(tags.empty() ? "" : "+") + name;
  }
  const char* kind = entry.dax ? (entry.zero_page ? "DAX zero page" : "DAX") : "folio";
  return fmt::format("{} {}{}", page, kind, tags.empty() ? "" : " " + tags);
}

std::vector<std::string> FileLines(const Machine& m) {
  std::vector<std::string> lines;
  for (const auto& [ino, inode] : m.inodes) {
    std::vector<std::string> extents, entries;
    // Block by block, but a run longer than kRunShownByBlocks as one range, so that the line
    // stays short for a large file.
    inode.core.extents.ForEachRun(0, UINT64_MAX, [&](const ExtentMap::Run& run) {
      if (run.count > kRunShownByBlocks) {
        extents.push_back(RunText(run));
        return true;
      }
      for (uint64_t block = run.first; block < run.end(); ++block) {
        extents.push_back(ExtentText(block, run.At(block)));
      }
      return true;
    });
    for (const auto& [page, entry] : inode.tree) entries.push_back(EntryText(page, entry));
    std::string flags;
    if (inode.core.sealed) flags += " sealed";
    if (inode.core.dax) flags += " dax";
    lines.push_back(fmt::format(
        "{}: size {} logged ({} in core){}; extents (file block->device block) {}; "
        "mapping tree {}",
        m.PathOf(ino), inode.core.size_bytes, inode.size_bytes,
        flags.empty() ? "" : ", flags" + flags,
        extents.empty() ? "none" : fmt::format("{}", fmt::join(extents, ", ")),
        entries.empty() ? "empty" : fmt::format("{}", fmt::join(entries, ", "))));
  }
  return lines;
}

std::vector<std::string> PendingLines(const Machine& m, const CrashImage& witness) {
  std::vector<std::string> lines;
  for (const PendingWrite& write : m.device.pending()) {
    const Tagged durable = m.device.media().Read(write.address, write.data().size());
    lines.push_back(fmt::format(
        "{} {} (device bytes {}+{}): durable {}, pending {} from {}: {} by this crash",
        write.unit_kind == UnitKind::kLine ? "pmem line" : "sector", write.unit, write.address,
        write.data().size(), RenderBytes(durable.bytes), RenderBytes(write.data().bytes), write.what(),
        witness.persisted.count(write.id) ? "kept" : "lost"));
  }
  return lines;
}

}  // namespace

std::vector<std::string> DescribeCrashState(const Machine& machine, const CrashImage& witness) {
  std::vector<std::string> lines{JournalLine(machine, witness)};
  for (std::string& line : FileLines(machine)) lines.push_back(std::move(line));
  for (std::string& line : PendingLines(machine, witness)) lines.push_back(std::move(line));
  return lines;
}

}  // namespace crashsim
