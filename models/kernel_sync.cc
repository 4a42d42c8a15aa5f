// fsync, fdatasync, sync and syncfs (xfs_file_fsync, sync_filesystem), and background writeback.
#include <algorithm>

#include "models/fs_internal.h"
#include "models/design_policy.h"
#include "models/kernel.h"
#include "models/kernel_dax.h"
#include "models/pmem_cpu.h"
#include "sim/base/check.h"
#include "sim/base/found.h"

namespace crashsim {
namespace {

// Data-integrity writeback of dirty pages of `ino` in [begin, end): DIRTY is copied to TOWRITE
// (tag_pages_for_writeback), then each tagged page is written. Returns the bios to wait for,
// including pages already under writeback in the range.
std::vector<uint64_t> WritebackRange(Machine& m, uint32_t ino, uint64_t begin, uint64_t end,
                                     int* pages) {
  const uint32_t bs = m.block_size();
  Inode& inode = m.inode(ino);
  std::vector<uint64_t> tagged;
  for (auto& [page, entry] : inode.tree) {
    if (entry.dax || !entry.dirty) continue;
    if ((page + 1) * bs <= begin || page * bs >= end) continue;
    entry.towrite = true;
    tagged.push_back(page);
  }
  std::vector<uint64_t> groups;
  for (uint64_t page : tagged) groups.push_back(WritebackPage(m, ino, page));
  *pages = static_cast<int>(tagged.size());
  for (const auto& [group, bio] : m.bios) {
    if (bio.ino != ino || !bio.buffered) continue;  // fsync waits for page writeback, not DIO
    if ((bio.file_block + bio.block_count) * bs <= begin || bio.file_block * bs >= end) continue;
    if (std::find(groups.begin(), groups.end(), group) == groups.end()) groups.push_back(group);
  }
  return groups;
}

bool NeedsLogForce(const Machine& m, uint32_t ino, bool datasync) {
  if (datasync) return DatasyncDirty(m, ino);
  return m.inode(ino).last_commit_seq > m.journal.forced_seq();  // pinned
}

}  // namespace

StepOutcome SyncRange(Machine& m, int pid, uint32_t ino, bool datasync, uint64_t begin,
                      uint64_t end, std::optional<Promise> promise, SyncProgress& progress) {
  Inode& inode = m.inode(ino);
  const bool promised = promise.has_value();
  if (progress.step == SyncStep::kWriteback) {
    if (promised) {
      promise->process = pid;
      promise->ino = ino;
      promise->begin = begin;
      promise->end = end;
      promise->invocation = m.ghost.clocks[pid];
      promise->size_at_invocation = inode.size_bytes;
      promise->mtime_at_invocation = inode.core.mtime;
      promise->covers_metadata = !datasync;
      progress.promise = static_cast<int>(m.ghost.AddPromise(std::move(*promise)));
    }
    const bool any_dirty = std::any_of(inode.tree.begin(), inode.tree.end(),
                                       [](const auto& e) { return e.second.dirty; });
    if (datasync && !any_dirty && m.faults.fdatasync_skips_clean_mapping) {
      if (promised) m.ghost.ReturnPromise(progress.promise, false);
      return StepOutcome{true, "0", "no dirty page: returned at once (wrong model)"};
    }
    // xfs_file_fsync clears XFS_ITRUNCATED: the data is being made durable anyway.
    if (m.config->fs == FsKind::kXfs) inode.flush_on_close = false;
    int pages = 0;
    progress.bios = WritebackRange(m, ino, begin, end, &pages);
    const int dax_pages = DaxWriteback(m, ino, begin, end);
    progress.step = SyncStep::kWait;
    std::string note = "writeback: " + std::to_string(pages) + " dirty page(s) submitted";
    if (inode.core.dax) {
      note = WritebackFlushesLines(m.design, inode.core)
                 ? "DAX writeback: " + std::to_string(dax_pages) +
                       " dirty page(s) write-protected and their lines written back (clwb)"
                 : "DAX writeback skipped: the sealed inode is not dirty-tracked";
    }
    return StepOutcome{false, "", note};
  }
  if (progress.step == SyncStep::kWait) {
    for (uint64_t group : progress.bios) {
      if (m.bios.count(group)) CompleteBio(m, group);
    }
    const size_t waited = progress.bios.size();
    progress.bios.clear();
    progress.step = SyncStep::kForce;
    return StepOutcome{false, "", "wait: " + std::to_string(waited) + " bio(s) completed"};
  }
  CRASHSIM_CHECK(progress.step == SyncStep::kForce);
  std::string note;
  if (NeedsLogForce(m, ino, datasync)) {
    const uint64_t seq = inode.last_commit_seq;
    ForceLog(m, seq, pid);
    note = "log force through transaction " + std::to_string(seq) + " " + LogWriteFlags(m);
  } else {
    KernelDeviceFlush(m, pid);
    note = "no log force needed: device flush";
  }
  inode.fsync_fields = 0;
  if (!inode.writeback_error.empty()) {
    // A writeback error since the last sync is reported once (file_check_and_advance_wb_err):
    // the call fails and promises nothing.
    const std::string error = inode.writeback_error;
    inode.writeback_error.clear();
    if (promised) m.ghost.ReturnPromise(progress.promise, true);
    return StepOutcome{true, error, note + "; a writeback error: " + error};
  }
  if (promised) m.ghost.ReturnPromise(progress.promise, false);
  return StepOutcome{true, "0", note};
}

StepOutcome SysFsync(Machine& m, int pid, const std::string& fd_name, bool datasync,
                     const std::string& what) {
  SyncProgress& progress = m.processes[pid].progress.Of<SyncProgress>();
  const auto& fds = m.processes[pid].fds;
  auto it = fds.find(fd_name);
  if (progress.step == SyncStep::kWriteback) {
    EnterKernel(m, pid);
    if (it == fds.end() || !it->second.valid) return StepOutcome{true, "EBADF", ""};
    if (it->second.directory) {
      // fsync of a directory makes its entries durable (xfs_dir_fsync forces the log; under
      // posix-minimal this is what persists the names).
      ForceLog(m, m.journal.committed_seq(), pid);
      MakeNamespaceDurable(m);
      return StepOutcome{true, "0", "directory entries made durable"};
    }
  }
  Promise promise;
  promise.guarantee = datasync ? Guarantee::kFdatasync : Guarantee::kFsync;
  promise.op = what;
  return SyncRange(m, pid, it->second.ino, datasync, 0, UINT64_MAX, std::move(promise),
                   progress);
}

StepOutcome SysSync(Machine& m, int pid, const std::string& what) {
  SyncProgress& progress = m.processes[pid].progress.Of<SyncProgress>();
  if (progress.step == SyncStep::kWriteback) {
    EnterKernel(m, pid);
    Promise promise;
    promise.guarantee = Guarantee::kSync;
    promise.op = what;
    promise.process = pid;
    promise.invocation = m.ghost.clocks[pid];
    promise.covers_metadata = true;
    promise.inodes_below = m.next_ino;
    progress.promise = static_cast<int>(m.ghost.AddPromise(std::move(promise)));
    int total = 0;
    std::vector<uint64_t> groups;
    for (auto& [ino, inode] : m.inodes) {
      int pages = 0;
      auto more = WritebackRange(m, ino, 0, UINT64_MAX, &pages);
      groups.insert(groups.end(), more.begin(), more.end());
      total += pages + DaxWriteback(m, ino, 0, UINT64_MAX);
    }
    progress.bios = groups;
    progress.step = SyncStep::kWait;
    return StepOutcome{false, "", "writeback: " + std::to_string(total) + " dirty page(s) submitted"};
  }
  if (progress.step == SyncStep::kWait) {
    WaitForBios(m, 0, 0, UINT64_MAX);
    progress.bios.clear();
    progress.step = SyncStep::kForce;
    return StepOutcome{false, "", "wait: all bios completed"};
  }
  ForceLog(m, m.journal.committed_seq(), pid);
  MakeNamespaceDurable(m);
  for (auto& [ino, inode] : m.inodes) inode.fsync_fields = 0;
  m.ghost.ReturnPromise(progress.promise, false);
  return StepOutcome{true, "0", "log force through transaction " +
                                    std::to_string(m.journal.committed_seq()) + " and flush"};
}

std::vector<BackgroundEvent> EnabledBackground(const Machine& m) {
  std::vector<BackgroundEvent> events;
  if (m.config->background != Background::kExplore) return events;
  for (const auto& [ino, inode] : m.inodes) {
    for (const auto& [page, entry] : inode.tree) {
      // WB_SYNC_NONE writeback skips pages under writeback; one page per event.
      if (!entry.dax && entry.dirty && !entry.writeback) {
        events.push_back({BackgroundEvent::Kind::kWritebackPage, ino, page});
      }
    }
  }
  if (m.config->name_space == Namespace::kPosixMinimal &&
      (m.durable_names != m.names || m.durable_tree != m.tree)) {
    events.push_back({BackgroundEvent::Kind::kWritebackDirectory, 0, 0});
  }
  for (const auto& [group, bio] : m.bios) {
    // A direct I/O's completion runs in the submitter, which waits for it.
    if (bio.direct) continue;
    events.push_back({BackgroundEvent::Kind::kCompleteBio, bio.ino, group});
  }
  return events;
}

std::string RunBackground(Machine& m, const BackgroundEvent& event) {
  m.device.SettleEadr();
  if (event.kind == BackgroundEvent::Kind::kWritebackDirectory) {
    MakeNamespaceDurable(m);
    return "directory writeback: the namespace is durable";
  }
  if (event.kind == BackgroundEvent::Kind::kWritebackPage) {
    WritebackPage(m, event.ino, event.index);
    return "writeback of " + m.PathOf(event.ino) + " page " + std::to_string(event.index) +
           " submitted";
  }
  const std::string what = FOUND(m.bios, event.index, "bio").what;
  CompleteBio(m, event.index);
  return "I/O completion: " + what;
}

}  // namespace crashsim
