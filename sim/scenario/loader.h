// Loads a scenario file (format version 1, documented for users in docs/scenario-format.md): parses
// the JSON and validates all of it into a Scenario.
//
// Promises: a returned Scenario satisfies every promise of scenario.h. A failure is one line,
// "<file>: <JSON pointer>: <message>" (the whole document's pointer shown as "/"), or
// "<file>: not JSON: <line, column and message>", or "<file>: cannot read: <reason>". The first
// problem in the order of the format's sections is reported. No exception escapes; the result
// depends on the text and `source_path` alone.
#pragma once

#include <string>

#include "sim/base/status.h"
#include "sim/scenario/scenario.h"

namespace crashsim {

StatusOr<Scenario> LoadScenarioFile(const std::string& path);

// `source_path` names the text in messages and becomes Scenario::source_path.
StatusOr<Scenario> LoadScenarioText(const std::string& text, const std::string& source_path);

}  // namespace crashsim
