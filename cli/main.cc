// The crashsim binary: the real scenario loader and engine plugged into the command line, the
// progress line on stderr when stderr is a terminal, Bazel's test sharding variables, and
// SIGINT/SIGTERM: the first one asks the runs to stop (the reports of what finished are written,
// the rest is marked interrupted, the exit status is 128 + the signal's number); the handler is
// then reset, so a second one ends the process at once.
#include <signal.h>
#include <unistd.h>

#include <atomic>
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

namespace {

// Written by the signal handler, polled by the explorer: a lock-free atomic is safe in both.
std::atomic<int> interrupt_signal{0};
static_assert(std::atomic<int>::is_always_lock_free);

void OnInterrupt(int signal_number) { interrupt_signal.store(signal_number); }

void CatchInterrupts() {
  struct sigaction action = {};
  action.sa_handler = OnInterrupt;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESETHAND | SA_RESTART;
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

}  // namespace

int main(int argc, char** argv) {
  // kernel-check runs QEMU and keeps the default signal handling (an interrupt ends it).
  if (argc >= 2 && std::string(argv[1]) == "kernel-check") {
    return crashsim::RunKernelCheckCommand({argv + 2, argv + argc}, argv[0], std::cout, std::cerr);
  }
  CatchInterrupts();
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
                                  std::cout, std::cerr, progress.get(), &interrupt_signal);
}
