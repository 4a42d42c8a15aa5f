#include "sim/reach/canonical_schedule.h"

#include <doctest/doctest.h>

#include "sim/scenario/loader.h"

namespace crashsim {
namespace {

Scenario Load(const std::string& text) {
  StatusOr<Scenario> scenario = LoadScenarioText(text, "test.json");
  REQUIRE_MESSAGE(scenario.ok(), scenario.status().message());
  return *std::move(scenario);
}

TEST_CASE("a pwrite, a pread and an error come out in order with their model results") {
  const Scenario scenario = Load(R"json({
    "crashsim": 1, "name": "t",
    "files": { "/f": { "size": 4096, "layout": "written", "fill": "30" } },
    "processes": {
      "W": ["fd = open /f rw", "pwrite fd 1 'xy'", "fsync fd"],
      "R": ["fd = open /f ro", "v = pread fd 0 4", "ftruncate fd 0"]
    }
  })json");
  const CanonicalRun run = RunCanonicalSchedule(scenario, Design::kMapSync);
  REQUIRE(run.ops.size() == 6);
  CHECK_FALSE(run.stuck);
  const int writer = 0, reader = 1;
  CHECK(run.ops[0].pid == writer);
  CHECK(run.ops[1].result == "2");
  CHECK(run.ops[2].steps.size() > 1);  // fsync has inner steps
  CHECK(run.ops[2].result == "0");
  CHECK(run.ops[3].pid == reader);
  CHECK(run.ops[4].result == "4");
  REQUIRE(run.ops[4].read.has_value());
  CHECK(*run.ops[4].read == std::vector<uint8_t>{'0', 'x', 'y', '0'});
  CHECK(run.ops[5].result == "EBADF");  // a read-only fd cannot be truncated
}

TEST_CASE("a barrier hands the schedule to the next process and back") {
  const Scenario scenario = Load(R"json({
    "crashsim": 1, "name": "t",
    "files": { "/f": { "size": 4096, "layout": "written", "fill": "30" } },
    "processes": {
      "A": ["fd = open /f rw", "barrier b", "pwrite fd 0 'a'"],
      "B": ["fd = open /f rw", "pwrite fd 1 'b'", "barrier b"]
    }
  })json");
  const CanonicalRun run = RunCanonicalSchedule(scenario, Design::kMapSync);
  REQUIRE(run.ops.size() == 6);
  std::vector<std::pair<int, size_t>> order;
  for (const CanonicalOp& op : run.ops) order.emplace_back(op.pid, op.op_index);
  CHECK(order == std::vector<std::pair<int, size_t>>{{0, 0}, {0, 1}, {1, 0}, {1, 1}, {1, 2}, {0, 2}});
  CHECK(run.ops[1].result == "0");
  CHECK(run.ops[5].result == "1");
}

TEST_CASE("a process killed by a signal ends at the op it died in; the others go on") {
  const Scenario scenario = Load(R"json({
    "crashsim": 1, "name": "t",
    "files": { "/f": { "size": 8192, "layout": "written", "fill": "30" } },
    "processes": {
      "K": ["fd = open /f rw", "m = mmap fd 0 8192 shared", "ftruncate fd 100",
            "store m+4096 'R'", "pwrite fd 0 'never'", "fsync fd"],
      "O": ["fd = open /f rw", "pwrite fd 1 'o'"]
    }
  })json");
  const CanonicalRun run = RunCanonicalSchedule(scenario, Design::kMapSync);
  CHECK_FALSE(run.stuck);
  REQUIRE(run.ops.size() == 6);
  CHECK(run.ops[3].pid == 0);
  CHECK(run.ops[3].op_index == 3);
  CHECK(run.ops[3].result == "SIGBUS");
  CHECK(run.ops[4].pid == 1);
  CHECK(run.ops[5].result == "1");
}

}  // namespace
}  // namespace crashsim
