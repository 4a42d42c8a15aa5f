// The CPU side of the persistence domain (docs/semantics.md 2.1 and 3.2, after Px86): each process
// runs on its own CPU with a TSO store buffer. Stores, non-temporal stores and cache-line flushes
// enter the buffer in program order and take effect, in that order, when they drain:
// - a store becomes globally visible and joins its line's list of unpersisted writes;
// - clwb / clflushopt remember the line's visible writes so far, whoever wrote them, and order
//   them only with this CPU's next sfence / mfence;
// - clflush makes them must-persist at once;
// - a non-temporal store is visible and must-persist at this CPU's next fence.
// A fence drains the buffer and then delivers the remembered lines to the persistence domain.
// Entries drain one at a time as hardware events, and all at once at a syscall, a fence or a
// TLB shootdown (write-protecting or unmapping a PTE interrupts the CPU).
#pragma once

#include "models/machine.h"

namespace crashsim {

void IssueAccess(Machine& m, int pid, BufferedAccess access);
void DrainOne(Machine& m, int pid);
void DrainAll(Machine& m, int pid);
// sfence / mfence: drain, then every remembered line flush and non-temporal store takes effect.
void Fence(Machine& m, int pid);
// The kernel's device flush on this CPU (nvdimm_flush: pmem_wmb orders this CPU's flushes, then
// the flush hints drain the write-pending queues).
void KernelDeviceFlush(Machine& m, int pid);

}  // namespace crashsim
