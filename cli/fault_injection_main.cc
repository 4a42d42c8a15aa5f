// crashsim with a fault injected into chosen scenarios, for tests only (never installed, never
// reachable from the real binary): it is cli/main.cc's command line with an engine that fails, as
// a bug in crashsim would, in every run of the scenarios named by CRASHSIM_TEST_FAULT.
//
//   CRASHSIM_TEST_FAULT="NAME@DEPTH[,NAME@DEPTH...]"   a failed internal check at that depth
//   CRASHSIM_TEST_FAULT="NAME@DEPTH:out-of-range"      an std::out_of_range from a container
//
// The shell tests use it to show that such a failure is contained in its run, with any --jobs.
#include <cstdlib>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "sim/engine/engine.h"
#include "sim/scenario/loader.h"

namespace {

std::map<std::string, crashsim::InjectedFault> FaultsFromEnvironment() {
  std::map<std::string, crashsim::InjectedFault> faults;
  const char* spec = std::getenv("CRASHSIM_TEST_FAULT");
  std::stringstream entries(spec == nullptr ? "" : spec);
  std::string entry;
  while (std::getline(entries, entry, ',')) {
    const size_t at = entry.find('@');
    if (at == std::string::npos) continue;
    crashsim::InjectedFault fault;
    std::string depth = entry.substr(at + 1);
    const size_t colon = depth.find(':');
    if (colon != std::string::npos) {
      if (depth.substr(colon + 1) == "out-of-range") {
        fault.kind = crashsim::InjectedFault::Kind::kOutOfRange;
      }
      depth = depth.substr(0, colon);
    }
    fault.depth = std::stoull(depth);
    faults[entry.substr(0, at)] = fault;
  }
  return faults;
}

}  // namespace

int main(int argc, char** argv) {
  const std::map<std::string, crashsim::InjectedFault> faults = FaultsFromEnvironment();
  const crashsim::ScenarioRunner runner = [&](const crashsim::Scenario& scenario,
                                              crashsim::Design design,
                                              const crashsim::RunOptions& options,
                                              crashsim::RunStats* stats) {
    crashsim::RunOptions injected = options;
    const auto fault = faults.find(scenario.name);
    if (fault != faults.end()) injected.fault = fault->second;
    return crashsim::RunScenario(scenario, design, injected, stats);
  };
  return crashsim::RunCommandLine({argv + 1, argv + argc}, crashsim::LoadScenarioFile, runner,
                                  std::cout, std::cerr);
}
