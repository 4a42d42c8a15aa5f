// When the processes of a scenario count as independent (sim/explore/independence.h), and the
// reason given when they do not.
#include "sim/explore/independence.h"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <string>

#include "sim/explore/successors.h"
#include "sim/program/setup.h"
#include "sim/scenario/loader.h"

namespace crashsim {
namespace {

// Two files, /a and /b, and a DAX file /d of two pages; `rest` adds keys after "processes".
Scenario Load(const std::string& processes, const std::string& rest = "",
              const std::string& background = "none") {
  const std::string text = fmt::format(R"({{"crashsim": 1, "name": "independence",
    "models": ["kernel-tracked"], "config": {{"background": "{}"}},
    "files": {{"/a": {{"size": 4096, "layout": "written", "fill": "00"}},
              "/b": {{"size": 4096, "layout": "written", "fill": "00"}},
              "/d": {{"size": 8192, "layout": "written", "fill": "00", "dax": true}}}},
    "processes": {{{}}}{}}})",
                                       background, processes, rest);
  auto loaded = LoadScenarioText(text, "independence.json");
  REQUIRE_MESSAGE(loaded.ok(), text);
  return *loaded;
}

Independence Analyse(const Scenario& scenario) {
  const Machine initial = BuildInitialMachine(scenario, Design::kKernelTracked);
  return AnalyseIndependence(scenario, initial);
}

const std::string kOwnFiles =
    R"("P1": ["fd = open /a rw", "pwrite fd 0 'x'", "end: fsync fd"],
       "P2": ["fd = open /b rw", "pwrite fd 0 'y'", "fdatasync fd", "end: close fd"])";

TEST_CASE("own files, and checks that each read one process's file: independent") {
  const Independence independence = Analyse(Load(
      kOwnFiles, R"x(, "assert": [{"name": "a", "after": "P1.end", "check": "/a[0:1] == 'x'"},
                                {"name": "same-file", "check": "/b[0:1] == 'y' -> size(/b) == 4096"}])x"));
  CHECK(independence.applies);
  CHECK(independence.shared_inodes.empty());
}

TEST_CASE("an assertion that reads two processes' files: not independent, and why") {
  const Independence independence =
      Analyse(Load(kOwnFiles, R"(, "assert": [{"name": "both",
                                                "check": "/b[0:1] == 'y' -> /a[0:1] == 'x'"}])"));
  CHECK_FALSE(independence.applies);
  CHECK(independence.why_not == "assertion both reads what P1 and P2 write");
}

TEST_CASE("an assertion on a label of another process, or an observed item, counts its process") {
  CHECK_FALSE(Analyse(Load(kOwnFiles, R"(, "assert": [{"name": "x", "after": "P2.end",
                                                        "check": "/a[0:1] == 'x'"}])"))
                  .applies);
  const Independence observed = Analyse(Load(kOwnFiles, R"x(, "observe": ["size(/a)", "/b[0:1]"])x"));
  CHECK(observed.applies);
}

TEST_CASE("one file used whole by two processes: not independent") {
  const Independence independence = Analyse(Load(
      R"("P1": ["fd = open /a rw", "pwrite fd 0 'x'"], "P2": ["fd = open /a ro", "fsync fd"])"));
  CHECK_FALSE(independence.applies);
  CHECK(independence.why_not == "P1 and P2 both use /a");
}

