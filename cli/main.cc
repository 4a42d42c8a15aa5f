// The crashsim binary: the real scenario loader and engine plugged into the command line, the
// progress line on stderr when stderr is a terminal, and Bazel's test sharding variables.
#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/kernel_check_command.h"
#include "cli/progress.h"
#include "cli/test_sharding.h"
#include "sim/engine/engine.h"
#include "sim/scenario/loader.h"

int main(int argc, char** argv) {
  if (argc >= 2 && std::string(argv[1]) == "kernel-check") {
    return crashsim::RunKernelCheckCommand({argv + 2, argv + argc}, argv[0], std::cout, std::cerr);
  }
  const crashsim::EnvironmentLookup environment = [](const char* name) {
    return std::getenv(name);
  };
  auto args = crashsim::ApplyTestSharding({argv + 1, argv + argc}, environment);
  if (!args.ok()) {
    std::cerr << "crashsim: " << args.status().message() << "\n";
    return crashsim::kExitInvalid;
  }
  if (crashsim::Status touched = crashsim::AcknowledgeTestSharding(environment); !touched.ok()) {
    std::cerr << "crashsim: " << touched.message() << "\n";
    return crashsim::kExitInvalid;
  }
  std::unique_ptr<crashsim::ProgressLine> progress;
  if (isatty(STDERR_FILENO) == 1) progress = std::make_unique<crashsim::ProgressLine>(std::cerr);
  return crashsim::RunCommandLine(*args, crashsim::LoadScenarioFile, crashsim::RunScenario,
                                  std::cout, std::cerr, progress.get());
}
