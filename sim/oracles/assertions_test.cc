// The scenario's assertions (CheckAssertions) on hand-built machines, with the assertion search on
// and off. A write made durable by fsync satisfies its assertion; the same write left in the page
// cache violates it, the finding named after the assertion and showing what the recovered state
// read; an assertion whose `after` op has not returned is not checked. On persistent memory, a
// flag stored after its data was persisted holds in every combination of pending stores; stored
// with the data unflushed, some crash keeps the flag without the data, and that is the witness.
#include "sim/oracles/assertions.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "sim/oracles/oracle_test_machine.h"

namespace crashsim {
namespace {

using namespace oracle_test;  // the hand-built machines (oracle_test_machine.h)

std::string BlockScenario(const std::string& program) {
  return R"x({"crashsim": 1, "name": "assertions-test", "config": {"background": "none"},
    "files": {"/f": {"size": 4096, "layout": "written", "fill": "2e"}},
    "processes": {"P1": [)x" +
         program + R"x(]},
    "assert": [
      {"name": "xy-durable", "after": "P1.w", "check": "/f[0:2] == 'xy'"},
      {"name": "size-kept", "check": "size(/f) == 4096"}]})x";
}

std::string PmemScenario(const std::string& program) {
  return R"x({"crashsim": 1, "name": "assertions-pmem-test", "config": {"background": "none"},
    "files": {"/f": {"size": 4096, "layout": "written", "fill": "00", "dax": true}},
    "processes": {"P1": ["fd = open /f rw", "m = mmap fd 0 4096 shared", )x" +
         program + R"x(]},
    "assert": [{"name": "flag-implies-data", "check": "/f[256:257] == 0x01 -> /f[0:16] == fill(44, 16)"}]})x";
}

// The findings of every assertion at every journal prefix, with the search on; with it off the
// findings must be the same.
std::vector<Finding> Assertions(const Scenario& scenario, const Machine& machine) {
  std::vector<std::vector<Finding>> runs;
  for (const bool search : {true, false}) {
    runs.push_back(AtEveryJournalPrefix(
        scenario, machine, [&](const CrashContext& context, std::vector<Finding>* findings) {
          REQUIRE(CheckAssertions(context, search, findings));
        }));
  }
  REQUIRE(runs[0].size() == runs[1].size());
  for (size_t i = 0; i < runs[0].size(); ++i) {
    CHECK(runs[0][i].name == runs[1][i].name);
    CHECK(runs[0][i].observed == runs[1][i].observed);
    CHECK(runs[0][i].witness.persisted == runs[1][i].witness.persisted);
  }
  return runs[0];
}

TEST_CASE("assertions: a write made durable holds, one left in the page cache fires") {
  SUBCASE("fsync'd") {
    const Scenario scenario =
        LoadScenario(BlockScenario(R"x("fd = open /f rw", "w: pwrite fd 0 'xy'", "fsync fd")x"));
    const Machine machine = RunToEnd(scenario, Design::kKernelTracked);
    const std::vector<Finding> findings = Assertions(scenario, machine);
    CHECK_MESSAGE(findings.empty(), Describe(findings));
  }
  SUBCASE("not fsync'd") {
    const Scenario scenario =
        LoadScenario(BlockScenario(R"x("fd = open /f rw", "w: pwrite fd 0 'xy'")x"));
    const Machine machine = RunToEnd(scenario, Design::kKernelTracked);
    const std::vector<Finding> findings = Assertions(scenario, machine);
    REQUIRE_MESSAGE(findings.size() == 1, Describe(findings));
    const Finding& finding = findings[0];
    CHECK(finding.name == "xy-durable");
    CHECK(finding.promise == "assertion xy-durable (after P1.w)");
    CHECK(finding.expected == "/f[0:2] == 'xy'");
    CHECK(Contains(finding.observed, "/f[0:2]"));
    CHECK(Contains(finding.observed, "fill(2e, 2)"));
    CHECK(finding.has_witness);
  }
  SUBCASE("checked only once the `after` op returned") {
    const Scenario scenario =
        LoadScenario(BlockScenario(R"x("fd = open /f rw", "w: pwrite fd 0 'xy'")x"));
    Machine machine = BuildInitialMachine(scenario, Design::kKernelTracked);
    Step(machine, scenario, 0, /*steps=*/1);  // the open only
    const std::vector<Finding> findings = Assertions(scenario, machine);
    CHECK_MESSAGE(findings.empty(), Describe(findings));
  }
}

std::string ResultScenario(const std::string& check) {
  return R"x({"crashsim": 1, "name": "assertions-results-test", "config": {"background": "none"},
    "files": {"/f": {"size": 4096, "layout": "written", "fill": "2e"}},
    "processes": {"P1": ["fd = open /f rw", "w: pwrite fd 0 'xy'", "s: fsync fd", "u: unseal fd"]},
    "assert": [{"name": "r", "check": ")x" +
         check + R"x("}]})x";
}

