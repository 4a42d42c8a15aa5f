// Machine: everything the simulated world is, as one value (docs/architecture.md, "The Machine").
//
// Hardware (the device with its pending persist events), kernel (inodes with extent maps and
// mapping trees, the journal, the allocator, the namespace), processes, and the ghost state the
// oracles read. Copying a Machine is cheap: bulky parts are shared and copied on write. The
// initial durable state that recovery replays over is shared by every copy.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "models/allocator.h"
#include "models/config.h"
#include "models/device.h"
#include "models/ghost.h"
#include "models/inode.h"
#include "models/journal.h"
#include "models/process.h"
#include "sim/base/hasher.h"
#include "sim/base/found.h"

namespace crashsim {

// Deliberately wrong models, for tests only (each disables one mechanism).
struct Faults {
  bool fdatasync_skips_clean_mapping = false;
  bool seal_flag_not_forced = false;         // seal returns with the flag only in memory
  bool punch_not_refused_on_sealed = false;  // punch-hole skips the sealed-file check
  bool zero_range_without_zeroing = false;   // zero-range reallocates written, not zeroed
  bool dax_fsync_skips_line_writeback = false;
  bool map_sync_fault_skips_log_force = false;
  bool flush_unmap_skips_dax_entries = false;  // a map change drops dirty DAX entries unwritten
  bool dax_zeroing_through_folio = false;      // DAX sub-block zeroing lands in a page-cache folio
  bool no_eof_zeroing = false;                 // XFS writes and truncates past EOF zero nothing
  bool truncate_skips_tail_zeroing = false;  // a truncate, down or up, zeroes no tail
};

// A bio submitted by the file system, until its completion has been processed.
struct BioInfo {
  uint32_t ino = 0;
  uint64_t file_block = 0;
  uint64_t block_count = 1;
  bool buffered = false;          // a page-cache writeback: clears WRITEBACK at completion
  bool direct = false;            // direct I/O: the submitter waits and runs the completion,
                                  // which also moves i_size (xfs_dio_write_end_io)
  bool convert_unwritten = false; // unwritten -> written at completion (logged)
  uint64_t new_size = 0;          // XFS: on-disk size logged at completion, if larger
  bool cow = false;               // copy-on-write: remap file_block to cow_block at completion
  uint64_t cow_block = 0;
  std::string what;
  bool operator==(const BioInfo&) const = default;
};

// The durable state before the first step: recovery starts here.
struct BaseState {
  std::map<uint32_t, InodeCore> cores;
  NameTable names;
  DirectoryTree tree;  // the scenario's directories and every file's parents
};

struct Machine {
  Machine(const Config& config, Design design, Device device, std::shared_ptr<const BaseState> base)
      : config(&config), design(design), device(std::move(device)), base(std::move(base)) {}

  const Config* config;
  Design design;
  Faults faults;
  Device device;
  std::shared_ptr<const BaseState> base;
  Journal journal;
  std::map<uint32_t, Inode> inodes;
  NameTable names;          // the in-core namespace
  NameTable durable_names;  // posix-minimal: names made durable by sync or a directory fsync
  DirectoryTree tree;          // the in-core directories and symbolic links
  DirectoryTree durable_tree;  // posix-minimal: made durable with durable_names
  Allocator allocator;
  std::vector<ProcessState> processes;
  std::map<uint64_t, BioInfo> bios;  // bio group -> what its completion must do
  std::map<uint64_t, uint32_t> refcount;  // physical block -> owners, for blocks shared by reflink
  uint64_t clock = 0;                      // the file system's logical time (timestamps)
  Ghost ghost;
  uint64_t next_op_id = 1;
  uint32_t next_ino = 1;
  // Whether some op of the run reads an fd's open time (swapext's freshness check): when none
  // does, the canonical state hash leaves the times out.
  bool open_times_read = true;

