// The CI baseline (`crashsim check --baseline FILE`): the recorded verdict of every scenario x
// model run, and for each violated name a canonical summary of its trace, so that CI notices a
// model or scenario change that flips a verdict or changes how a violation happens.
//
//   {"crashsim_baseline": 1, "runs": [{"scenario", "model", "coverage", "verdict": [names],
//     "traces": {name: summary}, "not_modelled" (only for an invalid run)}]}
//
// Runs are keyed by scenario name and model name and written sorted by that key, so the file does
// not depend on the order the files were given in or how the work was split; the trace summary is
// "N steps; crash <crash point>; observed <observed>" of the canonical trace, which does not either.
// reports/ alone reads it back; nlohmann's exceptions are caught here and become a Status.
#pragma once

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "models/config.h"
#include "sim/base/status.h"
#include "sim/result/result.h"

namespace crashsim {

inline constexpr int kBaselineVersion = 1;

struct BaselineRun {
  std::string coverage;                       // as in the JSON report
  std::set<std::string> verdict;              // the violated names
  std::map<std::string, std::string> traces;  // violated name -> TraceSummary
  std::string not_modelled;                   // "" unless the run was invalid
  bool operator==(const BaselineRun&) const = default;
};

// (scenario name, model name) -> run.
using Baseline = std::map<std::pair<std::string, std::string>, BaselineRun>;

// "9 steps; crash after step 9 (P2: ...); observed /f[4096:4097] = 0x00".
std::string TraceSummary(const Violation& violation);

// An error when two scenarios given share a name (the baseline could not tell their runs apart).
StatusOr<Baseline> BaselineFromResults(const std::vector<ScenarioResult>& results);

// The file's text: two-space indented JSON ending in a newline; same baseline, same bytes.
std::string RenderBaseline(const Baseline& baseline);

// `text` is the content of `path`, which only names it in error messages.
StatusOr<Baseline> ParseBaseline(const std::string& text, const std::string& path);
StatusOr<Baseline> ReadBaselineFile(const std::string& path);

struct BaselineDifference {
  std::string scenario, model;
  std::string what;  // one line, e.g. "new violation: msync: 9 steps; crash ...; observed ..."
  std::string was, now;  // for a changed trace or coverage, else empty
};

// The differences of `current` from `recorded`, sorted by scenario, then model, then kind. Runs of
// models outside `models` (when not empty: --model restricted the run) are not compared.
std::vector<BaselineDifference> DiffBaseline(const Baseline& recorded, const Baseline& current,
                                             const std::vector<Design>& models);

// "BASELINE scenario: model: what" lines (with "  was: " and "  now: " lines below a change).
std::string RenderBaselineDiff(const std::vector<BaselineDifference>& differences);

}  // namespace crashsim
