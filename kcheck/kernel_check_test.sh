#!/usr/bin/env bash
# Runs `crashsim kernel-check` over every bundled scenario on one file system ($1) under QEMU,
# with the known-misses list: passes when every result and every replayed crash state is one
# the model allows, beyond the listed known misses. Fails with crashsim's own message when QEMU
# or the kernel cache is missing (third_party/setup.sh --kernel-check installs them); it never
# skips.
set -uo pipefail
fs=${1:?file system}
report="${TEST_UNDECLARED_OUTPUTS_DIR:-${TEST_TMPDIR:?}}/kernel-check-$fs.json"
cli/crashsim kernel-check --fs "$fs" --known-misses kcheck/known_misses.txt \
  --json "$report" scenarios
status=$?
if ((status != 0)); then
  echo "FAIL: crashsim kernel-check --fs $fs exited with status $status" >&2
  exit 1
fi
# The run must have checked something: a crash check and a volatile check at least.
if ! grep -q '"crash_checked": true' "$report" || ! grep -q '"volatile_checked": true' "$report"; then
  echo "FAIL: no scenario was checked on $fs" >&2
  exit 1
fi
echo "kernel-check on $fs: as expected"
