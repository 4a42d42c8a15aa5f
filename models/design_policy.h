// DesignPolicy: the few points where the five DAX dirty-tracking designs differ
// (docs/scenario-format.md, "Models"; docs/semantics.md 0.4 and 2.3). The mechanism asks these
// questions and nothing else knows which design is running:
// - what an mmap request with `validate` / `sync` becomes;
// - whether a DAX write fault tags the inode's mapping tree dirty;
// - whether a DAX write fault through a mapping is synchronous (MAP_SYNC metadata sync);
// - whether data-integrity writeback write-protects a mapping's PTEs;
// - whether fsync-family writeback of an inode writes back its cache lines;
// - whether `seal` exists.
#pragma once

#include <string>

#include "models/config.h"
#include "models/inode.h"
#include "models/process.h"

namespace crashsim {

struct MmapMode {
  std::string error;       // "" or the errno the mmap fails with
  bool vm_sync = false;    // MAP_SYNC: synchronous write faults
  bool user_sync = false;  // a userspace-sync mapping (O4 applies)
};

// REQUIRES: `shared` (a private mapping never gets sync semantics).
MmapMode ResolveMmap(Design design, bool dax_inode, bool sealed, bool validate, bool sync);

bool DesignHasSeal(Design design);
// Whether a write fault through `vma` on a DAX inode tags the mapping tree dirty.
bool WriteFaultTagsDirty(Design design, const InodeCore& core, const VmaState& vma);
// Whether a write fault through `vma` must make fdatasync-relevant metadata durable first.
bool WriteFaultIsSynchronous(Design design, const VmaState& vma);
// Whether data-integrity writeback write-protects the PTEs of `vma`.
bool WritebackWriteProtects(Design design, const VmaState& vma);
// Whether fsync/fdatasync/msync/sync write back the CPU cache lines of a DAX inode.
bool WritebackFlushesLines(Design design, const InodeCore& core);

}  // namespace crashsim
