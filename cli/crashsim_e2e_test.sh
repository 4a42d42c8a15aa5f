#!/usr/bin/env bash
# The crashsim binary end to end, as a user and a CI job call it: the exit statuses of
# docs/architecture.md, "Command line", error messages that name the file and the JSON pointer,
# byte-identical JSON reports, and the help texts. Runs in the runfiles root, so the binary is
# cli/crashsim and the bundled scenarios are under scenarios/.
set -u

source cli/test_helpers.sh

# expect_status STATUS NAME COMMAND...: runs COMMAND with stdout and stderr in $out/NAME.out and
# $out/NAME.err and checks its exit status.
expect_status() {
  local want="$1" name="$2"
  shift 2
  "$@" >"$out/$name.out" 2>"$out/$name.err"
  local got=$?
  if [[ "$got" != "$want" ]]; then
    fail "$name: '$*' exited $got, expected $want; stderr:"
    sed 's/^/  /' "$out/$name.err" >&2
  fi
}

# expect_text NAME STREAM TEXT: the captured stream (out or err) of NAME contains TEXT.
expect_text() {
  if ! grep -qF -- "$3" "$out/$1.$2"; then
    fail "$1: std$2 does not mention '$3'"
  fi
}

# A small scenario with one violated assertion: B may persist without A under ADR.
write_scenario() {
  cat >"$1" <<JSON
{
  "crashsim": 1,
  "name": "st-st",
  "files": { "/f": { "size": 4096, "layout": "written", "fill": "00", "dax": true } },
  "processes": {
    "P1": ["fd = open /f rw", "k = mmap fd 0 4096 shared", "store k+0 'AAAAAAAA'", "store k+64 'BBBBBBBB'"]
  },
  "assert": [ { "name": "b-implies-a", "check": "/f[64:72] == 'BBBBBBBB' -> /f[0:8] == 'AAAAAAAA'" } ],
  "expect": { "*": $2 }
}
JSON
}

[[ -x "$crashsim" ]] || { echo "FAIL: no $crashsim in $(pwd)" >&2; exit 1; }

# Every bundled scenario meets its expect.
expect_status 0 check "$crashsim" check scenarios

# Same input, same bytes out.
expect_status 0 run-first "$crashsim" run --json "$out/first.json" scenarios
expect_status 0 run-second "$crashsim" run --json "$out/second.json" scenarios
if [[ ! -s "$out/first.json" ]]; then
  fail "run --json wrote no report"
elif ! cmp "$out/first.json" "$out/second.json"; then
  fail "two runs on the same scenarios gave different JSON reports"
fi
expect_text run-first out "b-implies-a"  # the report shows the violations, not only a summary

# Malformed scenarios: exit 2, and the message names the file (and the place in it).
printf '{"crashsim": 1, "name": "x",' >"$out/not-json.json"
expect_status 2 not-json "$crashsim" run "$out/not-json.json"
expect_text not-json err "$out/not-json.json"
expect_text not-json err "not JSON"

cat >"$out/typo.json" <<'JSON'
{
  "crashsim": 1,
  "name": "typo",
  "files": { "/f": { "size": 4096, "layout": "written", "fill": "00" } },
  "processes": { "P1": ["fd = open /f rw", "fsnyc fd"] }
}
JSON
expect_status 2 unknown-op "$crashsim" run "$out/typo.json"
expect_text unknown-op err "$out/typo.json"
expect_text unknown-op err "/processes/P1/1"
expect_text unknown-op err "fsnyc"
# A file that does not load fails the run even beside one that passes, under check too.
expect_status 2 check-with-typo "$crashsim" check scenarios/l24-st-st.json "$out/typo.json"

# An unknown option.
expect_status 2 unknown-option "$crashsim" run --no-such-option scenarios/l24-st-st.json
expect_text unknown-option err "--no-such-option"

# A wrong expect: exit 1; the same scenario with the right expect: exit 0.
write_scenario "$out/wrong-expect.json" '[]'
expect_status 1 wrong-expect "$crashsim" run "$out/wrong-expect.json"
write_scenario "$out/right-expect.json" '["b-implies-a"]'
expect_status 0 right-expect "$crashsim" run "$out/right-expect.json"

# A state budget that runs out is never a pass: exit 3 on a clean multi-step scenario that passes
# without the budget.
expect_status 0 no-budget "$crashsim" run scenarios/l24-st-st-eadr.json
expect_status 3 budget "$crashsim" run --max-states 2 scenarios/l24-st-st-eadr.json
expect_status 3 budget-check "$crashsim" check --max-states 2 scenarios/l24-st-st-eadr.json
expect_text budget out "state budget (--max-states 2) ran out after 2 distinct states"
expect_text budget-check out "BUDGET scenarios/l24-st-st-eadr.json"
expect_text budget-check out "5 out of state budget"
# An image budget is a different budget, and the reports say which one ran out and where.
expect_status 3 image-budget "$crashsim" run --max-images 3 --json "$out/image-budget.json" \
  scenarios/l24-st-st-eadr.json
