// Inode: one file's in-core state (docs/semantics.md 1.3) and the part of it that the journal logs.
//
// InodeCore is what a transaction records and recovery restores (XFS's logged inode core plus
// its data-fork extents): the on-disk size, the allocated extents with their state, the
// persistent flags and the timestamps. Delayed-allocation reservations, the in-core size and the
// mapping tree are volatile and live only in Inode.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>

#include "models/extent_map.h"
#include "models/origin.h"

namespace crashsim {

struct InodeCore {
  uint64_t size_bytes = 0;                 // di_size / i_disksize
  ExtentMap extents;                       // file block -> mapping; absent = hole
  bool sealed = false;                     // persistent immutable-extent flag
  bool dax = false;                        // XFS_DIFLAG2_DAX
  uint64_t mtime = 0, ctime = 0;           // logical clocks
  bool operator==(const InodeCore&) const = default;
};

// Mapping-tree tags and entry kinds (one tree per inode: page-cache folios or DAX entries).
struct TreeEntry {
  bool dirty = false, towrite = false, writeback = false;
  bool dax = false;         // a DAX entry (no data copy) rather than a folio
  bool zero_page = false;   // DAX: the shared zero page is mapped (hole or unwritten)

  // Folio contents (non-DAX; empty for a DAX entry). Origins travel with the data to the device
  // at writeback. The contents are shared by every copy of the Machine and never changed in
  // place: a change goes to a fresh copy (MutableFolio), so copying a Machine copies a pointer
  // per page instead of its bytes and origins.
  const Tagged& folio() const { return folio_ ? *folio_ : EmptyFolio(); }
  void set_folio(Tagged contents) {
    folio_ = std::make_shared<const Tagged>(std::move(contents));
  }
  // The contents to change: a private copy, which replaces the shared one. Valid until the
  // entry is next copied or changed.
  Tagged& MutableFolio() {
    auto copy = std::make_shared<Tagged>(folio());
    Tagged& contents = *copy;
    folio_ = std::move(copy);
    return contents;
  }

  bool operator==(const TreeEntry& other) const {
    return dirty == other.dirty && towrite == other.towrite && writeback == other.writeback &&
           dax == other.dax && zero_page == other.zero_page && folio() == other.folio();
  }

 private:
  static const Tagged& EmptyFolio() {
    static const Tagged empty;
    return empty;
  }
  std::shared_ptr<const Tagged> folio_;
};

// ili_fsync_fields: which kinds of change are logged but not yet forced by an fsync.
inline constexpr uint32_t kFieldTimestamp = 1;  // XFS_ILOG_TIMESTAMP: fdatasync ignores it
inline constexpr uint32_t kFieldSize = 2;
inline constexpr uint32_t kFieldExtents = 4;
inline constexpr uint32_t kFieldFlags = 8;
// ext4: an inode update that moves only i_sync_tid, not i_datasync_tid (ext4_do_update_inode
// passes need_datasync only for an i_disksize change): the ctime and link count that rename,
// link, unlink and RENAME_EXCHANGE change. fsync forces it, fdatasync ignores it.
inline constexpr uint32_t kFieldSyncOnly = 16;

struct Inode {
  uint32_t ino = 0;
  InodeCore core;                           // in-core version of the logged state
  uint64_t size_bytes = 0;                  // in-core i_size
  std::map<uint64_t, bool> delalloc;        // file blocks reserved by delayed allocation
  std::map<uint64_t, TreeEntry> tree;       // page index -> entry
  uint64_t last_commit_seq = 0;             // ili_commit_seq: last transaction touching it
  uint32_t fsync_fields = 0;                // ili_fsync_fields
  uint64_t open_count = 0;
  // The next close starts writeback of the delayed-allocation blocks (filemap_flush): set by a
  // truncate down on XFS (XFS_ITRUNCATED, xfs_release) and by a truncate to zero on ext4 with
  // auto_da_alloc (EXT4_STATE_DA_ALLOC_CLOSE, ext4_release_file).
  bool flush_on_close = false;
  // A writeback error not yet reported (errseq): the next fsync, fdatasync or msync returns it.
  std::string writeback_error;
  // The process inside a map-changing op, which holds i_rwsem and the mmap lock exclusively
  // across its inner steps (XFS_IOLOCK_EXCL | XFS_MMAPLOCK_EXCL): writes and page faults on the
  // inode wait. -1 when free.
  int locked_by = -1;
  bool operator==(const Inode&) const = default;
};

}  // namespace crashsim
