#!/usr/bin/env bash
# Every bundled scenario produces HTML, Markdown, JUnit XML and DOT output that is well formed,
# and the same bytes on a second run. JUnit is parsed with Python's standard XML parser, each DOT
# file with Debian's graphviz (`dot`), the HTML with Python's HTML parser (tags balanced, the
# matrix and one timeline per violation present). Runs in the runfiles root.
set -euo pipefail

crashsim="cli/crashsim"
out="${TEST_TMPDIR:?}"

for tool in python3 dot; do
  if ! command -v "$tool" >/dev/null; then
    echo "FAIL: $tool is missing: run third_party/setup.sh (it installs python3 and graphviz)" >&2
    exit 1
  fi
done

run() {
  local dir="$out/$1" status=0
  mkdir -p "$dir"
  "$crashsim" run scenarios --json "$dir/report.json" --html "$dir/report.html" \
    --md "$dir/report.md" --junit "$dir/junit.xml" --dot "$dir/dot" \
    >"$dir/run.out" 2>"$dir/run.err" || status=$?
  if ((status == 2)); then
    echo "FAIL: crashsim run scenarios exited 2 (invalid input):" >&2
    cat "$dir/run.err" >&2
    exit 1
  fi
}
run first
run second

failures=0
if ! diff -r "$out/first" "$out/second" >"$out/diff.txt"; then
  echo "FAIL: two runs over the same scenarios wrote different outputs:" >&2
  head -40 "$out/diff.txt" >&2
  failures=$((failures + 1))
fi

dir="$out/first"
dot_files=0
for file in "$dir"/dot/*.dot; do
  [[ -e "$file" ]] || continue
  dot_files=$((dot_files + 1))
  if ! dot -Tcanon -o /dev/null "$file" 2>"$out/dot.err"; then
    echo "FAIL: graphviz does not read $(basename "$file"):" >&2
    cat "$out/dot.err" >&2
    failures=$((failures + 1))
  fi
done

python3 - "$dir" "$dot_files" <<'PYTHON' || failures=$((failures + 1))
import html.parser
import json
import os
import sys
import xml.etree.ElementTree as ElementTree

directory, dot_files = sys.argv[1], int(sys.argv[2])
with open(os.path.join(directory, "report.json"), encoding="utf-8") as f:
    report = json.load(f)
runs = [(s, m) for s in report["scenarios"] for m in s["models"]]
violations = sum(len(m["violations"]) for _, m in runs)
# HTML and Markdown show a trace that several models share once, naming them: count the distinct
# (violation, expected or not) per scenario.
traces = sum(
    len({(json.dumps(v, sort_keys=True), v["guarantee"] in m["expected"])
         for m in s["models"] for v in m["violations"]})
    for s in report["scenarios"])
problems = []

# JUnit: parses, one testcase per scenario x model, a failure exactly where the verdict differs.
suites = ElementTree.parse(os.path.join(directory, "junit.xml")).getroot()
cases = suites.findall("./testsuite/testcase")
if len(cases) != len(runs):
    problems.append(f"junit: {len(cases)} test cases for {len(runs)} runs")
for case, (scenario, model) in zip(cases, runs):
    failed = case.find("failure") is not None and case.find("failure").get("type") == "verdict"
    if failed == model["matches_expect"] and "not_modelled" not in model:
        problems.append(f"junit: {scenario['name']} {model['model']}: failure does not match verdict")

# DOT: one file per violation.
if dot_files != violations:
    problems.append(f"dot: {dot_files} files for {violations} violations")

# HTML: balanced tags, the matrix, one article with one timeline per violation.
VOID = {"meta", "br", "hr", "img", "input", "link"}

class Checker(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.ids, self.classes = [], set(), {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            if attrs["id"] in self.ids:
                problems.append(f"html: duplicate id {attrs['id']}")
            self.ids.add(attrs["id"])
        for name in (attrs.get("class") or "").split():
            self.classes[(tag, name)] = self.classes.get((tag, name), 0) + 1
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack.pop() != tag:
            problems.append(f"html: </{tag}> does not close the open element")

checker = Checker()
with open(os.path.join(directory, "report.html"), encoding="utf-8") as f:
    checker.feed(f.read())
checker.close()
if checker.stack:
    problems.append(f"html: unclosed {checker.stack}")
if "matrix" not in checker.ids:
    problems.append("html: no element with id matrix")
if checker.classes.get(("td", "cell"), 0) != len(report["scenarios"]) * len(
        {m["model"] for _, m in runs}):
    problems.append("html: the matrix does not have a cell per scenario and model")
for tag, name in (("article", "violation"), ("table", "timeline"), ("tr", "crash-point")):
    if checker.classes.get((tag, name), 0) != traces:
        problems.append(f"html: {checker.classes.get((tag, name), 0)} {tag}.{name} for "
                        f"{traces} distinct traces")

# Markdown: a heading per violation and a table row per scenario.
with open(os.path.join(directory, "report.md"), encoding="utf-8") as f:
    markdown = f.read().splitlines()
if sum(line.startswith("### ") for line in markdown) != traces:
    problems.append("md: not one heading per distinct trace")
if sum(line.startswith("| ") for line in markdown) != len(report["scenarios"]) + 1:
    problems.append("md: not one table row per scenario")

for problem in problems:
    print(f"FAIL: {problem}", file=sys.stderr)
sys.exit(1 if problems else 0)
PYTHON

if ((failures > 0)); then
  exit 1
fi
echo "HTML, Markdown, JUnit and $dot_files DOT files: well formed and byte-identical"
