// The block device's volatile write cache and the persistent-memory line rules, checked through
// what stays pending (may be lost at a crash) and what is durable on the media.
#include "models/device.h"

#include <doctest/doctest.h>

namespace crashsim {
namespace {

Device MakeDevice(bool pmem, Config config = {}) {
  auto initial = std::make_shared<InitialImage>();
  return Device(Media(initial), pmem, config);
}

Tagged Bytes(std::vector<uint8_t> bytes) { return TagFileData(1, 0, bytes); }

TEST_CASE("a completed write stays pending until a flush makes it durable") {
  Device device = MakeDevice(false);
  const uint64_t bio = device.SubmitBlockWrite(0, Bytes(std::vector<uint8_t>(4096, 'A')), false, "w");
  CHECK(device.InFlight(bio));
  device.CompleteBlockWrite(bio);
  CHECK_FALSE(device.InFlight(bio));
  CHECK(device.pending().size() == 1);          // may still be lost
  CHECK(device.media().Read(0, 1).bytes[0] == 0);
  CHECK(device.ReadVisible(0, 1).bytes[0] == 'A');  // but reads see it
  device.Flush();
  CHECK(device.pending().empty());
  CHECK(device.media().Read(0, 1).bytes[0] == 'A');
}

TEST_CASE("a flush does not cover a write still in flight") {
  Device device = MakeDevice(false);
  device.SubmitBlockWrite(0, Bytes({'A'}), false, "w");
  device.Flush();
  CHECK(device.pending().size() == 1);
}

TEST_CASE("a FUA write is durable when it completes, and without a cache every write is") {
  Device fua = MakeDevice(false);
  fua.CompleteBlockWrite(fua.SubmitBlockWrite(0, Bytes({'F'}), true, "w"));
  CHECK(fua.pending().empty());
  Config no_cache;
  no_cache.device_cache = DeviceCache::kNone;
  Device plain = MakeDevice(false, no_cache);
  plain.CompleteBlockWrite(plain.SubmitBlockWrite(0, Bytes({'P'}), false, "w"));
  CHECK(plain.pending().empty());
  CHECK(plain.media().Read(0, 1).bytes[0] == 'P');
}

TEST_CASE("without FUA support a FUA write is emulated by a flush that covers earlier writes") {
  Config config;
  config.device_cache = DeviceCache::kVolatileNoFua;
  Device device = MakeDevice(false, config);
  device.CompleteBlockWrite(device.SubmitBlockWrite(8192, Bytes({'E'}), false, "earlier"));
  device.CompleteBlockWrite(device.SubmitBlockWrite(0, Bytes({'F'}), true, "fua"));
  CHECK(device.pending().empty());
  CHECK(device.media().Read(8192, 1).bytes[0] == 'E');
}

TEST_CASE("a multi-sector write is one persist event per sector") {
  Config config;
  config.sector_bytes = 512;
  Device device = MakeDevice(false, config);
  device.SubmitBlockWrite(0, Bytes(std::vector<uint8_t>(4096, 'T')), false, "w");
  CHECK(device.pending().size() == 8);
}

TEST_CASE("a store larger than 8 bytes is split into pieces that may tear, an aligned word is not") {
  Device device = MakeDevice(true);
  device.AppendVisibleStore(0, Bytes(std::vector<uint8_t>(16, 'V')), "st16");
  CHECK(device.pending().size() == 2);
  CHECK(device.pending()[0].group == device.pending()[1].group);
  device.AppendVisibleStore(64, Bytes(std::vector<uint8_t>(8, 'W')), "st8");
  CHECK(device.pending().size() == 3);
}

TEST_CASE("under eADR a visible store is durable at once") {
  Config config;
  config.platform = Platform::kEadr;
  Device device = MakeDevice(true, config);
  device.AppendVisibleStore(0, Bytes({'X'}), "st");
  CHECK(device.pending().empty());
  CHECK(device.media().Read(0, 1).bytes[0] == 'X');
}

TEST_CASE("under eADR a store over a pending kernel copy of its line persists it and lands over it") {
  Config config;
  config.platform = Platform::kEadr;
  Device device = MakeDevice(true, config);
  device.AppendKernelCopy(0, Bytes({'A', 'A'}), "DAX write");  // awaits a device flush
  device.AppendKernelCopy(128, Bytes({'K'}), "DAX write elsewhere");
  device.AppendVisibleStore(0, Bytes({'B'}), "st");
  CHECK(device.ReadVisible(0, 2).bytes == std::vector<uint8_t>{'B', 'A'});
  CHECK(device.media().Read(0, 2).bytes == std::vector<uint8_t>{'B', 'A'});
  // Only the other line's copy still waits for the flush.
  REQUIRE(device.pending().size() == 1);
  CHECK(device.pending()[0].address == 128);
  device.Flush();
  CHECK(device.media().Read(0, 1).bytes[0] == 'B');
}

TEST_CASE("a line flush persists only the writes visible before it") {
  Device device = MakeDevice(true);
  const uint64_t first = device.AppendVisibleStore(0, Bytes({'1'}), "a");
  device.AppendVisibleStore(1, Bytes({'2'}), "b");
  device.AcceptToWpq(0, first);
  CHECK(device.media().Read(0, 2).bytes == std::vector<uint8_t>{'1', 0});
  CHECK(device.pending().size() == 1);
}

TEST_CASE("under platform none a userspace flush waits in the WPQ for the kernel's flush") {
  Config config;
  config.platform = Platform::kNone;
  Device device = MakeDevice(true, config);
  const uint64_t id = device.AppendVisibleStore(0, Bytes({'N'}), "st");
  device.AcceptToWpq(0, id);
  CHECK(device.pending().size() == 1);
  device.Flush();
  CHECK(device.pending().empty());
}

TEST_CASE("kernel cache-bypassing copies persist at the next device flush") {
  Device device = MakeDevice(true);
  device.AppendKernelCopy(0, Bytes({'K'}), "dax write");
  CHECK(device.pending().size() == 1);
  device.Flush();
  CHECK(device.media().Read(0, 1).bytes[0] == 'K');
}

// The same flush with the pending units close together (looked up in a bitmap) and far apart (a
// store 2^40 bytes away: looked up in an ordered set): the same writes persist.
TEST_CASE("a durable zeroing takes the earlier stores to its lines with it, near or far") {
  for (const uint64_t far : {uint64_t{8192}, uint64_t{1} << 40}) {
    CAPTURE(far);
    Device device = MakeDevice(true);
    device.AppendVisibleStore(64, Bytes({'a'}), "st line 1");
    device.AppendVisibleStore(far, Bytes({'f'}), "st far");
    device.AppendKernelZeroing(0, 4096, "zero block 0");  // lines 0-63, durable at the flush
    device.AppendVisibleStore(128, Bytes({'b'}), "st line 2, after the zeroing");
    device.Flush();
    // The zeroing persisted, and with it the store to line 1 it follows; the later store to line
    // 2 and the store elsewhere are still pending.
    REQUIRE(device.pending().size() == 2);
    CHECK(device.pending()[0].address == far);
    CHECK(device.pending()[1].address == 128);
    CHECK(device.media().Read(64, 1).bytes[0] == 0);
    CHECK(device.media().Read(64, 1).origins[0] == kOriginZero);
    CHECK(device.ReadVisible(128, 1).bytes[0] == 'b');
    CHECK(device.ReadVisible(far, 1).bytes[0] == 'f');
  }
}

}  // namespace
}  // namespace crashsim

