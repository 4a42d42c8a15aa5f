// Memory mappings and DAX (docs/semantics.md 0.2, 0.3, 2.2, 2.3): mmap and munmap, CPU accesses
// through mappings with the page faults they take, the DAX read/write paths, DAX writeback inside
// the fsync family, msync, and seal/unseal for the daxfile designs.
//
// Follows fs/dax.c (dax_iomap_fault, dax_fault_is_synchronous, dax_finish_sync_fault,
// dax_insert_entry, dax_writeback_one) and fs/xfs (__xfs_filemap_fault, xfs_file_dax_write,
// xfs_iomap_write_direct with zeroing before commit). The design-dependent points are asked of
// models/design_policy.h.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/kernel.h"

namespace crashsim {

struct MmapRequest {
  std::string fd;
  uint64_t offset = 0, length = 0;
  bool shared = false, validate = false, sync = false;
};
StepOutcome SysMmap(Machine& m, int pid, const std::string& name, const MmapRequest& request);
StepOutcome SysMunmap(Machine& m, int pid, const std::string& name);

enum class AccessKind { kStore, kNtStore, kLoad, kClwb, kClflushopt, kClflush, kFlush, kPersist };
// One step of a CPU access through mapping `name` at `offset` (relative to the mapping): a page
// fault when a PTE is missing or read-only (a MAP_SYNC fault takes several steps), then the access
// itself. `data` for stores; `length` for loads and range flushes. A load's bytes go to `loaded`.
StepOutcome CpuAccess(Machine& m, int pid, AccessKind kind, const std::string& name,
                      uint64_t offset, const std::vector<uint8_t>& data, uint64_t length,
                      const std::string& what, Tagged* loaded, uint32_t* loaded_ino,
                      uint64_t* loaded_offset);

// Whether the process is inside a synchronous (MAP_SYNC) write fault, between its steps. It holds
// the inode's MMAPLOCK shared until the fault ends (__xfs_filemap_fault takes it around
// dax_iomap_fault and dax_finish_sync_fault), so a map change of that inode waits.
bool InSyncFault(const Machine& m, int pid);

// Whether the access would take a page fault first (a missing PTE, or a read-only one for a store).
bool AccessNeedsFault(const Machine& m, int pid, AccessKind kind, const std::string& name,
                      uint64_t offset, uint64_t span);

StepOutcome SysMsync(Machine& m, int pid, const std::string& name, uint64_t offset,
                     uint64_t length, bool sync, const std::string& what);
StepOutcome SysSeal(Machine& m, int pid, const std::string& fd_name, bool privileged,
                    const std::string& what);
StepOutcome SysUnseal(Machine& m, int pid, const std::string& fd_name, bool privileged,
                      const std::string& what);

// The DAX paths of write(2) and read(2) (called by SysWrite / SysPread for DAX inodes).
// Returns the bytes written: fewer than asked when the device ran out of space (0: ENOSPC).
uint64_t DaxWrite(Machine& m, int pid, uint32_t ino, uint64_t offset,
                  const std::vector<uint8_t>& data, const std::string& what);
Tagged DaxRead(const Machine& m, uint32_t ino, uint64_t offset, uint64_t end);
// dax_writeback_mapping_range for [begin, end) of `ino`: DIRTY -> TOWRITE, write-protect every
// PTE of each tagged page, write back its lines (durable at the next device flush), clear the
// tags. Returns the number of pages written back.
int DaxWriteback(Machine& m, uint32_t ino, uint64_t begin, uint64_t end);

}  // namespace crashsim
