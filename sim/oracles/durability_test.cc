// The durability oracles (fsync, fdatasync, sync-write, msync, sync) on hand-built machines. Each
// guarantee holds where the modelled kernel kept its promise, and fires, naming the guarantee, the
// file range and the bytes, where a returned promise's data is not durable: a promise the test
// adds to the ledger as a buggy kernel would return it, or (msync under daxfile-untracked) one the
// model itself breaks. Also: a promise covers only writes that happened before it, only its range,
// fdatasync does not promise timestamps, a failed call promises nothing, and sync promises names
// (of the files that existed when it was called).
#include "sim/oracles/durability.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "sim/oracles/oracle_test_machine.h"

namespace crashsim {
namespace {

using namespace oracle_test;  // the hand-built machines (oracle_test_machine.h)

// Two block-device files of '.' and the given programs (JSON members of "processes").
std::string BlockScenario(const std::string& processes) {
  return R"({"crashsim": 1, "name": "durability-test", "config": {"background": "none"},
    "files": {"/f": {"size": 4096, "layout": "written", "fill": "2e"},
              "/g": {"size": 4096, "layout": "written", "fill": "2e"}},
    "processes": {)" +
         processes + "}}";
}

// A DAX file of '.' and one process's program.
std::string DaxScenario(const std::string& program, bool sealed) {
  return std::string(
             R"({"crashsim": 1, "name": "durability-dax-test", "config": {"background": "none"},
    "files": {"/f": {"size": 8192, "layout": "written", "fill": "2e", "dax": true, "sealed": )") +
         (sealed ? "true" : "false") + R"(}},
    "processes": {"P1": [)" +
         program + "]}}";
}

std::vector<Finding> Durability(const Scenario& scenario, const Machine& machine) {
  return AtEveryJournalPrefix(scenario, machine, CheckDurability);
}

int ReturnedPromises(const Machine& machine, Guarantee guarantee) {
  int count = 0;
  for (const auto& promise : machine.ghost.promises) {
    count += promise->guarantee == guarantee && promise->returned && !promise->failed;
  }
  return count;
}

TEST_CASE("fsync: holds when the kernel made the data durable, fires when the data is not") {
  SUBCASE("the modelled fsync keeps its promise") {
    const Scenario scenario = LoadScenario(
        BlockScenario(R"("P1": ["fd = open /f rw", "pwrite fd 0 'xy'", "s: fsync fd"])"));
    const Machine machine = RunToEnd(scenario, Design::kKernelTracked);
    REQUIRE(ReturnedPromises(machine, Guarantee::kFsync) == 1);
    const std::vector<Finding> findings = Durability(scenario, machine);
    CHECK_MESSAGE(findings.empty(), Describe(findings));
  }
  SUBCASE("an fsync that returned with the write still in the page cache") {
    const Scenario scenario =
        LoadScenario(BlockScenario(R"("P1": ["fd = open /f rw", "pwrite fd 0 'xy'"])"));
    Machine machine = RunToEnd(scenario, Design::kKernelTracked);
    AddReturnedPromise(machine, Guarantee::kFsync, 0, InoOf(machine, "/f"));
    const std::vector<Finding> findings = Durability(scenario, machine);
    REQUIRE_MESSAGE(findings.size() == 1, Describe(findings));
    const Finding& finding = findings[0];
    CHECK(finding.name == GuaranteeName(Guarantee::kFsync));
    CHECK(Contains(finding.promise, "returned 0"));
    CHECK(finding.observed == "/f[0:2] = fill(2e, 2)");
    CHECK(Contains(finding.expected, "/f[0:2] = 'xy'"));
    CHECK(finding.has_witness);
  }
  // fdatasync, so that the timestamps (promised as they were at invocation, whoever changed
  // them) stay out of it: the data rule alone.
  SUBCASE("a write by another process that did not happen before the call is not covered") {
    const Scenario scenario = LoadScenario(BlockScenario(
        R"("P1": ["fd = open /f rw", "pwrite fd 0 'xy'"], "P2": ["fd = open /f rw"])"));
    Machine machine = RunToEnd(scenario, Design::kKernelTracked);
    // The same promise made by P1, the writer, covers the write and fires.
    AddReturnedPromise(machine, Guarantee::kFdatasync, 0, InoOf(machine, "/f"));
    CHECK(Durability(scenario, machine).size() == 1);
    machine.ghost.promises.pop_back();
    AddReturnedPromise(machine, Guarantee::kFdatasync, 1, InoOf(machine, "/f"));
    const std::vector<Finding> findings = Durability(scenario, machine);
    CHECK_MESSAGE(findings.empty(), Describe(findings));
  }
  SUBCASE("a call that failed promises nothing") {
    const Scenario scenario =
        LoadScenario(BlockScenario(R"("P1": ["fd = open /f rw", "pwrite fd 0 'xy'"])"));
    Machine machine = RunToEnd(scenario, Design::kKernelTracked);
    AddReturnedPromise(machine, Guarantee::kFsync, 0, InoOf(machine, "/f"));
    machine.ghost.ReturnPromise(machine.ghost.promises.size() - 1, /*failed=*/true);
    const std::vector<Finding> findings = Durability(scenario, machine);
    CHECK_MESSAGE(findings.empty(), Describe(findings));
  }
}

TEST_CASE("fsync promises the timestamps at invocation, fdatasync does not") {
  // After fdatasync the overwrite's data is durable; its timestamp update need not be.
  const Scenario scenario = LoadScenario(
      BlockScenario(R"("P1": ["fd = open /f rw", "pwrite fd 0 'xy'", "s: fdatasync fd"])"));
  Machine machine = RunToEnd(scenario, Design::kKernelTracked);
  REQUIRE(ReturnedPromises(machine, Guarantee::kFdatasync) == 1);
  SUBCASE("the modelled fdatasync keeps its promise") {
    const std::vector<Finding> findings = Durability(scenario, machine);
    CHECK_MESSAGE(findings.empty(), Describe(findings));
  }
  SUBCASE("an fsync returning at the same point, timestamps not forced") {
    const uint32_t ino = InoOf(machine, "/f");
    REQUIRE(machine.inode(ino).core.mtime > machine.base->cores.at(ino).mtime);
    AddReturnedPromise(machine, Guarantee::kFsync, 0, ino);
    const std::vector<Finding> findings = Durability(scenario, machine);
    REQUIRE_MESSAGE(findings.size() == 1, Describe(findings));
    CHECK(findings[0].name == GuaranteeName(Guarantee::kFsync));
    CHECK(Contains(findings[0].observed, "mtime(/f) = "));
    CHECK(Contains(findings[0].expected, "(the timestamps at invocation)"));
  }
}

TEST_CASE("fdatasync: fires when a returned fdatasync left the data in the page cache") {
  const Scenario scenario =
      LoadScenario(BlockScenario(R"("P1": ["fd = open /f rw", "pwrite fd 4000 'abc'"])"));
  Machine machine = RunToEnd(scenario, Design::kKernelTracked);
  SUBCASE("no promise, nothing checked") {
    const std::vector<Finding> findings = Durability(scenario, machine);
    CHECK_MESSAGE(findings.empty(), Describe(findings));
  }
  SUBCASE("a returned fdatasync") {
    AddReturnedPromise(machine, Guarantee::kFdatasync, 0, InoOf(machine, "/f"));
    const std::vector<Finding> findings = Durability(scenario, machine);
    REQUIRE_MESSAGE(findings.size() == 1, Describe(findings));
    CHECK(findings[0].name == GuaranteeName(Guarantee::kFdatasync));
    CHECK(findings[0].observed == "/f[4000:4003] = fill(2e, 3)");
    CHECK(Contains(findings[0].expected, "/f[4000:4003] = 'abc'"));
  }
}

TEST_CASE("sync-write: an O_DSYNC write is durable at return; a promise covers its range only") {
  SUBCASE("the modelled O_DSYNC write keeps its promise") {
    const Scenario scenario =
        LoadScenario(BlockScenario(R"("P1": ["fd = open /f rw dsync", "pwrite fd 0 'xy'"])"));
    const Machine machine = RunToEnd(scenario, Design::kKernelTracked);
    REQUIRE(ReturnedPromises(machine, Guarantee::kSyncWrite) == 1);
    const std::vector<Finding> findings = Durability(scenario, machine);
    CHECK_MESSAGE(findings.empty(), Describe(findings));
  }
  // [0, 2) was made durable by fsync; [2048, 2050) was written after it and sits in the cache.
  const Scenario scenario = LoadScenario(BlockScenario(
      R"("P1": ["fd = open /f rw", "pwrite fd 0 'xy'", "fsync fd", "pwrite fd 2048 'zw'"])"));
  Machine machine = RunToEnd(scenario, Design::kKernelTracked);
  const uint32_t ino = InoOf(machine, "/f");
  SUBCASE("a promise over the durable range holds") {
    AddReturnedPromise(machine, Guarantee::kSyncWrite, 0, ino, 0, 2);
    const std::vector<Finding> findings = Durability(scenario, machine);
    CHECK_MESSAGE(findings.empty(), Describe(findings));
  }
  SUBCASE("a promise over the cached range fires") {
    AddReturnedPromise(machine, Guarantee::kSyncWrite, 0, ino, 2048, 2050);
    const std::vector<Finding> findings = Durability(scenario, machine);
    REQUIRE_MESSAGE(findings.size() == 1, Describe(findings));
    CHECK(findings[0].name == GuaranteeName(Guarantee::kSyncWrite));
    CHECK(findings[0].observed == "/f[2048:2050] = fill(2e, 2)");
    CHECK(Contains(findings[0].expected, "'zw'"));
  }
}

TEST_CASE("msync: holds when the lines were written back, fires when they were not") {
  const std::string program =
      R"("fd = open /f rw", "m = mmap fd 0 8192 shared", "store m+4096 'xy'", "ms: msync m 4096 4096 sync")";
  SUBCASE("kernel-tracked writes the dirty lines back") {
    const Scenario scenario = LoadScenario(DaxScenario(program, /*sealed=*/false));
    const Machine machine = RunToEnd(scenario, Design::kKernelTracked);
    REQUIRE(ReturnedPromises(machine, Guarantee::kMsync) == 1);
    const std::vector<Finding> findings = Durability(scenario, machine);
    CHECK_MESSAGE(findings.empty(), Describe(findings));
  }
  SUBCASE("daxfile-untracked skips the write-back of a sealed file") {
    const Scenario scenario = LoadScenario(DaxScenario(program, /*sealed=*/true));
    const Machine machine = RunToEnd(scenario, Design::kDaxfileUntracked);
    const std::vector<Finding> findings = Durability(scenario, machine);
    REQUIRE_MESSAGE(findings.size() == 1, Describe(findings));
    CHECK(findings[0].name == GuaranteeName(Guarantee::kMsync));
    CHECK(Contains(findings[0].promise, "msync m 4096 4096 sync returned 0"));
    CHECK(findings[0].observed == "/f[4096:4098] = fill(2e, 2)");
    CHECK(Contains(findings[0].expected, "/f[4096:4098] = 'xy'"));
    // The store that the witness image leaves out is named.
    REQUIRE(!findings[0].lost.empty());
    CHECK(findings[0].lost[0].kind == PersistEvent::Kind::kDeviceWrite);
  }
  SUBCASE("a promise over a range the store did not touch holds") {
    const Scenario scenario = LoadScenario(DaxScenario(
        R"("fd = open /f rw", "m = mmap fd 0 8192 shared", "store m+4096 'xy'")", false));
    Machine machine = RunToEnd(scenario, Design::kKernelTracked);
    AddReturnedPromise(machine, Guarantee::kMsync, 0, InoOf(machine, "/f"), 0, 4096);
    const std::vector<Finding> findings = Durability(scenario, machine);
    CHECK_MESSAGE(findings.empty(), Describe(findings));
  }
}

TEST_CASE("sync: covers every file and its name") {
  SUBCASE("the modelled sync keeps its promise") {
    const Scenario scenario = LoadScenario(BlockScenario(
        R"("P1": ["fd = open /f rw", "pwrite fd 0 'xy'", "gd = open /g rw", "pwrite gd 8 'zw'", "creat /n", "sync"])"));
    const Machine machine = RunToEnd(scenario, Design::kKernelTracked);
    REQUIRE(ReturnedPromises(machine, Guarantee::kSync) == 1);
    const std::vector<Finding> findings = Durability(scenario, machine);
    CHECK_MESSAGE(findings.empty(), Describe(findings));
  }
  SUBCASE("a sync that wrote nothing back fires once per file") {
    const Scenario scenario = LoadScenario(BlockScenario(
        R"("P1": ["fd = open /f rw", "pwrite fd 0 'xy'", "gd = open /g rw", "pwrite gd 8 'zw'", "creat /n"])"));
    Machine machine = RunToEnd(scenario, Design::kKernelTracked);
    AddReturnedPromise(machine, Guarantee::kSync, 0, std::nullopt);
    const std::vector<Finding> findings = Durability(scenario, machine);
    REQUIRE_MESSAGE(findings.size() == 3, Describe(findings));
    for (const Finding& finding : findings) CHECK(finding.name == GuaranteeName(Guarantee::kSync));
    // Inode order: /f and /g from the scenario, then the created /n.
    CHECK(findings[0].observed == "/f[0:2] = fill(2e, 2)");
    CHECK(findings[1].observed == "/g[8:10] = fill(2e, 2)");
    CHECK(findings[2].observed == "/n does not exist after recovery");
    CHECK(findings[2].expected == "/n exists");
  }
  SUBCASE("a file created after the sync returned is not covered by it") {
    const Scenario scenario = LoadScenario(BlockScenario(
        R"("P1": ["sync", "fd = open /n rw creat", "pwrite fd 0 'late'", "mkdir /dir"])"));
    const Machine machine = RunToEnd(scenario, Design::kKernelTracked);
    REQUIRE(ReturnedPromises(machine, Guarantee::kSync) == 1);
    const std::vector<Finding> findings = Durability(scenario, machine);
    CHECK_MESSAGE(findings.empty(), Describe(findings));
  }
}

}  // namespace
}  // namespace crashsim
