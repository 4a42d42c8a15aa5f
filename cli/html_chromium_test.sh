#!/usr/bin/env bash
# Renders the HTML report of a violating scenario (L7, mixed modes under daxfile-untracked) in a
# real headless Chromium, Debian's `chromium`, and checks from the DOM that Chromium built
# (--dump-dom) that the verdict matrix, the violation's timeline and its persist graph (an inline
# SVG picture) are there. Then it lays out the reports of the whole bundled suite, with and without
# a state budget (whose notes make the longest cells), in a 1400 px wide window and checks that the
# verdict matrix fits it: a copy of each report gets a script that writes the matrix's right edge
# and the page's scroll width into the DOM (the report itself has no script). Chromium is started
# as the project's decisions fix it: headless, no sandbox (tests may run as root), no GPU, no
# background networking or component updates, a fresh profile and HOME under $TEST_TMPDIR, under a
# timeout. A missing Chromium fails the test; it never skips. Runs in the runfiles root.
set -euo pipefail

crashsim="cli/crashsim"
scenario="scenarios/l7-mixed-modes-msync.json"
out="${TEST_TMPDIR:?}"

if ! command -v chromium >/dev/null; then
  echo "FAIL: chromium is not installed: run third_party/setup.sh (it installs Debian's" \
    "chromium, which this test needs to render the HTML report)" >&2
  exit 1
fi
if ! command -v python3 >/dev/null; then
  echo "FAIL: python3 is missing: run third_party/setup.sh" >&2
  exit 1
fi

status=0
"$crashsim" run --html "$out/report.html" "$scenario" >"$out/run.out" 2>"$out/run.err" || status=$?
if ((status != 0)); then
  echo "FAIL: crashsim run $scenario exited $status:" >&2
  cat "$out/run.err" >&2
  exit 1
fi

mkdir -p "$out/home"
# dump_dom HTML DOM [CHROMIUM OPTIONS...]: the DOM Chromium builds from HTML, in DOM.
dump_dom() {
  local html="$1" dom="$2"
  shift 2
  local status=0
  HOME="$out/home" timeout 120 chromium --headless --no-sandbox --disable-gpu \
    --disable-background-networking --disable-component-update --no-first-run \
    --user-data-dir="$out/chromium" "$@" --dump-dom "file://$html" \
    >"$dom" 2>"$out/chromium.err" || status=$?
  if ((status != 0)) || [[ ! -s "$dom" ]]; then
    echo "FAIL: chromium exited $status without a DOM of $html; its stderr ends with:" >&2
    tail -20 "$out/chromium.err" >&2
    exit 1
  fi
}

dump_dom "$out/report.html" "$out/dom.html"

python3 - "$out/dom.html" <<'PYTHON'
import html.parser
import sys

