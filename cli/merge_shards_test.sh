#!/bin/sh
# The test that crash_scenario_test (defs.bzl) declares: joins the shard reports of one scenario
# with `crashsim merge` and passes when the merged verdicts equal the scenario's `expect` and every
# run was exhaustive. The merged report is printed, so a failure shows its violations.
# Usage: merge_shards_test.sh CRASHSIM SHARD.json...
crashsim=$1
shift
"$crashsim" merge "$@"
status=$?
case $status in
  0) ;;
  1) echo "FAIL: a verdict differs from the scenario's expect (merged report above)" ;;
  2) echo "FAIL: the shard reports could not be merged (see the message above)" ;;
  3) echo "FAIL: a state budget ran out before the space was covered: not a pass" ;;
  *) echo "FAIL: crashsim merge exited with status $status" ;;
esac
exit $status
