// The no-stale-data oracle (O6) on hand-built machines. After a crash: an unwritten extent and a
// write the kernel made durable in order read legitimately; a conversion to written logged ahead
// of the data exposes the free space's stale bytes, and a map pointing at another file's block
// exposes that file's data, unless a recorded move (a reflink) carried it there. Before a crash:
// a read returning what was written holds, one returning stale bytes fires.
#include "sim/oracles/stale_data.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "sim/oracles/oracle_test_machine.h"

namespace crashsim {
namespace {

using namespace oracle_test;  // the hand-built machines (oracle_test_machine.h)

// /f: a written block of 'A', then a preallocated (unwritten) block; /g: a written block of 'B'.
// The device's free space holds 'Z'.
std::string Scenario2(const std::string& program) {
  return R"({"crashsim": 1, "name": "stale-test", "config": {"background": "none"},
    "files": {
      "/f": {"size": 8192, "stale": "5a", "layout": [
        {"offset": 0, "length": 4096, "layout": "written", "fill": "41"},
        {"offset": 4096, "length": 4096, "layout": "unwritten"}]},
      "/g": {"size": 4096, "layout": "written", "fill": "42"}},
    "processes": {"P1": [)" +
         program + "]}}";
}

std::vector<Finding> NoStaleData(const Scenario& scenario, const Machine& machine) {
  return AtEveryJournalPrefix(scenario, machine, CheckNoStaleData);
}

TEST_CASE("no-stale-data after a crash: unwritten space and ordered writes read legitimately") {
  SUBCASE("the initial layout") {
    const Scenario scenario = LoadScenario(Scenario2(R"("fd = open /f rw")"));
    const Machine machine = RunToEnd(scenario, Design::kKernelTracked);
    const std::vector<Finding> findings = NoStaleData(scenario, machine);
    CHECK_MESSAGE(findings.empty(), Describe(findings));
  }
  SUBCASE("a write into the unwritten block, made durable by fsync") {
    const Scenario scenario =
        LoadScenario(Scenario2(R"("fd = open /f rw", "pwrite fd 4096 'xy'", "fsync fd")"));
    const Machine machine = RunToEnd(scenario, Design::kKernelTracked);
    const uint32_t ino = InoOf(machine, "/f");
    REQUIRE(machine.inode(ino).core.extents.Find(1)->state == ExtentState::kWritten);
    const std::vector<Finding> findings = NoStaleData(scenario, machine);
    CHECK_MESSAGE(findings.empty(), Describe(findings));
  }
}

TEST_CASE("no-stale-data after a crash: a conversion durable before its data fires") {
  // The write sits in the page cache; a buggy kernel logs and forces the block's conversion.
  const Scenario scenario = LoadScenario(Scenario2(R"("fd = open /f rw", "pwrite fd 4096 'xy'")"));
  Machine machine = RunToEnd(scenario, Design::kKernelTracked);
  const uint32_t ino = InoOf(machine, "/f");
  InodeCore core = machine.base->cores.at(ino);
  Extent extent = *core.extents.Find(1);
  REQUIRE(extent.state == ExtentState::kUnwritten);
  extent.state = ExtentState::kWritten;
  core.extents.Set(1, extent);
  CommitDurable(machine, ino, core, "convert /f block 1 ahead of its data");
  const std::vector<Finding> findings = NoStaleData(scenario, machine);
  REQUIRE_MESSAGE(findings.size() == 1, Describe(findings));
  const Finding& finding = findings[0];
  CHECK(finding.name == GuaranteeName(Guarantee::kNoStaleData));
  CHECK(finding.observed ==
        "/f[4096:8192] = fill(5a, 4096) after recovery: stale contents of free space");
  CHECK(finding.expected == "/f[4096:8192] = zeroes or data written to /f there");
  REQUIRE(finding.state.size() == 1);
  CHECK(finding.state[0] ==
        "/f block 1 -> device block " + std::to_string(extent.physical_block) + " (written)");
}

TEST_CASE("no-stale-data after a crash: another file's block fires unless a move put it there") {
  const Scenario scenario = LoadScenario(Scenario2(R"("fd = open /f rw")"));
  Machine machine = RunToEnd(scenario, Design::kKernelTracked);
  const uint32_t f = InoOf(machine, "/f");
  const uint32_t g = InoOf(machine, "/g");
  // /f block 0 remapped onto /g's block, durably, with no move recorded.
  InodeCore core = machine.base->cores.at(f);
  Extent extent = *core.extents.Find(0);
  extent.physical_block = machine.base->cores.at(g).extents.Find(0)->physical_block;
  core.extents.Set(0, extent);
  CommitDurable(machine, f, core, "remap /f block 0 onto /g's block");
  SUBCASE("no move recorded") {
    const std::vector<Finding> findings = NoStaleData(scenario, machine);
    REQUIRE_MESSAGE(findings.size() == 1, Describe(findings));
    CHECK(findings[0].name == GuaranteeName(Guarantee::kNoStaleData));
    CHECK(findings[0].observed ==
          "/f[0:4096] = fill(42, 4096) after recovery: data written to /g at offset 0");
  }
  SUBCASE("a reflink of /g into /f recorded the move") {
    machine.ghost.moves.push_back(DataMove{g, 0, f, 0, 4096});
    const std::vector<Finding> findings = NoStaleData(scenario, machine);
    CHECK_MESSAGE(findings.empty(), Describe(findings));
  }
}

TEST_CASE("no-stale-data before a crash: a read of stale bytes fires") {
  const Scenario scenario =
      LoadScenario(Scenario2(R"("fd = open /f rw", "pwrite fd 4096 'xy'", "x = pread fd 4094 4")"));
  Machine machine = BuildInitialMachine(scenario, Design::kKernelTracked);
  const std::vector<ObservedRead> reads = Step(machine, scenario, 0);
  REQUIRE(reads.size() == 1);
  const ObservedRead& read = reads[0];
  REQUIRE(read.data.bytes == std::vector<uint8_t>{'A', 'A', 'x', 'y'});
  SUBCASE("the modelled read") {
    std::vector<Finding> findings;
    CheckReadNotStale(machine, TextRuns{}, read, &findings);
    CHECK_MESSAGE(findings.empty(), Describe(findings));
  }
  SUBCASE("a read that returned an uninitialised page's bytes for the new write") {
    ObservedRead stale = read;
    for (size_t i = 2; i < 4; ++i) {
      stale.data.bytes[i] = 0x5a;
      stale.data.origins[i] = kOriginStale;
    }
    std::vector<Finding> findings;
    CheckReadNotStale(machine, TextRuns{}, stale, &findings);
    REQUIRE_MESSAGE(findings.size() == 1, Describe(findings));
    CHECK(findings[0].name == GuaranteeName(Guarantee::kNoStaleData));
    CHECK(findings[0].observed ==
          read.what + " returned fill(5a, 2) at /f[4096:4098]: stale contents of free space");
    CHECK(findings[0].expected == "zeroes or data written to that file at that offset");
    CHECK(!findings[0].has_witness);
  }
  SUBCASE("a read that returned /g's bytes") {
    ObservedRead foreign = read;
    foreign.data.origins[0] = DataOrigin(InoOf(machine, "/g"), 4094);
    std::vector<Finding> findings;
    CheckReadNotStale(machine, TextRuns{}, foreign, &findings);
    REQUIRE_MESSAGE(findings.size() == 1, Describe(findings));
    CHECK(Contains(findings[0].observed, "at /f[4094:4095]: data written to /g at offset 4094"));
  }
}

}  // namespace
}  // namespace crashsim
