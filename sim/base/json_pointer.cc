#include "sim/base/json_pointer.h"

namespace crashsim {

std::string PointerJoin(const std::string& pointer, std::string_view key) {
  std::string out = pointer + "/";
  for (const char c : key) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

std::string PointerJoin(const std::string& pointer, size_t index) {
  return pointer + "/" + std::to_string(index);
}

}  // namespace crashsim
