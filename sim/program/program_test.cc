// The program stepper's handling of op results and of signals (docs/semantics.md 2.9 and 2.10):
// a result is recorded exactly for the ops an assertion compares; a store or load that faults
// with SIGBUS or SIGSEGV kills its process, whose later ops never run, whose files and mappings
// the exit releases, whose buffered stores still drain, and which no longer holds up a barrier.
#include "sim/program/program.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "sim/program/setup.h"
#include "sim/scenario/loader.h"

namespace crashsim {
namespace {

Scenario Load(const std::string& text) {
  auto loaded = LoadScenarioText(text, "program-test.json");
  REQUIRE_MESSAGE(loaded.ok(), (loaded.ok() ? "" : loaded.status().message()));
  return *loaded;
}

// Steps process `pid` while it can step; returns each step's report.
std::vector<TraceStep> Run(Machine& machine, const Scenario& scenario, int pid) {
  std::vector<TraceStep> steps;
  while (ProcessEnabled(machine, scenario, pid)) {
    steps.push_back(StepProcess(machine, scenario, pid).step);
  }
  return steps;
}

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// P1 shrinks its mapped file to 100 bytes, stores into the page past EOF, then would write and
// fsync; P2 (when present) reads the file's first byte afterwards through a mapping of its own.
std::string PastEofScenario(const std::string& extra_process) {
  return R"x({"crashsim": 1, "name": "past-eof", "config": {"background": "none"},
    "files": {"/f": {"size": 8192, "layout": "written", "fill": "41", "dax": true}},
    "processes": {
      "P1": ["fd = open /f rw", "m = mmap fd 0 8192 shared", "t: ftruncate fd 100",
             "a: store m+0 'Z'", "sb: store m+4096 'R'", "c: pwrite fd 0 'COMMIT'", "fs: fsync fd"]
      )x" + extra_process + R"x(},
    "assert": [{"name": "never", "after": "P1.fs", "check": "P1.c == 6"}]})x";
}

TEST_CASE("a store into a page past EOF raises SIGBUS and kills the process") {
  const Scenario scenario = Load(PastEofScenario(""));
  Machine machine = BuildInitialMachine(scenario, Design::kKernelTracked);
  const std::vector<TraceStep> steps = Run(machine, scenario, 0);
  const ProcessState& p1 = machine.processes[0];
  // The death is the trace's last step: the op it died in never returned.
  REQUIRE(!steps.empty());
  CHECK(steps.back().result == "SIGBUS: process killed");
  CHECK(Contains(steps.back().text, "sb: store m+4096 'R'"));
  CHECK(Contains(steps.back().text, "a page past EOF"));
  CHECK(Contains(steps.back().text, "exit: 1 mapping(s) unmapped, 1 file(s) closed"));
  CHECK(p1.killed_by == "SIGBUS");
  CHECK(ProcessKilled(machine, 0));
  CHECK(ProcessFinished(machine, scenario, 0));
  CHECK_FALSE(ProcessEnabled(machine, scenario, 0));
  // Its later ops never ran: no label after the fault is done, no result recorded.
  CHECK(p1.done_labels == std::set<std::string>{"t", "a"});
  CHECK(p1.pc == 4);
  CHECK(p1.results.empty());
  // The exit closed its file and dropped its mapping.
  CHECK(p1.fds.empty());
  CHECK(p1.vmas.empty());
  CHECK(p1.ptes.empty());
  CHECK(machine.inode(machine.names.at("/f")).open_count == 0);
}

TEST_CASE("the stores a killed process had issued still drain: another process sees them") {
  const Scenario scenario = Load(PastEofScenario(
      R"x(, "P2": ["fd = open /f ro", "m = mmap fd 0 4096 private", "v = load m+0 1"])x"));
  Machine machine = BuildInitialMachine(scenario, Design::kKernelTracked);
  Run(machine, scenario, 0);
  REQUIRE(machine.processes[0].killed_by == "SIGBUS");
  Run(machine, scenario, 1);
  CHECK(machine.processes[1].values.at("v") == std::vector<uint8_t>{'Z'});
}

