// Hasher: a canonical 128-bit hash of a value's contents, for visited-state pruning and image
// memoisation. Callers feed fields in a fixed order (ordered containers only, never addresses),
// so equal states hash equal on every machine and every run.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace crashsim {

struct Hash128 {
  uint64_t high = 0, low = 0;
  auto operator<=>(const Hash128&) const = default;
};

class Hasher {
 public:
  void Add(uint64_t value) {
    // Two independent multiply-xorshift lanes (splitmix64 finaliser over the running state).
    a_ = Mix(a_ ^ (value + 0x9e3779b97f4a7c15ULL));
    b_ = Mix(b_ + (value ^ 0xc2b2ae3d27d4eb4fULL) * 0x165667b19e3779f9ULL);
  }
  void AddBool(bool value) { Add(value ? 1 : 0); }
  void AddString(const std::string& text) {
    Add(text.size());
    for (unsigned char c : text) Add(c);
  }
  template <typename T>
  void AddBytes(const std::vector<T>& values) {
    Add(values.size());
    for (const auto& v : values) Add(static_cast<uint64_t>(v));
  }
  Hash128 Finish() const { return Hash128{Mix(a_ ^ 0x51ed270b27a1f6d3ULL), Mix(b_ + a_)}; }

 private:
  static uint64_t Mix(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  uint64_t a_ = 0x243f6a8885a308d3ULL;
  uint64_t b_ = 0x13198a2e03707344ULL;
};

}  // namespace crashsim
