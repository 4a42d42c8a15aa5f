// Zeroing part of a file where the block map keeps data that must now read zero
// (docs/semantics.md 2.8.2 and 2.8.4): the partial blocks at the edges of a punch or zero-range,
// the tail of a truncated file's new EOF block, and the gap between the old EOF and a write or
// truncate that starts beyond it.
//
// Follows Linux 6.1. A DAX inode's bytes are zeroed in persistent memory by the kernel's own
// cache-bypassing stores, durable at the next device flush (dax_zero_range, dax_truncate_page):
// a DAX inode has no page-cache folios. Any other inode's bytes are zeroed in their page-cache
// folio, which is left dirty (iomap_zero_range on XFS, ext4_block_zero_page_range on ext4).
// Which blocks hold data to zero differs: iomap (XFS, and DAX on both) skips holes and unwritten
// extents, even an unwritten block whose folio is dirty (iomap_zero_iter in 6.1); ext4's
// buffer-head path skips only holes.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "models/machine.h"

namespace crashsim {

using ByteRanges = std::vector<std::pair<uint64_t, uint64_t>>;  // [begin, end) file offsets

// Zeroes [begin, end) of `ino` where its blocks hold data; returns the ranges it zeroed (empty:
// nothing, the kernel's did_zero false). A shared block of a DAX inode is copied first (CoW,
// logged). `what` names the op for the device's persist events.
ByteRanges ZeroFileRange(Machine& m, uint32_t ino, uint64_t begin, uint64_t end,
                         const std::string& what);

// EOF zeroing before a write or a truncate moves EOF from `old_size` up to `new_offset`: on XFS,
// [old_size, new_offset) is zeroed (xfs_file_write_checks and xfs_setattr_size ->
// xfs_zero_range); ext4 6.1 zeroes nothing. The zeroed bytes are recorded as writes of the op.
// Returns whether anything was zeroed.
bool ZeroPastEof(Machine& m, int pid, uint32_t ino, uint64_t old_size, uint64_t new_offset,
                 const std::string& what);

// ext4 data=ordered: the pages that ZeroFileRange zeroed in the page cache join the ordered data
// of the transaction that logs the change (ext4_block_zero_page_range adds them with
// ext4_jbd2_inode_add_write), so jbd2 writes them before that transaction commits. Their
// writeback starts here; the returned bios go into the transaction's ordered groups. Nothing on
// XFS, on ext4 data=writeback or on a DAX inode.
std::vector<uint64_t> OrderZeroedPages(Machine& m, uint32_t ino, const ByteRanges& zeroed);

// Records zeroed ranges in the ghost write history as writes of `pid` (-1: the kernel on its own,
// as in writeback), so that reads of them are checked against zero.
void RecordZeroes(Machine& m, int pid, uint32_t ino, const ByteRanges& ranges,
                  const std::string& what);

}  // namespace crashsim
