// A scenario with ops inserted (sim/fix/insert_ops.h): the program grows where asked, an
// assertion comparing an op's result still finds that op, and the original is untouched.
#include "sim/fix/insert_ops.h"

#include <doctest/doctest.h>

#include "sim/scenario/loader.h"

namespace crashsim {
namespace {

Scenario Load() {
  auto loaded = LoadScenarioText(R"({"crashsim": 1, "name": "insert",
    "files": {"/f": {"size": 4096, "layout": "written", "fill": "00"}},
    "processes": {"P1": ["fd = open /f rw", "pwrite fd 0 'A'", "s: fsync fd"],
                  "P2": ["fd = open /f ro"]},
    "assert": [{"name": "synced", "check": "P1.s == 0"}]})",
                                 "insert.json");
  REQUIRE(loaded.ok());
  return *loaded;
}

TEST_CASE("ops go in before the op at the position, and result references follow") {
  const Scenario scenario = Load();
  REQUIRE(scenario.assertions[0].check.result_op == 2);
  auto inserted = InsertOps(scenario, 0, 2, {"fdatasync fd", "sfence"});
  REQUIRE(inserted.ok());
  const std::vector<Op>& program = inserted->processes[0].program;
  REQUIRE(program.size() == 5);
  CHECK(program[2].kind == OpKind::kFdatasync);
  CHECK(program[2].fd == "fd");
  CHECK(program[3].kind == OpKind::kSfence);
  CHECK(program[4].label == "s");
  CHECK(inserted->assertions[0].check.result_op == 4);
  CHECK(inserted->processes[1].program.size() == 1);
  CHECK(scenario.processes[0].program.size() == 3);  // a new value; the original is unchanged
}

TEST_CASE("appending, and what cannot be inserted") {
  const Scenario scenario = Load();
  auto appended = InsertOps(scenario, 1, 1, {"fsync fd"});
  REQUIRE(appended.ok());
  CHECK(appended->processes[1].program.back().kind == OpKind::kFsync);
  CHECK(appended->assertions[0].check.result_op == 2);  // another process: unchanged
  CHECK_FALSE(InsertOps(scenario, 0, 4, {"sfence"}).ok());
  CHECK_FALSE(InsertOps(scenario, 2, 0, {"sfence"}).ok());
  auto bad = InsertOps(scenario, 0, 1, {"fsync"});
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().message().find("'fsync'") == 0);
}

}  // namespace
}  // namespace crashsim
