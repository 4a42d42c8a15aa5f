#include "sim/base/prng.h"

#include <doctest/doctest.h>

#include <set>

namespace crashsim {
namespace {

TEST_CASE("the same seed and salt draw the same stream; another salt another") {
  Prng a(42, 1), b(42, 1), c(42, 2);
  bool differs = false;
  for (int i = 0; i < 100; ++i) {
    const uint64_t x = a.Next();
    CHECK(x == b.Next());
    differs = differs || x != c.Next();
  }
  CHECK(differs);
}

TEST_CASE("the stream is fixed by its definition (SplitMix64), not by the platform") {
  // Pinned values: if these change, every recorded sampled report changes with them.
  Prng prng(0, 0);
  CHECK(prng.Next() == 12035550249420947055ULL);
  CHECK(prng.Next() == 12935080325729570654ULL);
}

TEST_CASE("Below stays in range and reaches every value") {
  Prng prng(7, 3);
  std::set<uint64_t> seen;
  for (int i = 0; i < 1000; ++i) {
    const uint64_t v = prng.Below(5);
    REQUIRE(v < 5);
    seen.insert(v);
  }
  CHECK(seen.size() == 5);
  CHECK(prng.Below(1) == 0);
}

}  // namespace
}  // namespace crashsim
