// ExprEvaluator: the ordinary evaluation of an assertion's expression (docs/scenario-format.md,
// "Expressions") on one recovered state, noting what each leaf read for the report. It is the
// reference every faster decision of an assertion is checked against: the joint-image enumeration
// and the search over pending writes (assertion_search.h) both end in this evaluator on the image
// they report.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "models/recovery.h"
#include "sim/oracles/byte_runs.h"
#include "sim/oracles/finding.h"
#include "sim/scenario/scenario.h"

namespace crashsim {

class ExprEvaluator {
 public:
  ExprEvaluator(const CrashContext& context, const RecoveredState& state)
      : c_(context), state_(state) {}

  // The verdict, evaluated left to right and stopping where a chain is decided, as the nested
  // binary forms would be (so the notes of what was read are the same either way).
  bool Eval(const Expr& e);
  // Whether the process's labelled op had returned at the crash point.
  bool Done(const std::string& process, const std::string& label) const;
  // The byte strings a range leaf (kRange*) compares its bytes with, each `length` long.
  std::vector<std::vector<uint8_t>> CandidateValues(const Expr& e, size_t length) const;
  const std::vector<std::string>& notes() const { return notes_; }

 private:
  void Note(std::string text) { notes_.push_back(std::move(text)); }
  std::optional<std::vector<uint8_t>> RecordedValue(const std::string& process,
                                                    const std::string& name) const;
  std::vector<uint8_t> Expected(const DataValue& d, size_t length, const std::string& path,
                                uint64_t start) const;
  // A range leaf's bytes, read as runs, against its values: `zero` and `old` without
  // materialising their bytes (a range over a huge hole costs its pieces).
  bool Matches(const ByteRuns& value, const Expr& e) const;
  ByteRuns ExpectedRuns(const DataValue& d, uint64_t length, const std::string& path,
                        uint64_t start) const;

  const CrashContext& c_;
  const RecoveredState& state_;
  std::vector<std::string> notes_;
};

}  // namespace crashsim