TEST_CASE("assertions: an op's result compares with a count or an errno name") {
  SUBCASE("results as the ops returned them hold") {
    const Scenario scenario =
        LoadScenario(ResultScenario("P1.w == 2 && P1.s == 0 && P1.u in { EOPNOTSUPP, EPERM }"));
    const Machine machine = RunToEnd(scenario, Design::kKernelTracked);
    const std::vector<Finding> findings = Assertions(scenario, machine);
    CHECK_MESSAGE(findings.empty(), Describe(findings));
  }
  SUBCASE("a different result fires, showing the one recorded") {
    const Scenario scenario = LoadScenario(ResultScenario("P1.u == 0"));
    const Machine machine = RunToEnd(scenario, Design::kKernelTracked);
    const std::vector<Finding> findings = Assertions(scenario, machine);
    REQUIRE_MESSAGE(!findings.empty(), Describe(findings));
    CHECK(findings[0].name == "r");
    CHECK(findings[0].observed == "P1.u = EOPNOTSUPP");
  }
  SUBCASE("the same program under a design with a seal returns 0") {
    const Scenario scenario = LoadScenario(ResultScenario("P1.u == 0"));
    const Machine machine = RunToEnd(scenario, Design::kDaxfileTracked);
    CHECK(Assertions(scenario, machine).empty());
  }
  SUBCASE("an op that has not returned has no result: == fires, != holds") {
    for (const bool negated : {false, true}) {
      const Scenario scenario = LoadScenario(ResultScenario(negated ? "P1.s != 0" : "P1.s == 0"));
      Machine machine = BuildInitialMachine(scenario, Design::kKernelTracked);
      Step(machine, scenario, 0, 2);  // open and pwrite: the fsync has not run
      const std::vector<Finding> findings = Assertions(scenario, machine);
      CHECK(findings.empty() == negated);
      if (!negated) {
        REQUIRE(!findings.empty());
        CHECK(findings[0].observed == "P1.s = no result");
      }
    }
  }
}

TEST_CASE("assertions: a flag durable without its data is found among the pending stores") {
  SUBCASE("the data persisted before the flag was stored") {
    const Scenario scenario = LoadScenario(PmemScenario(
        R"x("store m+0 fill(44, 16)", "persist m+0 16", "store m+256 0x01", "mfence")x"));
    const Machine machine = RunToEnd(scenario, Design::kKernelTracked);
    REQUIRE(!machine.device.pending().empty());  // the flag may or may not persist
    const std::vector<Finding> findings = Assertions(scenario, machine);
    CHECK_MESSAGE(findings.empty(), Describe(findings));
  }
  SUBCASE("the data not flushed") {
    const Scenario scenario =
        LoadScenario(PmemScenario(R"x("store m+0 fill(44, 16)", "store m+256 0x01", "mfence")x"));
    const Machine machine = RunToEnd(scenario, Design::kKernelTracked);
    const std::vector<Finding> findings = Assertions(scenario, machine);
    REQUIRE_MESSAGE(findings.size() == 1, Describe(findings));
    const Finding& finding = findings[0];
    CHECK(finding.name == "flag-implies-data");
    CHECK(finding.expected == "/f[256:257] == 0x01 -> /f[0:16] == fill(44, 16)");
    CHECK(Contains(finding.observed, "/f[0:16]"));
    // The witness keeps the flag's store and loses a piece of the data.
    bool flag_kept = false;
    for (const PendingWrite& write : machine.device.pending()) {
      if (write.address % 4096 == 256 && finding.witness.persisted.count(write.id)) {
        flag_kept = true;
      }
    }
    CHECK(flag_kept);
    CHECK(!finding.lost.empty());
  }
}

TEST_CASE("assertions: what was read, as the scenario wrote it, each leaf once") {
  const auto observed = [](const std::string& program, const std::string& check) {
    const Scenario scenario = LoadScenario(
        R"x({"crashsim": 1, "name": "observed-test", "config": {"background": "none"},
        "files": {"/f": {"size": 4096, "layout": "written", "fill": "2e"}},
        "processes": {"P1": [)x" + program + R"x(]},
        "assert": [{"name": "a", "check": ")x" + check + R"x("}]})x");
    const std::vector<Finding> findings =
        Assertions(scenario, RunToEnd(scenario, Design::kKernelTracked));
    REQUIRE_MESSAGE(!findings.empty(), check);
    return findings[0].observed;
  };
  // 'XXXXXXXX' made durable, 'YY' over it lost: the bytes read show as the text they were written
  // as, and a range read twice is said once.
  const std::string written = R"x("fd = open /f rw", "pwrite fd 0 'XXXXXXXX'", "fsync fd", )x";
  CHECK(observed(written + R"x("pwrite fd 0 'YY'")x",
                 "/f[0:8] == 'YYXXXXXX' || /f[0:8] == 'YYYYYYYY'") == "/f[0:8] = 'XXXXXXXX'");
  // The same bytes written as a fill stay a fill; so do bytes the scenario never wrote as text.
  const std::string filled = R"x("fd = open /f rw", "pwrite fd 0 fill(58, 8)", "fsync fd", )x";
  CHECK(observed(filled + R"x("pwrite fd 0 'YY'")x", "/f[0:8] == 'YYXXXXXX'") ==
        "/f[0:8] = fill(58, 8)");
  CHECK(observed(R"x("fd = open /f rw", "pwrite fd 0 'YY'")x", "/f[0:2] == 'YY'") ==
        "/f[0:2] = fill(2e, 2)");
  // A range past the end of the recovered file says so, with the file's size.
  CHECK(observed(R"x("fd = open /f rw", "pwrite fd 4096 'B'")x", "/f[4096:4097] == 'B'") ==
        "/f[4096:4097]: past the end of /f (size 4096)");
}

}  // namespace
}  // namespace crashsim
