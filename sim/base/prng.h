// Prng: the one seeded pseudo-random stream type of the project (docs/architecture.md, "Determinism
// and parallelism"). It is SplitMix64, fully specified here, so the same seed draws the same
// numbers on every machine and with every standard library (std::uniform_int_distribution is not
// portable, so it is not used).
#pragma once

#include <cstdint>

namespace crashsim {

class Prng {
 public:
  // Streams for different purposes derive from one user seed and a purpose-specific salt.
  Prng(uint64_t seed, uint64_t salt) : state_(seed ^ Mix(salt + 0x9e3779b97f4a7c15ULL)) {}

  uint64_t Next() { return Mix(state_ += 0x9e3779b97f4a7c15ULL); }
  // Uniform in [0, bound), by rejection so that no value is favoured. REQUIRES: bound > 0.
  uint64_t Below(uint64_t bound) {
    const uint64_t limit = UINT64_MAX - UINT64_MAX % bound;
    uint64_t value;
    do value = Next(); while (value >= limit);
    return value % bound;
  }
  bool Coin() { return Next() >> 63; }

 private:
  static uint64_t Mix(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  uint64_t state_;
};

}  // namespace crashsim
