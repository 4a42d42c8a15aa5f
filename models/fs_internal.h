// Shared mechanics of the modelled file system, used by the system calls in kernel_*.cc:
// logging an inode, reading file blocks as the kernel sees them, writing back one page,
// completing a bio, forcing the log.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "models/machine.h"

namespace crashsim {

// Commits a transaction logging inode `ino`'s core with the given fsync fields. `ordered_groups`
// are bios whose data must be durable before the transaction (ext4's data=ordered).
uint64_t LogInode(Machine& m, uint32_t ino, uint32_t fields, const std::string& what,
                  std::vector<uint64_t> completes_groups = {},
                  std::vector<uint64_t> ordered_groups = {});
// Commits a transaction logging the namespace (journal-prefix: the file names, directories and
// symbolic links) and the given inodes. `creates`: the inodes are new (creat, open O_CREAT), which
// fdatasync forces on both file systems (ext4's __ext4_new_inode sets i_datasync_tid too);
// otherwise ext4 logs them as kFieldSyncOnly, XFS as core changes (XFS_ILOG_CORE) either way.
uint64_t LogNamespace(Machine& m, const std::vector<uint32_t>& inos, const std::string& what,
                      bool creates = false);
// posix-minimal: the in-core namespace becomes the durable one (sync, a directory fsync,
// directory writeback).
void MakeNamespaceDurable(Machine& m);

// The current contents of file block `block` as read(2) would fill a page: written extents from
// the device, holes, unwritten and delalloc blocks as zeroes.
Tagged ReadBlockFromDisk(const Machine& m, uint32_t ino, uint64_t block);
// The page-cache entry for a page, filled from disk if absent.
TreeEntry& CachedPage(Machine& m, uint32_t ino, uint64_t page);

// The file's current contents as reads would see them (page cache first, else the device).
Tagged InCoreRead(const Machine& m, uint32_t ino, uint64_t begin, uint64_t end);
// Records the current contents of [begin, end) as a write: after an op that moved data (a shift,
// a remap, an exchange), these are the values a read may legitimately return.
void RecordContent(Machine& m, int pid, uint32_t ino, uint64_t begin, uint64_t end,
                   const std::string& what);

// Writes back one dirty page (allocating a delayed allocation first). Returns the bio group, or 0
// when the write could not be issued (no space for a copy-on-write block: a writeback error that
// the next fsync reports).
uint64_t WritebackPage(Machine& m, uint32_t ino, uint64_t page);
// filemap_flush (WB_SYNC_NONE): starts writeback of every dirty page of `ino` not already under
// writeback, allocating delayed allocations; waits for nothing. Returns the pages submitted.
int StartWriteback(Machine& m, uint32_t ino);
// Completes a bio and runs its completion-time metadata updates.
void CompleteBio(Machine& m, uint64_t group);
// Completes every bio in flight for `ino` whose range meets [begin, end) (all inodes if ino==0).
void WaitForBios(Machine& m, uint32_t ino, uint64_t begin, uint64_t end);
// Forces the log through `seq`: ordered data first (ext4-ordered), then PREFLUSH + FUA commit.
// `pid` is the CPU the force runs on (its pending line flushes are fenced), or -1.
void ForceLog(Machine& m, uint64_t seq, int pid);

// How a log force's commit write reaches stable storage, for traces: "(PREFLUSH + FUA)" where
// the device honours FUA (persistent memory: nvdimm_flush), "(PREFLUSH, FUA emulated by a
// post-flush)" on a volatile cache without FUA (the block layer's flush sequence), "(no volatile
// write cache: PREFLUSH and FUA are no-ops)" without a cache.
std::string LogWriteFlags(const Machine& m);

// The file system is ext4 (data=ordered or data=writeback), not XFS.
bool IsExt4(const Machine& m);

// A timestamp update (file_update_time): mtime and ctime take the file system's next tick.
void TouchTimes(Machine& m, uint32_t ino);
// file_update_time on a write or a write fault: new timestamps in a timestamp-only transaction
// (XFS_ILOG_TIMESTAMP, which fdatasync ignores).
void LogTimestampUpdate(Machine& m, uint32_t ino, const std::string& what);
// The inode has logged, unforced changes that fdatasync must force (anything but timestamps, and
// on ext4 anything but kFieldSyncOnly): XFS's pinned inode with non-timestamp ili_fsync_fields,
// ext4's uncommitted i_datasync_tid (ext4_inode_datasync_dirty), which is also IOMAP_F_DIRTY for
// a MAP_SYNC fault and what rules out REQ_FUA for an O_DSYNC direct write.
bool DatasyncDirty(const Machine& m, uint32_t ino);
// The inode's map or size may not change: it is sealed (immutable extents).
bool MapFrozen(const Machine& m, uint32_t ino);

// Records `length` bytes of `byte` written at `offset` (a zeroing) as a fill, without bytes.
void RecordFill(Machine& m, int pid, uint32_t ino, uint64_t offset, uint64_t length, uint8_t byte,
                const std::string& what);
// Appends a write record to the ghost history.
void RecordWrite(Machine& m, int pid, uint32_t ino, uint64_t offset,
                 const std::vector<uint8_t>& bytes, const std::string& what);
void RecordSizeCut(Machine& m, int pid, uint32_t ino, uint64_t size, const std::string& what);

// Free space (docs/semantics.md 2.2): a delayed allocation reserves its block when the write
// makes it (xfs_bmapi_reserve_delalloc), so every other allocation may take only the free blocks
// that no reservation holds. Blocks freed by a transaction not yet durable stay busy and count as
// used. Running out is ENOSPC for the caller, never an internal error.
uint64_t UnreservedBlocks(const Machine& m);
// Whether file blocks [first, last) of `ino` can all become private blocks of their own before
// anything changes (a direct write, write-zeroes): one block per hole, whose delayed-allocation
// reservation, if any, becomes it, and one per shared block (copy-on-write); else ENOSPC.
bool HasSpaceForPrivateBlocks(const Machine& m, uint32_t ino, uint64_t first, uint64_t last);
// Allocates the lowest free block outside the reservations; nullopt when none is left.
std::optional<uint64_t> AllocateBlock(Machine& m);
// Reserves a delayed allocation for file block `block` of `ino` (nothing if it has one or is
// mapped); false when no unreserved block is left.
bool ReserveDelalloc(Machine& m, uint32_t ino, uint64_t block);

// Physical blocks freed by an unmap, as ranges, so that freeing a huge run costs one entry.
struct FreedBlocks {
  std::vector<Allocator::Range> ranges;
  uint64_t size() const {
    uint64_t total = 0;
    for (const Allocator::Range& range : ranges) total += range.end - range.begin;
    return total;
  }
  bool empty() const { return ranges.empty(); }
  void Add(uint64_t begin, uint64_t end) {
    if (begin >= end) return;
    if (!ranges.empty() && ranges.back().end == begin) {
      ranges.back().end = end;
    } else {
      ranges.push_back(Allocator::Range{begin, end});
    }
  }
  void Append(const FreedBlocks& other) {
    for (const Allocator::Range& range : other.ranges) Add(range.begin, range.end);
  }
};

// Removes the mappings of file blocks [first, last) of `ino` (and their delalloc reservations);
// returns the physical blocks that are now unused, to be released once the freeing transaction
// is durable (ReleaseAfter; at once under ext4 data=writeback). Run by run: only blocks shared
// by reflink are looked at one by one.
FreedBlocks UnmapBlocks(Machine& m, uint32_t ino, uint64_t first, uint64_t last);
void ReleaseAfter(Machine& m, const FreedBlocks& blocks, uint64_t seq);

// Reflink sharing (the refcount btree, in core): a block is shared while two or more extents map
// it. DropReference returns true if the block still has another owner (so it must not be freed).
// The first file block of [first, last) whose device block is shared, found through the
// reference counts rather than block by block.
std::optional<uint64_t> FirstSharedBlock(const Machine& m, uint32_t ino, uint64_t first,
                                         uint64_t last);
bool IsShared(const Machine& m, uint64_t physical_block);
bool DropReference(Machine& m, uint64_t physical_block);
void AddReference(Machine& m, uint64_t physical_block);

}  // namespace crashsim
