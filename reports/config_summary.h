// ConfigSummary: the one-line "key=value" rendering of a scenario's Config that reports show
// beside its name, e.g. "platform=adr fs=xfs device_cache=volatile-fua ... privileged=all".
//
// Keys are the scenario format's `config` keys, in the order docs/scenario-format.md, "Config",
// lists them, and values are their spellings there, so a reader can paste a value back into a
// scenario file.
#pragma once

#include <string>

#include "models/config.h"

namespace crashsim {

std::string ConfigSummary(const Config& config);

}  // namespace crashsim