TEST_CASE("a store through a mapping that failed raises SIGSEGV and kills the process") {
  const Scenario scenario = Load(R"x({"crashsim": 1, "name": "failed-mapping",
    "files": {"/f": {"size": 4096, "layout": "written", "fill": "00", "dax": true}},
    "processes": {"P1": ["fd = open /f rw", "mm: m = mmap fd 0 4096 shared validate sync",
                         "st: store m+0 'X'", "p: persist m+0 1"]},
    "assert": [{"name": "granted", "after": "P1.mm", "check": "P1.m == 0"}]})x");
  Machine machine = BuildInitialMachine(scenario, Design::kKernelTracked);
  const std::vector<TraceStep> steps = Run(machine, scenario, 0);
  CHECK(steps.back().result == "SIGSEGV: process killed");
  CHECK(machine.processes[0].killed_by == "SIGSEGV");
  CHECK(machine.processes[0].done_labels == std::set<std::string>{"mm"});
  // The failed mmap's result is recorded (an assertion compares it) under its op's index.
  CHECK(machine.processes[0].results == std::map<size_t, std::string>{{1, "EOPNOTSUPP"}});
  // Under map-sync the same program runs to its end.
  Machine granted = BuildInitialMachine(scenario, Design::kMapSync);
  Run(granted, scenario, 0);
  CHECK(granted.processes[0].killed_by.empty());
  CHECK(granted.processes[0].done_labels.count("p") == 1);
  CHECK(granted.processes[0].results == std::map<size_t, std::string>{{1, "0"}});
}

TEST_CASE("a DAX write fault that cannot allocate raises SIGBUS and kills the process") {
  const Scenario scenario = Load(R"x({"crashsim": 1, "name": "no-space",
    "config": {"free_blocks": 0},
    "files": {"/f": {"size": 4096, "layout": "hole", "dax": true}},
    "processes": {"P1": ["fd = open /f rw", "m = mmap fd 0 4096 shared", "st: store m+0 'X'",
                         "fs: fsync fd"]}})x");
  Machine machine = BuildInitialMachine(scenario, Design::kMapSync);
  const std::vector<TraceStep> steps = Run(machine, scenario, 0);
  CHECK(steps.back().result == "SIGBUS: process killed");
  CHECK(Contains(steps.back().text, "no space (ENOSPC)"));
  CHECK(machine.processes[0].done_labels.count("fs") == 0);
}

TEST_CASE("a killed process no longer holds up a barrier: the others pass it") {
  const Scenario scenario = Load(R"x({"crashsim": 1, "name": "barrier-death",
    "files": {"/f": {"size": 4096, "layout": "written", "fill": "00", "dax": true}},
    "processes": {
      "P1": ["fd = open /f rw", "m = mmap fd 0 4096 shared validate sync", "store m+0 'X'",
             "barrier b"],
      "P2": ["fd = open /f rw", "b: barrier b", "s: fsync fd"]}})x");
  Machine machine = BuildInitialMachine(scenario, Design::kKernelTracked);
  Run(machine, scenario, 1);  // P2 waits at the barrier
  REQUIRE(machine.processes[1].at_barrier);
  const std::vector<TraceStep> steps = Run(machine, scenario, 0);
  CHECK(Contains(steps.back().text, "barrier b released"));
  CHECK_FALSE(machine.processes[1].at_barrier);
  CHECK(machine.processes[1].done_labels.count("b") == 1);
  Run(machine, scenario, 1);
  CHECK(ProcessFinished(machine, scenario, 1));
  CHECK(machine.processes[1].done_labels.count("s") == 1);
}

TEST_CASE("results are recorded only for the ops an assertion compares") {
  const Scenario scenario = Load(R"x({"crashsim": 1, "name": "results",
    "files": {"/f": {"size": 4096, "layout": "written", "fill": "00"}},
    "processes": {"P1": ["fd = open /f rw", "w = pwrite fd 0 'abcd'", "pwrite fd 4 'ef'",
                         "s: fsync fd", "b: barrier x"]},
    "assert": [{"name": "r", "check": "P1.w == 4 && P1.s == 0 && P1.b == 0"}]})x");
  Machine machine = BuildInitialMachine(scenario, Design::kKernelTracked);
  Run(machine, scenario, 0);
  CHECK(machine.processes[0].results ==
        std::map<size_t, std::string>{{1, "4"}, {3, "0"}, {4, "0"}});
}

}  // namespace
}  // namespace crashsim
