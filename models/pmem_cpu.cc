#include "models/pmem_cpu.h"

#include <algorithm>
#include <vector>

#include "sim/base/check.h"

namespace crashsim {
namespace {

void RememberLines(Machine& m, int pid, uint64_t address, uint64_t length, uint64_t up_to) {
  std::vector<uint64_t> lines;
  for (uint64_t line = address / kLineBytes; line <= (address + length - 1) / kLineBytes; ++line) {
    m.processes[pid].cpu.unfenced.emplace_back(line, up_to);
    lines.push_back(line);
  }
  m.device.MarkFlushed(lines, up_to);
}

bool IsLineFlush(const BufferedAccess& access) {
  return !access.page_cache && (access.kind == BufferedAccess::Kind::kClwb ||
                                access.kind == BufferedAccess::Kind::kClflushopt);
}

void RecordStore(Machine& m, int pid, const BufferedAccess& access) {
  WriteRecord record;
  record.ino = access.ino;
  record.offset = access.file_offset;
  record.bytes = access.data.bytes;
  record.process = pid;
  record.stamp = access.stamp;
  record.what = access.what;
  m.ghost.RecordWrite(std::move(record));
}

}  // namespace

void IssueAccess(Machine& m, int pid, BufferedAccess access) {
  m.processes[pid].cpu.store_buffer.push_back(std::move(access));
}

void DrainOne(Machine& m, int pid) {
  m.device.SettleEadr();
  auto& buffer = m.processes[pid].cpu.store_buffer;
  CRASHSIM_CHECK(!buffer.empty());
  const BufferedAccess access = buffer.front();
  buffer.pop_front();
  using Kind = BufferedAccess::Kind;
  if (access.page_cache) {
    // Page-cache memory is DRAM: flushes do not matter, stores update the folio.
    if (access.kind != Kind::kStore && access.kind != Kind::kNtStore) return;
    const uint32_t bs = m.block_size();
    Inode& inode = m.inode(access.ino);
    const uint64_t page = access.file_offset / bs;
    auto entry = inode.tree.find(page);
    CRASHSIM_CHECK_MSG(entry != inode.tree.end(), "a store drained into a dropped page");
    Tagged& folio = entry->second.MutableFolio();
    for (size_t i = 0; i < access.data.size(); ++i) {
      folio.bytes[access.file_offset % bs + i] = access.data.bytes[i];
      folio.origins[access.file_offset % bs + i] = access.data.origins[i];
    }
    RecordStore(m, pid, access);
    return;
  }
  switch (access.kind) {
    case Kind::kStore:
      m.device.AppendVisibleStore(access.address, access.data, access.what);
      RecordStore(m, pid, access);
      break;
    case Kind::kNtStore: {
      const uint64_t id = m.device.AppendVisibleStore(access.address, access.data, access.what,
                                                      /*nontemporal=*/true);
      RememberLines(m, pid, access.address, access.data.size(), id);
      RecordStore(m, pid, access);
      break;
    }
    case Kind::kClwb:
    case Kind::kClflushopt:
      RememberLines(m, pid, access.address, 1, m.device.last_id());
      break;
    case Kind::kClflush:
      m.device.AcceptToWpq(access.address / kLineBytes, m.device.last_id());
      break;
  }
}

namespace {

// DrainAll, with `mark_flushes` false for a fence, which delivers every line a run of flushes
// remembers right after: each write such a run would mark flushed-not-fenced is then persisted
// (ADR, eADR) or marked as in the write-pending queue (platform none), which outranks the mark,
// so marking it first (a copy of the pending list, shared with other states) changes nothing.
//
// Under ADR a fence also persists the lines remembered so far before it drains a store or another
// access: that store would otherwise be appended to a pending list the fence is about to empty, a
// copy of every write in it. The state after the fence is the same: each delivery persists, per
// line, every pending write up to an id together with the earlier writes to the line, so per line
// the writes persist in id order across the two deliveries as they would in one, and the ids
// remembered so far are all below the store's. Under platform none a delivery also queues the
// lines for the next device flush, in the order delivered, and under eADR an atomic store may go
// to media at once, past the pending list, where the argument does not hold as it stands (a
// pending kernel copy of its line once landed over it when delivered after it and under it when
// delivered before): there the fence delivers once, at its end.
void DrainBuffer(Machine& m, int pid, bool mark_flushes) {
  auto& buffer = m.processes[pid].cpu.store_buffer;
  auto& unfenced = m.processes[pid].cpu.unfenced;
  const bool deliver_early = !mark_flushes && m.config->platform == Platform::kAdr;
  while (!buffer.empty()) {
    if (!IsLineFlush(buffer.front())) {
      if (deliver_early && !unfenced.empty()) {
        m.device.AcceptToWpq(unfenced);
        unfenced.clear();
      }
      DrainOne(m, pid);
      continue;
    }
    // A run of clwb/clflushopt entries (a `persist` or `flush` of many lines) drains as DrainOne
    // would drain each in turn, with one pass over the pending writes for the whole run: no store
    // joins the device in between, so they all flush up to the same id.
    m.device.SettleEadr();
    const uint64_t up_to = m.device.last_id();
    std::vector<uint64_t> lines;
    while (!buffer.empty() && IsLineFlush(buffer.front())) {
      const uint64_t line = buffer.front().address / kLineBytes;
      unfenced.emplace_back(line, up_to);
      lines.push_back(line);
      buffer.pop_front();
    }
    if (!mark_flushes) continue;
    std::sort(lines.begin(), lines.end());
    lines.erase(std::unique(lines.begin(), lines.end()), lines.end());
    m.device.MarkFlushed(lines, up_to);
  }
}

}  // namespace

void DrainAll(Machine& m, int pid) { DrainBuffer(m, pid, /*mark_flushes=*/true); }

void Fence(Machine& m, int pid) {
  DrainBuffer(m, pid, /*mark_flushes=*/false);
  auto& unfenced = m.processes[pid].cpu.unfenced;
  m.device.AcceptToWpq(unfenced);
  unfenced.clear();
}

void KernelDeviceFlush(Machine& m, int pid) {
  if (pid >= 0) Fence(m, pid);
  m.device.Flush();
}

}  // namespace crashsim
