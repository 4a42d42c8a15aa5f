#!/usr/bin/env bash
# crashsim run directly as a sharded `bazel test` (this test has shard_count = 3): each shard runs
# `crashsim check` over the bundled scenarios, which picks up TEST_TOTAL_SHARDS and
# TEST_SHARD_INDEX, checks its part of the states and touches TEST_SHARD_STATUS_FILE. A shard
# passes unless it finds a violation that `expect` does not name. Runs in the runfiles root.
set -euo pipefail

: "${TEST_TOTAL_SHARDS:?this test must run sharded}"
: "${TEST_SHARD_STATUS_FILE:?Bazel sets the shard status file}"
rm -f "$TEST_SHARD_STATUS_FILE"
cli/crashsim check --json "${TEST_TMPDIR:?}/shard.json" scenarios
[[ -e "$TEST_SHARD_STATUS_FILE" ]] || { echo "FAIL: shard status file not touched" >&2; exit 1; }
grep -qF "\"index\": $((TEST_SHARD_INDEX + 1))," "$TEST_TMPDIR/shard.json" ||
  { echo "FAIL: the report is not marked as shard $((TEST_SHARD_INDEX + 1)):" >&2;
    head -8 "$TEST_TMPDIR/shard.json" >&2; exit 1; }
echo "PASS: shard $((TEST_SHARD_INDEX + 1)) of $TEST_TOTAL_SHARDS"
