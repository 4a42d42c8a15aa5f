#include "reports/markdown_report.h"

#include <doctest/doctest.h>

#include <sstream>

#include "reports/test_results.h"

namespace crashsim {
namespace {

using testing::BudgetResult;
using testing::HostileResult;
using testing::MixedModeResult;
using testing::NotModelledResult;
using testing::SampledResult;

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// The number of unescaped '|' in a table row.
size_t Pipes(const std::string& row) {
  size_t pipes = 0;
  for (size_t i = 0; i < row.size(); ++i) {
    if (row[i] == '\\') {
      ++i;
    } else if (row[i] == '|') {
      ++pipes;
    }
  }
  return pipes;
}

TEST_CASE("the same results give byte-identical Markdown") {
  const std::vector<ScenarioResult> all = {MixedModeResult(), NotModelledResult(), BudgetResult(),
                                           SampledResult(), HostileResult()};
  CHECK(RenderMarkdownReport(all, {}) == RenderMarkdownReport(all, {}));
}

TEST_CASE("the matrix is a pipe table with a row per scenario and a column per model") {
  const std::string md = RenderMarkdownReport(
      {MixedModeResult(), NotModelledResult(), BudgetResult(), SampledResult(), HostileResult()}, {});
  std::vector<std::string> rows;
  for (const std::string& line : Lines(md)) {
    if (!line.empty() && line[0] == '|') rows.push_back(line);
  }
  REQUIRE(rows.size() == 2 + 5);
  CHECK(rows[0] ==
        "| scenario | kernel-tracked | map-sync | daxfile-untracked | daxfile-tracked | per-vma |");
  for (const std::string& row : rows) {
    CAPTURE(row);
    CHECK(Pipes(row) == 7);  // a hostile name with '|' in it does not add a column
  }
  CHECK(rows[2] == "| mixed-mode-fsync | ok | ok | **msync** (expected msync, y-durable) | ok | ok |");
  CHECK(rows[3] == "| reflink-seal | - | - | y-durable | *not modelled* | - |");
  CHECK(rows[4] ==
        "| many-writers | ok (state budget (--max-states 1000) ran out after 1000 distinct states; "
        "the first state left out: after step 12 (P3: pwrite fd 0 'C')) | - | - | - | - |");
  CHECK(rows[5] == "| sampled | - | - | - | - | ok (sampled, seed 42) |");
  CHECK(md.find("- reflink-seal under daxfile-tracked: `/processes/P1/2: not modelled yet: "
                "reflink`") != std::string::npos);
}

TEST_CASE("a violation renders as heading, promise, outcome, timeline, lost events and state") {
  const ScenarioResult scenario = MixedModeResult();
  const std::string md =
      RenderViolationMarkdown(scenario, scenario.models[2], scenario.models[2].violations[0]);
  const std::string expected = R"(### mixed-mode-fsync: daxfile-untracked: msync (expected)

Scenario file `scenarios/mixed-mode-fsync.json`.

- **Promise broken:** P2.ms: msync m 4096 4096 sync returned 0
- **Observed:** `/f[4096:4097] = 00`
- **Expected:** `/f[4096:4097] = 'Y' (59)`

Timeline:

```text
lanes: P2 | background / hardware
1. P2  fd = open /f rw -> fd
2. P2  m = mmap fd 0 8192 shared -> m
3. P2  store m+4096 'Y'
4. P2  ms: msync m 4096 4096 sync -> 0
*** crash after step 4 (P2 msync returned) ***
```

Lost persist events:

- pmem-line: line 64 of /f (store by P2 at 4096)

Persist graph at the crash point (node: kind, description, must persist after):

- 0: journal: transaction 1: seal /f
- 1: device-write: pmem line 64 bytes 4096+1: P2 store m+4096 'Y' **lost**
- 2: journal: transaction 2: "msync" log force (after 0)

State at the crash:

```text
/f line 64: visible 'Y', media 00, not flushed
journal: durable prefix 3
```
)";
  CHECK(md == expected);
}

TEST_CASE("hostile text cannot break out of code spans, code blocks or the table") {
  const ScenarioResult scenario = HostileResult();
  const std::string md =
      RenderViolationMarkdown(scenario, scenario.models[0], scenario.models[0].violations[0]);
  CHECK(md.rfind("### a\\|b\\<i\\>\\`c\\`\\</i\\>&\"d\": map-sync: fsync\\<&\\> (not expected)\n",
                 0) == 0);
  // The state mentions ``` so its block is fenced with four backticks.
  CHECK(md.find("````text\nline with ``` fence\n") != std::string::npos);
  // Bytes that are not UTF-8 and the bell become U+FFFD; the code span outgrows the ``` inside.
  CHECK(md.find("- **Observed:** ```` /f[0:1] = \xef\xbf\xbd\xef\xbf\xbd \xef\xbf\xbd ``` ````\n") !=
        std::string::npos);
  CHECK(md.find("\xff") == std::string::npos);
  CHECK(md.find("\x07") == std::string::npos);
  CHECK(md.find("2. background  writeback of /f page 0 submitted\n") != std::string::npos);
  CHECK(md.find("4. P1          s: fsync fd second line -> 0\n") != std::string::npos);
}

TEST_CASE("fix attempts follow the state, one item each, only when there are some") {
  const std::string text = RenderMarkdownReport({testing::FixResult()}, {});
  CHECK(text.find("\nFix:\n\n- insert \\`persist k+0 8\\` into P2 as op 3: not enough: the "
                  "violation remains under all designs. no \\`persist k+0 8\\` "
                  "between step 2") != std::string::npos);
  CHECK(RenderMarkdownReport({MixedModeResult()}, {}).find("\nFix:\n") == std::string::npos);
}

TEST_CASE("a report without violations says so") {
  ScenarioResult clean = MixedModeResult();
  clean.models.resize(2);
  const std::string md = RenderMarkdownReport({clean}, {});
  CHECK(md.rfind("# crashsim report\n\n1 scenario, 2 models: all as expected\n", 0) == 0);
  CHECK(md.find("\n## Violations\n\nNo violation.\n") != std::string::npos);
}

TEST_CASE("columns that all say the same thing are one, and a shared trace is written once") {
  const std::string md = RenderMarkdownReport({testing::SameUnderEveryDesignResult()}, {});
  CHECK(md.find("| scenario | all designs |\n|---|---|\n| buffered-fsync | msync |\n") !=
        std::string::npos);
  CHECK(md.find("### buffered-fsync: all designs: msync (expected)\n") != std::string::npos);
  size_t headings = 0;
  for (size_t at = md.find("\n### "); at != std::string::npos; at = md.find("\n### ", at + 1)) {
    ++headings;
  }
  CHECK(headings == 1);
}

TEST_CASE("files that did not load are named with why, and no empty table is drawn") {
  const std::string md = RenderMarkdownReport(
      {}, {"a.json: /processes/P1/0: unknown op 'x'", "b.json: not JSON: line 1, column 1"});
  CHECK(md ==
        "# crashsim report\n\n0 scenarios, 0 models: 2 files not loaded\n\n"
        "## Files that did not load\n\n"
        "- a.json: /processes/P1/0: unknown op 'x'\n"
        "- b.json: not JSON: line 1, column 1\n\n"
        "## Verdicts\n\nNo scenario ran.\n"
        "\nA cell lists the violated guarantees and assertions (ok: none); **bold** marks a "
        "verdict that differs from the scenario's expect. Every run is exhaustive unless its cell "
        "says otherwise.\n"
        "\n## Violations\n\nNo violation.\n");
}

}  // namespace
}  // namespace crashsim
