// creat, unlink and rename (docs/semantics.md O1 and 2.11). Under `journal-prefix` each namespace
// change is a logged transaction, so forcing the log for any inode persists every earlier one.
// Under `posix-minimal` namespace changes stay out of the journal and become durable only through
// an fsync of the directory, sync/syncfs, or background directory writeback.
#include <map>
#include <optional>
#include <set>
#include <type_traits>

#include "models/fs_internal.h"
#include "models/invalidate.h"
#include "models/kernel.h"
#include "models/path_walk.h"
#include "models/size_change.h"

namespace crashsim {
namespace {

StepOutcome Fail(const std::string& err) { return StepOutcome{true, err, ""}; }

// Frees an inode's blocks once it has no name and nobody holds it open.
void ReapIfOrphan(Machine& m, uint32_t ino, const std::string& what) {
  for (const auto& [path, number] : m.names) {
    if (number == ino) return;
  }
  Inode& inode = m.inode(ino);
  if (inode.open_count > 0) return;
  for (const ProcessState& process : m.processes) {
    for (const auto& [name, vma] : process.vmas) {
      if (vma.valid && vma.ino == ino) return;
    }
  }
  DropPages(m, ino, 0, UINT64_MAX);
  const auto freed = UnmapBlocks(m, ino, 0, UINT64_MAX);
  inode.size_bytes = 0;
  inode.core.size_bytes = 0;
  const uint64_t seq = LogInode(m, ino, kFieldExtents | kFieldSize, what + ": free the orphan");
  ReleaseAfter(m, freed, seq);
}

// The inode lost its last name: what was promised about its contents ends once that is durable.
void RecordRemoval(Machine& m, uint32_t ino) {
  for (const auto& [path, number] : m.names) {
    if (number == ino) return;
  }
  m.ghost.removed.push_back(ino);
}

// Whether `path` lies strictly below the directory `dir`.
bool IsUnder(const std::string& path, const std::string& dir) {
  return path.size() > dir.size() && path.compare(0, dir.size(), dir) == 0 &&
         path[dir.size()] == '/';
}

// The names at or below `path` (a file, a symbolic link, or a directory with everything it
// holds), taken out of the namespace, each by its part after `path` ("" for `path` itself).
struct Subtree {
  std::map<std::string, uint32_t> files;
  std::set<std::string> directories;
  std::map<std::string, std::string> symlinks;
};

template <typename Sorted, typename Insert>
void TakeUnder(Sorted& sorted, const std::string& path, Insert insert) {
  for (auto it = sorted.lower_bound(path); it != sorted.end();) {
    const std::string& key = [&]() -> const std::string& {
      if constexpr (std::is_same_v<Sorted, std::set<std::string>>) {
        return *it;
      } else {
        return it->first;
      }
    }();
    if (key != path && !IsUnder(key, path)) {
      // Names below `path` sort right after it, but "path-x" sorts between them and
      // "path/...": skip what is neither.
      if (key.compare(0, path.size(), path) != 0) break;
      ++it;
      continue;
    }
    insert(key.substr(path.size()), it);
    it = sorted.erase(it);
  }
}

Subtree Take(Machine& m, const std::string& path) {
  Subtree out;
  TakeUnder(m.names, path, [&](const std::string& rest, auto it) { out.files[rest] = it->second; });
  TakeUnder(m.tree.directories, path,
            [&](const std::string& rest, auto) { out.directories.insert(rest); });
  TakeUnder(m.tree.symlinks, path,
            [&](const std::string& rest, auto it) { out.symlinks[rest] = it->second; });
  return out;
}

void Put(Machine& m, const std::string& path, const Subtree& subtree) {
  for (const auto& [rest, ino] : subtree.files) m.names[path + rest] = ino;
  for (const std::string& rest : subtree.directories) m.tree.directories.insert(path + rest);
  for (const auto& [rest, target] : subtree.symlinks) m.tree.symlinks[path + rest] = target;
}

// The inode of the file `path`, if it is one.
std::optional<uint32_t> FileIno(const Machine& m, const std::string& path) {
  auto it = m.names.find(path);
  return it == m.names.end() ? std::nullopt : std::optional<uint32_t>(it->second);
}

// The checks of do_renameat2 and vfs_rename, in their order; "" when the rename may go on.
std::string RenameRefusal(const Machine& m, const std::string& from, const std::string& to,
                          RenameFlags flags) {
  const EntryKind source = EntryAt(m, from);
  const EntryKind target = EntryAt(m, to);
  if (source == EntryKind::kNone) return "ENOENT";
  if (flags == RenameFlags::kNoReplace && target != EntryKind::kNone) return "EEXIST";
  if (flags == RenameFlags::kExchange && target == EntryKind::kNone) return "ENOENT";
  // The source may not be an ancestor of the target, nor the target of the source.
  if (IsUnder(to, from)) return "EINVAL";
  if (IsUnder(from, to)) return flags == RenameFlags::kExchange ? "EINVAL" : "ENOTEMPTY";
  if (flags == RenameFlags::kExchange || target == EntryKind::kNone) return "";
  // may_delete of the target: a directory replaces only a directory, and a non-directory only a
  // non-directory.
  if (source == EntryKind::kDirectory && target != EntryKind::kDirectory) return "ENOTDIR";
  if (source != EntryKind::kDirectory && target == EntryKind::kDirectory) return "EISDIR";
  // Only an empty directory can be replaced: xfs_rename answers EEXIST, ext4_rename ENOTEMPTY.
  if (target == EntryKind::kDirectory && HasEntriesUnder(m, to)) {
    return m.config->fs == FsKind::kXfs ? "EEXIST" : "ENOTEMPTY";
  }
  // Replacing a sealed file would free its frozen map, as unlinking it would.
  const std::optional<uint32_t> victim = FileIno(m, to);
  if (victim && MapFrozen(m, *victim)) return "EPERM";
  return "";
}

}  // namespace

bool IsDirectory(const Machine& m, const std::string& path) {
  return EntryAt(m, path) == EntryKind::kDirectory;
}

uint32_t CreateInode(Machine& m, const std::string& path) {
  const uint32_t ino = m.next_ino++;
  Inode inode;
  inode.ino = ino;
  m.inodes[ino] = inode;
  m.names[path] = ino;
  return ino;
}

StepOutcome SysCreat(Machine& m, int pid, const std::string& path, const std::string& what) {
  EnterKernel(m, pid);
  // creat() is open(O_CREAT | O_WRONLY | O_TRUNC): it follows a symbolic link.
  const WalkResult walk = WalkPath(m, path, /*follow_last=*/true);
  if (!walk.ok()) return Fail(walk.error);
  if (IsDirectory(m, walk.path)) return Fail("EISDIR");
  if (const std::optional<uint32_t> ino = FileIno(m, walk.path)) {
    // An existing file is truncated (through setattr); the op closes the descriptor at once, so
    // the release finds no delayed allocation to flush.
    StepOutcome outcome = TruncateOnOpen(m, pid, *ino, what);
    m.inode(*ino).flush_on_close = false;
    return outcome;
  }
  const uint32_t ino = CreateInode(m, walk.path);
  const uint64_t seq = LogNamespace(m, {ino}, what + ": create " + walk.path, /*creates=*/true);
  return StepOutcome{true, "0", "created (transaction " + std::to_string(seq) + ")"};
}

StepOutcome SysUnlink(Machine& m, int pid, const std::string& path, const std::string& what) {
  EnterKernel(m, pid);
  const WalkResult walk = WalkPath(m, path, /*follow_last=*/false);
  if (!walk.ok()) return Fail(walk.error);
  switch (EntryAt(m, walk.path)) {
    case EntryKind::kNone: return Fail("ENOENT");
    case EntryKind::kDirectory: return Fail("EISDIR");  // may_delete(..., isdir=false)
    case EntryKind::kSymlink: {
      m.tree.symlinks.erase(walk.path);
      const uint64_t seq = LogNamespace(m, {}, what + ": unlink " + walk.path);
      return StepOutcome{true, "0",
                         "symbolic link removed (transaction " + std::to_string(seq) + ")"};
    }
    case EntryKind::kFile: break;
  }
  const uint32_t ino = m.names.at(walk.path);
  if (MapFrozen(m, ino)) return Fail("EPERM");
  m.names.erase(walk.path);
  TouchTimes(m, ino);
  const uint64_t seq = LogNamespace(m, {ino}, what + ": unlink " + walk.path);
  RecordRemoval(m, ino);
  ReapIfOrphan(m, ino, what);
  return StepOutcome{true, "0", "unlinked (transaction " + std::to_string(seq) + ")"};
}

StepOutcome SysRename(Machine& m, int pid, const std::string& from_path, const std::string& to_path,
                      RenameFlags flags, const std::string& what) {
  EnterKernel(m, pid);
  const WalkResult from_walk = WalkPath(m, from_path, /*follow_last=*/false);
  if (!from_walk.ok()) return Fail(from_walk.error);
  const WalkResult to_walk = WalkPath(m, to_path, /*follow_last=*/false);
  if (!to_walk.ok()) return Fail(to_walk.error);
  const std::string& from = from_walk.path;
  const std::string& to = to_walk.path;
  const std::string refusal = RenameRefusal(m, from, to, flags);
  if (!refusal.empty()) return Fail(refusal);
  const std::optional<uint32_t> ino = FileIno(m, from);
  const std::optional<uint32_t> other = FileIno(m, to);
  // vfs_rename: two names of one inode (or one name twice) leave everything as it is.
  if (from == to || (ino && other && *ino == *other)) {
    return StepOutcome{true, "0", "one inode under both names: nothing to do"};
  }
  std::vector<uint32_t> touched;
  if (ino) touched.push_back(*ino);
  if (other) touched.push_back(*other);
  if (flags == RenameFlags::kExchange) {
    // RENAME_EXCHANGE (xfs_cross_rename, ext4_cross_rename): both names swapped in one
    // transaction, whatever each is. XFS changes and logs the two inodes only for a directory
    // that moves to another parent (its ".." entry); two files are joined to the transaction
    // but neither is logged, so neither is pinned and a later fsync of either forces nothing
    // (xfs_file_fsync forces the log only for a pinned inode). ext4_cross_rename sets both
    // ctimes and marks both inodes dirty.
    const Subtree a = Take(m, from);
    const Subtree b = Take(m, to);
    Put(m, to, a);
    Put(m, from, b);
    if (m.config->fs == FsKind::kXfs) touched.clear();
    for (uint32_t number : touched) TouchTimes(m, number);
    const uint64_t seq = LogNamespace(m, touched, what + ": exchange " + from + " and " + to);
    return StepOutcome{true, "0", "exchanged (transaction " + std::to_string(seq) + ")"};
  }
  // ext4's auto_da_alloc: replacing any name (a file, a symbolic link, an empty directory)
  // starts writeback of the new file's delayed allocations before the rename's handle
  // (ext4_rename -> ext4_alloc_da_blocks when a target inode exists), so their allocation, and
  // the on-disk size it logs, precede the rename in the journal.
  std::string flushed;
  if (ino && EntryAt(m, to) != EntryKind::kNone && m.config->fs != FsKind::kXfs &&
      m.config->auto_da_alloc &&
      !m.inode(*ino).delalloc.empty()) {
    flushed = "auto_da_alloc: writeback of " + std::to_string(StartWriteback(m, *ino)) +
              " delayed-allocation page(s) started; ";
  }
  Take(m, to);  // the replaced name: a file, an empty directory or a symbolic link
  Put(m, to, Take(m, from));
  if (ino) TouchTimes(m, *ino);
  const uint64_t seq = LogNamespace(m, touched, what + ": rename " + from + " to " + to);
  if (other) {
    RecordRemoval(m, *other);
    ReapIfOrphan(m, *other, what);
  }
  return StepOutcome{true, "0", flushed + "renamed (transaction " + std::to_string(seq) + ")"};
}

void ReapOnClose(Machine& m, uint32_t ino, const std::string& what) { ReapIfOrphan(m, ino, what); }

}  // namespace crashsim
