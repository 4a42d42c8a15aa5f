#include "cli/test_sharding.h"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>

namespace crashsim {
namespace {

bool ParseWhole(const char* text, uint64_t* value) {
  if (text == nullptr || *text == '\0') return false;
  uint64_t result = 0;
  for (const char* c = text; *c != '\0'; ++c) {
    if (*c < '0' || *c > '9' || result > 1000000000) return false;
    result = result * 10 + static_cast<uint64_t>(*c - '0');
  }
  *value = result;
  return true;
}

}  // namespace

StatusOr<std::vector<std::string>> ApplyTestSharding(std::vector<std::string> words,
                                                     const EnvironmentLookup& environment) {
  const char* total_text = environment("TEST_TOTAL_SHARDS");
  if (total_text == nullptr) return words;
  if (words.empty() || (words[0] != "run" && words[0] != "check")) return words;
  const auto end_of_options = std::find(words.begin(), words.end(), "--");
  const bool explicit_shard = std::any_of(words.begin(), end_of_options, [](const std::string& w) {
    return w == "--shard" || w.rfind("--shard=", 0) == 0;
  });
  if (explicit_shard) return words;
  uint64_t total = 0, index = 0;
  if (!ParseWhole(total_text, &total) || total == 0) {
    return Status::Error(
        fmt::format("TEST_TOTAL_SHARDS must be a positive whole number, not '{}'", total_text));
  }
  const char* index_text = environment("TEST_SHARD_INDEX");
  if (!ParseWhole(index_text, &index) || index >= total) {
    return Status::Error(fmt::format("TEST_SHARD_INDEX must be a whole number below {}, not '{}'",
                                     total, index_text == nullptr ? "(unset)" : index_text));
  }
  if (total == 1) return words;
  words.insert(words.begin() + 1, {"--shard", fmt::format("{}/{}", index + 1, total)});
  return words;
}

Status AcknowledgeTestSharding(const EnvironmentLookup& environment) {
  const char* path = environment("TEST_SHARD_STATUS_FILE");
  if (path == nullptr || environment("TEST_TOTAL_SHARDS") == nullptr) return Status();
  std::ofstream file(path, std::ios::app);
  if (!file) return Status::Error(fmt::format("cannot touch TEST_SHARD_STATUS_FILE '{}'", path));
  return Status();
}

}  // namespace crashsim
