#include "reports/text_report.h"

#include <doctest/doctest.h>

#include "reports/json_reader.h"
#include "reports/json_report.h"
#include "reports/test_results.h"

namespace crashsim {
namespace {

using testing::BudgetResult;
using testing::ImageBudgetResult;
using testing::CleanModel;
using testing::MixedModeResult;
using testing::NotModelledResult;
using testing::SampledResult;
using testing::SameUnderEveryDesignResult;

TEST_CASE("five columns that say the same thing are one, and a trace every design shares is one") {
  const std::string text = RenderRunText({SameUnderEveryDesignResult()}, 0);
  CHECK(text.rfind("scenario        all designs\n"
                   "buffered-fsync  msync\n\n",
                   0) == 0);
  CHECK(text.find("buffered-fsync (scenarios/buffered-fsync.json), all designs: msync [expected]\n") !=
        std::string::npos);
  size_t traces = 0;
  for (size_t at = text.find("  promise:"); at != std::string::npos;
       at = text.find("  promise:", at + 1)) {
    ++traces;
  }
  CHECK(traces == 1);
  // The same verdicts with one trace that differs: still one column, and each trace names the
  // designs that share it.
  ScenarioResult mixed = SameUnderEveryDesignResult();
  mixed.models[1].violations[0].observed = "/f[4096:4097] = 01";
  const std::string split = RenderRunText({mixed}, 0);
  CHECK(split.rfind("scenario        all designs\n", 0) == 0);
  CHECK(split.find("), kernel-tracked, daxfile-untracked, daxfile-tracked, per-vma: msync") !=
        std::string::npos);
  CHECK(split.find("), map-sync: msync [expected]") != std::string::npos);
  // One differing cell keeps every column.
  mixed.models[1].violated = {};
  mixed.models[1].violations.clear();
  CHECK(RenderRunText({mixed}, 0).rfind("scenario        kernel-tracked  map-sync  daxfile-untracked",
                                        0) == 0);
}

TEST_CASE("each fix attempt shows what is missing where, the ops inserted and the re-run's outcome") {
  const std::string text = RenderRunText({testing::FixResult()}, 0);
  CHECK(text.find("  fix:         no `persist k+0 8` between step 2 (P2: store k+0 'A') and step 3 "
                  "(P2: store k+64 'B'): pmem line 1 can persist before pmem line 0\n"
                  "               insert `persist k+0 8` into P2 as op 3: not enough: the "
                  "violation remains under all designs\n") != std::string::npos);
  CHECK(text.find("               insert `dir = open /d ro`; `fsync dir` into P2 as op 3: fix "
                  "verified: the violation is gone under all designs\n") !=
        std::string::npos);
}

TEST_CASE("a clean run shows ok and a verdict shows its sorted names joined by commas") {
  CHECK(MatrixCell(CleanModel(Design::kMapSync)) == "ok");
  ModelResult model = CleanModel(Design::kMapSync);
  model.violated = {"ordering", "fsync", "msync"};
  model.expected = model.violated;
  CHECK(MatrixCell(model) == "fsync,msync,ordering");
}

TEST_CASE("a cell that differs from expect is marked, and so are budget and sampled runs") {
  ModelResult model = CleanModel(Design::kMapSync);
  model.expected = {"fsync"};
  CHECK(MatrixCell(model) == "ok!");
  model.coverage = Coverage::kBudgetExhausted;
  // Cut by the budget before it reached what `expect` names: not reached, not a difference.
  CHECK(MatrixCell(model) == "ok?");
  model.violated = {"msync"};
  CHECK(MatrixCell(model) == "msync!?");
  model.violated = {};
  model.expected = {};
  CHECK(MatrixCell(model) == "ok?");
  model.coverage = Coverage::kSampled;
  CHECK(MatrixCell(model) == "ok~");
}

TEST_CASE("a run with an op not modelled yet shows as not modelled whatever its verdict") {
  ModelResult model = CleanModel(Design::kPerVma);
  model.not_modelled = "/processes/P1/2: not modelled yet: reflink";
  CHECK(MatrixCell(model) == "not-modelled!");
}

TEST_CASE("the matrix aligns columns, leaves designs not run blank and explains each mark") {
  const std::string expected =
      "scenario          kernel-tracked  map-sync  daxfile-untracked  daxfile-tracked  per-vma\n"
      "mixed-mode-fsync  ok              ok        msync!             ok               ok\n"
      "                  expected: daxfile-untracked: msync,y-durable\n"
      "reflink-seal                                y-durable          not-modelled!\n"
      "                  invalid: daxfile-tracked: /processes/P1/2: not modelled yet: reflink\n"
      "many-writers      ok?\n"
      "                  budget: kernel-tracked: state budget (--max-states 1000) ran out after "
      "1000 distinct states; the first state left out: after step 12 (P3: pwrite fd 0 'C')\n"
      "sampled                                                                         ok~\n"
      "\n"
      "! not as expected; ? a budget ran out (states or images): not covered; ~ sampled, not "
      "exhaustive\n";
  CHECK(RenderMatrix({MixedModeResult(), NotModelledResult(), BudgetResult(), SampledResult()}) ==
        expected);
}

TEST_CASE(
    "the matrix shows only the designs that some scenario ran and no legend when all is well") {
  ScenarioResult scenario = MixedModeResult();
  scenario.models.erase(scenario.models.begin() + 1, scenario.models.end());
  CHECK(RenderMatrix({scenario}) ==
        "scenario          kernel-tracked\n"
        "mixed-mode-fsync  ok\n");
}

TEST_CASE("the matrix stays aligned for fifty scenarios with names of different lengths") {
  std::vector<ScenarioResult> results;
  for (int i = 0; i < 50; ++i) {
    ScenarioResult scenario = MixedModeResult();
    scenario.name = std::string(1 + i % 7, 'a' + i % 26);
    scenario.models[3].violated = {"immutable"};  // daxfile-tracked
    scenario.models[3].expected = {"immutable"};
    results.push_back(scenario);
  }
  const std::string matrix = RenderMatrix(results);
  const size_t header_end = matrix.find('\n');
  const size_t column = matrix.substr(0, header_end).find("daxfile-tracked");
  REQUIRE(column != std::string::npos);
  size_t rows = 0;
  for (size_t start = header_end + 1; start < matrix.size();) {
    const size_t end = matrix.find('\n', start);
    const std::string line = matrix.substr(start, end - start);
    if (line.rfind(" ", 0) != 0 && !line.empty() &&
        line.find("not as expected") == std::string::npos) {
      CHECK(line.substr(column, 9) == "immutable");
      ++rows;
    }
    start = end + 1;
  }
  CHECK(rows == 50);
}

TEST_CASE("a violation shows the promise, the numbered schedule, the lost events and the state") {
  const ScenarioResult scenario = MixedModeResult();
  const ModelResult& model = scenario.models[2];
  const std::string expected =
      "mixed-mode-fsync (scenarios/mixed-mode-fsync.json), daxfile-untracked: msync [expected]\n"
      "  promise:     P2.ms: msync m 4096 4096 sync returned 0\n"
      "  schedule:\n"
      "    1. P2: fd = open /f rw -> fd\n"
      "    2. P2: m = mmap fd 0 8192 shared -> m\n"
      "    3. P2: store m+4096 'Y'\n"
      "    4. P2: ms: msync m 4096 4096 sync -> 0\n"
      "  crash point: after step 4 (P2 msync returned)\n"
      "  lost:\n"
      "    pmem-line: line 64 of /f (store by P2 at 4096)\n"
      "  observed:    /f[4096:4097] = 00\n"
      "  expected:    /f[4096:4097] = 'Y' (59)\n"
      "  state:\n"
      "    /f line 64: visible 'Y', media 00, not flushed\n"
      "    journal: durable prefix 3\n";
  CHECK(RenderViolation(scenario, model, model.violations[0]) == expected);
}

TEST_CASE("step numbers are right-aligned once a schedule has ten steps or more") {
  ScenarioResult scenario = MixedModeResult();
  ModelResult& model = scenario.models[2];
  Violation violation = model.violations[0];
  violation.schedule.resize(10, TraceStep{"background", "writeback /f page 0", ""});
  violation.lost.clear();
  const std::string text = RenderViolation(scenario, model, violation);
  CHECK(text.find("     1. P2: fd = open /f rw -> fd\n") != std::string::npos);
  CHECK(text.find("    10. background: writeback /f page 0\n") != std::string::npos);
  CHECK(text.find("  lost:        no persist event\n") != std::string::npos);
}

TEST_CASE("an unexpected violation says so in its heading") {
  ScenarioResult scenario = MixedModeResult();
  ModelResult& model = scenario.models[2];
  model.expected = {};
  CHECK(RenderViolation(scenario, model, model.violations[0])
            .rfind("mixed-mode-fsync (scenarios/mixed-mode-fsync.json), daxfile-untracked: msync "
                   "[not expected]\n",
                   0) == 0);
}

TEST_CASE("the run text is the matrix, every violation, then the overall line") {
  const std::string text = RenderRunText({MixedModeResult(), NotModelledResult()}, 0);
  const size_t matrix = text.find("scenario ");
  const size_t first = text.find("\nmixed-mode-fsync (scenarios/mixed-mode-fsync.json)");
  const size_t second =
      text.find("\nreflink-seal (scenarios/reflink-seal.json), daxfile-untracked: y-durable");
  const size_t summary = text.find("\n2 scenarios, 7 models: 1 not modelled yet, 1 differs\n");
  CHECK(matrix == 0);
  CHECK(first != std::string::npos);
  CHECK(second != std::string::npos);
  CHECK(summary != std::string::npos);
  CHECK(first < second);
  CHECK(second < summary);
  CHECK(text.substr(summary + 1) == "2 scenarios, 7 models: 1 not modelled yet, 1 differs\n");
}

TEST_CASE("the run text's overall line counts the files that did not load") {
  // Nothing ran: the overall line alone, no matrix header without rows.
  CHECK(RenderRunText({}, 1) == "0 scenarios, 0 models: 1 file not loaded\n");
  const std::string text = RenderRunText({MixedModeResult()}, 2);
  CHECK(text.rfind("scenario ", 0) == 0);
  CHECK(text.find("1 scenario, 5 models: 2 files not loaded") != std::string::npos);
}

TEST_CASE("check prints one line per run that is not as expected and one overall line") {
  const std::string expected =
      "FAIL scenarios/mixed-mode-fsync.json: daxfile-untracked: got {msync} expected {msync, "
      "y-durable}\n"
      "INVALID scenarios/reflink-seal.json: daxfile-tracked: /processes/P1/2: not modelled yet: "
      "reflink\n"
      "BUDGET scenarios/big/many-writers.json: kernel-tracked: state budget (--max-states 1000) "
      "ran out after 1000 distinct states; the first state left out: after step 12 (P3: pwrite "
      "fd 0 'C')\n"
      "crashsim check: 4 scenarios, 9 models: 2 files not loaded, 1 not modelled yet, 1 differs, "
      "1 out of state budget\n";
  CHECK(RenderCheckText({MixedModeResult(), NotModelledResult(), BudgetResult(), SampledResult()},
                        2) == expected);
}

TEST_CASE("check says all as expected when every verdict equals its expect") {
  ScenarioResult scenario = MixedModeResult();
  scenario.models[2].expected = {"msync"};
  CHECK(RenderCheckText({scenario, SampledResult()}, 0) ==
        "crashsim check: 2 scenarios, 6 models: all as expected\n");
  CHECK(RenderCheckText({}, 0) == "crashsim check: 0 scenarios, 0 models: all as expected\n");
}

TEST_CASE("results read back from their JSON report render the same text") {
  // What `crashsim merge` relies on: the text of merged shards is the unsharded run's text only if
  // the JSON report keeps everything the text shows.
  const std::vector<ScenarioResult> results = {MixedModeResult(), NotModelledResult(),
                                               BudgetResult(), SampledResult()};
  auto read = ParseJsonReport(RenderJsonReport(results), "report.json");
  REQUIRE_MESSAGE(read.ok(), (read.ok() ? "" : read.status().message()));
  CHECK(RenderRunText(read->scenarios, 1) == RenderRunText(results, 1));
  CHECK(RenderCheckText(read->scenarios, 1) == RenderCheckText(results, 1));
}

TEST_CASE("a name set is shown sorted in braces") {
  CHECK(FormatNameSet({}) == "{}");
  CHECK(FormatNameSet({"y-durable", "fsync"}) == "{fsync, y-durable}");
}

TEST_CASE("an image budget is named apart from a state budget, with the assertion and where") {
  const std::string expected =
      "BUDGET scenarios/wide-store.json: map-sync: image budget (65536 joint images per "
      "assertion) ran out on assertion flag-implies-data after 65536 images, at the crash point "
      "after step 6 (P1: store m+512 0x01)\n"
      "BUDGET scenarios/big/many-writers.json: kernel-tracked: state budget (--max-states 1000) "
      "ran out after 1000 distinct states; the first state left out: after step 12 (P3: pwrite "
      "fd 0 'C')\n"
      "crashsim check: 2 scenarios, 2 models: 1 out of state budget, 1 out of image budget\n";
  CHECK(RenderCheckText({ImageBudgetResult(), BudgetResult()}, 0) == expected);
}

}  // namespace
}  // namespace crashsim
