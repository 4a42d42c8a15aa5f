// JSON pointers and typed reads of JSON values, each failure one "POINTER: message" line.
//
// Pointers follow RFC 6901 ("/files/~1f/size" is the size of file "/f"); the whole document is
// shown as "/". The caller adds the file name in front. Nothing here throws: values are tested
// for their type before they are read.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "sim/base/json_pointer.h"
#include "sim/base/status.h"

namespace crashsim {

using Json = nlohmann::ordered_json;

// "POINTER: message", the root pointer shown as "/".
Status ErrorAt(const std::string& pointer, const std::string& message);

// A key for a message: 'key'.
std::string QuoteKey(std::string_view key);

// What a value is, for "expected X, got Y": "an array", "the number 1.5", "the string \"x\"".
std::string Describe(const Json& value);

// `value` must be an object whose keys are all in `allowed` and that holds every `required` key.
// The unknown key is reported at its own pointer, a missing one at the object's.
Status CheckObject(const Json& value, const std::string& pointer,
                   std::initializer_list<const char*> allowed,
                   std::initializer_list<const char*> required);

Status ExpectArray(const Json& value, const std::string& pointer);
Status ReadString(const Json& value, const std::string& pointer, std::string* out);
Status ReadBool(const Json& value, const std::string& pointer, bool* out);
// An integer >= 0 that fits in 64 bits (not 1.0, not -1).
Status ReadUint64(const Json& value, const std::string& pointer, uint64_t* out);

}  // namespace crashsim
