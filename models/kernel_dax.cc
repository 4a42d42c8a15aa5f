#include "models/kernel_dax.h"

#include <algorithm>

#include "models/design_policy.h"
#include "models/fs_internal.h"
#include "models/invalidate.h"
#include "models/kernel_extents.h"
#include "models/pmem_cpu.h"
#include "sim/base/check.h"
#include "sim/base/found.h"

namespace crashsim {
namespace {

StepOutcome Fail(const char* err) { return StepOutcome{true, err, ""}; }

// The fault handler sends `signal` to the process (do_user_addr_fault: bad_area_nosemaphore for
// SIGSEGV, do_sigbus for VM_FAULT_SIGBUS); the access never completes.
StepOutcome Raise(const char* signal, std::string note = "") {
  return StepOutcome{true, signal, std::move(note), signal};
}

// What preparing a block for a DAX store did.
enum class Prepared { kNothing, kDone, kNoSpace };

// Gives file block `block` a zeroed, written extent: allocate a hole, or zero and convert an
// unwritten extent, zeroing before the transaction commits (xfs_iomap_write_direct with
// XFS_BMAPI_CONVERT | XFS_BMAPI_ZERO). kNothing if the block was already written.
Prepared AllocateZeroed(Machine& m, uint32_t ino, uint64_t block) {
  Inode& inode = m.inode(ino);
  const uint32_t bs = m.block_size();
  auto it = inode.core.extents.Find(block);
  if (it.has_value() && it->state == ExtentState::kWritten) {
    return Prepared::kNothing;
  }
  uint64_t physical;
  if (!it) {
    inode.delalloc.erase(block);  // a reservation, if any, is this allocation's
    const auto allocated = AllocateBlock(m);
    if (!allocated) return Prepared::kNoSpace;
    physical = *allocated;
  } else {
    physical = it->physical_block;
  }
  m.device.AppendKernelZeroing(physical * bs, bs,
                               "zeroing of " + m.PathOf(ino) + " block " + std::to_string(block) +
                                   " before it is mapped");
  inode.core.extents.Set(block, Extent{physical, ExtentState::kWritten, false});
  return Prepared::kDone;
}


// dax_iomap_copy_around for a shared block: the write goes to a new block that first receives
// the old contents; the extent is remapped to it (xfs_reflink_end_cow, logged by the caller after
// the copies, so the log's PREFLUSH orders them first). kNothing if the block is not shared.
Prepared CopyOnWriteDax(Machine& m, uint32_t ino, uint64_t block) {
  Inode& inode = m.inode(ino);
  auto it = inode.core.extents.Find(block);
  if (!it || !IsShared(m, it->physical_block)) {
    return Prepared::kNothing;
  }
  const uint32_t bs = m.block_size();
  const auto fresh = AllocateBlock(m);
  if (!fresh) return Prepared::kNoSpace;
  const uint64_t old = it->physical_block;
  m.device.AppendKernelCopy(*fresh * bs, m.device.ReadVisible(old * bs, bs),
                            "copy-on-write of " + m.PathOf(ino) + " block " + std::to_string(block));
  inode.core.extents.Set(block, Extent{*fresh, ExtentState::kWritten, false});
  DropReference(m, old);
  return Prepared::kDone;
}

const VmaState* FindVma(const Machine& m, int pid, const std::string& name) {
  const auto& vmas = m.processes[pid].vmas;
  auto it = vmas.find(name);
  return it == vmas.end() || !it->second.valid ? nullptr : &it->second;
}

// dax_insert_entry / dax_insert_pfn_mkwrite: the entry is tagged dirty (if the design tracks
// this write), and the PTE becomes writable.
void InstallWritable(Machine& m, int pid, const std::string& name, uint64_t page,
                     const std::string& what) {
  const VmaState& vma = FOUND(m.processes[pid].vmas, name, "mapping");
  Inode& inode = m.inode(vma.ino);
  const Extent extent = FOUND_EXTENT(inode.core.extents, page);
  if (WriteFaultTagsDirty(m.design, inode.core, vma)) {
    TreeEntry& entry = inode.tree[page];
    entry.dax = true;
    entry.dirty = true;
  }
  m.processes[pid].ptes[{name, page}] = PteState{true, false, extent.physical_block};
  if (vma.user_sync) {
    m.ghost.map_sync.push_back(MapSyncPromise{vma.ino, page, extent.physical_block, what, false});
  }
}

// One step of a write fault on `page` through mapping `name`. Returns true when the PTE is
// writable (the fault is over).
StepOutcome WriteFault(Machine& m, int pid, const std::string& name, uint64_t page,
                       const std::string& what) {
  AccessProgress& progress = m.processes[pid].progress.Of<AccessProgress>();
  const VmaState vma = FOUND(m.processes[pid].vmas, name, "mapping");
  Inode& inode = m.inode(vma.ino);
  const uint32_t bs = m.block_size();
  if (!vma.shared) {
    // Copy-on-write: the process gets a private copy; the file never sees its stores.
    auto& copy = m.processes[pid].private_pages[{name, page}];
    if (copy.empty()) {
      copy = inode.core.dax ? DaxRead(m, vma.ino, page * bs, (page + 1) * bs).bytes
                            : CachedPage(m, vma.ino, page).folio().bytes;
    }
    m.processes[pid].ptes[{name, page}] = PteState{true, false, 0};
    return StepOutcome{false, "", "write fault: private copy of page " + std::to_string(page)};
  }
  if (!inode.core.dax) {
    // page_mkwrite (iomap_page_mkwrite): timestamps, delalloc reservation, dirty folio.
    LogTimestampUpdate(m, vma.ino, what);
    // A hole needs its delayed allocation reserved; without space the fault fails (SIGBUS).
    if (!ReserveDelalloc(m, vma.ino, page)) {
      return Raise("SIGBUS", "write fault (page_mkwrite): no space (ENOSPC)");
    }
    TreeEntry& entry = CachedPage(m, vma.ino, page);
    entry.dirty = true;
    m.processes[pid].ptes[{name, page}] = PteState{true, false, 0};
    return StepOutcome{false, "", "write fault (page_mkwrite): page " + std::to_string(page) +
                                      " dirty, PTE writable"};
  }
  if (!progress.in_sync_fault) {
    // __xfs_filemap_fault: file_update_time, then dax_iomap_fault with IOMAP_WRITE.
    LogTimestampUpdate(m, vma.ino, what);
    std::string note = "DAX write fault on page " + std::to_string(page);
    Prepared allocated = AllocateZeroed(m, vma.ino, page);
    Prepared copied = Prepared::kNothing;
    if (allocated == Prepared::kNothing) copied = CopyOnWriteDax(m, vma.ino, page);
    if (allocated == Prepared::kNoSpace || copied == Prepared::kNoSpace) {
      // dax_iomap_fault: an allocation that fails is VM_FAULT_SIGBUS.
      return Raise("SIGBUS", note + ": no space (ENOSPC)");
    }
    if (allocated == Prepared::kDone || copied == Prepared::kDone) {
      // dax_insert_entry replaces a zero-page entry, or a shared block's, with the new block: every
      // mapping of the page goes first (unmap_mapping_pages).
      UnmapStaleDaxPtes(m, vma.ino, page, FOUND_EXTENT(inode.core.extents, page).physical_block);
    }
    if (allocated == Prepared::kDone) {
      const uint64_t seq = LogInode(m, vma.ino, kFieldExtents,
                                    what + ": allocate zeroed written block " + std::to_string(page));
      note += ": allocated a zeroed block (transaction " + std::to_string(seq) + ")";
    } else if (copied == Prepared::kDone) {
      const uint64_t seq = LogInode(m, vma.ino, kFieldExtents,
                                    what + ": copy-on-write remap of block " + std::to_string(page));
      note += ": copied the shared block and remapped it (transaction " + std::to_string(seq) + ")";
    }
    // IOMAP_F_DIRTY (xfs_direct_write_iomap_begin, ext4_iomap_begin): fdatasync-relevant
    // metadata not yet durable, or a page that reaches past EOF (a size update may follow).
    const bool iomap_dirty = DatasyncDirty(m, vma.ino) || (page + 1) * bs > inode.size_bytes;
    if (WriteFaultIsSynchronous(m.design, vma) && iomap_dirty) {
      // dax_fault_is_synchronous: IOMAP_F_DIRTY -> VM_FAULT_NEEDDSYNC; the PTE waits for the
      // fdatasync of the faulting range (dax_finish_sync_fault).
      if (m.faults.map_sync_fault_skips_log_force) {
        InstallWritable(m, pid, name, page, what);
        return StepOutcome{false, "", note + "; synchronous fault without its fdatasync (wrong model)"};
      }
      progress.in_sync_fault = true;
      progress.sync_fault_page = page;
      return StepOutcome{false, "", note + (DatasyncDirty(m, vma.ino)
                                                ? "; metadata dirty: synchronous fault, fdatasync first"
                                                : "; the page reaches past EOF: synchronous fault, "
                                                  "fdatasync first")};
    }
    InstallWritable(m, pid, name, page, what);
    return StepOutcome{false, "", note + "; PTE writable"};
  }
  // The fault's fdatasync is checked through O4, not as a promise of its own.
  StepOutcome inner = SyncRange(m, pid, vma.ino, /*datasync=*/true, page * bs, (page + 1) * bs,
                                std::nullopt, progress.sync);
  if (!inner.finished) return StepOutcome{false, "", "sync fault: " + inner.note};
  // dax_finish_sync_fault: an fdatasync that fails is VM_FAULT_SIGBUS.
  if (!inner.ok()) return Raise("SIGBUS", "sync fault: fdatasync failed with " + inner.result);
  progress.in_sync_fault = false;
  progress.sync = SyncProgress{};
  InstallWritable(m, pid, name, page, what);
  return StepOutcome{false, "", "sync fault: " + inner.note + "; PTE writable (dax_insert_pfn_mkwrite)"};
}

StepOutcome ReadFault(Machine& m, int pid, const std::string& name, uint64_t page) {
  const VmaState& vma = FOUND(m.processes[pid].vmas, name, "mapping");
  Inode& inode = m.inode(vma.ino);
  if (!inode.core.dax) {
    CachedPage(m, vma.ino, page);
    m.processes[pid].ptes[{name, page}] = PteState{false, false, 0};
    return StepOutcome{false, "", "read fault: page " + std::to_string(page) + " mapped read-only"};
  }
  auto it = inode.core.extents.Find(page);
  if (!it || it->state != ExtentState::kWritten) {
    m.processes[pid].ptes[{name, page}] = PteState{false, true, 0};  // dax_load_hole
    return StepOutcome{false, "", "DAX read fault: zero page mapped for page " + std::to_string(page)};
  }
  m.processes[pid].ptes[{name, page}] = PteState{false, false, it->physical_block};
  return StepOutcome{false, "", "DAX read fault: page " + std::to_string(page) + " mapped read-only"};
}

// The bytes a load sees at file offset `pos` through the mapping (own store buffer first).
std::pair<uint8_t, Origin> LoadByte(const Machine& m, int pid, const std::string& name,
                                    uint64_t pos) {
  const ProcessState& process = m.processes[pid];
  const VmaState& vma = FOUND(process.vmas, name, "mapping");
  const uint32_t bs = m.block_size();
  const uint64_t page = pos / bs;
  auto priv = process.private_pages.find({name, page});
  if (priv != process.private_pages.end()) return {priv->second[pos % bs], DataOrigin(vma.ino, pos)};
  const auto& buffer = process.cpu.store_buffer;
  for (size_t i = buffer.size(); i-- > 0;) {
    const BufferedAccess& entry = buffer[i];
    const bool store = entry.kind == BufferedAccess::Kind::kStore ||
                       entry.kind == BufferedAccess::Kind::kNtStore;
    if (store && entry.ino == vma.ino && pos >= entry.file_offset &&
        pos < entry.file_offset + entry.data.size()) {
      return {entry.data.bytes[pos - entry.file_offset],
              entry.data.origins[pos - entry.file_offset]};
    }
  }
  const PteState& pte = FOUND(process.ptes, std::make_pair(name, page), "PTE of mapping");
  const Inode& inode = m.inode(vma.ino);
  if (!inode.core.dax) {
    const Tagged& folio = FOUND(inode.tree, page, "page-cache entry of page").folio();
    return {folio.bytes[pos % bs], folio.origins[pos % bs]};
  }
  if (pte.zero_page) return {0, kOriginZero};
  const Tagged byte = m.device.ReadVisible(pte.physical_block * bs + pos % bs, 1);
  return {byte.bytes[0], byte.origins[0]};
}

StepOutcome PerformAccess(Machine& m, int pid, AccessKind kind, const std::string& name,
                          const VmaState& vma_state, uint64_t begin, uint64_t end,
                          const std::vector<uint8_t>& data, const std::string& what,
                          Tagged* loaded, uint32_t* loaded_ino, uint64_t* loaded_offset) {
  auto& process = m.processes[pid];
  const VmaState* vma = &vma_state;
  const uint32_t bs = m.block_size();
  const uint32_t ino = vma->ino;
  const Inode& inode = m.inode(ino);
  const uint64_t span = end - begin;
  switch (kind) {
    case AccessKind::kStore:
    case AccessKind::kNtStore:
      for (uint64_t pos = begin; pos < end;) {
        const uint64_t page = pos / bs;
        const uint64_t take = std::min<uint64_t>((page + 1) * bs, end) - pos;
        const std::vector<uint8_t> piece(data.begin() + (pos - begin),
                                         data.begin() + (pos - begin) + take);
        if (!vma->shared) {
          auto& copy = FOUND(process.private_pages, std::make_pair(name, page), "private copy of mapping");
          std::copy(piece.begin(), piece.end(), copy.begin() + pos % bs);
        } else {
          BufferedAccess access;
          access.kind = kind == AccessKind::kStore ? BufferedAccess::Kind::kStore
                                                   : BufferedAccess::Kind::kNtStore;
          access.data = TagFileData(ino, pos, piece);
          access.ino = ino;
          access.file_offset = pos;
          access.page_cache = !inode.core.dax;
          access.address = inode.core.dax ? FOUND(process.ptes, std::make_pair(name, page), "PTE of mapping").physical_block * bs + pos % bs
                                           : 0;
          access.stamp = m.ghost.clocks[pid][pid];
          access.what = what;
          IssueAccess(m, pid, std::move(access));
        }
        pos += take;
      }
      return StepOutcome{true, "0", ""};
    case AccessKind::kLoad: {
      Tagged bytes;
      for (uint64_t pos = begin; pos < end; ++pos) {
        const auto [value, origin] = LoadByte(m, pid, name, pos);
        bytes.bytes.push_back(value);
        bytes.origins.push_back(origin);
      }
      *loaded = std::move(bytes);
      *loaded_ino = ino;
      *loaded_offset = begin;
      return StepOutcome{true, std::to_string(span), ""};
    }
    case AccessKind::kClwb:
    case AccessKind::kClflushopt:
    case AccessKind::kClflush:
    case AccessKind::kFlush:
    case AccessKind::kPersist: {
      if (!vma->shared) return StepOutcome{true, "0", ""};
      for (uint64_t line_start = begin / kLineBytes * kLineBytes; line_start < end;
           line_start += kLineBytes) {
        const uint64_t pos = std::max(line_start, begin);
        const PteState& pte = FOUND(process.ptes, std::make_pair(name, pos / bs), "PTE of mapping");
        BufferedAccess access;
        access.kind = kind == AccessKind::kClflush       ? BufferedAccess::Kind::kClflush
                      : kind == AccessKind::kClflushopt ? BufferedAccess::Kind::kClflushopt
                                                        : BufferedAccess::Kind::kClwb;
        access.page_cache = !inode.core.dax || pte.zero_page;
        access.ino = ino;
        access.file_offset = pos;
        access.address = pte.physical_block * bs + pos % bs;
        access.what = what;
        IssueAccess(m, pid, std::move(access));
      }
      if (kind == AccessKind::kPersist) Fence(m, pid);
      return StepOutcome{true, "0", ""};
    }
  }
  return Fail("EINVAL");
}

}  // namespace

StepOutcome SysMmap(Machine& m, int pid, const std::string& name, const MmapRequest& request) {
  EnterKernel(m, pid);
  auto& process = m.processes[pid];
  process.vmas[name] = VmaState{.valid = false};
  const auto fd = process.fds.find(request.fd);
  if (fd == process.fds.end() || !fd->second.valid) return Fail("EBADF");
  if (fd->second.directory) return Fail("ENODEV");
  const uint32_t bs = m.block_size();
  if (request.offset % bs != 0 || request.length == 0) return Fail("EINVAL");
  // do_mmap: every file mapping needs a descriptor open for reading.
  if (!fd->second.read) return Fail("EACCES");
  if (request.shared && !fd->second.write) return Fail("EACCES");
  const Inode& inode = m.inode(fd->second.ino);
  VmaState vma;
  vma.ino = fd->second.ino;
  vma.offset = request.offset;
  vma.length = (request.length + bs - 1) / bs * bs;
  vma.shared = request.shared;
  std::string note;
  if (request.shared) {
    const MmapMode mode = ResolveMmap(m.design, inode.core.dax, inode.core.sealed,
                                      request.validate, request.sync);
    if (!mode.error.empty()) return StepOutcome{true, mode.error, ""};
    vma.vm_sync = mode.vm_sync;
    vma.user_sync = mode.user_sync;
    if (request.sync && !request.validate) note = "MAP_SYNC ignored without MAP_SHARED_VALIDATE";
    if (mode.vm_sync) note = "VM_SYNC mapping";
    if (mode.user_sync && !mode.vm_sync) note = "userspace-sync mapping of a sealed file";
  }
  process.vmas[name] = vma;
  return StepOutcome{true, "0", note};
}

StepOutcome SysMunmap(Machine& m, int pid, const std::string& name) {
  EnterKernel(m, pid);
  auto& process = m.processes[pid];
  auto it = process.vmas.find(name);
  if (it == process.vmas.end() || !it->second.valid) return Fail("EINVAL");
  process.vmas.erase(it);
  for (auto pte = process.ptes.begin(); pte != process.ptes.end();) {
    pte = pte->first.first == name ? process.ptes.erase(pte) : std::next(pte);
  }
  for (auto page = process.private_pages.begin(); page != process.private_pages.end();) {
    page = page->first.first == name ? process.private_pages.erase(page) : std::next(page);
  }
  return StepOutcome{true, "0", ""};
}

StepOutcome CpuAccess(Machine& m, int pid, AccessKind kind, const std::string& name,
                      uint64_t offset, const std::vector<uint8_t>& data, uint64_t length,
                      const std::string& what, Tagged* loaded, uint32_t* loaded_ino,
                      uint64_t* loaded_offset) {
  auto& process = m.processes[pid];
  const VmaState* vma = FindVma(m, pid, name);
  if (vma == nullptr) return Raise("SIGSEGV", "no mapping");
  const bool store = kind == AccessKind::kStore || kind == AccessKind::kNtStore;
  const uint64_t span = store ? data.size() : (kind == AccessKind::kLoad ||
                                               kind == AccessKind::kFlush ||
                                               kind == AccessKind::kPersist)
                                                  ? length
                                                  : 1;
  if (span == 0) return StepOutcome{true, "0", ""};
  if (offset + span > vma->length) return Raise("SIGSEGV", "past the end of the mapping");
  const uint32_t bs = m.block_size();
  const uint32_t ino = vma->ino;
  const uint64_t begin = vma->offset + offset;
  const uint64_t end = begin + span;
  const Inode& inode = m.inode(ino);
  const uint64_t eof_pages = (inode.size_bytes + bs - 1) / bs;
  if ((end - 1) / bs >= eof_pages) return Raise("SIGBUS", "a page past EOF");

  // Faults, one step each. An access whose PTE was taken away again after its fault (writeback
  // write-protected it, say) retries: that retry's fault and the access itself form one step, so
  // a fault racing writeback cannot livelock the exploration (the CPU retries until it wins).
  AccessProgress& progress = process.progress.Of<AccessProgress>();
  std::string retried;
  if (progress.in_sync_fault) {
    StepOutcome fault = WriteFault(m, pid, name, progress.sync_fault_page, what);
    if (fault.finished) return fault;  // the fault failed (SIGBUS)
    if (progress.in_sync_fault || !progress.faulted) {
      progress.faulted = !progress.in_sync_fault;
      return fault;
    }
    retried = fault.note;
  }
  for (uint64_t page = begin / bs; page <= (end - 1) / bs; ++page) {
    const auto pte = process.ptes.find({name, page});
    const bool write_fault = store && (pte == process.ptes.end() || !pte->second.writable);
    if (!write_fault && pte != process.ptes.end()) continue;
    StepOutcome fault = write_fault ? WriteFault(m, pid, name, page, what)
                                    : ReadFault(m, pid, name, page);
    if (fault.finished) return fault;  // the fault failed (SIGBUS)
    if (progress.in_sync_fault || !progress.faulted) {
      if (!progress.in_sync_fault) progress.faulted = true;
      return fault;
    }
    retried += (retried.empty() ? "" : "; ") + fault.note;
    --page;  // re-check this page: the fault made it accessible
  }

  StepOutcome outcome = PerformAccess(m, pid, kind, name, *vma, begin, end, data, what, loaded,
                                      loaded_ino, loaded_offset);
  if (!retried.empty()) outcome.note = retried + (outcome.note.empty() ? "" : "; " + outcome.note);
  return outcome;
}


bool InSyncFault(const Machine& m, int pid) {
  const AccessProgress* access = m.processes[pid].progress.If<AccessProgress>();
  return access != nullptr && access->in_sync_fault;
}

bool AccessNeedsFault(const Machine& m, int pid, AccessKind kind, const std::string& name,
                      uint64_t offset, uint64_t span) {
  const ProcessState& process = m.processes[pid];
  const VmaState* vma = FindVma(m, pid, name);
  if (vma == nullptr || span == 0 || offset + span > vma->length) return false;
  if (InSyncFault(m, pid)) return false;  // already inside the fault
  const uint32_t bs = m.block_size();
  const bool store = kind == AccessKind::kStore || kind == AccessKind::kNtStore;
  const uint64_t begin = vma->offset + offset;
  for (uint64_t page = begin / bs; page <= (begin + span - 1) / bs; ++page) {
    const auto pte = process.ptes.find({name, page});
    if (pte == process.ptes.end() || (store && !pte->second.writable)) return true;
  }
  return false;
}

StepOutcome SysMsync(Machine& m, int pid, const std::string& name, uint64_t offset,
                     uint64_t length, bool sync, const std::string& what) {
  SyncProgress& progress = m.processes[pid].progress.Of<SyncProgress>();
  const VmaState* vma = FindVma(m, pid, name);
  if (progress.step == SyncStep::kWriteback) {
    EnterKernel(m, pid);
    if (vma == nullptr) return Fail("ENOMEM");
    if (offset % m.block_size() != 0) return Fail("EINVAL");
    if (offset + length > vma->length) return Fail("ENOMEM");
    if (!sync || !vma->shared) return StepOutcome{true, "0", sync ? "" : "MS_ASYNC: nothing to do"};
  }
  CRASHSIM_CHECK(vma != nullptr);
  Promise promise;
  promise.guarantee = Guarantee::kMsync;
  promise.op = what;
  // msync(MS_SYNC) is vfs_fsync_range(file, start, end, datasync=1) over the mapped range.
  return SyncRange(m, pid, vma->ino, /*datasync=*/true, vma->offset + offset,
                   vma->offset + offset + length, std::move(promise), progress);
}

uint64_t DaxWrite(Machine& m, int pid, uint32_t ino, uint64_t offset,
                  const std::vector<uint8_t>& data, const std::string& what) {
  const uint32_t bs = m.block_size();
  Inode& inode = m.inode(ino);
  LogTimestampUpdate(m, ino, what);
  bool allocated = false;
  bool remapped = false;
  // dax_iomap_rw: block by block; when a block cannot be allocated the write stops there and
  // returns what it copied so far (ENOSPC when that is nothing).
  uint64_t end = offset + data.size();
  for (uint64_t b = offset / bs; b <= (offset + data.size() - 1) / bs; ++b) {
    Prepared prepared = AllocateZeroed(m, ino, b);
    if (prepared == Prepared::kDone) {
      allocated = true;
      // IOMAP_F_NEW (a hole, or an unwritten extent converted, on XFS and ext4 alike):
      // dax_iomap_iter invalidates the range, which unmaps its zero-page mappings. A copy-on-write
      // remap below does not in 6.1: other mappings of the shared block stay.
      UnmapStaleDaxPtes(m, ino, b, FOUND_EXTENT(inode.core.extents, b).physical_block);
    } else if (prepared == Prepared::kNothing) {
      prepared = CopyOnWriteDax(m, ino, b);
      remapped = remapped || prepared == Prepared::kDone;
    }
    if (prepared == Prepared::kNoSpace) {
      end = std::max(offset, b * bs);
      break;
    }
  }
  if (allocated) LogInode(m, ino, kFieldExtents, what + ": allocate zeroed written blocks");
  // dax_copy_from_iter: a cache-bypassing copy, durable at the next device flush.
  for (uint64_t pos = offset; pos < end;) {
    const uint64_t block = pos / bs;
    const uint64_t take = std::min<uint64_t>((block + 1) * bs, end) - pos;
    const std::vector<uint8_t> piece(data.begin() + (pos - offset),
                                     data.begin() + (pos - offset) + take);
    m.device.AppendKernelCopy(FOUND_EXTENT(inode.core.extents, block).physical_block * bs + pos % bs,
                              TagFileData(ino, pos, piece), what);
    pos += take;
  }
  if (remapped) LogInode(m, ino, kFieldExtents, what + ": copy-on-write remap");
  if (end == offset) return 0;
  RecordWrite(m, pid, ino, offset,
              std::vector<uint8_t>(data.begin(), data.begin() + (end - offset)), what);
  if (end > inode.size_bytes) {
    inode.size_bytes = end;
    inode.core.size_bytes = inode.size_bytes;
    LogInode(m, ino, kFieldSize, what + ": set size " + std::to_string(inode.size_bytes));
  }
  return end - offset;
}

Tagged DaxRead(const Machine& m, uint32_t ino, uint64_t offset, uint64_t end) {
  const uint32_t bs = m.block_size();
  const Inode& inode = m.inode(ino);
  Tagged out;
  for (uint64_t pos = offset; pos < end;) {
    const uint64_t block = pos / bs;
    const uint64_t take = std::min<uint64_t>((block + 1) * bs, end) - pos;
    auto it = inode.core.extents.Find(block);
    Tagged part = !it || it->state != ExtentState::kWritten
                      ? TagZeroes(take)
                      : m.device.ReadVisible(it->physical_block * bs + pos % bs, take);
    out.bytes.insert(out.bytes.end(), part.bytes.begin(), part.bytes.end());
    out.origins.insert(out.origins.end(), part.origins.begin(), part.origins.end());
    pos += take;
  }
  return out;
}

int DaxWriteback(Machine& m, uint32_t ino, uint64_t begin, uint64_t end) {
  Inode& inode = m.inode(ino);
  if (!inode.core.dax || !WritebackFlushesLines(m.design, inode.core)) return 0;
  const uint32_t bs = m.block_size();
  std::vector<uint64_t> tagged;
  for (auto& [page, entry] : inode.tree) {  // tag_pages_for_writeback
    if (!entry.dax || !entry.dirty) continue;
    if ((page + 1) * bs <= begin || page * bs >= end) continue;
    entry.towrite = true;
    tagged.push_back(page);
  }
  // xfs_dax_writepages clears XFS_ITRUNCATED, as xfs_vm_writepages does.
  if (!tagged.empty() && m.config->fs == FsKind::kXfs) inode.flush_on_close = false;
  for (uint64_t page : tagged) {  // dax_writeback_one
    WriteProtectPage(m, ino, page, /*dax=*/true);
    auto extent = inode.core.extents.Find(page);
    if (extent.has_value() && !m.faults.dax_fsync_skips_line_writeback) {
      // dax_flush: clwb of every line of the page. Durable at the next device flush, which the
      // fsync family issues afterwards and a map change's later log force or anyone's fsync
      // provides (nvdimm_flush).
      const uint64_t base = extent->physical_block * bs;
      for (uint64_t line = base / kLineBytes; line < (base + bs) / kLineBytes; ++line) {
        m.device.KernelWriteBack(line, m.device.last_id());
      }
    }
    TreeEntry& entry = FOUND(inode.tree, page, "page-cache entry of page");
    entry.dirty = false;
    entry.towrite = false;
    inode.tree.erase(page);  // a clean DAX entry carries nothing the model needs
  }
  return static_cast<int>(tagged.size());
}

namespace {

// O7 starts when a seal returns: the map must stay this snapshot until an unseal returns.
void RecordSeal(Machine& m, uint32_t ino, const std::string& what) {
  for (const SealRecord& seal : m.ghost.seals) {
    if (seal.ino == ino && seal.active) return;
  }
  m.ghost.seals.push_back(SealRecord{ino, m.inode(ino).core.extents, what, true});
}

}  // namespace

StepOutcome SysSeal(Machine& m, int pid, const std::string& fd_name, bool privileged,
                    const std::string& what) {
  SealProgress& progress = m.processes[pid].progress.Of<SealProgress>();
  const auto& fds = m.processes[pid].fds;
  const auto fd = fds.find(fd_name);
  if (progress.step == SealStep::kCheck) {
    EnterKernel(m, pid);
    if (fd == fds.end() || !fd->second.valid || fd->second.directory) return Fail("EBADF");
    if (!DesignHasSeal(m.design)) return Fail("EOPNOTSUPP");
    if (!privileged) return Fail("EPERM");
    if (m.inode(fd->second.ino).core.sealed) {
      RecordSeal(m, fd->second.ino, what);
      return StepOutcome{true, "0", "already sealed"};
    }
    progress.step = SealStep::kConvert;
  }
  const uint32_t ino = fd->second.ino;
  Inode& inode = m.inode(ino);
  const uint32_t bs = m.block_size();
  const uint64_t blocks = (inode.size_bytes + bs - 1) / bs;
  // One step per run of holes or unwritten blocks: zero, allocate or convert, log.
  for (uint64_t b = 0; b < blocks; ++b) {
    // Written runs are skipped whole, so a fully written file costs its number of runs.
    const ExtentMap::Run* written = inode.core.extents.RunAt(b);
    if (written != nullptr && written->start.state == ExtentState::kWritten) {
      b = written->end() - 1;
      continue;
    }
    uint64_t run_end = b;
    while (run_end < blocks) {
      auto next = inode.core.extents.Find(run_end);
      if (next.has_value() && next->state == ExtentState::kWritten) break;
      if (AllocateZeroed(m, ino, run_end) == Prepared::kNoSpace) {
        if (run_end > b) break;  // log what was filled; the next step fails
        return Fail("ENOSPC");
      }
      ++run_end;
    }
    const uint64_t seq = LogInode(m, ino, kFieldExtents,
                                  what + ": fill blocks " + std::to_string(b) + "-" +
                                      std::to_string(run_end - 1) + " with zeroed written extents");
    return StepOutcome{false, "", "filled blocks " + std::to_string(b) + "-" +
                                      std::to_string(run_end - 1) + " (transaction " +
                                      std::to_string(seq) + ")"};
  }
  // Shared blocks are copied to private ones, one transaction each.
  if (auto step = UnshareNextBlock(m, ino, 0, blocks, what + ": unshare block ")) return *step;
  // The persistent flag, in a synchronous transaction.
  inode.core.sealed = true;
  const uint64_t seq = LogInode(m, ino, kFieldFlags, what + ": set the sealed flag");
  if (m.faults.seal_flag_not_forced) {
    RecordSeal(m, ino, what);
    return StepOutcome{true, "0", "sealed flag set in memory only (wrong model)"};
  }
  ForceLog(m, seq, pid);
  RecordSeal(m, ino, what);
  return StepOutcome{true, "0", "sealed flag set and forced (transaction " + std::to_string(seq) + ")"};
}

StepOutcome SysUnseal(Machine& m, int pid, const std::string& fd_name, bool privileged,
                      const std::string& what) {
  EnterKernel(m, pid);
  const auto& fds = m.processes[pid].fds;
  const auto fd = fds.find(fd_name);
  if (fd == fds.end() || !fd->second.valid || fd->second.directory) return Fail("EBADF");
  if (!DesignHasSeal(m.design)) return Fail("EOPNOTSUPP");
  if (!privileged) return Fail("EPERM");
  const uint32_t ino = fd->second.ino;
  Inode& inode = m.inode(ino);
  if (!inode.core.sealed) return StepOutcome{true, "0", "not sealed"};
  for (const ProcessState& process : m.processes) {
    for (const auto& [name, vma] : process.vmas) {
      if (vma.valid && vma.ino == ino && vma.user_sync) return Fail("EBUSY");
    }
  }
  inode.core.sealed = false;
  for (SealRecord& seal : m.ghost.seals) {
    if (seal.ino == ino) seal.active = false;
  }
  const uint64_t seq = LogInode(m, ino, kFieldFlags, what + ": clear the sealed flag");
  ForceLog(m, seq, pid);
  return StepOutcome{true, "0", "sealed flag cleared and forced (transaction " + std::to_string(seq) + ")"};
}

}  // namespace crashsim
