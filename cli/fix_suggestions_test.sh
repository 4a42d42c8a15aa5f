#!/usr/bin/env bash
# Fix suggestions end to end (docs/architecture.md, "Fix suggestions"): `run` names the op a
# missing ordering calls for and verifies it by a re-run, "fix verified" for the bundled commit-store
# idiom with a flush but no fence, and "not enough" where one op cannot order two unflushed stores
# before the flag; the suggested op, pasted into the scenario file, really removes the violation;
# `--no-fix` and `check` pay for no re-run and report none, `check --fix` does. Runs in the
# runfiles root.
set -u

source cli/test_helpers.sh

# run_crashsim NAME ARGS...: stdout and stderr in $out/NAME.out and .err; exit 0 or 1 is fine.
run_crashsim() {
  local name="$1" status=0
  shift
  "$crashsim" "$@" >"$out/$name.out" 2>"$out/$name.err" || status=$?
  if [[ "$status" != 0 && "$status" != 1 ]]; then
    fail "$name: 'crashsim $*' exited $status:"
    sed 's/^/  /' "$out/$name.err" >&2
  fi
}

expect_text() {
  grep -qF -- "$3" "$out/$1.$2" || fail "$1: std$2 does not say '$3'"
}

# json_field FILE EXPR: a Python expression over the report `r`, printed.
json_field() {
  python3 -c "import json, sys; r = json.load(open(sys.argv[1])); print($2)" "$1"
}

# Verified: the commit-store idiom with the data flushed but not fenced.
flush_no_fence=scenarios/commit-store-flush-no-fence-256.json
run_crashsim verified run --json "$out/verified.json" "$flush_no_fence"
expect_text verified out "fix:         no \`sfence\` between step 5 (P1: flush m+0 256) and step 6"
expect_text verified out "insert \`sfence\` into P1 as op 5: fix verified: the violation is gone under all designs"
attempt='r["scenarios"][0]["models"][0]["violations"][0]["fix"]'
[[ "$(json_field "$out/verified.json" "$attempt")" == \
   "[{'process': 'P1', 'position': 5, 'ops': ['sfence'], "* ]] ||
  fail "verified: the JSON fix attempt is $(json_field "$out/verified.json" "$attempt")"
[[ "$(json_field "$out/verified.json" "$attempt[-1]['outcome']")" == verified ]] ||
  fail "verified: the JSON outcome is not verified"

# The suggestion is scenario syntax: inserted into the file, the assertion holds.
python3 - "$flush_no_fence" "$out/fixed.json" <<'PYTHON'
import json, sys
scenario = json.load(open(sys.argv[1]))
scenario["processes"]["P1"].insert(4, "sfence")  # as op 5
scenario["expect"] = {}
json.dump(scenario, open(sys.argv[2], "w"))
PYTHON
status=0
"$crashsim" run --no-fix "$out/fixed.json" >"$out/fixed.out" 2>&1 || status=$?
[[ "$status" == 0 ]] || fail "the scenario with the suggested sfence is not clean (exit $status)"

# Not enough: two stores, neither flushed, before a persisted flag. One op orders one of them.
cat >"$out/two-stores.json" <<'JSON'
{
  "crashsim": 1,
  "name": "two-stores-one-flag",
  "doc": "Two data stores, neither flushed, before a persisted flag: a flush and fence of one of them leaves the other unordered.",
  "models": ["kernel-tracked"],
  "files": { "/pool": { "size": 4096, "layout": "written", "fill": "00", "dax": true } },
  "processes": {
    "P1": ["fd = open /pool rw", "m = mmap fd 0 4096 shared", "store m+0 'AAAAAAAA'",
           "store m+128 'CCCCCCCC'", "store m+512 0x01", "persist m+512 1"]
  },
  "assert": [ { "name": "flag-implies-data",
                "check": "/pool[512:513] == 0x01 -> /pool[0:8] == 'AAAAAAAA' && /pool[128:136] == 'CCCCCCCC'" } ],
  "expect": { "*": ["flag-implies-data"] }
}
JSON
run_crashsim not_enough run --json "$out/not_enough.json" "$out/two-stores.json"
expect_text not_enough out "insert \`persist m+0 8\` into P1 as op 4: not enough: the violation remains under kernel-tracked"
[[ "$(json_field "$out/not_enough.json" "$attempt[0]['outcome']")" == not-enough ]] ||
  fail "not enough: the JSON outcome is not not-enough"

# A violation no single op can fix (a torn store) gets no suggestion, and says nothing of it.
run_crashsim torn run --json "$out/torn.json" scenarios/l24-same-line-and-tearing.json
grep -q "fix:" "$out/torn.out" && fail "torn: a torn store got a fix suggestion"
grep -q '"fix"' "$out/torn.json" && fail "torn: the JSON report has a fix"

# Skipped: --no-fix, and check unless --fix.
run_crashsim no_fix run --no-fix --json "$out/no_fix.json" "$flush_no_fence"
grep -q "fix:" "$out/no_fix.out" && fail "--no-fix: the text report has a fix"
grep -q '"fix"' "$out/no_fix.json" && fail "--no-fix: the JSON report has a fix"
run_crashsim check check --json "$out/check.json" "$flush_no_fence"
grep -q '"fix"' "$out/check.json" && fail "check: the JSON report has a fix without --fix"
run_crashsim check_fix check --fix --json "$out/check_fix.json" "$flush_no_fence"
grep -q '"outcome": "verified"' "$out/check_fix.json" || fail "check --fix: no verified fix"

finish "fix suggestions: verified, not enough, none, and skipped when not asked for"
