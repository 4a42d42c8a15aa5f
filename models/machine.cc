#include "models/machine.h"

#include <memory>
#include <set>
#include <vector>

namespace crashsim {

std::string Machine::PathOf(uint32_t ino) const {
  for (const auto& [path, number] : names) {
    if (number == ino) return path;
  }
  return "inode " + std::to_string(ino);
}

namespace {

// The parts below are fed by both hashes: HashMachine feeds them in its own fixed order (which
// must not change: the state hash decides the visited set and the shards), HashCrashInputs in
// its own, with the counts that make its encoding unambiguous.

void HashNameTable(const NameTable& names, Hasher& h) {
  for (const auto& [path, ino] : names) {
    h.AddString(path);
    h.Add(ino);
  }
}

// What the assertions read of a process: the values its loads and preads recorded, the results
// of the ops they compare, and the labels of its ops that returned.
void HashRecorded(const ProcessState& p, Hasher& h) {
  for (const auto& [name, value] : p.values) {
    h.AddString(name);
    h.AddBool(value.has_value());
    if (value) h.AddBytes(*value);
  }
  for (const auto& [op, result] : p.results) {
    h.Add(op);
    h.AddString(result);
  }
  for (const auto& label : p.done_labels) h.AddString(label);
}

void HashWrite(const WriteRecord& write, Hasher& h) {
  // Computed once per record: every later state holds it, and a wide store's record is long.
  const Hash128& digest = write.digest.Get([&] {
    Hasher fields;
    fields.Add(write.ino);
    fields.Add(write.offset);
    fields.AddBytes(write.bytes);
    fields.Add(write.fill_length);
    fields.Add(write.fill);
    fields.AddBool(write.size_cut);
    fields.Add(static_cast<uint64_t>(write.process + 1));
    fields.Add(write.stamp);
    fields.Add(write.follows.size());
    for (const auto& [process, ordinal] : write.follows) {
      fields.Add(static_cast<uint64_t>(process + 1));
      fields.Add(ordinal);
    }
    return fields.Finish();
  });
  h.Add(digest.high);
  h.Add(digest.low);
}

// Every field of a promise the checks read (what it covers and what it asked for at invocation),
// and its text and whether it returned.
void HashPromise(const Promise& promise, Hasher& h) {
  h.AddString(promise.op);
  h.AddBytes(promise.invocation);
  h.AddBool(promise.returned);
  h.AddBool(promise.failed);
  h.Add(static_cast<uint64_t>(promise.guarantee));
  h.AddBool(promise.ino.has_value());
  h.Add(promise.ino.value_or(0));
  h.Add(promise.inodes_below);
  h.Add(promise.begin);
  h.Add(promise.end);
  h.Add(promise.size_at_invocation);
  h.Add(promise.mtime_at_invocation);
  h.AddBool(promise.covers_metadata);
}

void HashMapSync(const MapSyncPromise& promise, Hasher& h) {
  h.Add(promise.ino);
  h.Add(promise.page);
  h.Add(promise.physical_block);
  h.AddBool(promise.ended);
}

void HashMove(const DataMove& move, Hasher& h) {
  h.Add(move.src_ino);
  h.Add(move.src_offset);
  h.Add(move.dst_ino);
  h.Add(move.dst_offset);
  h.Add(move.length);
}

void HashSeal(const SealRecord& seal, Hasher& h) {
  h.Add(seal.ino);
  h.AddBool(seal.active);
  for (const auto& [first, run] : seal.snapshot.runs()) {
    h.Add(first);
    h.Add(run.count);
    h.Add(run.start.physical_block);
  }
}

void HashEntry(const TreeEntry& entry, Hasher& h) {
  h.AddBool(entry.dirty);
  h.AddBool(entry.towrite);
  h.AddBool(entry.writeback);
  h.AddBool(entry.dax);
  h.AddBool(entry.zero_page);
  h.AddBytes(entry.folio().bytes);
  h.AddBytes(entry.folio().origins);
}

// How a state hash names a promise that an op in progress made (index into the ledger, -1 for
// none): by its index, or, for the canonical hash, by its maker and its place among the maker's
// promises, which are the same in every order of the processes' steps.
struct PromiseNames {
  const Ghost& ghost;
  bool canonical;
  void Add(int index, Hasher& h) const {
    if (index < 0 || !canonical) {
      h.Add(static_cast<uint64_t>(index + 1));
      return;
    }
    const Promise& promise = *ghost.promises[static_cast<size_t>(index)];
    h.Add(static_cast<uint64_t>(promise.process + 2));
    h.Add(promise.ordinal);
  }
};

void HashSync(const SyncProgress& sync, const PromiseNames& name, Hasher& h) {
  h.Add(static_cast<uint64_t>(sync.step));
  h.AddBytes(sync.bios);
  name.Add(sync.promise, h);
}

// The family (which op kind the progress belongs to, or none yet), then its fields.
void HashProgress(const OpProgress& progress, const PromiseNames& name, Hasher& h) {
  h.Add(progress.family.index());
  if (const auto* sync = progress.If<SyncProgress>()) {
    HashSync(*sync, name, h);
  } else if (const auto* write = progress.If<WriteProgress>()) {
    h.Add(static_cast<uint64_t>(write->step));
    h.AddBytes(write->direct_bios);
    h.AddBool(write->fua);
    name.Add(write->fua_promise, h);
    h.Add(write->written);
    h.Add(write->offset);
    HashSync(write->sync, name, h);
  } else if (const auto* access = progress.If<AccessProgress>()) {
    h.AddBool(access->faulted);
    h.AddBool(access->in_sync_fault);
    h.Add(access->sync_fault_page);
    HashSync(access->sync, name, h);
  } else if (const auto* falloc = progress.If<FallocProgress>()) {
    h.Add(static_cast<uint64_t>(falloc->step));
    h.Add(falloc->shift_cursor);
  } else if (const auto* remap = progress.If<RemapProgress>()) {
    h.Add(static_cast<uint64_t>(remap->step));
  } else if (const auto* seal = progress.If<SealProgress>()) {
    h.Add(static_cast<uint64_t>(seal->step));
  } else if (const auto* range = progress.If<RangeSyncProgress>()) {
    h.Add(range->steps_done);
  }
}

// With `open_times` false, an fd's open time is left out: no op of the run reads it.
void HashProcess(const ProcessState& p, const PromiseNames& name, bool open_times, Hasher& h) {
  h.Add(p.pc);
  HashProgress(p.progress, name, h);
  for (const auto& [name, fd] : p.fds) {
    h.AddString(name);
    h.Add(fd.ino);
    h.Add((fd.write << 0) | (fd.direct << 1) | (fd.dsync << 2) | (fd.osync << 3) |
          (fd.valid << 4) | (fd.read << 5) | (fd.append << 6));
    h.Add(fd.pos);
    if (open_times) h.Add(fd.opened_time);
    h.AddBool(fd.directory);
  }
  for (const auto& [name, vma] : p.vmas) {
    h.AddString(name);
    h.Add(vma.ino);
    h.Add(vma.offset);
    h.Add(vma.length);
    h.Add((vma.shared << 0) | (vma.vm_sync << 1) | (vma.user_sync << 2) | (vma.valid << 3));
  }
  for (const auto& [key, pte] : p.ptes) {
    h.AddString(key.first);
    h.Add(key.second);
    h.AddBool(pte.writable);
    h.AddBool(pte.zero_page);
    h.Add(pte.physical_block);
  }
  for (const auto& [key, bytes] : p.private_pages) {
    h.AddString(key.first);
    h.Add(key.second);
    h.AddBytes(bytes);
  }
  HashRecorded(p, h);
  h.Add(p.cpu.store_buffer.size());
  for (size_t i = 0; i < p.cpu.store_buffer.size(); ++i) {
    const Hash128& digest = p.cpu.store_buffer.digest(i);  // computed once, when it was issued
    h.Add(digest.high);
    h.Add(digest.low);
  }
  for (const auto& [line, id] : p.cpu.unfenced) {
    h.Add(line);
    h.Add(id);
  }
  h.AddBool(p.at_barrier);
  h.AddString(p.killed_by);
}

}  // namespace

namespace {

// The write history and the promise ledger, each actor's records in its own order, actor by actor
// (the initial contents first): with each record's `follows`, this fixes exactly the order of the
// records whose order matters, so two interleavings of commuting steps hash equal
// (docs/architecture.md, "Equal histories"). A history that a data move or a late initial record
// makes harder to read is hashed as recorded.
// `records` (shared records with a `process` field) actor by actor, each actor's in their order,
// each fed by `hash_one`.
template <class Record, class HashOne>
void HashByActor(const std::vector<std::shared_ptr<const Record>>& records, HashOne hash_one,
                 Hasher& h) {
  std::vector<std::vector<const Record*>> by_actor;
  for (const auto& record : records) {
    const size_t actor = static_cast<size_t>(record->process + 1);
    if (by_actor.size() <= actor) by_actor.resize(actor + 1);
    by_actor[actor].push_back(record.get());
  }
  for (const auto& of_actor : by_actor) {
    h.Add(of_actor.size());
    for (const Record* record : of_actor) hash_one(*record, h);
  }
}

void HashHistoryCanonically(const Ghost& ghost, Hasher& h) {
  if (!ghost.moves.empty() || ghost.initial_after_process) {
    for (const auto& write : ghost.writes) HashWrite(*write, h);
  } else {
    HashByActor(ghost.writes, HashWrite, h);
  }
  HashByActor(ghost.promises, HashPromise, h);
}

// HashMachine, leaving out the state of process `skipped` and its ghost clock (none when -1);
// `canonical` as HashMachine's `canonical_history`.
Hash128 HashMachineSkipping(const Machine& m, int skipped, bool canonical) {
  Hasher h;
  if (canonical) {
    m.device.HashTimelessInto(h, [&](uint64_t tick) { return m.journal.CommittedBefore(tick); });
  } else {
    m.device.HashInto(h);
  }
  m.journal.HashInto(h, canonical);
  for (const auto& [ino, inode] : m.inodes) {
    h.Add(ino);
    Journal::HashCore(inode.core, h);
    h.Add(inode.size_bytes);
    for (const auto& [block, unused] : inode.delalloc) h.Add(block);
    h.Add(inode.tree.size());
    for (const auto& [page, entry] : inode.tree) {
      h.Add(page);
      HashEntry(entry, h);
    }
    h.Add(inode.last_commit_seq);
    h.Add(inode.fsync_fields);
    h.Add(inode.open_count);
    h.AddBool(inode.flush_on_close);
    h.AddString(inode.writeback_error);
    h.Add(static_cast<uint64_t>(inode.locked_by + 1));
  }
  HashNameTable(m.names, h);
  Journal::HashTree(m.tree, h);
  h.Add(m.durable_names.size());
  HashNameTable(m.durable_names, h);
  Journal::HashTree(m.durable_tree, h);
  // Free and busy blocks as their ranges, which are canonical: equal sets give equal ranges.
  h.Add(m.allocator.free_ranges().size());
  for (const Allocator::Range& range : m.allocator.free_ranges()) {
    h.Add(range.begin);
    h.Add(range.end);
  }
  for (const auto& [begin, busy] : m.allocator.busy_ranges()) {
    h.Add(begin);
    h.Add(busy.end);
    h.Add(busy.seq);
  }
  for (const auto& [group, bio] : m.bios) {
    h.Add(group);
    h.Add(bio.ino);
    h.Add(bio.file_block);
    h.AddBool(bio.convert_unwritten);
    h.AddBool(bio.direct);
    h.Add(bio.new_size);
    h.AddBool(bio.cow);
    h.Add(bio.cow_block);
  }
  for (size_t pid = 0; pid < m.processes.size(); ++pid) {
    if (static_cast<int>(pid) != skipped) {
      HashProcess(m.processes[pid], PromiseNames{m.ghost, canonical},
                  !canonical || m.open_times_read, h);
    }
  }
  // Ghost state: clocks, the write history and the ledger decide what is checked.
  for (size_t pid = 0; pid < m.ghost.clocks.size(); ++pid) {
    if (static_cast<int>(pid) != skipped) h.AddBytes(m.ghost.clocks[pid]);
  }
  h.Add(m.ghost.writes.size());
  if (canonical) {
    HashHistoryCanonically(m.ghost, h);
  } else {
    for (const auto& write : m.ghost.writes) HashWrite(*write, h);
    for (const auto& promise : m.ghost.promises) HashPromise(*promise, h);
  }
  for (const auto& promise : m.ghost.map_sync) HashMapSync(promise, h);
  for (const auto& move : m.ghost.moves) HashMove(move, h);
  for (const auto& seal : m.ghost.seals) HashSeal(seal, h);
  h.AddSequence(m.ghost.removed);
  for (const auto& [block, count] : m.refcount) {
    h.Add(block);
    h.Add(count);
  }
  h.Add(m.clock);
  h.Add(m.next_ino);
  return h.Finish();
}

}  // namespace

Hash128 HashMachine(const Machine& m, bool canonical_history) {
  return HashMachineSkipping(m, -1, canonical_history);
}

uint64_t ApproxFootprintBytes(const Machine& m) {
  constexpr uint64_t kEntry = 64;  // a map node or a small struct, with its allocation overhead
  uint64_t bytes = sizeof(Machine);
  bytes += m.device.pending().size() * (sizeof(PendingWrite) + sizeof(LineFlush));
  bytes += m.device.media().written_blocks().size() * kEntry;
  for (const auto& [ino, inode] : m.inodes) {
    bytes += sizeof(Inode) + inode.tree.size() * kEntry + inode.delalloc.size() * kEntry;
  }
  for (const ProcessState& process : m.processes) {
    bytes += sizeof(ProcessState) + process.cpu.store_buffer.size() * 16;
    bytes += (process.fds.size() + process.vmas.size() + process.ptes.size() +
              process.values.size() + process.done_labels.size()) * kEntry;
    for (const auto& [key, page] : process.private_pages) bytes += kEntry + page.size();
  }
  bytes += (m.ghost.writes.size() + m.ghost.promises.size()) * 16;
  bytes += (m.names.size() + m.durable_names.size() + m.bios.size() + m.refcount.size()) * kEntry;
  bytes += (m.tree.directories.size() + m.tree.symlinks.size() + m.durable_tree.directories.size() +
            m.durable_tree.symlinks.size()) * kEntry;
  return bytes;
}

Hash128 HashOutsideProcess(const Machine& m, int pid) {
  return HashMachineSkipping(m, pid, /*canonical=*/false);
}

namespace {

// The durability oracle reads only the promises that returned without an error.
bool Live(const Promise& promise) { return promise.returned && !promise.failed; }

}  // namespace

namespace {

// HashCrashInputs, or with `flush_marks` false HashCrashChecks.
Hash128 HashCrashInputsMarking(const Machine& m, bool flush_marks) {
  Hasher h;
  // The device: durable media and every pending persist event, as the state hash has them, and
  // what the persist graph also reads of each pending write (its units, and its description,
  // which the lost events and the ordering finding show).
  m.device.HashInto(h, flush_marks);
  m.device.HashDescriptionsInto(h);
  // The journal: every committed transaction and the forced prefix.
  m.journal.HashInto(h);
  // The namespaces: names give the paths in findings (PathOf); durable names are what recovery
  // starts from under posix-minimal.
  h.Add(m.names.size());
  HashNameTable(m.names, h);
  h.Add(m.durable_names.size());
  HashNameTable(m.durable_names, h);
  Journal::HashTree(m.durable_tree, h);
  // Which inodes exist: a promise of every file (sync) covers each of them. Nothing else of an
  // inode is read: the crash checks see inodes only as recovered from the journal.
  h.Add(m.inodes.size());
  for (const auto& [ino, inode] : m.inodes) h.Add(ino);
  // Ghost: the live promises, each with every field the durability oracle reads.
  bool every_file = false;
  std::set<uint32_t> promised;
  uint64_t live = 0;
  for (const auto& promise : m.ghost.promises) {
    if (!Live(*promise)) continue;
    ++live;
    if (promise->ino) {
      promised.insert(*promise->ino);
    } else {
      every_file = true;
    }
  }
  h.Add(live);
  for (const auto& promise : m.ghost.promises) {
    if (!Live(*promise)) continue;
    HashPromise(*promise, h);
  }
  // The write history of the files those promises cover, in coherence order (no other file's
  // records are read).
  auto read = [&](const WriteRecord& write) {
    return every_file || promised.count(write.ino) > 0;
  };
  uint64_t writes = 0;
  for (const auto& write : m.ghost.writes) writes += read(*write);
  h.Add(writes);
  for (const auto& write : m.ghost.writes) {
    if (!read(*write)) continue;
    HashWrite(*write, h);
    h.AddString(write->what);
  }
  // MAP_SYNC promises not ended, data moves, seals still active.
  uint64_t mapped = 0;
  for (const auto& promise : m.ghost.map_sync) mapped += !promise.ended;
  h.Add(mapped);
  for (const auto& promise : m.ghost.map_sync) {
    if (promise.ended) continue;
    HashMapSync(promise, h);
    h.AddString(promise.op);
  }
  h.Add(m.ghost.moves.size());
  for (const auto& move : m.ghost.moves) HashMove(move, h);
  uint64_t sealed = 0;
  for (const auto& seal : m.ghost.seals) sealed += seal.active;
  h.Add(sealed);
  for (const auto& seal : m.ghost.seals) {
    if (!seal.active) continue;
    h.Add(seal.snapshot.runs().size());
    HashSeal(seal, h);
    for (const auto& [first, run] : seal.snapshot.runs()) {
      h.Add(static_cast<uint64_t>(run.start.state));
    }
    h.AddString(seal.op);
  }
  // Removed inodes end the promises about their contents (the durability oracle).
  h.Add(m.ghost.removed.size());
  h.AddSequence(m.ghost.removed);
  // Per process, what the assertions read: recorded values, op results and done labels.
  h.Add(m.processes.size());
  for (const ProcessState& process : m.processes) {
    h.Add(process.values.size());
    h.Add(process.results.size());
    h.Add(process.done_labels.size());
    HashRecorded(process, h);
  }
  return h.Finish();
}

}  // namespace

Hash128 HashCrashInputs(const Machine& m) { return HashCrashInputsMarking(m, true); }

Hash128 HashCrashChecks(const Machine& m) { return HashCrashInputsMarking(m, false); }

}  // namespace crashsim
