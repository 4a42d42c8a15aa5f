// The fence (models/pmem_cpu.h): under ADR it persists the lines remembered so far before
// it drains each store, so that the store is not appended to a list the fence then empties. The
// state it leaves must be the one the plain rule gives: drain the whole buffer, then deliver every
// remembered line. These tests build that rule from DrainAll and the device's own delivery and
// compare whole machines, over many seeded mixes of stores, non-temporal stores and flushes, with
// kernel copies (DAX write()) pending among them.
#include "models/pmem_cpu.h"

#include <doctest/doctest.h>

#include <cstdint>
#include <memory>
#include <random>
#include <string>

#include "models/machine.h"

namespace crashsim {
namespace {

constexpr uint32_t kBlock = 4096;
constexpr uint64_t kLines = 8;  // the accesses fall on the first 8 lines of block 0

Machine PmemMachine(const Config& config) {
  auto initial = std::make_shared<InitialImage>();
  initial->block_size = kBlock;
  auto base = std::make_shared<BaseState>();
  Machine m(config, Design::kKernelTracked, Device(Media(initial), true, config), base);
  m.processes.resize(1);
  m.ghost.clocks.assign(1, VectorClock(1, 0));
  return m;
}

BufferedAccess RandomAccess(std::mt19937_64& random, int index) {
  BufferedAccess access;
  const uint64_t line = random() % kLines;
  switch (random() % 6) {
    case 0:
    case 1:
      access.kind = BufferedAccess::Kind::kStore;
      break;
    case 2:
      access.kind = BufferedAccess::Kind::kNtStore;
      break;
    case 3:
      access.kind = BufferedAccess::Kind::kClwb;
      break;
    case 4:
      access.kind = BufferedAccess::Kind::kClflushopt;
      break;
    default:
      access.kind = BufferedAccess::Kind::kClflush;
      break;
  }
  const bool store = access.kind == BufferedAccess::Kind::kStore ||
                     access.kind == BufferedAccess::Kind::kNtStore;
  // Stores of 1 to 24 bytes anywhere in the line (some cross into the next, some tear into
  // words); flushes name the line.
  const uint64_t offset = store ? random() % kLineBytes : 0;
  access.address = line * kLineBytes + offset;
  if (store) {
    const uint64_t length = 1 + random() % 24;
    std::vector<uint8_t> bytes(length, static_cast<uint8_t>('a' + index % 26));
    access.data = TagFileData(1, access.address, bytes);
    access.ino = 1;
    access.file_offset = access.address;
  }
  access.what = "access " + std::to_string(index);
  return access;
}

// The plain rule: every entry drains, marking flushed lines; then every remembered line is
// delivered at once.
void DrainThenDeliver(Machine& m) {
  DrainAll(m, 0);
  m.device.AcceptToWpq(m.processes[0].cpu.unfenced);
  m.processes[0].cpu.unfenced.clear();
}

TEST_CASE("a fence leaves the state that draining everything, then delivering the lines, leaves") {
  for (const Platform platform : {Platform::kAdr, Platform::kEadr, Platform::kNone}) {
    Config config;
    config.platform = platform;
    config.block_size = kBlock;
    for (int seed = 0; seed < 200; ++seed) {
      CAPTURE(static_cast<int>(platform));
      CAPTURE(seed);
      std::mt19937_64 random(static_cast<uint64_t>(seed));
      Machine m = PmemMachine(config);
      // Some history before the fence: accesses drained one by one (lines remembered, stores
      // pending), then the buffer the fence finds.
      const int drained = static_cast<int>(random() % 6);
      const int buffered = 1 + static_cast<int>(random() % 10);
      for (int i = 0; i < drained; ++i) {
        IssueAccess(m, 0, RandomAccess(random, i));
        DrainOne(m, 0);
        // Now and then a DAX write() too: a kernel copy, pending until a device flush or a
        // delivery of its line.
        if (random() % 3 == 0) {
          const uint64_t address = (random() % kLines) * kLineBytes + random() % kLineBytes;
          const std::vector<uint8_t> bytes(1 + random() % 24, static_cast<uint8_t>('A' + i));
          m.device.AppendKernelCopy(address, TagFileData(1, address, bytes), "kernel copy");
        }
      }
      for (int i = 0; i < buffered; ++i) IssueAccess(m, 0, RandomAccess(random, drained + i));
      Machine fenced = m;
      Machine plain = m;
      Fence(fenced, 0);
      DrainThenDeliver(plain);
      CHECK(HashMachine(fenced) == HashMachine(plain));
      CHECK(fenced.device.ReadVisible(0, (kLines + 1) * kLineBytes).bytes ==
            plain.device.ReadVisible(0, (kLines + 1) * kLineBytes).bytes);
      CHECK(fenced.device.pending().size() == plain.device.pending().size());
    }
  }
}

TEST_CASE("a fence after a wide flush persists the flushed store and not the store after it") {
  Config config;
  config.block_size = kBlock;
  Machine m = PmemMachine(config);
  BufferedAccess data;
  data.kind = BufferedAccess::Kind::kStore;
  data.address = 0;
  data.data = TagFileData(1, 0, std::vector<uint8_t>(256, 'D'));
  IssueAccess(m, 0, data);
  for (uint64_t line = 0; line < 4; ++line) {
    BufferedAccess flush;
    flush.kind = BufferedAccess::Kind::kClwb;
    flush.address = line * kLineBytes;
    IssueAccess(m, 0, flush);
  }
  BufferedAccess flag;
  flag.kind = BufferedAccess::Kind::kStore;
  flag.address = 512;
  flag.data = TagFileData(1, 512, {'F'});
  IssueAccess(m, 0, flag);
  Fence(m, 0);
  // The flag was stored after the flushes and never flushed itself: it alone stays pending.
  REQUIRE(m.device.pending().size() == 1);
  CHECK(m.device.pending()[0].address == 512);
  CHECK(m.device.media().Read(0, 256).bytes == std::vector<uint8_t>(256, 'D'));
}

TEST_CASE("eADR: a fence delivers a flushed kernel copy before an atomic store over it as at its end") {
  // Under eADR an atomic store goes to media at once, past the pending list; a kernel copy to the
  // same bytes still pending is persisted by the fence's delivery of its line, over the store.
  Config config;
  config.platform = Platform::kEadr;
  config.block_size = kBlock;
  Machine m = PmemMachine(config);
  m.device.AppendKernelCopy(0, TagFileData(1, 0, {'A'}), "kernel copy");
  BufferedAccess flush;
  flush.kind = BufferedAccess::Kind::kClwb;
  flush.address = 0;
  IssueAccess(m, 0, flush);
  BufferedAccess store;
  store.kind = BufferedAccess::Kind::kStore;
  store.address = 0;
  store.data = TagFileData(1, 0, {'B'});
  store.ino = 1;
  IssueAccess(m, 0, store);
  Machine fenced = m;
  Machine plain = m;
  Fence(fenced, 0);
  DrainThenDeliver(plain);
  CHECK(HashMachine(fenced) == HashMachine(plain));
  CHECK(fenced.device.ReadVisible(0, 1).bytes == plain.device.ReadVisible(0, 1).bytes);
}

}  // namespace
}  // namespace crashsim
