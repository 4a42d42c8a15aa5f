#!/usr/bin/env bash
# The JSON report of every bundled scenario validates against reports/report.schema.json (JSON
# Schema draft 2020-12), checked with Debian's python3-jsonschema: the one Python dependency,
# test-only, because Debian has no maintained C++ validator for nlohmann/json. Runs in the
# runfiles root: the binary is cli/crashsim, the scenarios are under scenarios/.
set -euo pipefail

crashsim="cli/crashsim"
schema="reports/report.schema.json"
out="${TEST_TMPDIR:?}"

if ! command -v python3 >/dev/null; then
  echo "FAIL: python3 is missing: run third_party/setup.sh (it installs python3-jsonschema)" >&2
  exit 1
fi
if ! python3 -c 'from jsonschema import Draft202012Validator' 2>"$out/import.err"; then
  echo "FAIL: python3 cannot import jsonschema's Draft202012Validator: run third_party/setup.sh" \
    "(it installs python3-jsonschema)" >&2
  cat "$out/import.err" >&2
  exit 1
fi

# The verdicts are engine_test's business; this test needs a report, whatever the exit status
# short of invalid input.
status=0
"$crashsim" run --json "$out/report.json" scenarios >"$out/run.out" 2>"$out/run.err" || status=$?
if ((status == 2)); then
  echo "FAIL: crashsim run scenarios exited 2 (invalid input):" >&2
  cat "$out/run.err" >&2
  exit 1
fi

scenario_count=$(find scenarios -name '*.json' | wc -l)
python3 - "$schema" "$out/report.json" "$scenario_count" <<'PYTHON'
import json
import sys

from jsonschema import Draft202012Validator

schema_path, report_path, scenario_count = sys.argv[1], sys.argv[2], int(sys.argv[3])
with open(schema_path, encoding="utf-8") as f:
    schema = json.load(f)
Draft202012Validator.check_schema(schema)
with open(report_path, encoding="utf-8") as f:
    report = json.load(f)

errors = sorted(Draft202012Validator(schema).iter_errors(report), key=lambda e: list(e.path))
for error in errors[:20]:
    where = "/" + "/".join(str(p) for p in error.path)
    print(f"FAIL: {where}: {error.message}", file=sys.stderr)

# What the schema cannot say: every bundled scenario is in the report, a persist node's
# predecessors are nodes of the same graph, and fix attempts end at the first verified one (and
# `run` suggests some for the bundled scenarios, so the schema's fix attempt is exercised).
problems = []
fixes = 0
if len(report["scenarios"]) != scenario_count:
    problems.append(f"{len(report['scenarios'])} scenarios in the report, {scenario_count} bundled")
violations = 0
for scenario in report["scenarios"]:
    for model in scenario["models"]:
        if [v["guarantee"] for v in model["violations"]] != model["verdict"]:
            problems.append(f"{scenario['name']} {model['model']}: violations do not match the verdict")
        for violation in model["violations"]:
            violations += 1
            graph = violation["persist_graph"]
            for node in graph:
                if any(index >= len(graph) for index in node["after"]):
                    problems.append(f"{scenario['name']} {model['model']} {violation['guarantee']}: "
                                    "a persist node names a predecessor outside the graph")
            outcomes = [attempt["outcome"] for attempt in violation.get("fix", [])]
            fixes += len(outcomes)
            if "verified" in outcomes[:-1]:
                problems.append(f"{scenario['name']} {model['model']} {violation['guarantee']}: "
                                "a fix attempt follows a verified one")
if fixes == 0:
    problems.append("no violation of the bundled scenarios has a fix attempt")
for problem in problems:
    print(f"FAIL: {problem}", file=sys.stderr)
if errors or problems:
    sys.exit(1)
print(f"{len(report['scenarios'])} scenarios, {violations} violations: the report is valid")
PYTHON
