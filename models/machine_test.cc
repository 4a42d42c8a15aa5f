// The two canonical hashes of a Machine: HashMachine tells apart every state that may behave
// differently from here on; HashCrashInputs only what a crash check can see, so states that
// differ elsewhere (program counters, fds, mappings, store buffers, page cache, allocator, bios,
// clocks, ...) share it, and every part the crash checks read still changes it.
#include "models/machine.h"

#include <doctest/doctest.h>

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace crashsim {
namespace {

constexpr uint32_t kBlock = 4096;

// Two files: /f (ino 1, one written block at physical block 0) and /g (ino 2, empty). Two
// processes. P1 has an fsync of /f that returned, P2 one of /g still running; P1 wrote /f and /g.
Machine MakeMachine(const Config& config) {
  auto initial = std::make_shared<InitialImage>();
  initial->block_size = kBlock;
  initial->file_runs[0] = InitialImage::FileRun{1, 0, 1, 'F'};
  auto base = std::make_shared<BaseState>();
  InodeCore f;
  f.size_bytes = kBlock;
  f.extents.Set(0, Extent{0, ExtentState::kWritten, false});
  base->cores[1] = f;
  base->cores[2] = InodeCore{};
  base->names["/f"] = 1;
  base->names["/g"] = 2;
  Machine m(config, Design::kKernelTracked, Device(Media(initial), false, config), base);
  for (const auto& [ino, core] : base->cores) {
    Inode inode;
    inode.ino = ino;
    inode.core = core;
    inode.size_bytes = core.size_bytes;
    m.inodes[ino] = inode;
  }
  m.names = base->names;
  m.durable_names = base->names;
  m.allocator = Allocator(1, 16);
  m.next_ino = 3;
  m.processes.resize(2);
  m.ghost.clocks.assign(2, VectorClock(2, 0));
  m.ghost.Tick(0);
  WriteRecord to_f;
  to_f.ino = 1;
  to_f.offset = 0;
  to_f.bytes = {'A'};
  to_f.process = 0;
  to_f.what = "P1: pwrite /f 'A'";
  m.ghost.RecordWrite(to_f);
  WriteRecord to_g = to_f;
  to_g.ino = 2;
  to_g.what = "P1: pwrite /g 'A'";
  m.ghost.RecordWrite(to_g);
  Promise fsync_f;
  fsync_f.guarantee = Guarantee::kFsync;
  fsync_f.op = "P1: fsync /f";
  fsync_f.process = 0;
  fsync_f.ino = 1;
  fsync_f.invocation = m.ghost.clocks[0];
  fsync_f.size_at_invocation = kBlock;
  fsync_f.covers_metadata = true;
  m.ghost.ReturnPromise(m.ghost.AddPromise(fsync_f), /*failed=*/false);
  Promise fsync_g = fsync_f;
  fsync_g.op = "P2: fsync /g";
  fsync_g.process = 1;
  fsync_g.ino = 2;
  m.ghost.AddPromise(fsync_g);  // not returned yet
  m.processes[0].done_labels.insert("w");
  m.processes[0].values["v"] = std::vector<uint8_t>{'A'};
  m.device.SubmitBlockWrite(0, TagFileData(1, 0, std::vector<uint8_t>(kBlock, 'A')),
                            /*fua=*/false, "writeback of /f page 0");
  return m;
}

struct Change {
  std::string what;
  std::function<void(Machine&)> apply;
};

// Parts no crash check reads.
std::vector<Change> Invisible() {
  return {
      {"a program counter", [](Machine& m) { ++m.processes[1].pc; }},
      {"an op's inner step",
       [](Machine& m) { m.processes[0].progress.Of<SyncProgress>().step = SyncStep::kForce; }},
      {"an fd", [](Machine& m) { m.processes[0].fds["fd"].ino = 1; }},
      {"a mapping and a PTE",
       [](Machine& m) {
         m.processes[0].vmas["m"].length = kBlock;
         m.processes[0].ptes[{"m", 0}] = PteState{true, false, 0};
       }},
      {"a private page", [](Machine& m) { m.processes[0].private_pages[{"m", 0}] = {'P'}; }},
      {"a store buffer",
       [](Machine& m) {
         BufferedAccess store;
         store.data = TagFileData(1, 0, {'S'});
         m.processes[0].cpu.store_buffer.push_back(store);
       }},
      {"a barrier", [](Machine& m) { m.processes[1].at_barrier = true; }},
      {"a death", [](Machine& m) { m.processes[1].killed_by = "SIGBUS"; }},
      {"a page-cache folio",
       [](Machine& m) {
         TreeEntry entry;
         entry.dirty = true;
         entry.set_folio(TagFileData(1, 0, std::vector<uint8_t>(kBlock, 'B')));
         m.inode(1).tree[0] = entry;
       }},
      {"an in-core size and core",
       [](Machine& m) {
         m.inode(1).size_bytes = 2 * kBlock;
         m.inode(1).core.size_bytes = 2 * kBlock;
         m.inode(1).core.extents.Set(1, Extent{5, ExtentState::kUnwritten, false});
       }},
      {"a delalloc reservation", [](Machine& m) { m.inode(2).delalloc[0] = true; }},
      {"fsync fields and a lock",
       [](Machine& m) {
         m.inode(1).fsync_fields = kFieldSize;
         m.inode(1).locked_by = 0;
         ++m.inode(1).open_count;
       }},
      {"an allocation", [](Machine& m) { m.allocator.Allocate(); }},
      {"a bio in flight", [](Machine& m) { m.bios[1].ino = 1; }},
      {"a refcount", [](Machine& m) { m.refcount[0] = 2; }},
      {"a directory", [](Machine& m) { m.tree.directories.insert("/d"); }},
      {"a symbolic link", [](Machine& m) { m.tree.symlinks["/l"] = "/f"; }},
      {"a file position and append",
       [](Machine& m) {
         m.processes[0].fds["fd"].pos = 7;
         m.processes[0].fds["fd"].append = true;
       }},
      {"a write's offset",
       [](Machine& m) { m.processes[0].progress.Of<WriteProgress>().offset = 9; }},
      {"the file-system clock and counters",
       [](Machine& m) {
         ++m.clock;
         ++m.next_op_id;
         ++m.next_ino;
       }},
      {"a ghost clock", [](Machine& m) { m.ghost.Tick(1); }},
      {"a write to a file no returned promise covers",
       [](Machine& m) {
         WriteRecord write;
         write.ino = 2;
         write.bytes = {'C'};
         write.process = 1;
         write.what = "P2: pwrite /g 'C'";
         m.ghost.RecordWrite(write);
       }},
      {"a promise still running",
       [](Machine& m) {
         Promise sync;
         sync.guarantee = Guarantee::kSync;
         sync.op = "P2: sync";
         sync.process = 1;
         m.ghost.AddPromise(sync);
       }},
      {"a promise that failed",
       [](Machine& m) {
         Promise sync;
         sync.guarantee = Guarantee::kSync;
         sync.op = "P2: sync";
         m.ghost.ReturnPromise(m.ghost.AddPromise(sync), /*failed=*/true);
       }},
      {"an ended MAP_SYNC promise",
       [](Machine& m) { m.ghost.map_sync.push_back(MapSyncPromise{1, 0, 0, "P1: store", true}); }},
      {"an inactive seal",
       [](Machine& m) { m.ghost.seals.push_back(SealRecord{1, {}, "P1: seal /f", false}); }},
  };
}

// Parts some crash check reads.
std::vector<Change> Visible() {
  return {
      {"a pending device write",
       [](Machine& m) {
         m.device.SubmitBlockWrite(kBlock, TagZeroes(kBlock), false, "zeroing of /g");
       }},
      {"a completed device write",
       [](Machine& m) { m.device.CompleteBlockWrite(m.device.pending()[0].group); }},
      {"a durable device write",
       [](Machine& m) {
         m.device.CompleteBlockWrite(m.device.pending()[0].group);
         m.device.Flush();
       }},
      {"a committed transaction",
       [](Machine& m) {
         Transaction txn;
         txn.what = "size of /g";
         txn.inodes[2].size_bytes = 1;
         m.journal.Commit(txn);
       }},
      {"a forced journal",
       [](Machine& m) {
         m.journal.Commit(Transaction{});
         m.journal.MarkForced(1);
       }},
      {"a name", [](Machine& m) { m.names["/h"] = 2; }},
      {"a durable name", [](Machine& m) { m.durable_names.erase("/g"); }},
      {"a durable directory", [](Machine& m) { m.durable_tree.directories.insert("/d"); }},
      {"a durable symbolic link", [](Machine& m) { m.durable_tree.symlinks["/l"] = "/f"; }},
      {"an inode", [](Machine& m) { m.inodes[3].ino = 3; }},
      {"a promise returning", [](Machine& m) { m.ghost.ReturnPromise(1, false); }},
      {"a returned promise's range",
       [](Machine& m) {
         Promise promise = *m.ghost.promises[0];
         promise.end = kBlock;
         m.ghost.promises[0] = std::make_shared<const Promise>(promise);
       }},
      {"a returned promise's covered inodes",
       [](Machine& m) {
         Promise promise = *m.ghost.promises[0];
         promise.inodes_below = 2;
         m.ghost.promises[0] = std::make_shared<const Promise>(promise);
       }},
      {"a returned promise's size at invocation",
       [](Machine& m) {
         Promise promise = *m.ghost.promises[0];
         promise.size_at_invocation = 1;
         m.ghost.promises[0] = std::make_shared<const Promise>(promise);
       }},
      {"a write to a promised file",
       [](Machine& m) {
         WriteRecord write;
         write.ino = 1;
         write.bytes = {'C'};
         write.process = 1;
         m.ghost.RecordWrite(write);
       }},
      {"a promised write's description",
       [](Machine& m) {
         WriteRecord write = *m.ghost.writes[0];
         write.what = "P1: pwrite /f 'A' again";
         m.ghost.writes[0] = std::make_shared<const WriteRecord>(write);
       }},
      {"a MAP_SYNC promise",
       [](Machine& m) { m.ghost.map_sync.push_back(MapSyncPromise{1, 0, 0, "P1: store", false}); }},
      {"a data move", [](Machine& m) { m.ghost.moves.push_back(DataMove{1, 0, 2, 0, kBlock}); }},
      {"an active seal",
       [](Machine& m) {
         m.ghost.seals.push_back(SealRecord{1, m.inode(1).core.extents, "P1: seal /f", true});
       }},
      {"a recorded value", [](Machine& m) { m.processes[1].values["v"] = std::nullopt; }},
      {"a done label", [](Machine& m) { m.processes[1].done_labels.insert("w"); }},
      {"a recorded op result", [](Machine& m) { m.processes[1].results[2] = "EBUSY"; }},
  };
}

TEST_CASE("equal machines hash equal under both hashes") {
  const Config config;
  const Machine a = MakeMachine(config);
  const Machine b = MakeMachine(config);
  const Machine copy = a;
  CHECK(HashMachine(a) == HashMachine(b));
  CHECK(HashMachine(a) == HashMachine(copy));
  CHECK(HashCrashInputs(a) == HashCrashInputs(b));
  CHECK(HashCrashInputs(a) == HashCrashInputs(copy));
}

TEST_CASE("a part no crash check reads changes the state hash, not the crash inputs") {
  const Config config;
  const Machine base = MakeMachine(config);
  for (const Change& change : Invisible()) {
    CAPTURE(change.what);
    Machine changed = base;
    change.apply(changed);
    CHECK(HashCrashInputs(changed) == HashCrashInputs(base));
    CHECK(HashMachine(changed) != HashMachine(base));
  }
}

TEST_CASE("every part a crash check reads changes the crash inputs") {
  const Config config;
  const Machine base = MakeMachine(config);
  for (const Change& change : Visible()) {
    CAPTURE(change.what);
    Machine changed = base;
    change.apply(changed);
    CHECK(HashCrashInputs(changed) != HashCrashInputs(base));
  }
}

TEST_CASE("a description of a pending write is a crash input") {
  // The persist graph shows it in every lost event; the state hash leaves it out.
  const Config config;
  Machine a = MakeMachine(config), b = MakeMachine(config);
  a.device.SubmitBlockWrite(kBlock, TagZeroes(kBlock), false, "zeroing by P1");
  b.device.SubmitBlockWrite(kBlock, TagZeroes(kBlock), false, "zeroing by P2");
  CHECK(HashCrashInputs(a) != HashCrashInputs(b));
}

TEST_CASE("a promise of every file reads every file's writes and the set of inodes") {
  const Config config;
  Machine base = MakeMachine(config);
  Promise sync;
  sync.guarantee = Guarantee::kSync;
  sync.op = "P2: sync";
  sync.process = 1;
  base.ghost.ReturnPromise(base.ghost.AddPromise(sync), false);
  Machine written = base;
  WriteRecord write;
  write.ino = 2;
  write.bytes = {'C'};
  written.ghost.RecordWrite(write);
  CHECK(HashCrashInputs(written) != HashCrashInputs(base));
}

TEST_CASE("a folio written through a copy leaves the original unchanged") {
  TreeEntry entry;
  entry.set_folio(TagFileData(1, 0, {'A', 'B'}));
  TreeEntry copy = entry;
  copy.MutableFolio().bytes[0] = 'Z';
  CHECK(entry.folio().bytes == std::vector<uint8_t>{'A', 'B'});
  CHECK(copy.folio().bytes == std::vector<uint8_t>{'Z', 'B'});
  CHECK_FALSE(copy == entry);
  copy.MutableFolio().bytes[0] = 'A';
  CHECK(copy == entry);  // contents compare, not pointers
}

// The canonical state hash (HashMachine's default) and the hash as recorded (canonical_history
// false) of two machines.
struct BothHashes {
  bool canonical_equal, recorded_equal;
};
BothHashes Compare(const Machine& a, const Machine& b) {
  return {HashMachine(a) == HashMachine(b), HashMachine(a, false) == HashMachine(b, false)};
}

// `a` and `b` are one state only under the canonical hash, and the crash checks (whose findings
// name writes and transactions in the order and with the texts recorded) tell them apart.
void CheckEqualOnlyCanonically(const Machine& a, const Machine& b) {
  const BothHashes h = Compare(a, b);
  CHECK(h.canonical_equal);
  CHECK_FALSE(h.recorded_equal);
  CHECK(HashCrashInputs(a) != HashCrashInputs(b));
}

void Write(Machine& m, int process, uint32_t ino, uint64_t offset, uint8_t byte) {
  m.ghost.Tick(process);
  WriteRecord record;
  record.ino = ino;
  record.offset = offset;
  record.bytes = {byte};
  record.process = process;
  record.what = "P" + std::to_string(process + 1) + ": pwrite";
  m.ghost.RecordWrite(record);
}

TEST_CASE("two processes' writes to different bytes hash equal in either order") {
  const Config config;
  Machine a = MakeMachine(config), b = MakeMachine(config);
  Write(a, 0, 1, 100, 'x');
  Write(a, 1, 1, 200, 'y');
  Write(b, 1, 1, 200, 'y');
  Write(b, 0, 1, 100, 'x');
  CheckEqualOnlyCanonically(a, b);
}

TEST_CASE("writes to a byte in common, or a size cut below one, keep their order") {
  const Config config;
  Machine a = MakeMachine(config), b = MakeMachine(config);
  Write(a, 0, 1, 100, 'x');
  Write(a, 1, 1, 100, 'y');
  Write(b, 1, 1, 100, 'y');
  Write(b, 0, 1, 100, 'x');
  CHECK_FALSE(Compare(a, b).canonical_equal);

  Machine c = MakeMachine(config), d = MakeMachine(config);
  WriteRecord cut;
  cut.ino = 1;
  cut.offset = 50;
  cut.size_cut = true;
  cut.process = 1;
  Write(c, 0, 1, 100, 'x');
  c.ghost.RecordWrite(cut);
  d.ghost.RecordWrite(cut);
  Write(d, 0, 1, 100, 'x');
  CHECK_FALSE(Compare(c, d).canonical_equal);
  // Another file's write commutes with the cut.
  Machine e = MakeMachine(config), f = MakeMachine(config);
  Write(e, 0, 2, 100, 'x');
  e.ghost.RecordWrite(cut);
  f.ghost.RecordWrite(cut);
  Write(f, 0, 2, 100, 'x');
  CHECK(Compare(e, f).canonical_equal);
}

TEST_CASE("a third process's write between two overlapping ones keeps the order it saw") {
  // P1 and P3 overlap; P2 is disjoint from both. Moving P2 anywhere changes nothing; swapping
  // P1 and P3 does.
  const Config config;
  auto three = [&](std::vector<int> order) {
    Machine m = MakeMachine(config);
    m.processes.resize(3);
    m.ghost.clocks.assign(3, VectorClock(3, 0));
    for (int p : order) Write(m, p, 1, p == 1 ? 300 : 100, static_cast<uint8_t>('a' + p));
    return m;
  };
  CHECK(HashMachine(three({0, 1, 2})) == HashMachine(three({1, 0, 2})));
  CHECK(HashMachine(three({0, 1, 2})) == HashMachine(three({0, 2, 1})));
  CHECK(HashMachine(three({0, 1, 2})) != HashMachine(three({2, 1, 0})));
}

TEST_CASE("two processes' promises hash equal in either order, and so do the syncs naming them") {
  const Config config;
  Machine a = MakeMachine(config), b = MakeMachine(config);
  Promise p1, p2;
  p1.op = "P1: fsync /g";
  p1.process = 0;
  p1.ino = 2;
  p2.op = "P2: fsync /f";
  p2.process = 1;
  p2.ino = 1;
  a.processes[0].progress.Of<SyncProgress>().promise = static_cast<int>(a.ghost.AddPromise(p1));
  a.processes[1].progress.Of<SyncProgress>().promise = static_cast<int>(a.ghost.AddPromise(p2));
  b.processes[1].progress.Of<SyncProgress>().promise = static_cast<int>(b.ghost.AddPromise(p2));
  b.processes[0].progress.Of<SyncProgress>().promise = static_cast<int>(b.ghost.AddPromise(p1));
  const BothHashes h = Compare(a, b);
  CHECK(h.canonical_equal);
  CHECK_FALSE(h.recorded_equal);
  // A sync naming another of its own promises is another state.
  Machine c = b;
  c.processes[0].progress.Of<SyncProgress>().promise = 0;  // P1's fsync of /f, made earlier
  CHECK(HashMachine(c) != HashMachine(b));
}

TEST_CASE("a transaction's description is a crash input, not part of the state") {
  const Config config;
  Machine a = MakeMachine(config), b = MakeMachine(config);
  Transaction by_p1, by_p2;
  by_p1.what = "P1 pwrite /f: timestamps";
  by_p2.what = "P2 pwrite /f: timestamps";
  a.journal.Commit(by_p1);
  b.journal.Commit(by_p2);
  CheckEqualOnlyCanonically(a, b);
}

TEST_CASE("a completion tick is state only by its place among the commits") {
  // MakeMachine's pending writeback of /f completes, and a transaction commits after it.
  const Config config;
  auto completed_then_committed = [&](int ticks_before) {
    Machine m = MakeMachine(config);
    for (int i = 0; i < ticks_before; ++i) m.device.Tick();  // events long flushed
    m.device.CompleteBlockWrite(m.device.pending().front().group);
    Transaction txn;
    txn.committed_tick = m.device.Tick();
    m.journal.Commit(txn);
    return m;
  };
  const Machine a = completed_then_committed(0), b = completed_then_committed(3);
  const BothHashes h = Compare(a, b);
  CHECK(h.canonical_equal);
  CHECK_FALSE(h.recorded_equal);
  // Committed before the completion: the log write's PREFLUSH no longer takes the data along.
  Machine c = MakeMachine(config);
  Transaction txn;
  txn.committed_tick = c.device.Tick();
  c.journal.Commit(txn);
  c.device.CompleteBlockWrite(c.device.pending().front().group);
  CHECK(HashMachine(c) != HashMachine(a));
}

TEST_CASE("an fd's open time is state only when an op of the run reads it") {
  const Config config;
  Machine a = MakeMachine(config);
  a.processes[0].fds["fd"].opened_time = 1;
  Machine b = a;
  b.processes[0].fds["fd"].opened_time = 2;
  a.open_times_read = b.open_times_read = false;
  CHECK(Compare(a, b).canonical_equal);
  a.open_times_read = b.open_times_read = true;
  CHECK_FALSE(Compare(a, b).canonical_equal);
}

}  // namespace
}  // namespace crashsim
