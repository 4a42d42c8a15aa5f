// The coherence oracle (O8) on reads a hand-built machine observed. A buffered read after a write
// returns the write; the same read served from a stale copy (the file's old bytes: legitimate
// data, so no-stale-data stays silent) fires, naming the byte and the latest write's value. A
// load forwards the reader's own store from its store buffer, and a load that missed it fires.
// Direct I/O mixed with the page cache promises nothing and is not checked.
#include "sim/oracles/coherence.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "sim/oracles/oracle_test_machine.h"
#include "sim/oracles/stale_data.h"

namespace crashsim {
namespace {

using namespace oracle_test;  // the hand-built machines (oracle_test_machine.h)

std::string OneProcess(const std::string& program, bool dax) {
  return std::string(R"x({"crashsim": 1, "name": "coherence-test", "config": {"background": "none"},
    "files": {"/f": {"size": 8192, "layout": "written", "fill": "2e", "dax": )x") +
         (dax ? "true" : "false") + R"x(}}, "processes": {"P1": [)x" + program + "]}}";
}

// Runs the program on `machine` and returns its one observed read.
ObservedRead RunAndRead(const Scenario& scenario, Machine* machine) {
  const std::vector<ObservedRead> reads = Step(*machine, scenario, 0);
  REQUIRE(reads.size() == 1);
  return reads[0];
}

TEST_CASE("coherence: a buffered read returns the latest write") {
  const Scenario scenario = LoadScenario(
      OneProcess(R"x("fd = open /f rw", "pwrite fd 4095 'xy'", "x = pread fd 4094 4")x", false));
  Machine machine = BuildInitialMachine(scenario, Design::kKernelTracked);
  const ObservedRead read = RunAndRead(scenario, &machine);
  REQUIRE(read.coherent_path);
  REQUIRE(read.data.bytes == std::vector<uint8_t>{'.', 'x', 'y', '.'});
  SUBCASE("the modelled read") {
    std::vector<Finding> findings;
    CheckReadCoherent(machine, TextRuns{}, read, &findings);
    CHECK_MESSAGE(findings.empty(), Describe(findings));
  }
  SUBCASE("a read served from a copy that missed the write's second page") {
    ObservedRead stale = read;
    stale.data.bytes[2] = '.';
    stale.data.origins[2] = DataOrigin(read.ino, 4096);  // the initial contents: legitimate data
    std::vector<Finding> findings;
    CheckReadCoherent(machine, TextRuns{}, stale, &findings);
    REQUIRE_MESSAGE(findings.size() == 1, Describe(findings));
    CHECK(findings[0].name == GuaranteeName(Guarantee::kCoherence));
    CHECK(findings[0].promise == "O8: a read on a shared path returns the latest write");
    CHECK(findings[0].observed == read.what + " returned '.' at /f[4096]");
    CHECK(findings[0].expected == "'y' (the latest write to that byte)");
    CHECK(!findings[0].has_witness);
    // Old bytes of the same file at the same offset are no stale data: only O8 sees this.
    std::vector<Finding> stale_findings;
    CheckReadNotStale(machine, TextRuns{}, stale, &stale_findings);
    CHECK_MESSAGE(stale_findings.empty(), Describe(stale_findings));
  }
}

TEST_CASE("coherence: direct I/O on a page-cache file is not checked") {
  const Scenario scenario = LoadScenario(OneProcess(
      R"x("fd = open /f rw", "pwrite fd 0 'xy'", "dd = open /f rw direct", "x = pread dd 0 4096")x",
      false));
  Machine machine = BuildInitialMachine(scenario, Design::kKernelTracked);
  ObservedRead read = RunAndRead(scenario, &machine);
  REQUIRE(!read.coherent_path);
  // The modelled direct read writes the dirty page back first and returns 'x'; one racing a
  // buffered write may return the device's old bytes, which O8 allows off the shared path.
  REQUIRE(read.data.bytes[0] == 'x');
  read.data.bytes[0] = '.';
  std::vector<Finding> findings;
  CheckReadCoherent(machine, TextRuns{}, read, &findings);
  CHECK_MESSAGE(findings.empty(), Describe(findings));
  // The same bytes on a shared path would break O8.
  read.coherent_path = true;
  CheckReadCoherent(machine, TextRuns{}, read, &findings);
  REQUIRE_MESSAGE(findings.size() == 1, Describe(findings));
  CHECK(findings[0].observed == read.what + " returned '.' at /f[0]");
  CHECK(findings[0].expected == "'x' (the latest write to that byte)");
}

TEST_CASE("coherence: a load forwards the reader's own buffered store") {
  // The store has not drained: globally, /f[0] is still '.'.
  const Scenario scenario = LoadScenario(OneProcess(
      R"x("fd = open /f rw", "m = mmap fd 0 4096 shared", "store m+0 'S'", "x = load m+0 1")x",
      true));
  Machine machine = BuildInitialMachine(scenario, Design::kKernelTracked);
  const ObservedRead read = RunAndRead(scenario, &machine);
  REQUIRE(!machine.processes[0].cpu.store_buffer.empty());
  REQUIRE(read.data.bytes == std::vector<uint8_t>{'S'});
  SUBCASE("the modelled load") {
    std::vector<Finding> findings;
    CheckReadCoherent(machine, TextRuns{}, read, &findings);
    CHECK_MESSAGE(findings.empty(), Describe(findings));
  }
  SUBCASE("a load that read memory past its own store") {
    ObservedRead missed = read;
    missed.data.bytes[0] = '.';
    std::vector<Finding> findings;
    CheckReadCoherent(machine, TextRuns{}, missed, &findings);
    REQUIRE_MESSAGE(findings.size() == 1, Describe(findings));
    CHECK(findings[0].name == GuaranteeName(Guarantee::kCoherence));
    CHECK(findings[0].expected == "'S' (the latest write to that byte)");
  }
}

}  // namespace
}  // namespace crashsim
