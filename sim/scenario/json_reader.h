// Reads JSON text into an ordered_json value: the only place scenario text meets nlohmann/json's
// parser.
//
// Promises: no exception escapes; object keys keep the file's order (`order: sequential` runs
// processes in it); a key given twice in one object is an error (the parser would silently keep
// one of them, and a typo must not pass silently).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "sim/base/status.h"

namespace crashsim {

using Json = nlohmann::ordered_json;

// On bad syntax the message is "not JSON: line L, column C: ..."; on a repeated key it is
// "POINTER: duplicate key 'k'". The caller adds the file name.
StatusOr<Json> ReadJson(const std::string& text);

}  // namespace crashsim
