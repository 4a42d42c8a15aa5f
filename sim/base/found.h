// FOUND(map, key, what): the value `map` holds at `key`, or an internal error (CRASHSIM_CHECK)
// that says what was missing and where: "no extent of file block 3 (models/kernel_dax.cc:83)".
// The model uses it instead of at(), whose std::out_of_range ("map::at") names neither.
#pragma once

#include <cstdint>
#include <string>
#include <utility>

#include "sim/base/check.h"

namespace crashsim {

inline std::string DescribeKey(uint64_t key) { return std::to_string(key); }
inline std::string DescribeKey(uint32_t key) { return std::to_string(key); }
inline std::string DescribeKey(const std::string& key) { return "'" + key + "'"; }
inline std::string DescribeKey(const std::pair<std::string, uint64_t>& key) {
  return "'" + key.first + "' page " + std::to_string(key.second);
}

template <typename Map, typename Key>
auto& FoundIn(Map& map, const Key& key, const char* what, const char* file, int line) {
  auto it = map.find(key);
  if (it == map.end()) {
    CheckFailed("found", file, line, std::string("no ") + what + " " + DescribeKey(key));
  }
  return it->second;
}

}  // namespace crashsim

#define FOUND(map, key, what) ::crashsim::FoundIn((map), (key), (what), __FILE__, __LINE__)
