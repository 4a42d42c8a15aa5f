// Finding: one broken promise in one state, as an oracle or assertion checker reports it. The
// explorer adds the schedule and the crash point and keeps one canonical finding per name.
#pragma once

#include <string>
#include <vector>

#include "models/machine.h"
#include "models/recovery.h"
#include "sim/crash/crash_space.h"
#include "sim/result/result.h"
#include "sim/scenario/scenario.h"

namespace crashsim {

struct Finding {
  std::string name;      // guarantee or assertion name
  std::string promise;   // which op promised what
  std::string observed;  // what the read returned
  std::string expected;  // what was promised
  // The persist events the witness lost that matter to the finding; RenderLost gives their text.
  std::vector<EventRef> lost;
  std::vector<std::string> state;
  CrashImage witness;     // a crash image that shows the violation (empty for volatile reads)
  bool has_witness = false;
};

// Everything a checker may read about the crashes at one crash point with one durable journal
// prefix: the machine (its ghost ledger and history), the crash space (each byte's feasible
// outcomes, joint images), and the metadata recovered from that prefix.
struct CrashContext {
  const Scenario& scenario;
  const Machine& machine;
  const CrashSpace& space;
  const RecoveredState& recovered;  // recovered from space.base_image()
};

// Renders bytes for a report: a run of one byte as fill(HH, N), unless it is printable and the
// scenario wrote as many of it in a text (`texts`, Scenario::text_runs); else 'text' when
// printable, hex otherwise; past 32 bytes the rest is summarised by its length.
std::string RenderBytes(const std::vector<uint8_t>& bytes, const TextRuns& texts);
// The persist events that `image` leaves out and that matter to the finding: the pending writes
// covering the device bytes it read (`ranges`), and every committed transaction past the durable
// prefix.
std::vector<EventRef> LostEvents(const CrashContext& context, const CrashImage& image,
                                 const std::vector<AddressRange>& ranges);
// The report's text of `lost` as `machine` describes the events (kind and DescribeEvent).
std::vector<LostEvent> RenderLost(const Machine& machine, const std::vector<EventRef>& lost);
// Records `image` as the finding's witness, with its relevant lost events.
void SetWitness(const CrashContext& context, const CrashImage& image,
                const std::vector<AddressRange>& ranges, Finding* finding);

}  // namespace crashsim
