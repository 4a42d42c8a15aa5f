// sync_file_range (docs/semantics.md 2.4), after sync_file_range in Linux 6.1 fs/sync.c: one
// inner step per flag given, in this order:
// - SYNC_FILE_RANGE_WAIT_BEFORE: wait for the range's pages already under writeback
//   (file_fdatawait_range);
// - SYNC_FILE_RANGE_WRITE: start writeback of the range's dirty pages (__filemap_fdatawrite_range):
//   WB_SYNC_NONE, which skips pages already under writeback and never touches DAX entries, unless
//   all three flags are given, when it is WB_SYNC_ALL (every dirty page, and DAX entries written
//   back as fsync writes them: write-protected and their lines clwb'ed, with no fence);
// - SYNC_FILE_RANGE_WAIT_AFTER: wait for the range's pages under writeback.
// Writeback allocates delayed allocations and its completion logs conversions and sizes as any
// writeback does, but nothing forces the log, nothing flushes the device, and nothing is promised:
// the call adds no entry to the ledger. A length of 0 means "to the end of the file".
#include <vector>

#include "models/fs_internal.h"
#include "models/kernel.h"
#include "models/kernel_dax.h"

namespace crashsim {
namespace {

StepOutcome Fail(const char* err) { return StepOutcome{true, err, ""}; }

// The flags' steps in the order sync_file_range takes them.
std::vector<uint8_t> Steps(uint8_t flags) {
  std::vector<uint8_t> steps;
  for (uint8_t flag : {kSyncRangeWaitBefore, kSyncRangeWrite, kSyncRangeWaitAfter}) {
    if (flags & flag) steps.push_back(flag);
  }
  return steps;
}

bool Overlaps(const BioInfo& bio, uint32_t bs, uint64_t begin, uint64_t end) {
  return (bio.file_block + bio.block_count) * bs > begin && bio.file_block * bs < end;
}

// file_fdatawait_range: every buffered bio of the range completes (direct I/O sets no page
// under writeback: its submitter waits for it).
int WaitRange(Machine& m, uint32_t ino, uint64_t begin, uint64_t end) {
  std::vector<uint64_t> groups;
  for (const auto& [group, bio] : m.bios) {
    if (bio.ino == ino && bio.buffered && Overlaps(bio, m.block_size(), begin, end)) {
      groups.push_back(group);
    }
  }
  for (uint64_t group : groups) CompleteBio(m, group);
  return static_cast<int>(groups.size());
}

// __filemap_fdatawrite_range. Returns what it did, for the trace.
std::string WriteRange(Machine& m, uint32_t ino, uint64_t begin, uint64_t end, bool sync_all) {
  const uint32_t bs = m.block_size();
  std::vector<uint64_t> pages;
  for (const auto& [page, entry] : m.inode(ino).tree) {
    if (entry.dax || !entry.dirty || (page + 1) * bs <= begin || page * bs >= end) continue;
    if (entry.writeback && !sync_all) continue;  // WB_SYNC_NONE skips pages under writeback
    pages.push_back(page);
  }
  for (uint64_t page : pages) WritebackPage(m, ino, page);
  std::string note = std::to_string(pages.size()) + " dirty page(s) submitted (" +
                     (sync_all ? "WB_SYNC_ALL" : "WB_SYNC_NONE") + ")";
  if (m.inode(ino).core.dax) {
    note += sync_all ? "; DAX writeback: " + std::to_string(DaxWriteback(m, ino, begin, end)) +
                           " dirty page(s) write-protected and their lines written back (clwb)"
                     : "; DAX entries untouched (WB_SYNC_NONE)";
  }
  return note;
}

}  // namespace

StepOutcome SysSyncFileRange(Machine& m, int pid, const std::string& fd_name, uint64_t offset,
                             uint64_t nbytes, uint8_t flags, const std::string& what) {
  (void)what;  // nothing is recorded: the call promises nothing
  RangeSyncProgress& progress = m.processes[pid].progress.Of<RangeSyncProgress>();
  const auto& fds = m.processes[pid].fds;
  const auto fd = fds.find(fd_name);
  if (progress.steps_done == 0) {
    EnterKernel(m, pid);
    if (fd == fds.end() || !fd->second.valid) return Fail("EBADF");
    // A directory's mapping holds none of the pages the model keeps.
    if (fd->second.directory) return StepOutcome{true, "0", "a directory: no data pages"};
  }
  const std::vector<uint8_t> steps = Steps(flags);
  if (steps.empty()) return StepOutcome{true, "0", "no flags: nothing to do"};
  const uint32_t ino = fd->second.ino;
  const uint64_t end = nbytes == 0 ? UINT64_MAX : offset + nbytes;
  const uint8_t step = steps[progress.steps_done];
  std::string note;
  if (step == kSyncRangeWrite) {
    // SYNC_FILE_RANGE_WRITE_AND_WAIT (all three flags) writes with WB_SYNC_ALL.
    note = "start writeback: " + WriteRange(m, ino, offset, end, /*sync_all=*/steps.size() == 3);
  } else {
    note = std::string(step == kSyncRangeWaitBefore ? "wait before" : "wait after") + ": " +
           std::to_string(WaitRange(m, ino, offset, end)) + " bio(s) completed";
  }
  ++progress.steps_done;
  Inode& inode = m.inode(ino);
  if (step != kSyncRangeWrite && !inode.writeback_error.empty()) {
    // file_fdatawait_range reports a writeback error once (file_check_and_advance_wb_err), and
    // sync_file_range stops there.
    const std::string error = inode.writeback_error;
    inode.writeback_error.clear();
    return StepOutcome{true, error, note + "; a writeback error: " + error};
  }
  if (progress.steps_done < steps.size()) return StepOutcome{false, "", note};
  return StepOutcome{true, "0", note + "; no log force, no device flush"};
}

}  // namespace crashsim
