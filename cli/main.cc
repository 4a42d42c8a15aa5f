// The crashsim binary: the real scenario loader and engine plugged into the command line.
#include <iostream>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "sim/engine/engine.h"
#include "sim/scenario/loader.h"

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  return crashsim::RunCommandLine(args, crashsim::LoadScenarioFile, crashsim::RunScenario,
                                  std::cout, std::cerr);
}
