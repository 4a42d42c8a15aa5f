#include "sim/explore/crash_state.h"

#include <fmt/format.h>

#include <optional>
#include <set>
#include <utility>

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

// A namespace as a directory line shows it: file names, directories and symbolic links.
struct NamespaceView {
  NameTable names;
  DirectoryTree tree;
};

// The names this crash leaves: the recovered namespace of the witness image.
NamespaceView RecoveredNamespace(const Machine& m, const CrashImage& witness) {
  const RecoveredState recovered(m, witness);
  NamespaceView view;
  for (const auto& [path, file] : recovered.files()) view.names[path] = file.ino;
  view.tree = recovered.tree();
  return view;
}

std::string ParentOf(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == 0 ? "/" : path.substr(0, slash);
}

// The directories of either namespace, with every ancestor of their names, and the root.
std::set<std::string> Directories(const std::vector<const NamespaceView*>& views) {
  std::set<std::string> dirs = {"/"};
  const auto add_with_ancestors = [&](std::string dir) {
    while (dirs.insert(dir).second) dir = ParentOf(dir);
  };
  for (const NamespaceView* view : views) {
    for (const std::string& dir : view->tree.directories) add_with_ancestors(dir);
    for (const auto& [path, ino] : view->names) add_with_ancestors(ParentOf(path));
    for (const auto& [path, target] : view->tree.symlinks) add_with_ancestors(ParentOf(path));
  }
  return dirs;
}

// "a -> inode 2, l -> ../a (symbolic link), sub/" for the entries of `dir` in `view`, or that
// the directory is not there.
std::string EntriesText(const std::string& dir, const NamespaceView& view) {
  if (dir != "/" && view.tree.directories.count(dir) == 0) return "no such directory";
  std::vector<std::string> entries;
  const std::string prefix = dir == "/" ? "/" : dir + "/";
  for (const std::string& sub : view.tree.directories) {
    if (ParentOf(sub) == dir) entries.push_back(sub.substr(prefix.size()) + "/");
  }
  for (const auto& [path, ino] : view.names) {
    if (ParentOf(path) == dir) {
      entries.push_back(fmt::format("{} -> inode {}", path.substr(prefix.size()), ino));
    }
  }
  for (const auto& [path, target] : view.tree.symlinks) {
    if (ParentOf(path) == dir) {
      entries.push_back(fmt::format("{} -> {} (symbolic link)", path.substr(prefix.size()),
                                    target));
    }
  }
  return entries.empty() ? "no entries" : fmt::format("{}", fmt::join(entries, ", "));
}

// One line per directory: its entries in core and, where they differ, after this crash.
std::vector<std::string> DirectoryLines(const NamespaceView& in_core,
                                        const NamespaceView& recovered) {
  std::vector<std::string> lines;
  for (const std::string& dir : Directories({&in_core, &recovered})) {
    const std::string now = EntriesText(dir, in_core);
    const std::string after = EntriesText(dir, recovered);
    if (now == after) {
      lines.push_back(fmt::format("directory {}: {} (in core and after this crash)", dir, now));
    } else {
      lines.push_back(fmt::format("directory {}: in core {}; after this crash {}", dir, now, after));
    }
  }
  return lines;
}

// The path of `ino` in `names`, if it has one.
std::optional<std::string> NameIn(const NameTable& names, uint32_t ino) {
  for (const auto& [path, number] : names) {
    if (number == ino) return path;
  }
  return std::nullopt;
}

// How a file line names an inode: its path in core; for an inode without one (unlinked, or
// renamed over), "inode N" with the path this crash leaves it, or else its last name in the
// journal or at the start. `numbered`: a path is followed by "(inode N)", as the directory lines
// name inodes.
std::string InodeName(const Machine& m, uint32_t ino, const NameTable& recovered, bool numbered) {
  if (const std::optional<std::string> path = NameIn(m.names, ino)) {
    return numbered ? fmt::format("{} (inode {})", *path, ino) : *path;
  }
  if (const std::optional<std::string> path = NameIn(recovered, ino)) {
    return fmt::format("inode {} (no name in core; {} after this crash)", ino, *path);
  }
  for (uint64_t seq = m.journal.committed_seq(); seq >= 1; --seq) {
    const Transaction& txn = m.journal.txn(seq);
    if (!txn.names) continue;
    if (const std::optional<std::string> path = NameIn(*txn.names, ino)) {
      return fmt::format("inode {} (no name in core; was {})", ino, *path);
    }
  }
  if (const std::optional<std::string> path = NameIn(m.base->names, ino)) {
    return fmt::format("inode {} (no name in core; was {})", ino, *path);
  }
  return fmt::format("inode {} (no name)", ino);
}

std::vector<std::string> FileLines(const Machine& m, const NameTable& recovered, bool numbered) {
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
        InodeName(m, ino, recovered, numbered), inode.core.size_bytes, inode.size_bytes,
        flags.empty() ? "" : ", flags" + flags,
        extents.empty() ? "none" : fmt::format("{}", fmt::join(extents, ", ")),
        entries.empty() ? "empty" : fmt::format("{}", fmt::join(entries, ", "))));
  }
  return lines;
}

std::vector<std::string> PendingLines(const Machine& m, const CrashImage& witness,
                                      const TextRuns& texts) {
  std::vector<std::string> lines;
  for (const PendingWrite& write : m.device.pending()) {
    const Tagged durable = m.device.media().Read(write.address, write.data().size());
    lines.push_back(fmt::format(
        "{} {} (device bytes {}+{}): durable {}, pending {} from {}: {} by this crash",
        write.unit_kind == UnitKind::kLine ? "pmem line" : "sector", write.unit, write.address,
        write.data().size(), RenderBytes(durable.bytes, texts),
        RenderBytes(write.data().bytes, texts), write.what(),
        witness.persisted.count(write.id) ? "kept" : "lost"));
  }
  return lines;
}

}  // namespace

std::vector<std::string> DescribeCrashState(const Scenario& scenario, const Machine& machine,
                                            const CrashImage& witness) {
  std::vector<std::string> lines{JournalLine(machine, witness)};
  const NamespaceView after = RecoveredNamespace(machine, witness);
  const NameTable& recovered = after.names;
  // The directories only when a name changed: since the start, or in what this crash leaves.
  const bool names_changed = machine.names != machine.base->names || recovered != machine.names ||
                             machine.tree != machine.base->tree || after.tree != machine.tree;
  if (names_changed) {
    for (std::string& line : DirectoryLines(NamespaceView{machine.names, machine.tree}, after)) {
      lines.push_back(std::move(line));
    }
  }
  for (std::string& line : FileLines(machine, recovered, names_changed)) {
    lines.push_back(std::move(line));
  }
  for (std::string& line : PendingLines(machine, witness, scenario.text_runs)) {
    lines.push_back(std::move(line));
  }
  return lines;
}

}  // namespace crashsim