namespace crashsim {
namespace {

TEST_CASE("a run of line flushes marks the named lines' visible writes flushed, and only those") {
  Device device = MakeDevice(true);
  device.AppendVisibleStore(0, Bytes({'A'}), "line 0");
  device.AppendVisibleStore(64, Bytes({'B'}), "line 1");
  device.AppendVisibleStore(128, Bytes({'C'}), "line 2");
  const uint64_t up_to = device.last_id();
  device.AppendVisibleStore(129, Bytes({'D'}), "line 2, after the flush");
  device.MarkFlushed({0, 2}, up_to);
  const std::vector<LineFlush>& flushes = device.flush_marks();
  CHECK(flushes == std::vector<LineFlush>{LineFlush::kFlushedNotFenced, LineFlush::kVisible,
                                          LineFlush::kFlushedNotFenced, LineFlush::kVisible});
}

Hash128 HashOf(const Device& device, bool flush_marks = true) {
  Hasher hasher;
  device.HashInto(hasher, flush_marks);
  device.HashDescriptionsInto(hasher);
  return hasher.Finish();
}

// Two lines of 'A' stored at 0 (16 pieces), as a fresh device that was never hashed.
Device Stored() {
  Device device = MakeDevice(true);
  device.AppendVisibleStore(0, Bytes(std::vector<uint8_t>(128, 'A')), "store");
  return device;
}

TEST_CASE("the pending writes' digest follows a change made in place") {
  Device device = Stored();
  const Hash128 visible = HashOf(device);  // the digest of the list, kept with it
  const Hash128 visible_unmarked = HashOf(device, false);
  device.MarkFlushed({0, 1}, device.last_id());  // the list is not shared: changed in place
  Device fresh = Stored();
  fresh.MarkFlushed({0, 1}, fresh.last_id());
  CHECK(HashOf(device) != visible);
  CHECK(HashOf(device) == HashOf(fresh));
  // Without the flush marks nothing changed: the digest kept through the change is the one the
  // changed list gives.
  CHECK(HashOf(device, false) == visible_unmarked);
  CHECK(HashOf(device, false) == HashOf(fresh, false));
  device.AppendVisibleStore(256, Bytes({'B'}), "another store");
  fresh.AppendVisibleStore(256, Bytes({'B'}), "another store");
  CHECK(HashOf(device, false) != visible_unmarked);
  CHECK(HashOf(device) == HashOf(fresh));
  // A kernel write-back changes the marks and the completion ticks: no digest is kept, not even
  // the one that hashes visible and flushed-not-fenced marks alike.
  const Hash128 before_write_back = HashOf(device, false);
  device.KernelWriteBack(1, device.last_id());
  CHECK(HashOf(device) != HashOf(fresh));
  CHECK(HashOf(device, false) != before_write_back);
  fresh.KernelWriteBack(1, fresh.last_id());
  CHECK(HashOf(device) == HashOf(fresh));
  CHECK(HashOf(device, false) == HashOf(fresh, false));
  device.PersistLine(0, device.last_id());
  CHECK(HashOf(device) != HashOf(fresh));
  fresh.PersistLine(0, fresh.last_id());
  CHECK(HashOf(device) == HashOf(fresh));
}

TEST_CASE("a copy that changes the shared pending writes leaves the other's digest alone") {
  Device device = Stored();
  const Hash128 stored = HashOf(device);
  Device copy = device;
  CHECK(HashOf(copy) == stored);
  copy.MarkFlushed({0}, copy.last_id());
  Device fresh = Stored();
  fresh.MarkFlushed({0}, fresh.last_id());
  CHECK(HashOf(copy) == HashOf(fresh));
  CHECK(HashOf(copy) != stored);
  CHECK(HashOf(device) == stored);
  CHECK(device.flush_marks()[0] == LineFlush::kVisible);
}

TEST_CASE("the blocks under pending writes follow the list, shared or changed") {
  Device device = MakeDevice(true);
  using Blocks = std::vector<std::pair<uint64_t, uint64_t>>;
  CHECK(device.PendingBlocks().empty());
  device.AppendVisibleStore(0, Bytes(std::vector<uint8_t>(16, 'A')), "store");
  device.AppendVisibleStore(2 * 4096 + 8, Bytes({'B'}), "store");
  CHECK(device.PendingBlocks() == Blocks{{0, 1}, {2, 3}});
  Device copy = device;
  copy.AppendVisibleStore(4096 + 64, Bytes({'C'}), "store");  // joins the two ranges
  CHECK(copy.PendingBlocks() == Blocks{{0, 3}});
  CHECK(device.PendingBlocks() == Blocks{{0, 1}, {2, 3}});
  copy.MarkFlushed({0}, copy.last_id());  // marks only: the blocks are kept, and still right
  CHECK(copy.PendingBlocks() == Blocks{{0, 3}});
  device.PersistLine(0, device.last_id());  // changed in place
  CHECK(device.PendingBlocks() == Blocks{{2, 3}});
}

TEST_CASE("a change of flush marks copies the marks and leaves the pending writes shared") {
  Device device = Stored();
  Device copy = device;
  copy.MarkFlushed({1}, copy.last_id());
  CHECK(&copy.pending() == &device.pending());  // the same list, not an equal one
  CHECK(&copy.flush_marks() != &device.flush_marks());
  for (size_t i = 0; i < device.pending().size(); ++i) {
    CHECK(device.flush_marks()[i] == LineFlush::kVisible);
    CHECK(copy.flush_marks()[i] == (device.pending()[i].unit == 1 ? LineFlush::kFlushedNotFenced
                                                                  : LineFlush::kVisible));
  }
  // Adding a write adds its mark: the two lists stay index for index.
  copy.AppendVisibleStore(512, Bytes({'B'}), "another store");
  CHECK(copy.flush_marks().size() == copy.pending().size());
  CHECK(copy.flush_marks().back() == LineFlush::kVisible);
}

// Stored() with line 1 also written after the flush that `up_to` bounds.
Device StoredThenFlushedLine0(Device device, uint64_t* up_to) {
  device.MarkFlushed({0}, device.last_id());
  *up_to = device.last_id();
  device.AppendVisibleStore(64, Bytes({'Z'}), "after the flush");
  return device;
}

TEST_CASE("a delivery decided on a shared list is decided once and gives each copy its own marks") {
  uint64_t up_to = 0;
  const Device parent = StoredThenFlushedLine0(Stored(), &up_to);
  Device first = parent;
  Device second = parent;
  second.MarkFlushed({1}, up_to);  // marks only: still the parent's list
  REQUIRE(&second.pending() == &parent.pending());
  first.PersistLines({{0, up_to}, {1, up_to}});
  second.PersistLines({{0, up_to}, {1, up_to}});
  // The second took the first's decision: the same kept list, shared.
  CHECK(&second.pending() == &first.pending());
  // What a device that never shared anything does with the same history and delivery.
  Device alone = StoredThenFlushedLine0(Stored(), &up_to);
  alone.MarkFlushed({1}, up_to);
  alone.PersistLines({{0, up_to}, {1, up_to}});
  CHECK(HashOf(second) == HashOf(alone));
  CHECK(second.media().Read(0, 128).bytes == alone.media().Read(0, 128).bytes);
  REQUIRE(second.pending().size() == 1);  // the store after the flush
  CHECK(second.pending()[0].what() == "after the flush");
  CHECK(second.flush_marks() == std::vector<LineFlush>{LineFlush::kVisible});
  // Another delivery over the parent's list is decided anew, not taken from the last one.
  Device third = parent;
  third.PersistLines({{0, up_to}});
  Device alone_line0 = StoredThenFlushedLine0(Stored(), &up_to);
  alone_line0.PersistLines({{0, up_to}});
  CHECK(HashOf(third) == HashOf(alone_line0));
  CHECK(third.pending().size() == 9);  // line 1's eight pieces and the later store
}

TEST_CASE("a list changed in place forgets the delivery decided on it") {
  uint64_t up_to = 0;
  Device holder = StoredThenFlushedLine0(Stored(), &up_to);
  {
    Device other = holder;
    other.PersistLines({{0, up_to}});  // decided on the shared list, remembered with it
  }
  // `holder` alone holds the list now: a store changes it in place, and the same delivery over
  // it must be decided anew (the store stays pending).
  holder.AppendVisibleStore(8, Bytes({'Y'}), "after the delivery was decided");
  holder.PersistLines({{0, up_to}});
  uint64_t unused = 0;
  Device expected = StoredThenFlushedLine0(Stored(), &unused);
  expected.AppendVisibleStore(8, Bytes({'Y'}), "after the delivery was decided");
  expected.PersistLines({{0, up_to}});
  CHECK(HashOf(holder) == HashOf(expected));
  CHECK(holder.pending().size() == 10);  // line 1's eight pieces, 'Z' and 'Y'
  CHECK(holder.ReadVisible(8, 1).bytes[0] == 'Y');
  CHECK(holder.media().Read(8, 1).bytes[0] == 'A');
}

}  // namespace
}  // namespace crashsim