  uint32_t block_size() const { return config->block_size; }
  Inode& inode(uint32_t ino) { return FOUND(inodes, ino, "inode"); }
  const Inode& inode(uint32_t ino) const { return FOUND(inodes, ino, "inode"); }
  std::string PathOf(uint32_t ino) const;
};

// The canonical hash of everything that can influence what happens next or what a crash may
// leave (the ghost state included: it decides which promises are checked).
//
// With `canonical_history` (the default, Reductions::canonical_history), two states that differ
// only in orders no step and no check reads hash equal (docs/architecture.md, "Equal histories"):
// the write history and the promise ledger are read actor by actor, each record with the other
// processes' overlapping records before it (WriteRecord::follows), each promise with every field
// a check reads, and a promise an op in progress made named by its maker and its place among the
// maker's; the journal without its transactions' descriptions (they name the
// op that committed, which only a finding shows); the device's ticks by their order alone, each
// stamped pending write by the number of transactions committed before it
// (Device::HashTimelessInto); fds without open times when no op reads them.
// The states so merged reach the same states and give the same verdicts; a finding shows the one
// the walk found first, with its own schedule and texts.
Hash128 HashMachine(const Machine& machine, bool canonical_history = true);

// An estimate of the memory a copy of `machine` holds of its own, for the explorer's budget of
// machines kept between depths: every container entry counted at a flat size, shared parts (folio
// bytes, pending writes' payloads, store-buffer entries, ghost records) counted as pointers. An
// estimate, not a measure: the same for equal machines, so the budget's choices are deterministic.
uint64_t ApproxFootprintBytes(const Machine& machine);

// HashMachine without process `pid`'s own state (program counter, op progress, fds, mappings,
// PTEs, private pages, recorded values, store buffer, unfenced flushes) and without its ghost clock:
// equal before and after a step of `pid` that changed nothing outside that process.
Hash128 HashOutsideProcess(const Machine& machine, int pid);

// The canonical hash of exactly the part of a Machine that the crash checks read, for memoising
// them across states that differ only in what no crash check can see. A crash check is what
// runs for one crash image or journal prefix: CrashSpace and its PersistGraph, RecoveredState,
// the oracles durability, no-stale-data, ordering, map-sync and immutable (CheckImmutable, the
// crash part), the assertions (CheckChosen, CheckWholeImage, MinimiseWitness), and the compiled
// image checks of the image walk. Two machines of one run with equal HashCrashInputs get the
// same findings, texts and witnesses included, from every one of them.
//
// The contract: a field not listed here must not be read by a crash check. A checker that
// starts reading one must add it here, or memoisation returns a wrong verdict.
//
// Hashed:
// - device: everything Device::HashInto covers (written media blocks with their origins; each
//   pending write's id, unit kind, address, bytes and origins, group, completed, completion tick,
//   kernel copy and eADR flags; the FUA groups, the next id, the tick, the write-pending queue),
//   and of each pending write its unit, unit count and description (`what`), which the persist
//   graph reads for its chains and its event descriptions;
// - journal: Journal::HashInto (every committed transaction: sequence, description,
//   after-images, namespace after-image with its directories and symbolic links, commit tick,
//   ordered and completed groups; the forced prefix);
// - names (the in-core namespace: paths in findings, PathOf) and durable_names and durable_tree
//   (recovery under posix-minimal);
// - the set of inode numbers (a promise of every file, sync, covers each), nothing else of Inode;
// - ghost promises that returned without an error, in ledger order: op, invocation clock,
//   returned, failed, kind, guarantee, ino (or every file, with the inode numbers it covers),
//   begin, end, size and mtime at invocation, covers_metadata;
// - ghost write records of the files those promises cover (every record when one covers every
//   file), in coherence order: ino, offset, bytes (or fill length and byte), size_cut, process,
//   stamp, what;
// - ghost MAP_SYNC promises not ended, in order: ino, page, physical block, ended, op;
// - ghost data moves, all, in order: source ino and offset, destination ino and offset, length;
// - ghost seals still active, in order: ino, active, the snapshot (its runs: first file block,
//   block count, first physical block, extent state), op;
// - ghost removed inodes (unlinked or renamed over), in order;
// - per process, in order: its recorded values (load and pread results), the recorded results of
//   the ops an assertion compares (op index and "0", a count or an errno name), and its done
//   labels.
//
// Constant for one run, so not hashed (a memo table must not span runs): config, design, faults,
// base (the initial durable cores and names), the device's platform, cache, sector size and
// initial media image, and the scenario (assertions, process names, initial contents).
//
// Not read by any crash check, so not hashed: of each inode the in-core core, in-core size,
// delalloc reservations, mapping tree (folios and tags), last commit sequence, fsync fields,
// open count and lock; per process the program counter, op progress, fds, vmas, PTEs, private
// pages, store buffer, unfenced flushes, barrier state and the signal that killed it (a death
// shows to the assertions only as labels never done and results never recorded); the in-core
// directories and symbolic links (tree: a crash sees them only as logged or made durable); the
// allocator; bios in flight; refcounts (recovery reads sharing from the logged extents); the
// file-system clock, next_op_id and next_ino; the ghost clocks and next_write_id; promises not returned or failed;
// write records of files no live promise covers, and every record's id; ended MAP_SYNC promises;
// inactive seals; a live promise's process.
//
// Not covered: the checks on the running system (CheckImmutableVolatile, and CheckRead on reads)
// and the crash-state lines of a report (DescribeCrashState reads in-core sizes, extent maps and
// mapping-tree tags); they must not be memoised by this hash.
Hash128 HashCrashInputs(const Machine& machine);

// HashCrashInputs less one distinction: whether a pending pmem store is visible or flushed but
// not fenced, which no crash check reads (both persist only with a fence, and neither at a log
// write's PREFLUSH). Only the text of a lost event shows it (PersistGraph's descriptions), and
// findings name lost events by id (EventRef, sim/crash/persist_graph.h), rendered for each state
// that shows them. The key of the memo of crash checks (sim/explore/crash_memo.h): the clwbs of
// a wide flush drain one line at a time, and the states between them differ in nothing else.
Hash128 HashCrashChecks(const Machine& machine);

}  // namespace crashsim
