// Name tables: the spelling of each value of an enum, both ways, for the enums that scenario
// files and reports spell out (designs, config values, ops, fallocate modes).
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <utility>

namespace crashsim {

template <typename Enum, size_t N>
using NameTable = std::array<std::pair<Enum, const char*>, N>;

// The spelling of `value`, or "?" if the table lacks it.
template <typename Enum, size_t N>
const char* NameOf(const NameTable<Enum, N>& table, Enum value) {
  for (const auto& [entry, name] : table) {
    if (entry == value) return name;
  }
  return "?";
}

// Sets `*value` and returns true if `name` is a spelling in the table; else leaves it alone.
template <typename Enum, size_t N>
bool ParseFrom(const NameTable<Enum, N>& table, const std::string& name, Enum* value) {
  for (const auto& [entry, spelling] : table) {
    if (name == spelling) {
      *value = entry;
      return true;
    }
  }
  return false;
}

}  // namespace crashsim
