// OnceCache: computed once, dropped by Reset, never carried into a copy, and computed once when
// several threads ask at the same time. LastByKey: the last value, for its key only.
#include "sim/base/once_cache.h"

#include <doctest/doctest.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace crashsim {
namespace {

TEST_CASE("computed at the first Get, kept until Reset") {
  OnceCache<int> cache;
  int computed = 0;
  auto compute = [&] { return ++computed * 10; };
  CHECK(!cache.ready());
  CHECK(cache.value() == nullptr);
  CHECK(cache.Get(compute) == 10);
  CHECK(*cache.value() == 10);
  CHECK(cache.Get(compute) == 10);
  CHECK(computed == 1);
  cache.Reset();
  CHECK(!cache.ready());
  CHECK(cache.Get(compute) == 20);
  CHECK(computed == 2);
}

TEST_CASE("a kept value is returned without computing") {
  OnceCache<int> cache;
  cache.Keep(7);
  CHECK(cache.ready());
  CHECK(cache.Get([] { return 8; }) == 7);
}

TEST_CASE("a copy starts empty, and so does an assigned one") {
  OnceCache<int> cache;
  cache.Get([] { return 1; });
  const OnceCache<int> copy = cache;
  CHECK(!copy.ready());
  CHECK(copy.Get([] { return 2; }) == 2);
  OnceCache<int> assigned;
  assigned.Get([] { return 3; });
  assigned = cache;
  CHECK(assigned.Get([] { return 4; }) == 4);
  CHECK(cache.Get([] { return 5; }) == 1);
}

TEST_CASE("threads asking at once get one computed value") {
  OnceCache<int> cache;
  std::atomic<int> computed{0};
  std::vector<int> got(4, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] { got[t] = cache.Get([&] { return ++computed; }); });
  }
  for (std::thread& thread : threads) thread.join();
  CHECK(computed == 1);
  for (int value : got) CHECK(value == 1);
}

TEST_CASE("the last value by key: found for its key only, forgotten by Reset, not copied") {
  LastByKey<int, std::string> last;
  CHECK(last.Find(1) == nullptr);
  last.Remember(1, std::make_shared<const std::string>("one"));
  REQUIRE(last.Find(1) != nullptr);
  CHECK(*last.Find(1) == "one");
  CHECK(last.Find(2) == nullptr);
  last.Remember(2, std::make_shared<const std::string>("two"));
  CHECK(last.Find(1) == nullptr);  // only the last is kept
  CHECK(*last.Find(2) == "two");
  const LastByKey<int, std::string> copy = last;
  CHECK(copy.Find(2) == nullptr);
  last.Reset();
  CHECK(last.Find(2) == nullptr);
}

}  // namespace
}  // namespace crashsim
