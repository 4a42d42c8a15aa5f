// Recovery (docs/semantics.md 2.7, 3.4): the durable journal prefix is replayed over the initial
// durable metadata (the last after-image of each inode wins), names come from the namespace that
// survived, holes and unwritten extents read as zero, and a pending device write counts only if the
// crash image kept it.
#include "models/recovery.h"

#include <doctest/doctest.h>

#include <memory>

namespace crashsim {
namespace {

constexpr uint32_t kBlock = 4096;
constexpr uint8_t kStale = 0x5a;

// One file /f (ino 1): block 0 written at physical block 0 with 'F', size one block. Free space
// holds the stale byte.
Machine MakeMachine(const Config& config) {
  auto initial = std::make_shared<InitialImage>();
  initial->block_size = kBlock;
  initial->free_fill = kStale;
  initial->free_origin = kOriginStale;
  initial->file_runs[0] = InitialImage::FileRun{1, 0, 1, 'F'};
  auto base = std::make_shared<BaseState>();
  InodeCore core;
  core.size_bytes = kBlock;
  core.extents.Set(0, Extent{0, ExtentState::kWritten, false});
  base->cores[1] = core;
  base->names["/f"] = 1;
  Machine machine(config, Design::kKernelTracked, Device(Media(initial), false, config), base);
  machine.names = base->names;
  machine.durable_names = base->names;
  return machine;
}

CrashImage Prefix(uint64_t journal_prefix) {
  CrashImage image;
  image.journal_prefix = journal_prefix;
  return image;
}

Transaction Logs(uint32_t ino, const InodeCore& core) {
  Transaction txn;
  txn.inodes[ino] = core;
  return txn;
}

std::vector<uint8_t> Fill(uint8_t byte, size_t length) { return std::vector<uint8_t>(length, byte); }

TEST_CASE("journal replay keeps the last after-image within the durable prefix") {
  const Config config;
  Machine m = MakeMachine(config);
  InodeCore grown = m.base->cores.at(1);
  grown.size_bytes = 2 * kBlock;
  grown.extents.Set(1, Extent{1, ExtentState::kUnwritten, false});
  m.journal.Commit(Logs(1, grown));
  InodeCore converted = grown;
  converted.size_bytes = kBlock + 100;
  converted.extents.Set(1, Extent{1, ExtentState::kWritten, false});
  m.journal.Commit(Logs(1, converted));
  InodeCore other;
  other.size_bytes = 7;
  m.journal.Commit(Logs(2, other));  // another inode: does not undo ino 1's last image

  const RecoveredState none(m, Prefix(0));
  CHECK(none.File("/f")->core.size_bytes == kBlock);
  CHECK_FALSE(none.Read("/f", 0, kBlock + 1).has_value());  // past EOF: no value

  const RecoveredState first(m, Prefix(1));
  CHECK(first.File("/f")->core == grown);
  CHECK(first.Read("/f", kBlock, 2 * kBlock)->bytes == Fill(0, kBlock));

  const RecoveredState all(m, Prefix(3));
  CHECK(all.File("/f")->core == converted);  // the later after-image wins
  // The converted block reads whatever the device holds there: here, stale free space.
  CHECK(all.Read("/f", kBlock, kBlock + 100)->bytes == Fill(kStale, 100));
}

TEST_CASE("a created file whose name transaction is not durable is absent after recovery") {
  const Config config;
  Machine m = MakeMachine(config);
  InodeCore created;
  created.size_bytes = 0;
  m.journal.Commit(Logs(2, created));  // 1: the inode
  Transaction naming;
  naming.names = NameTable{{"/f", 1}, {"/g", 2}};
  m.journal.Commit(naming);            // 2: its name
  Transaction dangling;
  dangling.names = NameTable{{"/f", 1}, {"/g", 2}, {"/h", 3}};
  m.journal.Commit(dangling);          // 3: a name whose inode was never logged

  const RecoveredState before_name(m, Prefix(1));
  CHECK_FALSE(before_name.Exists("/g"));  // may be lost: the name was not durable
  CHECK(before_name.Exists("/f"));        // must survive: the initial file
  const RecoveredState with_name(m, Prefix(2));
  CHECK(with_name.Exists("/g"));
  CHECK(with_name.File("/g")->ino == 2);
  CHECK(with_name.PathOfIno(2) == "/g");
  const RecoveredState dangling_name(m, Prefix(3));
  CHECK_FALSE(dangling_name.Exists("/h"));
  CHECK(dangling_name.Exists("/g"));
}

TEST_CASE("under posix-minimal only names made durable by a sync survive, whatever the log holds") {
  Config config;
  config.name_space = Namespace::kPosixMinimal;
  Machine m = MakeMachine(config);
  InodeCore created;
  Transaction txn = Logs(2, created);
  txn.names = NameTable{{"/f", 1}, {"/g", 2}};
  m.journal.Commit(txn);
  CHECK_FALSE(RecoveredState(m, Prefix(1)).Exists("/g"));
  m.durable_names["/g"] = 2;
  CHECK(RecoveredState(m, Prefix(1)).Exists("/g"));
}

TEST_CASE("holes and unwritten extents read as zero, never as the stale bytes under them") {
  const Config config;
  Machine m = MakeMachine(config);
  InodeCore core = m.base->cores.at(1);
  core.size_bytes = 3 * kBlock;
  core.extents.Set(1, Extent{1, ExtentState::kUnwritten, false});  // block 2: a hole
  m.journal.Commit(Logs(1, core));
  const RecoveredState recovered(m, Prefix(1));
  const Tagged bytes = recovered.ReadIno(1, 0, 3 * kBlock);
  CHECK(std::vector<uint8_t>(bytes.bytes.begin(), bytes.bytes.begin() + kBlock) == Fill('F', kBlock));
  CHECK(bytes.origins[0] == DataOrigin(1, 0));
  CHECK(std::vector<uint8_t>(bytes.bytes.begin() + kBlock, bytes.bytes.end()) ==
        Fill(0, 2 * kBlock));
  CHECK(bytes.origins[kBlock] == kOriginZero);
  CHECK(recovered.DeviceAddress(1, 10) == 10);
  CHECK_FALSE(recovered.DeviceAddress(1, kBlock).has_value());
  CHECK_FALSE(recovered.DeviceAddress(1, 2 * kBlock).has_value());
}

TEST_CASE("a pending device write shows only in images that kept it, later writes on top") {
  const Config config;
  Machine m = MakeMachine(config);
  m.device.CompleteBlockWrite(m.device.SubmitBlockWrite(0, TagFileData(1, 0, Fill('1', 8)), false, "w1"));
  m.device.CompleteBlockWrite(m.device.SubmitBlockWrite(4, TagFileData(1, 4, Fill('2', 8)), false, "w2"));
  REQUIRE(m.device.pending().size() == 2);
  const uint64_t w1 = m.device.pending()[0].id, w2 = m.device.pending()[1].id;
  auto read = [&](std::set<uint64_t> persisted) {
    CrashImage image;
    image.persisted = std::move(persisted);
    const auto bytes = RecoveredState(m, image).Read("/f", 0, 14);
    REQUIRE(bytes.has_value());
    return std::string(bytes->bytes.begin(), bytes->bytes.end());
  };
  CHECK(read({}) == "FFFFFFFFFFFFFF");          // both lost
  CHECK(read({w1}) == "11111111FFFFFF");
  CHECK(read({w2}) == "FFFF22222222FF");
  CHECK(read({w1, w2}) == "111122222222FF");    // visibility order: w2 over w1
}

}  // namespace
}  // namespace crashsim
