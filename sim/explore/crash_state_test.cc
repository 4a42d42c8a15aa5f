// The state lines of a crash (DescribeCrashState) on machines run to the end of small scenarios:
// the directories appear when a name changed, in core and after the crash, each inode is named by
// a path, and pending bytes show as the scenario wrote them.
#include "sim/explore/crash_state.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "sim/program/program.h"
#include "sim/program/setup.h"
#include "sim/scenario/loader.h"

namespace crashsim {
namespace {

Scenario Load(const std::string& text) {
  StatusOr<Scenario> scenario = LoadScenarioText(text, "crash-state-test.json");
  REQUIRE_MESSAGE(scenario.ok(), (scenario.ok() ? "" : scenario.status().message()));
  return *scenario;
}

Machine RunToEnd(const Scenario& scenario) {
  Machine machine = BuildInitialMachine(scenario, Design::kMapSync);
  for (size_t pid = 0; pid < scenario.processes.size(); ++pid) {
    while (ProcessEnabled(machine, scenario, static_cast<int>(pid))) {
      StepProcess(machine, scenario, static_cast<int>(pid));
    }
    REQUIRE(ProcessFinished(machine, scenario, static_cast<int>(pid)));
  }
  return machine;
}

// The lines that start with `start`.
std::vector<std::string> LinesStarting(const std::vector<std::string>& lines,
                                       const std::string& start) {
  std::vector<std::string> found;
  for (const std::string& line : lines) {
    if (line.rfind(start, 0) == 0) found.push_back(line);
  }
  return found;
}

TEST_CASE("a rename over a file: both directories' entries, and the replaced inode by its name") {
  const Scenario scenario = Load(R"x({"crashsim": 1, "name": "rename-over",
    "config": {"background": "none"},
    "files": {"/d/a": {"size": 4096, "layout": "written", "fill": "41"}},
    "processes": {"W": ["fd = open /d/a.tmp rw creat", "pwrite fd 0 'BBBB'", "close fd",
                        "rename /d/a.tmp /d/a"]}})x");
  const Machine machine = RunToEnd(scenario);
  REQUIRE(machine.journal.committed_seq() > 0);
  // Nothing of the journal durable: the crash leaves the names of the start.
  std::vector<std::string> lines = DescribeCrashState(scenario, machine, CrashImage{{}, 0});
  CHECK(LinesStarting(lines, "directory ") ==
        std::vector<std::string>{
            "directory /: d/ (in core and after this crash)",
            "directory /d: in core a -> inode 2; after this crash a -> inode 1"});
  CHECK(LinesStarting(lines, "/d/a (inode 2): size ").size() == 1);
  CHECK(LinesStarting(lines, "inode 1 (no name in core; /d/a after this crash): size ").size() == 1);
  // All of it durable: the old inode has no name anywhere, and is named by its last one.
  lines = DescribeCrashState(scenario, machine,
                             CrashImage{{}, machine.journal.committed_seq()});
  CHECK(LinesStarting(lines, "directory /d: a -> inode 2 (in core and after this crash)").size() ==
        1);
  CHECK(LinesStarting(lines, "inode 1 (no name in core; was /d/a): size ").size() == 1);
}

TEST_CASE("a new directory and a symbolic link: in core, and missing after an early crash") {
  const Scenario scenario = Load(R"x({"crashsim": 1, "name": "mkdir-symlink",
    "config": {"background": "none"},
    "files": {"/f": {"size": 4096, "layout": "written", "fill": "41"}},
    "processes": {"P": ["mkdir /d", "symlink ../f /d/l"]}})x");
  const Machine machine = RunToEnd(scenario);
  CHECK(LinesStarting(DescribeCrashState(scenario, machine, CrashImage{{}, 0}), "directory ") ==
        std::vector<std::string>{
            "directory /: in core d/, f -> inode 1; after this crash f -> inode 1",
            "directory /d: in core l -> ../f (symbolic link); after this crash no such directory"});
  CHECK(LinesStarting(DescribeCrashState(scenario, machine, CrashImage{{}, 2}), "directory /d") ==
        std::vector<std::string>{
            "directory /d: l -> ../f (symbolic link) (in core and after this crash)"});
}

TEST_CASE("no name changed: no directory lines; pending bytes as the scenario wrote them") {
  const Scenario scenario = Load(R"x({"crashsim": 1, "name": "text-store",
    "files": {"/f": {"size": 4096, "layout": "written", "fill": "00", "dax": true}},
    "processes": {"P1": ["fd = open /f rw", "m = mmap fd 0 4096 shared", "store m+0 'XXXXXXXX'",
                         "store m+64 fill(58, 8)", "sfence"]}})x");
  const Machine machine = RunToEnd(scenario);
  const std::vector<std::string> lines = DescribeCrashState(scenario, machine, CrashImage{});
  CHECK(LinesStarting(lines, "directory ").empty());
  CHECK(LinesStarting(lines, "/f: size 4096 logged").size() == 1);
  const std::vector<std::string> pending = LinesStarting(lines, "pmem line ");
  REQUIRE(pending.size() == 2);
  CHECK(pending[0] == "pmem line 0 (device bytes 0+8): durable fill(00, 8), pending 'XXXXXXXX' "
                      "from P1.3: store m+0 'XXXXXXXX': lost by this crash");
  // 'X' eight times was written as text, so the fill of the same bytes shows as text too.
  CHECK(pending[1].find("pending 'XXXXXXXX' from P1.4: store m+64 fill(58, 8)") !=
        std::string::npos);
}

}  // namespace
}  // namespace crashsim
