#include "models/invalidate.h"

#include <fmt/format.h>

#include "models/design_policy.h"
#include "models/fs_internal.h"
#include "models/kernel_dax.h"
#include "models/pmem_cpu.h"

namespace crashsim {
namespace {

// Drains the store buffer of every CPU that maps a page of `ino` in [first, last): unmapping or
// write-protecting a PTE shoots down its TLB entry, which interrupts that CPU, so its buffered
// stores land before the PTE goes.
void ShootDown(Machine& m, uint32_t ino, uint64_t first, uint64_t last) {
  for (size_t pid = 0; pid < m.processes.size(); ++pid) {
    for (const auto& [key, pte] : m.processes[pid].ptes) {
      const auto vma = m.processes[pid].vmas.find(key.first);
      if (vma != m.processes[pid].vmas.end() && vma->second.ino == ino && key.second >= first &&
          key.second < last) {
        DrainAll(m, static_cast<int>(pid));
        break;
      }
    }
  }
}

void RemovePtes(Machine& m, uint32_t ino, uint64_t first, uint64_t last) {
  for (auto& process : m.processes) {
    for (auto it = process.ptes.begin(); it != process.ptes.end();) {
      const auto vma = process.vmas.find(it->first.first);
      if (vma != process.vmas.end() && vma->second.ino == ino && it->first.second >= first &&
          it->first.second < last) {
        it = process.ptes.erase(it);
      } else {
        ++it;
      }
    }
  }
}

}  // namespace

void UnmapStaleDaxPtes(Machine& m, uint32_t ino, uint64_t page, uint64_t physical_block) {
  for (auto& process : m.processes) {
    for (auto it = process.ptes.begin(); it != process.ptes.end();) {
      const auto vma = process.vmas.find(it->first.first);
      const bool stale = vma != process.vmas.end() && vma->second.ino == ino &&
                         it->first.second == page &&
                         (it->second.zero_page || it->second.physical_block != physical_block);
      it = stale ? process.ptes.erase(it) : std::next(it);
    }
  }
}

std::string FlushUnmapResult::Describe() const {
  std::string wrote;
  if (pages > 0) wrote = fmt::format("{} dirty page(s)", pages);
  if (dax_entries > 0) {
    wrote += fmt::format("{}{} dirty DAX entr{} (write-protected, clwb)", wrote.empty() ? "" : " and ",
                         dax_entries, dax_entries == 1 ? "y" : "ies");
  }
  if (wrote.empty()) wrote = dax ? "no dirty DAX entry" : "no dirty page";
  return "wrote back " + wrote + ", unmapped and dropped";
}

FlushUnmapResult WriteAndWaitRange(Machine& m, uint32_t ino, uint64_t begin,
                                   uint64_t end) {
  FlushUnmapResult result;
  if (begin >= end) return result;
  const uint32_t bs = m.block_size();
  Inode& inode = m.inode(ino);
  result.dax = inode.core.dax;
  std::vector<uint64_t> groups;
  std::vector<uint64_t> dirty;
  for (const auto& [page, entry] : inode.tree) {
    if (!entry.dax && entry.dirty && (page + 1) * bs > begin && page * bs < end) {
      dirty.push_back(page);
    }
  }
  for (uint64_t page : dirty) groups.push_back(WritebackPage(m, ino, page));
  result.pages = static_cast<int>(dirty.size());
  for (uint64_t group : groups) {
    if (m.bios.count(group)) CompleteBio(m, group);
  }
  WaitForBios(m, ino, begin, end);
  if (inode.core.dax && !m.faults.flush_unmap_skips_dax_entries) {
    result.dax_entries = DaxWriteback(m, ino, begin, end);
  }
  return result;
}

FlushUnmapResult FlushUnmapRange(Machine& m, uint32_t ino, uint64_t first_page,
                                 uint64_t last_page) {
  const uint32_t bs = m.block_size();
  const uint64_t end = last_page >= UINT64_MAX / bs ? UINT64_MAX : last_page * bs;
  FlushUnmapResult result = WriteAndWaitRange(m, ino, first_page * bs, end);
  DropPages(m, ino, first_page, last_page);
  return result;
}

void BreakDaxLayouts(Machine& m, uint32_t ino) {
  if (!m.inode(ino).core.dax) return;
  ShootDown(m, ino, 0, UINT64_MAX);
  RemovePtes(m, ino, 0, UINT64_MAX);
}

void DropPages(Machine& m, uint32_t ino, uint64_t first, uint64_t last) {
  ShootDown(m, ino, first, last);
  Inode& inode = m.inode(ino);
  for (auto it = inode.tree.lower_bound(first); it != inode.tree.end() && it->first < last;) {
    it = inode.tree.erase(it);
  }
  RemovePtes(m, ino, first, last);
  // A map change ends the reachability promise of a MAP_SYNC page (O4: "unless a later map
  // change to P became durable").
  for (auto& promise : m.ghost.map_sync) {
    if (promise.ino == ino && promise.page >= first && promise.page < last) promise.ended = true;
  }
}

void WriteProtectPage(Machine& m, uint32_t ino, uint64_t page, bool dax) {
  for (size_t pid = 0; pid < m.processes.size(); ++pid) {
    ProcessState& process = m.processes[pid];
    for (auto& [key, pte] : process.ptes) {
      if (key.second != page || !pte.writable) continue;
      const auto vma = process.vmas.find(key.first);
      if (vma == process.vmas.end() || vma->second.ino != ino) continue;
      if (dax && !WritebackWriteProtects(m.design, vma->second)) continue;
      DrainAll(m, static_cast<int>(pid));  // the TLB shootdown interrupts that CPU
      pte.writable = false;
    }
  }
}

}  // namespace crashsim
