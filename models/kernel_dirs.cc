// mkdir, rmdir, link and symlink (docs/semantics.md 2.11): namespace changes that create or
// remove a name, each one transaction (xfs_create of a directory, xfs_remove, xfs_link,
// xfs_symlink; ext4_mkdir, ext4_rmdir, ext4_link, ext4_symlink), after the checks of
// filename_create, do_rmdir, do_linkat and vfs_link in Linux 6.1 fs/namei.c.
#include "models/fs_internal.h"
#include "models/kernel.h"
#include "models/path_walk.h"

namespace crashsim {
namespace {

StepOutcome Fail(const std::string& err) { return StepOutcome{true, err, ""}; }

// filename_create: the parent is walked, and the new name must not exist (a dangling symbolic
// link is a name that exists). Returns the walked path, or the errno.
WalkResult NewName(const Machine& m, const std::string& path) {
  WalkResult walk = WalkPath(m, path, /*follow_last=*/false);
  if (walk.ok() && EntryAt(m, walk.path) != EntryKind::kNone) walk.error = "EEXIST";
  return walk;
}

std::string TransactionText(uint64_t seq) { return "(transaction " + std::to_string(seq) + ")"; }

}  // namespace

StepOutcome SysMkdir(Machine& m, int pid, const std::string& path, const std::string& what) {
  EnterKernel(m, pid);
  const WalkResult walk = NewName(m, path);
  if (!walk.ok()) return Fail(walk.error);
  m.tree.directories.insert(walk.path);
  const uint64_t seq = LogNamespace(m, {}, what + ": mkdir " + walk.path);
  return StepOutcome{true, "0", "directory created " + TransactionText(seq)};
}

StepOutcome SysRmdir(Machine& m, int pid, const std::string& path, const std::string& what) {
  EnterKernel(m, pid);
  const WalkResult walk = WalkPath(m, path, /*follow_last=*/false);
  if (!walk.ok()) return Fail(walk.error);
  switch (EntryAt(m, walk.path)) {
    case EntryKind::kNone: return Fail("ENOENT");
    case EntryKind::kFile:
    case EntryKind::kSymlink: return Fail("ENOTDIR");  // may_delete(..., isdir=true)
    case EntryKind::kDirectory: break;
  }
  // xfs_remove and ext4_rmdir: only an empty directory goes.
  if (HasEntriesUnder(m, walk.path)) return Fail("ENOTEMPTY");
  m.tree.directories.erase(walk.path);
  const uint64_t seq = LogNamespace(m, {}, what + ": rmdir " + walk.path);
  return StepOutcome{true, "0", "directory removed " + TransactionText(seq)};
}

StepOutcome SysLink(Machine& m, int pid, const std::string& from, const std::string& to,
                    const std::string& what) {
  EnterKernel(m, pid);
  // do_linkat without AT_SYMLINK_FOLLOW: the old name is not followed.
  const WalkResult old_walk = WalkPath(m, from, /*follow_last=*/false);
  if (!old_walk.ok()) return Fail(old_walk.error);
  const EntryKind kind = EntryAt(m, old_walk.path);
  if (kind == EntryKind::kNone) return Fail("ENOENT");
  const WalkResult new_walk = NewName(m, to);
  if (!new_walk.ok()) return Fail(new_walk.error);
  if (kind == EntryKind::kDirectory) return Fail("EPERM");  // vfs_link: no links to directories
  if (kind == EntryKind::kSymlink) {
    // The link's inode gets a second name: the model keeps a symbolic link by its target.
    m.tree.symlinks[new_walk.path] = m.tree.symlinks.at(old_walk.path);
    const uint64_t seq = LogNamespace(m, {}, what + ": link " + old_walk.path + " to " +
                                                 new_walk.path);
    return StepOutcome{true, "0", "linked " + TransactionText(seq)};
  }
  const uint32_t ino = m.names.at(old_walk.path);
  m.names[new_walk.path] = ino;
  // xfs_link logs the inode (its link count and ctime) with the new entry.
  TouchTimes(m, ino);
  const uint64_t seq =
      LogNamespace(m, {ino}, what + ": link " + old_walk.path + " to " + new_walk.path);
  uint64_t links = 0;
  for (const auto& [path, number] : m.names) links += number == ino;
  return StepOutcome{true, "0",
                     "linked, nlink " + std::to_string(links) + " " + TransactionText(seq)};
}

StepOutcome SysSymlink(Machine& m, int pid, const std::string& target, const std::string& path,
                       const std::string& what) {
  EnterKernel(m, pid);
  const WalkResult walk = NewName(m, path);
  if (!walk.ok()) return Fail(walk.error);
  // xfs_symlink: the inode with its target (inline or in a block of its own) and the entry, in
  // one transaction.
  m.tree.symlinks[walk.path] = target;
  const uint64_t seq = LogNamespace(m, {}, what + ": symlink " + walk.path + " -> " + target);
  return StepOutcome{true, "0", "symbolic link created " + TransactionText(seq)};
}

}  // namespace crashsim
