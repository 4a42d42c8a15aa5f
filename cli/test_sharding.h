// Bazel's test sharding protocol, at the edge of the binary: under a sharded `bazel test`, Bazel
// sets TEST_TOTAL_SHARDS and TEST_SHARD_INDEX (0-based) and asks the test to touch
// TEST_SHARD_STATUS_FILE to show that it honours them. A `run` or `check` started that way runs as
// if `--shard INDEX+1/TOTAL` had been given (an explicit --shard wins), so a shard fails only on a
// violation that `expect` does not name (docs/architecture.md, "Determinism and parallelism").
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "sim/base/status.h"

namespace crashsim {

// Reads an environment variable; null when unset.
using EnvironmentLookup = std::function<const char*(const char* name)>;

// `words` (the command line without the program name) with the shard option added when the
// environment asks for sharding; an error when the environment is malformed.
StatusOr<std::vector<std::string>> ApplyTestSharding(std::vector<std::string> words,
                                                     const EnvironmentLookup& environment);

// Creates (or updates) the file named by TEST_SHARD_STATUS_FILE, when set.
Status AcknowledgeTestSharding(const EnvironmentLookup& environment);

}  // namespace crashsim
