// Cost follows the blocks touched, not the file size: a written file of 2^63 - 1 bytes is set up
// as one extent run, one run of the initial image and one fill record without bytes; runs on it,
// map changes over all of it (truncate, punch, zero-range, preallocation) and range assertions
// over such files (`== zero` over a hole, `== old` over written data) end with the verdicts that
// small files give. Not timed: were the cost to follow the size, these
// would materialise 2^51 blocks or 2^63 bytes and never finish (the test's timeout fails them).
#include <doctest/doctest.h>

#include <string>

#include "sim/engine/engine.h"
#include "sim/oracles/byte_runs.h"
#include "sim/oracles/finding.h"
#include "sim/program/setup.h"
#include "sim/scenario/loader.h"

namespace crashsim {
namespace {

constexpr const char* kMaxSize = "9223372036854775807";  // 2^63 - 1

Scenario FromText(const std::string& layout, const std::string& check,
                  const std::string& op = "pwrite fd 4096 'Z'") {
  const std::string fill = layout == "written" ? R"(, "fill": "41")" : "";
  const std::string text = R"({ "crashsim": 1, "name": "huge",
    "files": { "/f": { "size": )" + std::string(kMaxSize) + R"(, "layout": ")" + layout + "\"" +
                           fill + R"( } },
    "processes": { "P1": ["fd = open /f rw", "w: )" + op + R"(", "s: fsync fd"] },
    "assert": [ { "name": "a", "after": "P1.s", "check": ")" + check + R"(" } ] })";
  auto loaded = LoadScenarioText(text, "huge.json");
  REQUIRE_MESSAGE(loaded.ok(), (loaded.ok() ? "" : loaded.status().message()));
  return *loaded;
}

TEST_CASE("a written file of 2^63 - 1 bytes is one extent run, one image run and one fill record") {
  const Scenario scenario = FromText("written", "/f[4096:4097] == 'Z'");
  const Machine machine = BuildInitialMachine(scenario, Design::kKernelTracked);
  const InodeCore& core = machine.base->cores.at(1);
  CHECK(core.extents.runs().size() == 1);
  CHECK(core.extents.block_count() == (uint64_t{1} << 51));
  CHECK(machine.device.media().initial().file_runs.size() == 1);
  CHECK(machine.device.media().written_blocks().empty());
  REQUIRE(machine.ghost.writes.size() == 1);
  const WriteRecord& initial = *machine.ghost.writes[0];
  CHECK(initial.bytes.empty());
  CHECK(initial.length() == 9223372036854775807ULL);
  CHECK(initial.ByteAt(uint64_t{1} << 62) == 0x41);
}

TEST_CASE("runs on a file of 2^63 - 1 bytes give the verdicts of a small file") {
  for (Design design : {Design::kKernelTracked, Design::kPerVma}) {
    INFO(DesignName(design));
    // The write is durable after fsync; every other byte keeps its initial fill.
    const ModelResult written =
        RunScenario(FromText("written", "/f[4096:4097] == 'Z'"), design, RunOptions{});
    CHECK(written.violated.empty());
    CHECK(written.coverage == Coverage::kExhaustive);
    // `== zero` over the hole after the written block, to the largest offset.
    const ModelResult hole = RunScenario(
        FromText("hole", std::string("/f[8192:") + kMaxSize + "] == zero"), design, RunOptions{});
    CHECK(hole.violated.empty());
    // `== old` over all but the written block holds; over all of it, it is violated, and the
    // finding renders the range without materialising it.
    const ModelResult old_kept = RunScenario(
        FromText("written", std::string("/f[8192:") + kMaxSize + "] == old"), design, RunOptions{});
    CHECK(old_kept.violated.empty());
    const ModelResult old_lost = RunScenario(
        FromText("written", std::string("/f[0:") + kMaxSize + "] == old"), design, RunOptions{});
    REQUIRE(old_lost.violations.size() == 1);
    CHECK(old_lost.violations[0].name == "a");
    CHECK(old_lost.violations[0].observed.find("... (9223372036854775807 bytes)") !=
          std::string::npos);
  }
}

TEST_CASE("map changes over a file of 2^63 - 1 bytes cost the runs they change") {
  struct Case {
    const char* op;
    const char* check;
  };
  // Each holds after the fsync: a truncate frees 2^51 blocks as one range, a punch or zero-range
  // over almost all of it records one fill of zeroes, a preallocation over the written file
  // finds nothing to do.
  const Case cases[] = {
      {"ftruncate fd 4097", "size(/f) == 4097 && /f[4096:4097] == 'A'"},
      {"ftruncate fd 0", "size(/f) == 0"},
      {"fallocate fd punch-hole 4096 9223372036854763520", "/f[4096:9223372036854767616] == zero"},
      {"fallocate fd zero-range 4096 9223372036854763520", "/f[4096:8192] == zero"},
      {"fallocate fd keep-size 0 9223372036854771712", "/f[0:4096] == old"},
  };
  for (const Case& c : cases) {
    INFO(c.op);
    const ModelResult result =
        RunScenario(FromText("written", c.check, c.op), Design::kKernelTracked, RunOptions{});
    CHECK(result.violated.empty());
    CHECK(result.coverage == Coverage::kExhaustive);
  }
}

TEST_CASE("byte runs render and compare as the bytes they stand for") {
  const std::vector<std::vector<uint8_t>> samples = {
      {}, {'A'}, {0, 0}, {'A', 'B'}, {'\'', 'x'}, std::vector<uint8_t>(40, 'q'),
      std::vector<uint8_t>(40, 7)};
  // With no text in the scenario, and with 'q' and 'A' written as text of 40 and 2 bytes.
  TextRuns texts{};
  texts['q'] = 40;
  texts['A'] = 2;
  for (const auto& bytes : samples) {
    CHECK(RenderRuns(ByteRuns::Of(bytes), TextRuns{}) == RenderBytes(bytes, TextRuns{}));
    CHECK(RenderRuns(ByteRuns::Of(bytes), texts) == RenderBytes(bytes, texts));
  }
  CHECK(RenderBytes(std::vector<uint8_t>(40, 'q'), TextRuns{}) == "fill(71, 40)");
  CHECK(RenderBytes(std::vector<uint8_t>(40, 'q'), texts) ==
        "'qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq'... (40 bytes)");
  CHECK(RenderBytes(std::vector<uint8_t>(3, 'A'), texts) == "fill(41, 3)");  // longer than written
  CHECK(RenderBytes(std::vector<uint8_t>(2, 7), texts) == "fill(07, 2)");
  // The same bytes as fills and literals: equal, and rendered alike.
  ByteRuns mixed;
  mixed.AppendFill(3, 'A');
  mixed.AppendBytes({'B', 'A'});
  mixed.AppendFill(40, 'A');
  std::vector<uint8_t> flat(3, 'A');
  flat.push_back('B');
  flat.insert(flat.end(), 41, 'A');
  CHECK(mixed == ByteRuns::Of(flat));
  CHECK(RenderRuns(mixed, TextRuns{}) == RenderBytes(flat, TextRuns{}));
  CHECK(RenderRuns(mixed, texts) == RenderBytes(flat, texts));
  ByteRuns other = mixed;
  other.AppendFill(1, 'A');
  CHECK(!(other == mixed));
}

}  // namespace
}  // namespace crashsim
