#include "cli/test_sharding.h"

#include <doctest/doctest.h>

#include <map>

namespace crashsim {
namespace {

EnvironmentLookup Env(std::map<std::string, std::string> values) {
  return [values = std::move(values)](const char* name) -> const char* {
    auto it = values.find(name);
    return it == values.end() ? nullptr : it->second.c_str();
  };
}

using Words = std::vector<std::string>;

TEST_CASE("without Bazel's variables the command line is unchanged") {
  auto words = ApplyTestSharding({"check", "scenarios"}, Env({}));
  REQUIRE(words.ok());
  CHECK(*words == Words{"check", "scenarios"});
}

TEST_CASE("a sharded bazel test runs its shard: 0-based index, 1-based --shard") {
  auto words = ApplyTestSharding({"check", "a.json"},
                                 Env({{"TEST_TOTAL_SHARDS", "4"}, {"TEST_SHARD_INDEX", "2"}}));
  REQUIRE(words.ok());
  CHECK(*words == Words{"check", "--shard", "3/4", "a.json"});
}

TEST_CASE("an explicit --shard wins; one shard is no sharding; other commands are left alone") {
  const auto env = Env({{"TEST_TOTAL_SHARDS", "4"}, {"TEST_SHARD_INDEX", "0"}});
  CHECK(*ApplyTestSharding({"run", "--shard=2/2", "a.json"}, env) ==
        Words{"run", "--shard=2/2", "a.json"});
  CHECK(*ApplyTestSharding({"run", "--shard", "1/2", "a.json"}, env) ==
        Words{"run", "--shard", "1/2", "a.json"});
  CHECK(*ApplyTestSharding({"merge", "a.json"}, env) == Words{"merge", "a.json"});
  CHECK(*ApplyTestSharding({"run", "a.json"},
                           Env({{"TEST_TOTAL_SHARDS", "1"}, {"TEST_SHARD_INDEX", "0"}})) ==
        Words{"run", "a.json"});
  // After "--" a word is a path, even one spelled like the option.
  CHECK(*ApplyTestSharding({"run", "--", "--shard"}, env) ==
        Words{"run", "--shard", "1/4", "--", "--shard"});
}

TEST_CASE("malformed variables are errors that name them") {
  auto bad_total = ApplyTestSharding({"run", "a"}, Env({{"TEST_TOTAL_SHARDS", "x"}}));
  REQUIRE_FALSE(bad_total.ok());
  CHECK(bad_total.status().message().find("TEST_TOTAL_SHARDS") != std::string::npos);
  auto bad_index = ApplyTestSharding(
      {"run", "a"}, Env({{"TEST_TOTAL_SHARDS", "2"}, {"TEST_SHARD_INDEX", "2"}}));
  REQUIRE_FALSE(bad_index.ok());
  CHECK(bad_index.status().message().find("TEST_SHARD_INDEX") != std::string::npos);
  auto missing = ApplyTestSharding({"run", "a"}, Env({{"TEST_TOTAL_SHARDS", "2"}}));
  CHECK_FALSE(missing.ok());
}

}  // namespace
}  // namespace crashsim