class Dom(html.parser.HTMLParser):
    """Elements with their attributes and the chain of ancestors' indices."""

    VOID = {"meta", "br", "hr", "img", "input", "link"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements, self.stack = [], []

    def handle_starttag(self, tag, attrs):
        self.elements.append({"tag": tag, "attrs": dict(attrs), "ancestors": list(self.stack),
                              "text": ""})
        if tag not in self.VOID:
            self.stack.append(len(self.elements) - 1)

    def handle_endtag(self, tag):
        while self.stack:
            if self.elements[self.stack.pop()]["tag"] == tag:
                break

    def handle_data(self, data):
        if self.stack:
            self.elements[self.stack[-1]]["text"] += data

    def find(self, tag, css_class=None, inside=None):
        return [i for i, e in enumerate(self.elements)
                if e["tag"] == tag
                and (css_class is None or css_class in (e["attrs"].get("class") or "").split())
                and (inside is None or inside in e["ancestors"])]

dom = Dom()
with open(sys.argv[1], encoding="utf-8") as f:
    dom.feed(f.read())
problems = []

def need(condition, message):
    if not condition:
        problems.append(message)

matrix = [i for i, e in enumerate(dom.elements) if e["attrs"].get("id") == "matrix"]
need(len(matrix) == 1 and dom.elements[matrix[0]]["tag"] == "table",
     "no table#matrix in the DOM")
if matrix:
    heads = [dom.elements[i]["text"] for i in dom.find("th", inside=matrix[0])]
    need(heads[:6] == ["scenario", "kernel-tracked", "map-sync", "daxfile-untracked",
                       "daxfile-tracked", "per-vma"], f"matrix header is {heads[:6]}")
    need(len(dom.find("tbody", inside=matrix[0])) == 1, "the browser sees no tbody in the matrix")
    cells = dom.find("td", "cell", inside=matrix[0])
    need(len(cells) == 5, f"{len(cells)} matrix cells, expected 5")
    violated = [i for i in cells if "violated-as-expected" in dom.elements[i]["attrs"]["class"]]
    need(len(violated) == 1, "no violated-as-expected cell for daxfile-untracked")
    need(len(dom.find("td", "clean", inside=matrix[0])) == 4, "not four clean cells")

articles = dom.find("article", "violation")
need(len(articles) == 2, f"{len(articles)} violations, expected msync and y-durable")
for article in articles:
    attrs = dom.elements[article]["attrs"]
    name = attrs.get("data-guarantee")
    need(attrs.get("data-model") == "daxfile-untracked", f"{name}: wrong model")
    timelines = dom.find("table", "timeline", inside=article)
    need(len(timelines) == 1, f"{name}: no timeline")
    if timelines:
        lanes = [dom.elements[i]["text"] for i in dom.find("th", "lane", inside=timelines[0])]
        need(lanes == ["P1", "P2", "background / hardware"], f"{name}: lanes are {lanes}")
        need(len(dom.find("tr", "step", inside=timelines[0])) >= 4, f"{name}: too few steps")
        need(len(dom.find("tr", "crash-point", inside=timelines[0])) == 1,
             f"{name}: crash point not marked")
    need(len(dom.find("ul", "lost", inside=article)) == 1, f"{name}: no lost events")
    figures = dom.find("figure", "persist-graph", inside=article)
    need(len(figures) == 1, f"{name}: no persist graph picture")
    if figures:
        svgs = dom.find("svg", inside=figures[0])
        need(len(svgs) == 1, f"{name}: the persist graph has no svg")
        if svgs:
            need(len(dom.find("g", "node", inside=svgs[0])) == 1,
                 f"{name}: the persist graph does not draw its one pending event")
    need(len(dom.find("dd", "promise", inside=article)) == 1, f"{name}: no promise")
    need(len(dom.find("dd", "observed", inside=article)) == 1, f"{name}: no observed value")

for problem in problems:
    print(f"FAIL: {problem}", file=sys.stderr)
if problems:
    sys.exit(1)
print("chromium rendered the matrix and the timelines of", len(articles), "violations")
PYTHON

# The matrix of the whole bundled suite fits a 1400 px wide window, with and without budget notes.
for budget in none 3; do
  options=()
  [[ "$budget" == none ]] || options=(--max-states "$budget")
  status=0
  "$crashsim" run "${options[@]}" --html "$out/suite.html" scenarios >/dev/null 2>"$out/suite.err" \
    || status=$?
  if ((status != 0 && status != 3)); then
    echo "FAIL: crashsim run scenarios (budget $budget) exited $status:" >&2
    cat "$out/suite.err" >&2
    exit 1
  fi
  python3 - "$out/suite.html" "$out/measured.html" <<'PYTHON'
import sys
page = open(sys.argv[1], encoding="utf-8").read()
probe = ('<script>const m = document.getElementById("matrix");'
         'document.body.setAttribute("data-matrix-right",'
         ' Math.ceil(m.getBoundingClientRect().right));'
         'document.body.setAttribute("data-scroll-width", document.documentElement.scrollWidth);'
         'document.body.setAttribute("data-client-width", document.documentElement.clientWidth);'
         '</script></body>')
assert page.count("</body>") == 1
open(sys.argv[2], "w", encoding="utf-8").write(page.replace("</body>", probe))
PYTHON
  dump_dom "$out/measured.html" "$out/measured-dom.html" --window-size=1400,900
  python3 - "$out/measured-dom.html" "$budget" <<'PYTHON'
import re
import sys
dom = open(sys.argv[1], encoding="utf-8").read()
values = {}
for name in ("matrix-right", "scroll-width", "client-width"):
    found = re.search(r'data-%s="(\d+)"' % name, dom)
    if not found:
        print(f"FAIL: budget {sys.argv[2]}: the probe wrote no {name}", file=sys.stderr)
        sys.exit(1)
    values[name] = int(found.group(1))
if not 1300 <= values["client-width"] <= 1400:
    print(f"FAIL: the window is {values['client-width']} px wide, not about 1400", file=sys.stderr)
    sys.exit(1)
if values["matrix-right"] > values["client-width"] or \
        values["scroll-width"] > values["client-width"]:
    print(f"FAIL: budget {sys.argv[2]}: the matrix ends at {values['matrix-right']} px and the "
          f"page is {values['scroll-width']} px wide, in a window {values['client-width']} px "
          "wide", file=sys.stderr)
    sys.exit(1)
print(f"budget {sys.argv[2]}: the matrix ends at {values['matrix-right']} px of "
      f"{values['client-width']}")
PYTHON
done
