// What an assertion's `P.x == RESULT` leaf reads (docs/scenario-format.md, "Expressions"): the
// return value the program stepper recorded for the op that P.x names. Shared by the evaluator of
// recovered states and the image walk's compiled checks, so that both read it the same way.
#pragma once

#include <optional>
#include <string>

#include "models/machine.h"
#include "sim/scenario/scenario.h"

namespace crashsim {

// "0", a count or an errno name; nullopt when the op had not returned at the crash (it had not
// run, was still in progress, or its process died first).
std::optional<std::string> RecordedResult(const Scenario& scenario, const Machine& machine,
                                          const Expr& leaf);

// The leaf's verdict: a missing result is in no set, so `==` and `in` are false, `!=` true.
bool ResultLeafHolds(const Expr& leaf, const std::optional<std::string>& recorded);

}  // namespace crashsim
