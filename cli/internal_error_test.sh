#!/usr/bin/env bash
# An internal failure in one run (a failed internal check, or an std::out_of_range from a
# container), injected by cli/crashsim_fault_injection into every run of one scenario among three:
# exit status 4; stderr and every report name the scenario, the model, the step and the check;
# the other files' results are exactly those of a run without the fault; the same bytes for
# --jobs 1 and --jobs 2 (the fault fires on both worker threads, and neither calls
# std::terminate); the JSON report validates against the schema. Runs in the runfiles root.
set -u

source cli/test_helpers.sh
faulty="cli/crashsim_fault_injection"
schema="reports/report.schema.json"

files=(scenarios/l24-st-st.json scenarios/two-writers-one-fsync.json
  scenarios/l7-mixed-modes-msync.json)
# Depth 8 of two-writers-one-fsync holds 100 states, several chunks of work, so --jobs 2 checks
# them on two threads.
readonly depth=8

# Without the fault: the reference for the two other files.
"$crashsim" run --json "$out/reference.json" scenarios/l24-st-st.json \
  scenarios/l7-mixed-modes-msync.json >/dev/null 2>&1

for kind in check out-of-range; do
  spec="two-writers-one-fsync@$depth"
  [[ "$kind" == out-of-range ]] && spec+=":out-of-range"
  for jobs in 1 2; do
    name="$kind-jobs$jobs"
    CRASHSIM_TEST_FAULT="$spec" "$faulty" run --jobs "$jobs" --json "$out/$name.json" \
      --html "$out/$name.html" --md "$out/$name.md" --junit "$out/$name.xml" "${files[@]}" \
      >"$out/$name.out" 2>"$out/$name.err"
    status=$?
    ((status == 4)) || fail "$name: exit status $status, expected 4 (internal error)"
    if [[ "$kind" == check ]]; then
      what="internal check failed: out_of_range at sim/explore/explorer.cc"
    else
      what="std::out_of_range: map::at"
    fi
    for model in kernel-tracked map-sync daxfile-untracked daxfile-tracked per-vma; do
      grep -qF "crashsim: internal error (a bug in crashsim) in two-writers-one-fsync (scenarios/two-writers-one-fsync.json) under $model: $what" \
        "$out/$name.err" || fail "$name: stderr does not name the failure under $model"
    done
    grep -qF "while checking the crash states after step $depth" "$out/$name.err" ||
      fail "$name: stderr does not name the step"
    grep -qF "internal-error!" "$out/$name.out" || fail "$name: the matrix shows no internal error"
    # (HTML escapes the '>' of the check's condition.)
    grep -qF "$(sed 's/>/\&gt;/g' <<<"$what")" "$out/$name.html" ||
      fail "$name: the HTML report does not name the failure"
    grep -qF "$what" "$out/$name.md" || fail "$name: the Markdown report does not name the failure"
    grep -qF 'type="internal-error"' "$out/$name.xml" || fail "$name: JUnit has no internal error"
    python3 cli/validate_report.py "$schema" "$out/$name.json" ||
      fail "$name: the JSON report does not validate"
    python3 - "$out/$name.json" "$out/reference.json" <<'PYTHON' || fail "$name: results differ"
import json, sys
report, reference = (json.load(open(p, encoding="utf-8")) for p in sys.argv[1:3])
names = [s["name"] for s in report["scenarios"]]
assert names == ["l24-st-st", "two-writers-one-fsync", "l7-mixed-modes-msync"], names
kept = [s for s in report["scenarios"] if s["name"] != "two-writers-one-fsync"]
assert kept == reference["scenarios"], "the other files' results changed"
failed = report["scenarios"][1]["models"]
assert len(failed) == 5
for model in failed:
    assert model["coverage"] == "internal-error" and model["verdict"] == [], model["model"]
    assert model["internal_error"]["step"].startswith("checking the crash states after step"), model
    assert len(model["internal_error"]["schedule"]) == int(model["internal_error"]["step"].split()[-1])
PYTHON
  done
  for suffix in json out err html md xml; do
    cmp -s "$out/$kind-jobs1.$suffix" "$out/$kind-jobs2.$suffix" ||
      fail "$kind: --jobs 1 and --jobs 2 differ in .$suffix"
  done
done

finish "internal errors are contained in their runs, with one and two threads"
