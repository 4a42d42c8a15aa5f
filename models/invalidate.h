// Invalidating a file's cached data before its block map changes (docs/semantics.md 2.8.1):
// write-protecting a page's mappings, writing back and waiting (page-cache folios through
// writeback, DAX entries through dax_writeback_mapping_range), then unmapping and dropping.
//
// Follows Linux 6.1: xfs_flush_unmap_range (filemap_write_and_wait_range, which reaches
// xfs_dax_writepages on a DAX inode, then truncate_pagecache_range), and xfs_break_layouts /
// ext4_break_layouts, whose dax_layout_busy_page unmaps every mapping of a DAX file before any
// map change. None of these end a MAP_SYNC reachability promise except DropPages, which removes
// the pages themselves.
#pragma once

#include <cstdint>
#include <string>

#include "models/machine.h"

namespace crashsim {

// What a flush-and-unmap wrote back, for traces.
struct FlushUnmapResult {
  int pages = 0;        // dirty page-cache folios written back and waited for
  int dax_entries = 0;  // dirty DAX entries write-protected and written back (clwb)
  bool dax = false;     // the inode is a DAX inode
  std::string Describe() const;  // "wrote back 1 dirty DAX entry (clwb), unmapped and dropped"
};

// xfs_flush_unmap_range over pages [first_page, last_page) of `ino` (last_page may be
// UINT64_MAX): dirty folios are written back and waited for, dirty DAX entries are
// write-protected and their lines written back, and bios in flight in the range
// complete; then every mapping of the range is unmapped and its entries dropped.
FlushUnmapResult FlushUnmapRange(Machine& m, uint32_t ino, uint64_t first_page,
                                 uint64_t last_page);

// filemap_write_and_wait_range without the invalidation: dirty folios in [begin, end) written back
// and waited for, dirty DAX entries written back. Returns what it wrote.
FlushUnmapResult WriteAndWaitRange(Machine& m, uint32_t ino, uint64_t begin, uint64_t end);

// dax_layout_busy_page: on a DAX inode, every PTE mapping the file in every process is removed
// (the CPUs that had them drain their store buffers first); the entries and their tags stay, so
// the next access faults again. Nothing happens on a non-DAX inode.
void BreakDaxLayouts(Machine& m, uint32_t ino);

// Drops page-cache entries of pages [first, last) and the PTEs that map them in every process,
// and ends the MAP_SYNC promises of those pages (their mapping changes).
void DropPages(Machine& m, uint32_t ino, uint64_t first, uint64_t last);

// A block of DAX file `ino` got storage of its own at `physical_block` (a hole or an unwritten
// extent allocated and zeroed, or a shared block copied): every PTE of that page that still maps
// the zero page or the old block is removed, in every process, so the next access faults the new
// block in (dax_insert_entry's unmap_mapping_pages when it replaces a zero-page or shared entry;
// dax_iomap_iter's invalidate_inode_pages2_range for a write over new blocks). Those PTEs are
// read-only, so no buffered store goes through them; the CPUs' store buffers are left as they are
// (the TLB shootdown's interrupt may drain them, and not modelling that keeps every order the
// hardware allows).
void UnmapStaleDaxPtes(Machine& m, uint32_t ino, uint64_t page, uint64_t physical_block);

// Write-protects every PTE mapping `page` of `ino` (pfn_mkclean_range / page_mkclean); for a DAX
// page, mappings that the design never write-protects are skipped.
void WriteProtectPage(Machine& m, uint32_t ino, uint64_t page, bool dax);

}  // namespace crashsim
