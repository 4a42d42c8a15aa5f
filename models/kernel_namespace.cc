// creat, unlink and rename (docs/semantics.md O1, namespace). Under `journal-prefix` each namespace
// change is a logged transaction, so forcing the log for any inode persists every earlier one.
// Under `posix-minimal` namespace changes stay out of the journal and become durable only through
// an fsync of the directory, sync/syncfs, or background directory writeback.
#include "models/fs_internal.h"
#include "models/invalidate.h"
#include "models/kernel.h"
#include "models/size_change.h"

namespace crashsim {
namespace {

StepOutcome Fail(const char* err) { return StepOutcome{true, err, ""}; }

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

}  // namespace

bool IsDirectory(const Machine& m, const std::string& path) {
  if (path == "/") return true;
  for (const auto& [name, ino] : m.names) {
    if (name.size() > path.size() && name.compare(0, path.size(), path) == 0 &&
        name[path.size()] == '/') {
      return true;
    }
  }
  return m.directories.count(path) > 0;
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
  if (IsDirectory(m, path)) return Fail("EISDIR");
  auto it = m.names.find(path);
  if (it != m.names.end()) {
    // creat() truncates an existing file (O_CREAT | O_TRUNC, through setattr); the op closes the
    // descriptor at once, so the release finds no delayed allocation to flush.
    const uint32_t ino = it->second;
    Inode& inode = m.inode(ino);
    if (MapFrozen(m, ino) && inode.size_bytes != 0) return Fail("EPERM");
    BreakDaxLayouts(m, ino);
    const std::string note = "truncated: " + SetFileSize(m, pid, ino, 0, what);
    inode.flush_on_close = false;
    return StepOutcome{true, "0", note};
  }
  const uint32_t ino = CreateInode(m, path);
  const uint64_t seq = LogNamespace(m, {ino}, what + ": create " + path);
  return StepOutcome{true, "0", "created (transaction " + std::to_string(seq) + ")"};
}

StepOutcome SysUnlink(Machine& m, int pid, const std::string& path, const std::string& what) {
  EnterKernel(m, pid);
  auto it = m.names.find(path);
  if (it == m.names.end()) return Fail(IsDirectory(m, path) ? "EISDIR" : "ENOENT");
  const uint32_t ino = it->second;
  if (MapFrozen(m, ino)) return Fail("EPERM");
  m.names.erase(it);
  TouchTimes(m, ino);
  const uint64_t seq = LogNamespace(m, {ino}, what + ": unlink " + path);
  RecordRemoval(m, ino);
  ReapIfOrphan(m, ino, what);
  return StepOutcome{true, "0", "unlinked (transaction " + std::to_string(seq) + ")"};
}

StepOutcome SysRename(Machine& m, int pid, const std::string& from, const std::string& to,
                      const std::string& what) {
  EnterKernel(m, pid);
  auto it = m.names.find(from);
  if (it == m.names.end()) return Fail(IsDirectory(m, from) ? "EISDIR" : "ENOENT");
  if (IsDirectory(m, to)) return Fail("EISDIR");
  const uint32_t ino = it->second;
  std::vector<uint32_t> touched{ino};
  auto replaced = m.names.find(to);
  std::optional<uint32_t> victim;
  if (replaced != m.names.end() && replaced->second != ino) {
    // Replacing a sealed file would free its frozen map, as unlinking it would.
    if (MapFrozen(m, replaced->second)) return Fail("EPERM");
    victim = replaced->second;
    touched.push_back(*victim);
  }
  // ext4's auto_da_alloc: replacing a file starts writeback of the new file's delayed
  // allocations before the rename's handle (ext4_rename -> ext4_alloc_da_blocks), so their
  // allocation, and the on-disk size it logs, precede the rename in the journal.
  std::string flushed;
  if (victim && m.config->fs != FsKind::kXfs && m.config->auto_da_alloc &&
      !m.inode(ino).delalloc.empty()) {
    flushed = "auto_da_alloc: writeback of " + std::to_string(StartWriteback(m, ino)) +
              " delayed-allocation page(s) started; ";
  }
  m.names.erase(from);
  m.names[to] = ino;
  TouchTimes(m, ino);
  const uint64_t seq = LogNamespace(m, touched, what + ": rename " + from + " to " + to);
  if (victim) {
    RecordRemoval(m, *victim);
    ReapIfOrphan(m, *victim, what);
  }
  return StepOutcome{true, "0", flushed + "renamed (transaction " + std::to_string(seq) + ")"};
}

void ReapOnClose(Machine& m, uint32_t ino, const std::string& what) { ReapIfOrphan(m, ino, what); }

}  // namespace crashsim
