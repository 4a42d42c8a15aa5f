// Reads JSON text into an ordered_json value: the only place scenario text meets nlohmann/json's
// parser.
//
// Promises: no exception escapes; object keys keep the file's order (`order: sequential` runs
// processes in it); a key given twice in one object is an error (the parser would silently keep
// one of them, and a typo must not pass silently); arrays and objects nest at most kMaxJsonDepth
// deep, checked while parsing, so a deeply nested input costs neither stack nor memory.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>

#include "sim/base/status.h"

namespace crashsim {

using Json = nlohmann::ordered_json;

// The deepest nesting of arrays and objects a scenario file may have (the document itself is
// level 1; the format needs 5).
inline constexpr size_t kMaxJsonDepth = 64;

// On bad syntax the message is "not JSON: line L, column C: ..."; on a repeated key it is
// "POINTER: duplicate key 'k'"; for nesting too deep "POINTER: arrays and objects nested more than
// 64 deep", naming the first container past the limit. The caller adds the file name.
StatusOr<Json> ReadJson(const std::string& text);

}  // namespace crashsim
