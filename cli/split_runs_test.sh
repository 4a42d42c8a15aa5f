#!/usr/bin/env bash
# Splitting the work never changes a report (docs/architecture.md, "Determinism and parallelism"):
# every bundled scenario under every model gives byte-identical reports (JSON and text, fix attempts
# included) with --jobs 1 and --jobs 2; its three shards, merged, give the unsharded JSON report
# byte for byte; a sampled run says "sampled" with its seed and the same seed gives the same bytes;
# the recorded baseline holds under --jobs 2 with the files in reverse order. Runs in the runfiles
# root.
set -euo pipefail

source cli/test_helpers.sh

# run_ok NAME ARGS...: crashsim ARGS with stdout in $out/NAME.out; exit 0 or 1 (a verdict) is fine.
run_ok() {
  local name="$1" status=0
  shift
  "$crashsim" "$@" >"$out/$name.out" 2>"$out/$name.err" || status=$?
  if [[ "$status" != 0 && "$status" != 1 ]]; then
    fail "$name: 'crashsim $*' exited $status:"
    cat "$out/$name.err" >&2
  fi
}

same() {
  if ! cmp -s "$1" "$2"; then
    fail "$3: $1 and $2 differ:"
    diff "$1" "$2" | head -20 >&2 || true
  fi
}

run_ok jobs1 run --jobs 1 --json "$out/jobs1.json" scenarios
run_ok jobs2 run --jobs 2 --json "$out/jobs2.json" scenarios
same "$out/jobs1.json" "$out/jobs2.json" "JSON report, --jobs 1 against --jobs 2"
same "$out/jobs1.out" "$out/jobs2.out" "text report, --jobs 1 against --jobs 2"
# `run` suggests and verifies fixes by default: they are part of what must not change.
grep -q '"fix": \[' "$out/jobs1.json" || fail "the reports compared have no fix attempt"

for i in 1 2 3; do
  run_ok "shard$i" run --shard "$i/3" --jobs 2 --json "$out/shard$i.json" scenarios
  grep -q '"shard": {' "$out/shard$i.json" || fail "shard $i's report does not say it is a shard"
done
# The shards in any order.
run_ok merged merge --json "$out/merged.json" "$out/shard3.json" "$out/shard1.json" \
  "$out/shard2.json"
same "$out/jobs1.json" "$out/merged.json" "JSON report, unsharded against three shards merged"
same "$out/jobs1.out" "$out/merged.out" "text report, unsharded against three shards merged"

# The recorded baseline holds under --jobs and with the files given in another order.
status=0
"$crashsim" check --jobs 2 --baseline reports/baseline.json \
  $(ls scenarios/*.json | sort -r) >"$out/baseline.out" 2>&1 || status=$?
[[ "$status" == 0 ]] || { fail "baseline check with --jobs 2, files reversed, exited $status:"; \
  cat "$out/baseline.out" >&2; }

# A merge that misses a shard is refused.
status=0
"$crashsim" merge "$out/shard1.json" "$out/shard2.json" >"$out/missing.out" 2>"$out/missing.err" ||
  status=$?
[[ "$status" == 2 ]] || fail "merge without shard 3 exited $status, expected 2"
grep -q "3" "$out/missing.err" || fail "merge without shard 3 does not name it: $(cat "$out/missing.err")"

scenario=scenarios/two-writers-one-fsync.json
run_ok sampled_a run --sample 5 --seed 7 --json "$out/sampled_a.json" "$scenario"
run_ok sampled_b run --sample 5 --seed 7 --jobs 2 --json "$out/sampled_b.json" "$scenario"
same "$out/sampled_a.json" "$out/sampled_b.json" "sampled report, same seed"
grep -q '"coverage": "sampled"' "$out/sampled_a.json" || fail "a sampled report does not say so"
run_ok sampled_s1 run --sample 5 --seed 7 --shard 1/2 --json "$out/sampled_s1.json" "$scenario"
run_ok sampled_s2 run --sample 5 --seed 7 --shard 2/2 --json "$out/sampled_s2.json" "$scenario"
run_ok sampled_merged merge --json "$out/sampled_merged.json" "$out/sampled_s1.json" \
  "$out/sampled_s2.json"
same "$out/sampled_a.json" "$out/sampled_merged.json" "sampled report, unsharded against merged"
grep -q '"seed": 7' "$out/sampled_a.json" || fail "a sampled report does not give its seed"

finish "reports are the same for every split"
