#!/usr/bin/env bash
# SIGTERM and SIGINT sent to a running crashsim, as CI does at a timeout: it stops exploring,
# writes every report with what finished (a small scenario run first) and the rest marked
# interrupted, never a pass, and exits 128 + the signal's number (143, 130). Also with --jobs 2,
# so the explorer's worker threads stop too. Runs in the runfiles root.
set -u

source cli/test_helpers.sh
schema="reports/report.schema.json"

# Four processes of six buffered writes each, background writeback explored: far more states than
# the test waits for, so the signal finds it exploring.
cat >"$out/long.json" <<'JSON'
{
  "crashsim": 1,
  "name": "long-interleaving",
  "models": ["kernel-tracked", "per-vma"],
  "files": { "/f": { "size": 65536, "layout": "written", "fill": "00" } },
  "processes": {
    "P1": ["fd = open /f rw", "pwrite fd 0 'a'", "pwrite fd 4096 'b'", "pwrite fd 8192 'c'", "pwrite fd 12288 'd'", "pwrite fd 16384 'e'", "pwrite fd 20480 'f'"],
    "P2": ["fd = open /f rw", "pwrite fd 1 'a'", "pwrite fd 4097 'b'", "pwrite fd 8193 'c'", "pwrite fd 12289 'd'", "pwrite fd 16385 'e'", "pwrite fd 20481 'f'"],
    "P3": ["fd = open /f rw", "pwrite fd 2 'a'", "pwrite fd 4098 'b'", "pwrite fd 8194 'c'", "pwrite fd 12290 'd'", "pwrite fd 16386 'e'", "pwrite fd 20482 'f'"],
    "P4": ["fd = open /f rw", "pwrite fd 3 'a'", "pwrite fd 4099 'b'", "pwrite fd 8195 'c'", "pwrite fd 12291 'd'", "pwrite fd 16387 'e'", "pwrite fd 20483 'f'"]
  }
}
JSON

# interrupt NAME SIGNAL STATUS JOBS: runs the small scenario, then the long one, sends SIGNAL
# after a few seconds and checks the exit status and the reports.
interrupt() {
  local name="$1" signal="$2" want="$3" jobs="$4"
  echo '{"stale": true}' >"$out/$name.json"
  "$crashsim" run --jobs "$jobs" --json "$out/$name.json" --junit "$out/$name.xml" \
    --md "$out/$name.md" scenarios/l24-st-st.json "$out/long.json" \
    >"$out/$name.out" 2>"$out/$name.err" &
  local pid=$!
  sleep 3
  kill -s "$signal" "$pid"
  wait "$pid"
  local status=$?
  ((status == want)) || { fail "$name: exit status $status, expected $want"; cat "$out/$name.err" >&2; }
  grep -qF "interrupted by signal" "$out/$name.err" || fail "$name: stderr does not say interrupted"
  grep -qF "interrupted" "$out/$name.out" || fail "$name: the matrix shows no interrupted run"
  grep -qF 'type="interrupted"' "$out/$name.xml" || fail "$name: JUnit has no interrupted run"
  grep -qF "interrupted" "$out/$name.md" || fail "$name: Markdown has no interrupted run"
  python3 cli/validate_report.py "$schema" "$out/$name.json" ||
    fail "$name: the JSON report does not validate"
  python3 - "$out/$name.json" <<'PYTHON' || fail "$name: the JSON report is not as expected"
import json, sys
report = json.load(open(sys.argv[1], encoding="utf-8"))
small, long = report["scenarios"]
assert small["name"] == "l24-st-st" and long["name"] == "long-interleaving"
# What finished before the signal is reported as it is.
assert all(m["coverage"] == "exhaustive" for m in small["models"]), small["models"]
assert all(m["matches_expect"] for m in small["models"])
# The rest is interrupted, never a pass: the first model stopped while exploring, the second
# never started.
assert [m["coverage"] for m in long["models"]] == ["interrupted", "interrupted"], long["models"]
assert long["models"][0]["distinct_states"] > 0
assert long["models"][1]["distinct_states"] == 0
PYTHON
}

interrupt sigterm TERM 143 1
interrupt sigint INT 130 1
interrupt sigterm-jobs2 TERM 143 2

finish "SIGTERM and SIGINT stop the run, write the reports and exit 128 + the signal"
