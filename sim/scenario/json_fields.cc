// JSON pointers and typed reads of JSON values.
#include "sim/scenario/json_fields.h"

#include "sim/scenario/syntax.h"

namespace crashsim {

Status ErrorAt(const std::string& pointer, const std::string& message) {
  return Status::Error((pointer.empty() ? std::string("/") : Escape(pointer)) + ": " + message);
}

std::string QuoteKey(std::string_view key) { return Quote(key); }

std::string Describe(const Json& value) {
  switch (value.type()) {
    case Json::value_t::null: return "null";
    case Json::value_t::boolean: return value.get<bool>() ? "true" : "false";
    case Json::value_t::string: {
      std::string text = value.get_ref<const std::string&>();
      if (text.size() > 40) text = text.substr(0, 40) + "...";
      return "the string " + Quote(text);
    }
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
    case Json::value_t::number_float:
      return "the number " + value.dump(-1, ' ', false, Json::error_handler_t::replace);
    case Json::value_t::object: return "an object";
    case Json::value_t::array: return "an array";
    case Json::value_t::binary:
    case Json::value_t::discarded: break;
  }
  return "a value of another kind";
}

Status CheckObject(const Json& value, const std::string& pointer,
                   std::initializer_list<const char*> allowed,
                   std::initializer_list<const char*> required) {
  if (!value.is_object()) return ErrorAt(pointer, "expected an object, got " + Describe(value));
  for (const auto& [key, child] : value.items()) {
    bool known = false;
    std::string list;
    for (const char* name : allowed) {
      known = known || key == name;
      list += (list.empty() ? "" : ", ") + std::string(name);
    }
    if (!known) {
      return ErrorAt(PointerJoin(pointer, key),
                     "unknown key " + QuoteKey(key) + " (expected one of: " + list + ")");
    }
  }
  for (const char* name : required) {
    if (!value.contains(name)) {
      return ErrorAt(pointer, "missing required key " + QuoteKey(name));
    }
  }
  return Status();
}

Status ExpectArray(const Json& value, const std::string& pointer) {
  if (value.is_array()) return Status();
  return ErrorAt(pointer, "expected an array, got " + Describe(value));
}

Status ReadString(const Json& value, const std::string& pointer, std::string* out) {
  if (!value.is_string()) return ErrorAt(pointer, "expected a string, got " + Describe(value));
  *out = value.get_ref<const std::string&>();
  return Status();
}

Status ReadBool(const Json& value, const std::string& pointer, bool* out) {
  if (!value.is_boolean()) {
    return ErrorAt(pointer, "expected true or false, got " + Describe(value));
  }
  *out = value.get<bool>();
  return Status();
}

Status ReadUint64(const Json& value, const std::string& pointer, uint64_t* out) {
  if (value.is_number_unsigned()) {
    *out = value.get<uint64_t>();
    return Status();
  }
  if (value.is_number_integer() && value.get<int64_t>() >= 0) {
    *out = static_cast<uint64_t>(value.get<int64_t>());
    return Status();
  }
  return ErrorAt(pointer, "expected a non-negative integer, got " + Describe(value));
}

}  // namespace crashsim
