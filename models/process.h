// ProcessState: one simulated process (docs/semantics.md 1.2): its file descriptors, mappings and
// page-table entries, the CPU it runs on (store buffer and flushes awaiting a fence), its place in
// its program and the inner step of the op in progress.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "models/op_progress.h"
#include "models/origin.h"
#include "models/store_buffer.h"

namespace crashsim {

struct FdState {
  uint32_t ino = 0;
  bool read = false, write = false, direct = false, dsync = false, osync = false;
  bool append = false;  // O_APPEND: every write goes to the end of the file
  uint64_t pos = 0;     // the file position (f_pos) that write, writev and lseek use and move
  uint64_t opened_time = 0;  // the file-system clock at open, for swapext's freshness check
  bool directory = false;    // an fd of a directory (fsync makes its entries durable)
  bool valid = true;  // false when bound by a failed open: later uses fail with EBADF
};

struct VmaState {
  uint32_t ino = 0;
  uint64_t offset = 0, length = 0;  // file range, page aligned
  bool shared = false;
  bool vm_sync = false;    // a MAP_SYNC mapping (synchronous write faults)
  bool user_sync = false;  // a userspace-sync mapping (per-vma design, sealed daxfile)
  bool valid = true;       // false when bound by a failed mmap: accesses fail with SIGSEGV
};

struct PteState {
  bool writable = false;
  bool zero_page = false;        // DAX: the shared zero page (a hole or unwritten block)
  uint64_t physical_block = 0;   // DAX: the pfn's block; page cache: unused
  bool operator==(const PteState&) const = default;
};

struct CpuState {
  StoreBuffer store_buffer;
  // Flushes (clwb/clflushopt) and non-temporal stores awaiting this CPU's next fence:
  // (line, last visible write id covered).
  std::vector<std::pair<uint64_t, uint64_t>> unfenced;
};

struct ProcessState {
  size_t pc = 0;
  OpProgress progress;  // the inner step of the op at pc
  std::map<std::string, FdState> fds;
  std::map<std::string, VmaState> vmas;
  std::map<std::pair<std::string, uint64_t>, PteState> ptes;  // (mapping, file page) -> PTE
  // Private (copy-on-write) pages written through `private` mappings: never reach the file.
  std::map<std::pair<std::string, uint64_t>, std::vector<uint8_t>> private_pages;
  std::map<std::string, std::optional<std::vector<uint8_t>>> values;  // load/pread results
  // The return value of each op an assertion compares (the scenario marks them), by the op's
  // index in the program: "0", a count or an errno name, as the op returned it.
  std::map<size_t, std::string> results;
  std::set<std::string> done_labels;  // ops that have returned
  // The signal that killed the process ("SIGBUS", "SIGSEGV"), empty while it lives. A killed
  // process takes no more steps; the op it died in never returned (docs/semantics.md 2.10).
  std::string killed_by;
  CpuState cpu;
  bool at_barrier = false;
};

}  // namespace crashsim
