#!/usr/bin/env bash
# crashsim check as a CI gate: a baseline recorded from the L7 scenario passes; a copy of the
# scenario whose `expect` was changed makes `check --baseline` exit 1 with a readable FAIL line;
# a copy whose assertion was dropped (so a recorded violation is gone) exits 1 with a BASELINE
# line. Runs in the runfiles root.
set -euo pipefail

source cli/test_helpers.sh

# check_status WANT NAME ARGS...: runs crashsim check ARGS with output in $out/NAME.{out,err}.
check_status() {
  local want="$1" name="$2" got=0
  shift 2
  "$crashsim" check "$@" >"$out/$name.out" 2>"$out/$name.err" || got=$?
  if [[ "$got" != "$want" ]]; then
    fail "$name: 'crashsim check $*' exited $got, expected $want; output:"
    cat "$out/$name.out" "$out/$name.err" >&2
  fi
}

# expect_line NAME TEXT: the stdout of NAME has a line that is exactly TEXT.
expect_line() {
  if ! grep -qxF -- "$2" "$out/$1.out"; then
    fail "$1: no line '$2' in:"
    cat "$out/$1.out" >&2
  fi
}

mkdir -p "$out/scenarios"
cp scenarios/l7-mixed-modes-msync.json "$out/scenarios/"
scenario="$out/scenarios/l7-mixed-modes-msync.json"
baseline="$out/baseline.json"

check_status 0 record --baseline "$baseline" --update-baseline "$out/scenarios"
check_status 0 unchanged --baseline "$baseline" "$out/scenarios"
expect_line unchanged "crashsim check: 1 scenario, 5 models: all as expected; baseline $baseline: as recorded"

# The expectation changes (daxfile-untracked now expected clean); the verdicts do not.
python3 - "$scenario" <<'PYTHON'
import json, sys
path = sys.argv[1]
with open(path) as f:
    scenario = json.load(f)
scenario["expect"]["daxfile-untracked"] = []
with open(path, "w") as f:
    json.dump(scenario, f, indent=2)
PYTHON
check_status 1 expect-changed --baseline "$baseline" "$out/scenarios"
expect_line expect-changed "FAIL $scenario: daxfile-untracked: got {msync, y-durable} expected {}"
expect_line expect-changed "crashsim check: 1 scenario, 5 models: 1 differs; baseline $baseline: as recorded"

# The assertion is dropped and the expectation follows: as expected, but the baseline recorded a
# y-durable violation that is gone.
python3 - "$scenario" <<'PYTHON'
import json, sys
path = sys.argv[1]
with open(path) as f:
    scenario = json.load(f)
scenario["assert"] = []
scenario["expect"]["daxfile-untracked"] = ["msync"]
with open(path, "w") as f:
    json.dump(scenario, f, indent=2)
PYTHON
check_status 1 violation-fixed --baseline "$baseline" "$out/scenarios"
if ! grep -q '^BASELINE l7-mixed-modes-msync: daxfile-untracked: fixed violation: y-durable (was [0-9]* steps; crash after step' "$out/violation-fixed.out"; then
  fail "violation-fixed: no BASELINE line for the fixed y-durable violation:"
  cat "$out/violation-fixed.out" >&2
fi
expect_line violation-fixed "crashsim check: 1 scenario, 5 models: all as expected; baseline $baseline: 1 difference"

# Rewriting the baseline accepts the change.
check_status 0 rewrite --baseline "$baseline" --update-baseline "$out/scenarios"
check_status 0 after-rewrite --baseline "$baseline" "$out/scenarios"

# A baseline is not a run option, and an unknown option is still invalid input.
status=0
"$crashsim" run --baseline "$baseline" "$scenario" >/dev/null 2>"$out/run-baseline.err" || status=$?
[[ "$status" == 2 ]] || fail "run --baseline exited $status, expected 2"
check_status 2 unknown-option --no-such-option "$out/scenarios"

finish "the baseline gate passes, fails on a changed expect, and fails on a fixed violation"
