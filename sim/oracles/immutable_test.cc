// The immutable oracle (O7) on hand-built daxfile machines, both halves. After a crash
// (CheckImmutable): a returned seal is durable and the map is the seal-time snapshot at every
// journal prefix; an image that loses the seal's transaction, or a durable map change let
// through the seal, fires; so does a sealed file that recovers with a hole or an unwritten
// extent. In the running system (CheckImmutableVolatile): the sealed map holds; a map change or a
// lost flag in memory fires, the change named; after unseal nothing is checked.
#include "sim/oracles/immutable.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "sim/oracles/oracle_test_machine.h"

namespace crashsim {
namespace {

using namespace oracle_test;  // the hand-built machines (oracle_test_machine.h)

// A two-block DAX file, fully written, and one process's program.
std::string Sealing(const std::string& program) {
  return R"x({"crashsim": 1, "name": "immutable-test", "config": {"background": "none"},
    "files": {"/f": {"size": 8192, "layout": "written", "fill": "41", "dax": true}},
    "processes": {"P1": [)x" +
         program + "]}}";
}

const char* const kSeal = R"x("fd = open /f rw", "s: seal fd")x";

std::vector<Finding> Immutable(const Scenario& scenario, const Machine& machine) {
  return AtEveryJournalPrefix(scenario, machine, CheckImmutable);
}

TEST_CASE("immutable after a crash: a returned seal is durable and freezes the map") {
  const Scenario scenario = LoadScenario(Sealing(kSeal));
  Machine machine = RunToEnd(scenario, Design::kDaxfileTracked);
  const uint32_t ino = InoOf(machine, "/f");
  REQUIRE(machine.ghost.seals.size() == 1);
  REQUIRE(machine.ghost.seals[0].active);
  REQUIRE(machine.journal.forced_seq() >= 1);
  SUBCASE("the modelled seal") {
    const std::vector<Finding> findings = Immutable(scenario, machine);
    CHECK_MESSAGE(findings.empty(), Describe(findings));
  }
  SUBCASE("an image that loses the seal's transaction") {
    const std::vector<Finding> findings = OnImage(scenario, machine, CrashImage{}, CheckImmutable);
    REQUIRE_MESSAGE(findings.size() == 1, Describe(findings));
    CHECK(findings[0].name == GuaranteeName(Guarantee::kImmutable));
    CHECK(Contains(findings[0].promise, "seal fd returned: the extent map of /f is frozen"));
    CHECK(findings[0].observed == "/f is not sealed after recovery: the seal was not durable");
    CHECK(findings[0].expected == "/f sealed, with the 2 block(s) it had when sealed");
  }
  SUBCASE("a durable move of a sealed block") {
    InodeCore core = machine.inode(ino).core;
    Extent extent = *core.extents.Find(0);
    const uint64_t was = extent.physical_block;
    extent.physical_block = was + 100;
    core.extents.Set(0, extent);
    CommitDurable(machine, ino, core, "move /f block 0 despite the seal");
    const std::vector<Finding> findings = Immutable(scenario, machine);
    REQUIRE_MESSAGE(findings.size() == 1, Describe(findings));
    CHECK(findings[0].name == GuaranteeName(Guarantee::kImmutable));
    CHECK(findings[0].observed == "after recovery, /f block 0 moved from device block " +
                                      std::to_string(was) + " to " + std::to_string(was + 100));
  }
  SUBCASE("a durable punch of a sealed block") {
    InodeCore core = machine.inode(ino).core;
    core.extents.Erase(1);
    CommitDurable(machine, ino, core, "punch /f block 1 despite the seal");
    const std::vector<Finding> findings = Immutable(scenario, machine);
    REQUIRE_MESSAGE(findings.size() == 1, Describe(findings));
    CHECK(findings[0].observed == "after recovery, /f block 1 is now a hole");
  }
}

TEST_CASE("immutable after a crash: a sealed file is fully written and unshared") {
  // A seal that returned over a file with a hole at block 1 (a kernel that skipped the check):
  // its snapshot holds, the file does not.
  const Scenario scenario = LoadScenario(Sealing(R"x("fd = open /f rw")x"));
  Machine machine = RunToEnd(scenario, Design::kDaxfileTracked);
  const uint32_t ino = InoOf(machine, "/f");
  InodeCore core = machine.inode(ino).core;
  core.sealed = true;
  SUBCASE("fully written") {
    CommitDurable(machine, ino, core, "seal /f");
    machine.ghost.seals.push_back(SealRecord{ino, core.extents, "P1: seal /f", true});
    const std::vector<Finding> findings = Immutable(scenario, machine);
    CHECK_MESSAGE(findings.empty(), Describe(findings));
  }
  SUBCASE("with a hole") {
    core.extents.Erase(1);
    CommitDurable(machine, ino, core, "seal /f");
    machine.ghost.seals.push_back(SealRecord{ino, core.extents, "P1: seal /f", true});
    const std::vector<Finding> findings = Immutable(scenario, machine);
    REQUIRE_MESSAGE(findings.size() == 1, Describe(findings));
    CHECK(findings[0].name == GuaranteeName(Guarantee::kImmutable));
    CHECK(findings[0].promise == "O7: a sealed file is fully written and unshared");
    CHECK(findings[0].observed == "after recovery /f is sealed with a hole at block 1");
    CHECK(findings[0].expected == "/f unsealed with its old map, or sealed and fully written");
  }
  SUBCASE("with an unwritten extent, no seal recorded") {
    Extent extent = *core.extents.Find(1);
    extent.state = ExtentState::kUnwritten;
    core.extents.Set(1, extent);
    CommitDurable(machine, ino, core, "seal /f");
    const std::vector<Finding> findings = Immutable(scenario, machine);
    REQUIRE_MESSAGE(findings.size() == 1, Describe(findings));
    CHECK(findings[0].observed ==
          "after recovery /f is sealed with an unwritten extent at block 1");
  }
}

TEST_CASE("immutable in the running system: the in-core map stays the snapshot") {
  SUBCASE("sealed") {
    const Scenario scenario = LoadScenario(Sealing(kSeal));
    Machine machine = RunToEnd(scenario, Design::kDaxfileTracked);
    const uint32_t ino = InoOf(machine, "/f");
    std::vector<Finding> findings;
    CheckImmutableVolatile(machine, &findings);
    CHECK_MESSAGE(findings.empty(), Describe(findings));

    SUBCASE("a block punched in memory") {
      machine.inode(ino).core.extents.Erase(1);
      CheckImmutableVolatile(machine, &findings);
      REQUIRE_MESSAGE(findings.size() == 1, Describe(findings));
      CHECK(findings[0].name == GuaranteeName(Guarantee::kImmutable));
      CHECK(findings[0].observed == "in the running system, /f block 1 is now a hole");
      CHECK(!findings[0].has_witness);
    }
    SUBCASE("a block newly mapped in memory") {
      const uint64_t block = machine.inode(ino).core.extents.Find(1)->physical_block;
      machine.inode(ino).core.extents.Set(2, Extent{block + 100, ExtentState::kWritten});
      CheckImmutableVolatile(machine, &findings);
      REQUIRE_MESSAGE(findings.size() == 1, Describe(findings));
      CHECK(findings[0].observed ==
            "in the running system, /f block 2 is newly mapped to device block " +
                std::to_string(block + 100));
    }
    SUBCASE("a block turned unwritten in memory") {
      Extent extent = *machine.inode(ino).core.extents.Find(1);
      extent.state = ExtentState::kUnwritten;
      machine.inode(ino).core.extents.Set(1, extent);
      CheckImmutableVolatile(machine, &findings);
      REQUIRE_MESSAGE(findings.size() == 1, Describe(findings));
      CHECK(findings[0].observed == "in the running system, /f block 1 is now unwritten");
    }
    SUBCASE("a block turned written where the snapshot had it unwritten") {
      // Not a state the modelled seal leaves (it writes a file fully first); the text must still
      // say which way the state changed.
      ExtentMap snapshot = machine.ghost.seals[0].snapshot;
      Extent extent = *snapshot.Find(1);
      extent.state = ExtentState::kUnwritten;
      snapshot.Set(1, extent);
      machine.ghost.seals[0].snapshot = snapshot;
      CheckImmutableVolatile(machine, &findings);
      REQUIRE_MESSAGE(findings.size() == 1, Describe(findings));
      CHECK(findings[0].observed == "in the running system, /f block 1 is now written");
    }
    SUBCASE("the flag cleared in memory") {
      machine.inode(ino).core.sealed = false;
      CheckImmutableVolatile(machine, &findings);
      REQUIRE_MESSAGE(findings.size() == 1, Describe(findings));
      CHECK(findings[0].observed == "/f is no longer sealed in memory");
    }
  }
  SUBCASE("unsealed: a map change is allowed") {
    const Scenario scenario =
        LoadScenario(Sealing(R"x("fd = open /f rw", "s: seal fd", "u: unseal fd")x"));
    Machine machine = RunToEnd(scenario, Design::kDaxfileTracked);
    REQUIRE(machine.ghost.seals.size() == 1);
    REQUIRE(!machine.ghost.seals[0].active);
    machine.inode(InoOf(machine, "/f")).core.extents.Erase(1);
    std::vector<Finding> findings;
    CheckImmutableVolatile(machine, &findings);
    CHECK_MESSAGE(findings.empty(), Describe(findings));
  }
}

}  // namespace
}  // namespace crashsim
