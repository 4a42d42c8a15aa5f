// The check of one state with the memo of crash checks: states that differ only in whether a
// pending store is visible or flushed but not fenced share one memo entry, and each shows its
// lost events as its own pending writes describe them, not as the state that filled the entry.
#include "sim/explore/state_check.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "sim/program/program.h"
#include "sim/program/setup.h"
#include "sim/scenario/loader.h"

namespace crashsim {
namespace {

// 16 bytes stored at 0 and never flushed, then a flag stored and persisted: a crash may keep the
// flag and lose the data.
constexpr const char* kScenario = R"x({"crashsim": 1, "name": "memo-marks",
  "models": ["map-sync"], "config": {"background": "none"},
  "files": {"/pool": {"size": 4096, "layout": "written", "fill": "00", "dax": true}},
  "processes": {"P1": ["fd = open /pool rw", "m = mmap fd 0 4096 shared",
                       "store m+0 fill(44, 16)", "store m+512 0x01", "persist m+512 1"]},
  "assert": [{"name": "flag-implies-data",
              "check": "/pool[512:513] == 0x01 -> /pool[0:16] == fill(44, 16)"}]})x";

Machine RunToEnd(const Scenario& scenario) {
  Machine machine = BuildInitialMachine(scenario, Design::kMapSync);
  while (ProcessEnabled(machine, scenario, 0)) StepProcess(machine, scenario, 0);
  REQUIRE(ProcessFinished(machine, scenario, 0));
  return machine;
}

// The descriptions of the lost device writes of the state's violation `name`.
std::vector<std::string> LostText(const StateFindings& findings, const std::string& name) {
  const auto it = findings.best.find(name);
  REQUIRE(it != findings.best.end());
  std::vector<std::string> text;
  for (const LostEvent& event : it->second.lost) {
    if (event.kind == "device-write") text.push_back(event.description);
  }
  return text;
}

bool AllContain(const std::vector<std::string>& lines, const std::string& part) {
  for (const std::string& line : lines) {
    if (line.find(part) == std::string::npos) return false;
  }
  return !lines.empty();
}

TEST_CASE("a memoised check shows the lost stores as flushed or not in the state shown") {
  StatusOr<Scenario> loaded = LoadScenarioText(kScenario, "state-check-test.json");
  REQUIRE(loaded.ok());
  const Scenario& scenario = *loaded;
  const Machine visible = RunToEnd(scenario);
  REQUIRE(!visible.device.pending().empty());
  // The same state after a clwb of line 0 drained: the data's pieces are flushed, not fenced.
  Machine flushed = visible;
  flushed.device.MarkFlushed({0}, flushed.device.last_id());
  CHECK(HashCrashInputs(flushed) != HashCrashInputs(visible));
  CHECK(HashCrashChecks(flushed) == HashCrashChecks(visible));

  RunOptions run;
  run.minimise = false;
  CrashMemo memo;
  CheckOptions options(run);
  options.memo = &memo;
  const std::vector<TraceStep> schedule;
  const StateFindings first = CheckState(scenario, visible, schedule, options);
  const StateFindings second = CheckState(scenario, flushed, schedule, options);
  CHECK(memo.hits() == 1);  // the second state's checks came from the memo
  CHECK(AllContain(LostText(first, "flag-implies-data"), "(visible, not flushed)"));
  CHECK(AllContain(LostText(second, "flag-implies-data"), "(flushed, not fenced)"));

  // Unmemoised, each state shows the same as it did with the memo.
  CheckOptions alone(run);
  CHECK(LostText(CheckState(scenario, flushed, schedule, alone), "flag-implies-data") ==
        LostText(second, "flag-implies-data"));
}

}  // namespace
}  // namespace crashsim
