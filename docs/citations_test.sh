#!/usr/bin/env bash
# Every citation in the repository resolves to a document of the repository. A file (code,
# comment, BUILD, scenario `doc`, Markdown) fails the test when it
# - names a document that is not part of the repository (the old reference names checked below);
# - cites a docs/<name>.md that does not exist, or links to a local .md file that does not;
# - cites docs/semantics.md with a section number, litmus case (L7, L8b) or oracle (O6) that the
#   document does not define;
# - cites docs/architecture.md, docs/scenario-format.md or README.md with a quoted heading
#   ("Command line") that the document does not have.
#
# The rule is about every file of the repository, including files that no Bazel target names, so
# the test reads the working tree itself: it finds it through the real path of its own data file
# docs/semantics.md and lists the files with git (tracked and untracked, not ignored), or with find
# where git is missing. That is why the target is `local` and tagged `external` (never answered
# from the cache). The checker is first run on small trees made here, each with one known fault,
# so that a checker that finds nothing cannot pass.
set -euo pipefail

scratch="${TEST_TMPDIR:?}"

if ! command -v python3 >/dev/null; then
  echo "FAIL: python3 is missing: run third_party/setup.sh" >&2
  exit 1
fi

# check_tree ROOT: prints one line per unresolved citation; exits 1 when there is any.
check_tree() {
  python3 - "$1" <<'PYTHON'
import os
import re
import subprocess
import sys

root = sys.argv[1]

# The reference documents that live outside the repository; spelled so that this file does not
# match itself.
FOREIGN = re.compile(r"\b(?:SEMANTICS[.]md|DESIGN[.]md|SCENARIO_FORMA[T]\w*(?:[.]md)?|"
                     r"DECISIONS[.]md|STYLE[.]md)")
DOCS_FILE = re.compile(r"(?<![\w/.-])docs/([A-Za-z0-9_-]+(?:[.][A-Za-z0-9_-]+)*[.]md)")
MD_LINK = re.compile(r"\]\(([^)#\s]+[.]md)(?:#[^)]*)?\)")
REF = r"(?:\d+(?:[.]\d+)*|L\d+b?|O\d+)"
SEMANTICS_CITE = re.compile(
    r"(?<![\w/.-])docs/semantics[.]md,?\s+\(?(?:sections?\s+)?(" + REF +
    r"(?:(?:,\s*|\s+and\s+)" + REF + r")*)(?![\w.]*\d)")
HEADING_CITE = re.compile(
    r"(?<![\w/.-])(docs/architecture[.]md|docs/scenario-format[.]md|README[.]md),?\s+"
    r"(\"[^\"]+\"(?:(?:,\s*|\s+and\s+)\"[^\"]+\")*)")


def list_files():
    try:
        out = subprocess.run(
            ["git", "-C", root, "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            check=True, capture_output=True).stdout.decode()
        names = [n for n in out.split("\0") if n]
        if names:
            return sorted(set(names))
    except (OSError, subprocess.CalledProcessError):
        pass
    names = []
    for directory, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d != ".git" and not d.startswith("bazel-"))
        for f in files:
            names.append(os.path.relpath(os.path.join(directory, f), root))
    return sorted(names)


def read_text(rel):
    path = os.path.join(root, rel)
    if not os.path.isfile(path):
        return None
    with open(path, "rb") as f:
        data = f.read()
    if b"\0" in data:
        return None  # binary (an image)
    return data.decode("utf-8", errors="replace")


def headings(rel):
    text = read_text(rel) or ""
    found = []
    in_code = False
    for line in text.splitlines():
        if line.startswith("```"):
            in_code = not in_code
        m = None if in_code else re.match(r"^#+\s+(.*?)\s*$", line)
        if m:
            found.append(m.group(1).replace("`", ""))
    return found


def semantics_names():
    text = read_text("docs/semantics.md") or ""
    names = set()
    for line in text.splitlines():
        m = re.match(r"^#+\s+(\d+(?:[.]\d+)*)[.]?\s", line)
        if m:
            names.add(m.group(1))
        m = re.match(r"^\*\*((?:L\d+b?|O\d+))\b", line)
        if m:
            names.add(m.group(1))
    return names


def heading_exists(cited, available):
    return any(h == cited or h.startswith(cited + " (") for h in available)


def joined(text):
    # A citation may run over a line break of a comment: join the lines, comment markers dropped.
    return re.sub(r"\n[ \t]*(?://+|#+)?[ \t]*", " ", text)


files = list_files()
existing = set(files)
sections = semantics_names()
heading_cache = {}
problems = []
for rel in files:
    text = read_text(rel)
    if text is None:
        continue
    for number, line in enumerate(text.splitlines(), 1):
        for m in FOREIGN.finditer(line):
            problems.append(f"{rel}:{number}: cites {m.group(0)}, which is not in the repository")
        for m in DOCS_FILE.finditer(line):
            if "docs/" + m.group(1) not in existing:
                problems.append(f"{rel}:{number}: cites docs/{m.group(1)}, which does not exist")
        if rel.endswith(".md"):
            for m in MD_LINK.finditer(line):
                target = os.path.normpath(os.path.join(os.path.dirname(rel), m.group(1)))
                if "://" not in m.group(1) and target not in existing:
                    problems.append(f"{rel}:{number}: links to {m.group(1)}, which does not exist")
    flat = joined(text)
    for m in SEMANTICS_CITE.finditer(flat):
        for ref in re.split(r",\s*|\s+and\s+", m.group(1)):
            if ref not in sections:
                problems.append(f"{rel}: cites docs/semantics.md {ref}, which it does not define")
    for m in HEADING_CITE.finditer(flat):
        doc = m.group(1)
        if doc not in heading_cache:
            heading_cache[doc] = headings(doc)
        for cited in re.findall(r"\"([^\"]+)\"", m.group(2)):
            if not heading_exists(cited, heading_cache[doc]):
                problems.append(f"{rel}: cites {doc}, \"{cited}\", which is not a heading there")

for problem in problems:
    print(problem)
sys.exit(1 if problems else 0)
PYTHON
}

failures=0

# expect_fault NAME TEXT: a tree whose file NAME holds TEXT must fail, naming NAME.
expect_fault() {
  local tree="$scratch/fault$((++fault_count))"
  mkdir -p "$tree/docs" "$tree/src"
  printf '# Semantics\n\n## 2. Operations\n\n### 2.5 Extent-map operations\n\n**L7 — a case.**\n' \
    >"$tree/docs/semantics.md"
  printf '# Architecture\n\n## Command line\n\n## The Machine (`models/`)\n' >"$tree/docs/architecture.md"
  printf '// fine: docs/semantics.md 2.5 and L7; docs/architecture.md, "The Machine".\n' \
    >"$tree/src/good.h"
  printf '%s\n' "$2" >"$tree/$1"
  if check_tree "$tree" >"$tree.out"; then
    echo "FAIL: the checker accepted $1 holding: $2" >&2
    failures=$((failures + 1))
  elif ! grep -q "^$1" "$tree.out"; then
    echo "FAIL: the checker failed, but not on $1:" >&2
    cat "$tree.out" >&2
    failures=$((failures + 1))
  fi
}
# Each fixture is spelled in two pieces ("docs/semantics"".md") so that this file, which the last
# check reads too, does not cite what it plants.
fault_count=0
expect_fault src/a.h "// (SEMANTICS"".md 2.5)"
expect_fault src/b.h "// (SCENARIO_""FORMAT \"Config\")"
expect_fault src/c.h "// (docs/design"".md)"
expect_fault src/d.h "// (docs/semantics"".md 2.6)"
expect_fault src/e.h "// (docs/semantics"".md L13)"
expect_fault src/f.h $'// (docs/architecture''.md, "Command\n// lines")'
expect_fault src/g.md "see [the format](../docs/scenario-format"".md)"

# The trees without their planted fault pass: the good citations resolve.
clean="$scratch/clean"
mkdir -p "$clean/docs" "$clean/src"
cp "$scratch/fault1/docs/"*.md "$clean/docs/"
cp "$scratch/fault1/src/good.h" "$clean/src/"
if ! check_tree "$clean" >"$clean.out"; then
  echo "FAIL: the checker rejected a tree without faults:" >&2
  cat "$clean.out" >&2
  failures=$((failures + 1))
fi

# The repository itself.
own="docs/semantics.md"
if [[ ! -e "$own" ]]; then
  echo "FAIL: $own is not in the runfiles" >&2
  exit 1
fi
repository="$(dirname "$(dirname "$(realpath "$own")")")"
if [[ ! -f "$repository/WORKSPACE" ]]; then
  echo "FAIL: $repository (from the real path of $own) is not the repository's root" >&2
  exit 1
fi
if ! check_tree "$repository" >"$scratch/repository.out"; then
  echo "FAIL: citations that do not resolve in $repository:" >&2
  cat "$scratch/repository.out" >&2
  failures=$((failures + 1))
fi

if ((failures > 0)); then
  echo "$failures check(s) failed" >&2
  exit 1
fi
echo "every citation resolves"
