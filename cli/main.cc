// The crashsim binary: the real scenario loader and engine plugged into the command line, and the
// progress line on stderr when stderr is a terminal.
#include <unistd.h>

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/progress.h"
#include "sim/engine/engine.h"
#include "sim/scenario/loader.h"

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  std::unique_ptr<crashsim::ProgressLine> progress;
  if (isatty(STDERR_FILENO) == 1) progress = std::make_unique<crashsim::ProgressLine>(std::cerr);
  return crashsim::RunCommandLine(args, crashsim::LoadScenarioFile, crashsim::RunScenario,
                                  std::cout, std::cerr, progress.get());
}
