// The progress line of a long run (docs/architecture.md, "Command line"): one line on stderr,
// rewritten in place, naming the scenario and model being run, the distinct states explored so far
// and the rate. main.cc turns it on only when stderr is a terminal, so nothing of it reaches a log,
// a pipe or a report.
//
// The engine reports a run's states when the run ends (it has no hook inside the exploration), so
// the line moves once per scenario x model: "running" before, the totals so far after.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <ostream>
#include <string>

#include "models/config.h"

namespace crashsim {

class ProgressLine {
 public:
  // `seconds` is a monotonic clock, injectable for tests.
  using Clock = std::function<double()>;
  explicit ProgressLine(std::ostream& out, Clock seconds = SteadySeconds);
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  // The scenario counts of the whole command, for "[3/40]".
  void SetScenario(size_t index_from_1, size_t count, const std::string& name);
  // Before and after one model run of the current scenario.
  void StartModel(Design design);
  void FinishModel(uint64_t distinct_states);
  // Erases the line; call before anything else is printed.
  void Clear();

  static double SteadySeconds();

 private:
  void Show(const std::string& text);

  std::ostream& out_;
  Clock seconds_;
  double start_seconds_;
  size_t index_ = 0, count_ = 0;
  std::string scenario_;
  uint64_t states_so_far_ = 0;
  bool shown_ = false;
};

}  // namespace crashsim