expect_text image-budget out "image budget (--max-images 3) ran out after 3 crash images, at the crash point"
if ! grep -qF '"kind": "images"' "$out/image-budget.json"; then
  fail "image-budget: the JSON report does not name the image budget"
fi
expect_status 3 image-budget-check "$crashsim" check --max-images 3 scenarios/l24-st-st-eadr.json
expect_text image-budget-check out "5 out of image budget"

# A budget-cut run that found only violations `expect` names, but not all of them, did not reach
# the others: exit 3 and said so, never 0 and not 1. A violation `expect` does not name is still 1,
# and so is an expected one that a run covering its whole space did not find.
two_expected() {
  cat >"$1" <<JSON
{
  "crashsim": 1,
  "name": "two-expected",
  "models": ["map-sync"],
  "files": { "/f": { "size": 4096, "layout": "written", "fill": "00", "dax": true } },
  "processes": {
    "P1": ["fd = open /f rw", "k = mmap fd 0 4096 shared", "store k+0 'AAAAAAAA'",
           "store k+64 'BBBBBBBB'", "persist k+0 128", "persist k+0 128", "persist k+0 128",
           "z: store k+128 'Z'"]
  },
  "assert": [
    { "name": "b-implies-a", "check": "/f[64:72] == 'BBBBBBBB' -> /f[0:8] == 'AAAAAAAA'" },
    { "name": "z-durable", "after": "P1.z", "check": "/f[128:129] == 'Z'" }
  ],
  "expect": { "*": $2 }
}
JSON
}
two_expected "$out/two-expected.json" '["b-implies-a", "z-durable"]'
expect_status 0 two-whole "$crashsim" run "$out/two-expected.json"
# 12 states reach b-implies-a (after step 7) but not the store of Z (step 9).
expect_status 3 two-cut "$crashsim" run --max-states 12 "$out/two-expected.json"
expect_text two-cut out "b-implies-a?"
expect_text two-cut out "expected violation not reached within the budget: {z-durable}"
expect_status 3 two-cut-check "$crashsim" check --max-states 12 "$out/two-expected.json"
expect_text two-cut-check out "expected violation not reached within the budget: {z-durable}"
two_expected "$out/z-only.json" '["z-durable"]'
expect_status 1 two-cut-unexpected "$crashsim" run --max-states 12 "$out/z-only.json"
two_expected "$out/three.json" '["b-implies-a", "fsync", "z-durable"]'
expect_status 1 two-whole-missing "$crashsim" run "$out/three.json"
expect_status 3 two-cut-missing "$crashsim" run --max-states 12 "$out/three.json"
expect_text two-cut-missing out "expected violation not reached within the budget: {fsync, z-durable}"

# explain: the minimal trace of one violation, by name or by number, with its Markdown and HTML.
l7=scenarios/l7-mixed-modes-msync.json
expect_status 0 explain "$crashsim" explain "$l7" --model daxfile-untracked --violation msync \
  --md "$out/explain.md" --html "$out/explain.html"
expect_text explain out "msync"
expect_text explain out "lost:"
expect_text explain out "schedule:"
grep -q "msync" "$out/explain.md" || fail "explain --md wrote no trace"
grep -q "<article" "$out/explain.html" || fail "explain --html wrote no trace"
expect_status 0 explain-number "$crashsim" explain "$l7" --model daxfile-untracked --violation 1
expect_status 2 explain-absent "$crashsim" explain "$l7" --model daxfile-untracked \
  --violation no-such-name
expect_text explain-absent err "its violations:"
# A violation of a clean run, and a number past the last violation: invalid input too.
expect_status 2 explain-clean "$crashsim" explain "$l7" --model kernel-tracked --violation msync
expect_text explain-clean err "it violates nothing"
expect_status 2 explain-past "$crashsim" explain "$l7" --model daxfile-untracked --violation 3
expect_status 2 explain-model "$crashsim" explain "$l7" --model no-such-model --violation 1

# --stats: work counters in a file of their own, never in the report.
expect_status 0 stats "$crashsim" run --stats "$out/stats.json" --json "$out/stats-report.json" \
  scenarios/l24-st-st.json
grep -q '"steps"' "$out/stats.json" || fail "--stats wrote no work counters"
grep -q '"steps"' "$out/stats-report.json" && fail "work counters leaked into the report"

# Help.
expect_status 0 help "$crashsim" --help
expect_text help out "run"
expect_text help out "check"
expect_status 0 run-help "$crashsim" run --help
expect_text run-help out "crashsim run"
expect_text run-help out "check"
expect_status 0 explain-help "$crashsim" explain --help
expect_text explain-help out "crashsim explain"
if grep -qF '\\' "$out/explain-help.out"; then
  fail "explain --help prints a doubled backslash"
fi
expect_status 0 check-help "$crashsim" check --help
expect_text check-help out "crashsim check"
expect_text check-help out "run"

finish "all end-to-end checks passed"