TEST_CASE("a DAX file mapped by two, each on its own page: independent, the file shared") {
  const std::string own_pages =
      R"("P1": ["fd = open /d rw", "m = mmap fd 0 8192 shared", "store m+0 0x01", "clwb m+0", "sfence"],
         "P2": ["fd = open /d rw", "m = mmap fd 4096 4096 shared", "store m+64 0x02", "persist m+64 1"])";
  const Independence independence = Analyse(Load(own_pages));
  CHECK(independence.applies);
  CHECK(independence.shared_inodes.size() == 1);
  // P2 maps from offset 4096: its store at m+64 is on the file's page 1, P1's on page 0. A store
  // of P1 to page 1 meets P2's.
  const Independence same_page = Analyse(Load(
      R"("P1": ["fd = open /d rw", "m = mmap fd 0 8192 shared", "store m+4096 0x01"],
         "P2": ["fd = open /d rw", "m = mmap fd 4096 4096 shared", "store m+64 0x02"])"));
  CHECK_FALSE(same_page.applies);
  CHECK(same_page.why_not == "P1 and P2 both reach page 1 of /d");
  // An msync uses the file whole.
  const Independence msync = Analyse(Load(
      R"("P1": ["fd = open /d rw", "m = mmap fd 0 4096 shared", "store m+0 0x01", "msync m 0 4096 sync"],
         "P2": ["fd = open /d rw", "m = mmap fd 4096 4096 shared", "store m+64 0x02"])"));
  CHECK_FALSE(msync.applies);
}

TEST_CASE("ops the footprints do not describe, the background, one process: not independent") {
  CHECK(Analyse(Load(R"("P1": ["creat /c"], "P2": ["fd = open /b rw", "fsync fd"])")).why_not ==
        "P1 runs 'creat /c', which this reduction does not describe");
  CHECK_FALSE(Analyse(Load(R"("P1": ["fd = open /a rw trunc"], "P2": ["sync"])")).applies);
  CHECK(Analyse(Load(kOwnFiles, "", "explore")).why_not ==
        "the background writes back every file");
  CHECK(Analyse(Load(R"("P1": ["fd = open /a rw", "fsync fd"])")).why_not == "one process");
}

TEST_CASE("a step that allocates keeps the independence only when the others have finished") {
  const std::string text = R"({"crashsim": 1, "name": "allocating",
    "models": ["kernel-tracked"], "config": {"background": "none"},
    "files": {"/a": {"size": 4096, "layout": "hole"}, "/b": {"size": 4096, "layout": "hole"}},
    "processes": {"P1": ["fd = open /a rw", "pwrite fd 0 'x'", "fsync fd"],
                  "P2": ["fd = open /b rw", "pwrite fd 0 'y'"]}})";
  auto loaded = LoadScenarioText(text, "allocating.json");
  REQUIRE(loaded.ok());
  const Scenario& scenario = *loaded;
  Machine machine = BuildInitialMachine(scenario, Design::kKernelTracked);
  const Independence independence = AnalyseIndependence(scenario, machine);
  REQUIRE(independence.applies);
  const StepChoice p1{StepChoice::Kind::kProcess, 0, {}};
  machine = TakeStep(machine, scenario, p1).machine;  // the open allocates nothing
  const Successor write = TakeStep(machine, scenario, p1);
  bool allocated = false;
  Machine at = machine;
  Successor step = write;
  // The buffered write into a hole reserves a block (delayed allocation) at some inner step.
  while (at.processes[0].pc < 2) {
    allocated = allocated || !KeepsIndependence(independence, scenario, at, step.machine, 0);
    at = step.machine;
    if (at.processes[0].pc < 2) step = TakeStep(at, scenario, p1);
  }
  CHECK(allocated);
  // With P2 done, the same steps keep it.
  Machine p2_done = BuildInitialMachine(scenario, Design::kKernelTracked);
  const StepChoice p2{StepChoice::Kind::kProcess, 1, {}};
  while (p2_done.processes[1].pc < scenario.processes[1].program.size()) {
    p2_done = TakeStep(p2_done, scenario, p2).machine;
  }
  p2_done = TakeStep(p2_done, scenario, p1).machine;
  while (p2_done.processes[0].pc < 2) {
    const Successor next = TakeStep(p2_done, scenario, p1);
    CHECK(KeepsIndependence(independence, scenario, p2_done, next.machine, 0));
    p2_done = next.machine;
  }
}

}  // namespace
}  // namespace crashsim
