// Finding: one broken promise in one state, as an oracle or assertion checker reports it. The
// explorer adds the schedule and the crash point and keeps one canonical finding per name.
#pragma once

#include <string>
#include <vector>

#include "models/machine.h"
#include "models/recovery.h"
#include "sim/crash/persist_graph.h"
#include "sim/engine/result.h"
#include "sim/scenario/scenario.h"

namespace crashsim {

struct Finding {
  std::string name;      // guarantee or assertion name
  std::string promise;   // which op promised what
  std::string observed;  // what the read returned
  std::string expected;  // what was promised
  std::vector<LostEvent> lost;
  std::vector<std::string> state;
};

// Everything a checker may read about one crash: the machine at the crash point (its ghost
// ledger and history), the persist graph and the chosen image, and the recovered state.
struct CrashContext {
  const Scenario& scenario;
  const Machine& machine;
  const PersistGraph& graph;
  const CrashImage& image;
  const RecoveredState& recovered;
};

// Renders bytes for a report: 'text' when printable, else hex; long runs are summarised.
std::string RenderBytes(const std::vector<uint8_t>& bytes);
// The lost persist events of the image, for a report.
std::vector<LostEvent> LostEvents(const CrashContext& context);

}  // namespace crashsim
