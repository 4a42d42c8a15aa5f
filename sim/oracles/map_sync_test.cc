// The map-sync oracle (O4) on a hand-built machine: a store through a MAP_SYNC mapping into a
// hole, so the write fault allocates the block and (map-sync design) forces its allocation to the
// log before the page becomes writable. The modelled fault keeps the page reachable at every
// journal prefix; a fault that skips the log force (a Faults switch), a durable remap of the page
// and a durable conversion back to unwritten each fire, naming the page and the block; a promise
// ended by a map change that unmapped the page is not checked.
#include "sim/oracles/map_sync.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "sim/oracles/oracle_test_machine.h"

namespace crashsim {
namespace {

using namespace oracle_test;  // the hand-built machines (oracle_test_machine.h)

const char* const kSyncStore = R"x({"crashsim": 1, "name": "map-sync-test",
  "config": {"background": "none"},
  "files": {"/f": {"size": 8192, "layout": "hole", "dax": true}},
  "processes": {"P1": ["fd = open /f rw", "m = mmap fd 0 8192 shared validate sync",
                       "store m+4096 'XXXXXXXX'", "sfence"]}})x";

std::vector<Finding> MapSync(const Scenario& scenario, const Machine& machine) {
  return AtEveryJournalPrefix(scenario, machine, CheckMapSync);
}

TEST_CASE("map-sync: the modelled write fault keeps the page reachable") {
  const Scenario scenario = LoadScenario(kSyncStore);
  const Machine machine = RunToEnd(scenario, Design::kMapSync);
  REQUIRE(machine.ghost.map_sync.size() == 1);
  CHECK(machine.ghost.map_sync[0].page == 1);
  const std::vector<Finding> findings = MapSync(scenario, machine);
  CHECK_MESSAGE(findings.empty(), Describe(findings));
}

TEST_CASE("map-sync: a write fault that does not force the allocation fires") {
  const Scenario scenario = LoadScenario(kSyncStore);
  Faults faults;
  faults.map_sync_fault_skips_log_force = true;
  const Machine machine = RunToEnd(scenario, Design::kMapSync, faults);
  REQUIRE(machine.ghost.map_sync.size() == 1);
  const MapSyncPromise& promise = machine.ghost.map_sync[0];
  const std::vector<Finding> findings = MapSync(scenario, machine);
  REQUIRE_MESSAGE(findings.size() == 1, Describe(findings));
  CHECK(findings[0].name == GuaranteeName(Guarantee::kMapSync));
  CHECK(Contains(findings[0].promise, "store m+4096 'XXXXXXXX'"));
  CHECK(Contains(findings[0].promise, "mapped /f page 1 writable through a sync mapping"));
  CHECK(findings[0].observed == "/f page 1 is a hole after recovery (reads zero)");
  CHECK(findings[0].expected == "/f page 1 -> block " + std::to_string(promise.physical_block) +
                                    " (written), as when it was mapped");
}

TEST_CASE("map-sync: a durable map change under the mapping fires unless it ended the promise") {
  const Scenario scenario = LoadScenario(kSyncStore);
  Machine machine = RunToEnd(scenario, Design::kMapSync);
  const uint32_t ino = InoOf(machine, "/f");
  const uint64_t block = machine.ghost.map_sync[0].physical_block;
  InodeCore core = machine.inode(ino).core;
  Extent extent = *core.extents.Find(1);
  REQUIRE(extent.physical_block == block);
  SUBCASE("the page moved to another block") {
    extent.physical_block = block + 1;
    core.extents.Set(1, extent);
    CommitDurable(machine, ino, core, "move /f page 1");
    std::vector<Finding> findings = MapSync(scenario, machine);
    REQUIRE_MESSAGE(findings.size() == 1, Describe(findings));
    CHECK(findings[0].name == GuaranteeName(Guarantee::kMapSync));
    CHECK(findings[0].observed ==
          "/f page 1 maps block " + std::to_string(block + 1) + " after recovery");
    SUBCASE("a map change that unmapped the page ended the promise") {
      machine.ghost.map_sync[0].ended = true;
      findings = MapSync(scenario, machine);
      CHECK_MESSAGE(findings.empty(), Describe(findings));
    }
  }
  SUBCASE("the page turned unwritten") {
    extent.state = ExtentState::kUnwritten;
    core.extents.Set(1, extent);
    CommitDurable(machine, ino, core, "convert /f page 1 to unwritten");
    const std::vector<Finding> findings = MapSync(scenario, machine);
    REQUIRE_MESSAGE(findings.size() == 1, Describe(findings));
    CHECK(findings[0].observed == "/f page 1 is unwritten after recovery (reads zero)");
  }
}

}  // namespace
}  // namespace crashsim
