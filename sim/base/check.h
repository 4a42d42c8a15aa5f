// CRASHSIM_CHECK: a broken invariant of the simulator itself (never bad user input, never a
// simulated errno, never a violation). It prints the condition and file:line, then aborts, in
// every build mode. The engine installs a context (scenario, model, step) that is printed too.
#pragma once

#include <string>

namespace crashsim {

// What the engine is doing, printed by a failing check. Thread-local: each worker thread of a
// parallel run describes its own work.
void SetCheckContext(std::string context);
const std::string& CheckContext();

[[noreturn]] void CheckFailed(const char* condition, const char* file, int line,
                              const std::string& detail);

}  // namespace crashsim

#define CRASHSIM_CHECK(condition)                                                  \
  do {                                                                             \
    if (!(condition)) ::crashsim::CheckFailed(#condition, __FILE__, __LINE__, ""); \
  } while (false)

#define CRASHSIM_CHECK_MSG(condition, detail)                                              \
  do {                                                                                     \
    if (!(condition)) ::crashsim::CheckFailed(#condition, __FILE__, __LINE__, (detail)); \
  } while (false)
