// The death of a process by a signal it does not catch (docs/semantics.md 2.10).
//
// A store or load that faults with SIGSEGV (no mapping, or past the mapping's end) or SIGBUS (a
// page past EOF, or a fault that failed: filemap_fault and dax_iomap_pte_fault past i_size,
// dax_fault_return of an allocation's ENOSPC, page_mkwrite without space) gets the signal from
// the fault handler (do_user_addr_fault: bad_area_nosemaphore for SIGSEGV, do_sigbus for SIGBUS,
// both force_sig_fault). Scenario programs install no handler, and the default action of both is
// to dump core and exit: get_signal -> do_group_exit -> do_exit, which runs exit_mm (every mapping
// goes) and exit_files (every descriptor is closed, the final fput releasing the file).
//
// The stores the CPU had retired before the faulting one are already in its store buffer: x86
// faults are precise, so they are architecturally done and the buffer still drains them into
// the cache. crashsim drains them here at once, as at any kernel entry (EnterKernel): the exit
// path runs kernel code, whose locked instructions drain the buffer. Drained is visible, not
// durable: lines the process flushed without a fence stay unfenced (it never fences again).
#include <string>
#include <vector>

#include "models/kernel.h"
#include "models/kernel_dax.h"

namespace crashsim {

std::string ExitProcess(Machine& m, int pid, const std::string& signal) {
  EnterKernel(m, pid);
  ProcessState& process = m.processes[pid];
  process.progress = OpProgress{};
  process.at_barrier = false;
  // exit_mm: every mapping goes, and with it the mapping's hold on its file.
  std::vector<std::string> mappings;
  std::vector<uint32_t> mapped_inodes;
  for (const auto& [name, vma] : process.vmas) {
    mappings.push_back(name);
    if (vma.valid) mapped_inodes.push_back(vma.ino);
  }
  size_t unmapped = 0;
  for (const std::string& name : mappings) {
    if (process.vmas.at(name).valid) {
      SysMunmap(m, pid, name);
      ++unmapped;
    } else {
      process.vmas.erase(name);
    }
  }
  // exit_files: every open descriptor is closed, as close(2) closes it.
  std::vector<std::string> fds;
  for (const auto& [name, fd] : process.fds) fds.push_back(name);
  size_t closed = 0;
  for (const std::string& name : fds) {
    if (process.fds.at(name).valid) {
      SysClose(m, pid, name);
      ++closed;
    } else {
      process.fds.erase(name);
    }
  }
  for (const uint32_t ino : mapped_inodes) ReapOnClose(m, ino, "exit");
  for (auto& [ino, inode] : m.inodes) {
    if (inode.locked_by == pid) inode.locked_by = -1;
  }
  process.killed_by = signal;
  return "exit: " + std::to_string(unmapped) + " mapping(s) unmapped, " + std::to_string(closed) +
         " file(s) closed";
}

}  // namespace crashsim
