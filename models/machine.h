// Machine: everything the simulated world is, as one value (DESIGN.md, "The Machine").
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

namespace crashsim {

// Deliberately wrong models, for tests only (each disables one mechanism).
struct Faults {
  bool fdatasync_skips_clean_mapping = false;
  bool seal_flag_not_forced = false;         // seal returns with the flag only in memory
  bool punch_not_refused_on_sealed = false;  // punch-hole skips the sealed-file check
  bool zero_range_without_zeroing = false;   // zero-range reallocates written, not zeroed
  bool dax_fsync_skips_line_writeback = false;
  bool map_sync_fault_skips_log_force = false;
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
  std::set<std::string> directories;  // the scenario's directories (a file's parents are implied)
  Allocator allocator;
  std::vector<ProcessState> processes;
  std::map<uint64_t, BioInfo> bios;  // bio group -> what its completion must do
  std::map<uint64_t, uint32_t> refcount;  // physical block -> owners, for blocks shared by reflink
  uint64_t clock = 0;                      // the file system's logical time (timestamps)
  Ghost ghost;
  uint64_t next_op_id = 1;
  uint32_t next_ino = 1;

  uint32_t block_size() const { return config->block_size; }
  Inode& inode(uint32_t ino) { return inodes.at(ino); }
  const Inode& inode(uint32_t ino) const { return inodes.at(ino); }
  std::string PathOf(uint32_t ino) const;
};

// The canonical hash of everything that can influence what happens next or what a crash may
// leave (the ghost state included: it decides which promises are checked).
Hash128 HashMachine(const Machine& machine);

}  // namespace crashsim
