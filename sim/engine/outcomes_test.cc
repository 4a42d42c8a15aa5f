// `crashsim outcomes` at the engine: with RunOptions::observe a run lists, per observed item,
// exactly the values a crash can leave there (compared here with what the mechanism allows, worked
// out by hand for small scenarios), each with a witness whose crash point leaves it; items listed
// with `after` only where that op returned; an item with too many values says so; the verdict
// does not change, and the list is the same for any number of threads.
#include <doctest/doctest.h>

#include <set>
#include <string>

#include "sim/engine/engine.h"
#include "sim/scenario/loader.h"

namespace crashsim {
namespace {

Scenario Load(const std::string& text) {
  StatusOr<Scenario> scenario = LoadScenarioText(text, "outcomes.json");
  REQUIRE_MESSAGE(scenario.ok(), (scenario.ok() ? "" : scenario.status().message()));
  return *scenario;
}

RunOptions Observing(int jobs = 1) {
  RunOptions options;
  options.observe = true;
  options.jobs = jobs;
  return options;
}

const ItemOutcomes& Item(const ModelResult& result, const std::string& item,
                         const std::string& after = "") {
  for (const ItemOutcomes& outcomes : result.outcomes) {
    if (outcomes.item == item && outcomes.after == after) return outcomes;
  }
  FAIL("no item " << item);
  return result.outcomes.front();
}

std::set<std::string> Values(const ItemOutcomes& item) {
  std::set<std::string> values;
  for (const OutcomeValue& value : item.values) values.insert(value.value);
  return values;
}

// A buffered overwrite then an fsync, on a non-DAX file: before the fsync returns a crash may
// keep either contents; the size never changes.
constexpr const char* kOverwrite = R"json({"crashsim": 1, "name": "overwrite",
  "models": ["kernel-tracked"],
  "files": {"/f": {"size": 8, "layout": "written", "fill": "41"}},
  "processes": {"P": ["fd = open /f rw", "pwrite fd 0 'BBBBBBBB'", "s: fsync fd"]},
  "observe": ["/f[0:8]", "size(/f)", {"item": "/f[0:8]", "after": "P.s"}, "/f[4:12]",
              "exists(/nothing)"]})json";

TEST_CASE("a buffered overwrite leaves old or new data, and only new data once fsync returned") {
  const ModelResult result = RunScenario(Load(kOverwrite), Design::kKernelTracked, Observing());
  CHECK(result.coverage == Coverage::kExhaustive);
  CHECK(result.violated.empty());
  CHECK(Values(Item(result, "/f[0:8]")) == std::set<std::string>{"'AAAAAAAA'", "'BBBBBBBB'"});
  CHECK(Values(Item(result, "/f[0:8]", "P.s")) == std::set<std::string>{"'BBBBBBBB'"});
  CHECK(Values(Item(result, "size(/f)")) == std::set<std::string>{"8"});
  CHECK(Values(Item(result, "/f[4:12]")) ==
        std::set<std::string>{"'AAAA', then the end of the file (size 8)",
                              "'BBBB', then the end of the file (size 8)"});
  CHECK(Values(Item(result, "exists(/nothing)")) == std::set<std::string>{"does not exist"});
  // The new data's witness is a crash after its writeback completed, with nothing lost.
  for (const OutcomeValue& value : Item(result, "/f[0:8]").values) {
    if (value.value != "'BBBBBBBB'") continue;
    CHECK(!value.witness.schedule.empty());
    CHECK(value.witness.crash_point != "before the first step");
  }
  // The old data's witness at its shortest: before any step.
  CHECK(Item(result, "/f[0:8]").values.front().value == "'AAAAAAAA'");
  CHECK(Item(result, "/f[0:8]").values.front().witness.crash_point == "before the first step");
}

TEST_CASE("observing changes nothing else, and the list does not depend on the threads") {
  const Scenario scenario = Load(kOverwrite);
  const ModelResult plain = RunScenario(scenario, Design::kKernelTracked, RunOptions());
  const ModelResult one = RunScenario(scenario, Design::kKernelTracked, Observing(1));
  const ModelResult three = RunScenario(scenario, Design::kKernelTracked, Observing(3));
  CHECK(plain.outcomes.empty());
  CHECK(plain.violated == one.violated);
  CHECK(plain.distinct_states == one.distinct_states);
  CHECK(one.outcomes == three.outcomes);
}

// The commit-store idiom with the fence missing: the flag can persist alone, and the data torn.
constexpr const char* kFlushNoFence = R"json({"crashsim": 1, "name": "commit-store",
  "models": ["map-sync"],
  "files": {"/pool": {"size": 4096, "layout": "written", "fill": "00", "dax": true}},
  "processes": {"P1": ["fd = open /pool rw", "m = mmap fd 0 4096 shared sync",
                       "store m+0 fill(44, 16)", "flush m+0 16", "store m+512 0x01",
                       "f: persist m+512 1"]},
  "assert": [{"name": "flag-implies-data",
              "check": "/pool[512:513] == 0x01 -> /pool[0:16] == fill(44, 16)"}],
  "observe": [{"item": "/pool[0:16]", "after": "P1.f"}],
  "expect": {"*": ["flag-implies-data"]}})json";

TEST_CASE("assertion items are listed, and a torn store shows its halves") {
  const ModelResult result = RunScenario(Load(kFlushNoFence), Design::kMapSync, Observing());
  CHECK(result.violated == std::set<std::string>{"flag-implies-data"});
  const ItemOutcomes& flag = Item(result, "/pool[512:513]");
  CHECK(flag.read_by == std::vector<std::string>{"assertion flag-implies-data"});
  CHECK(Values(flag) == std::set<std::string>{"0x00", "0x01"});
  // The 16-byte store is two 8-byte pieces: none, either or both persist.
  CHECK(Values(Item(result, "/pool[0:16]")) ==
        std::set<std::string>{"fill(00, 16)", "'DDDDDDDDDDDDDDDD'", "fill(00, 8) + fill(44, 8)",
                              "fill(44, 8) + fill(00, 8)"});
  // Once the flag's persist returned the data's flush has been fenced too: only the whole store.
  CHECK(Values(Item(result, "/pool[0:16]", "P1.f")) == std::set<std::string>{"'DDDDDDDDDDDDDDDD'"});
  CHECK(Item(result, "/pool[0:16]", "P1.f").read_by == std::vector<std::string>{"observe"});
}

TEST_CASE("an item with more values than are listed says so") {
  // 4096 bytes torn into 512 pieces.
  const std::string text = R"json({"crashsim": 1, "name": "wide", "models": ["map-sync"],
    "files": {"/pool": {"size": 4096, "layout": "written", "fill": "00", "dax": true}},
    "processes": {"P1": ["fd = open /pool rw", "m = mmap fd 0 4096 shared sync",
                         "store m+0 fill(44, 4096)", "persist m+0 4096"]},
    "observe": ["/pool[0:4096]"]})json";
  const ModelResult result = RunScenario(Load(text), Design::kMapSync, Observing());
  const ItemOutcomes& item = Item(result, "/pool[0:4096]");
  CHECK(item.values.size() == 64);
  CHECK(item.cut.find("more than 64 distinct values") != std::string::npos);
  // The simplest come first: the old and the new contents whole.
  CHECK(item.values[0].value == "fill(00, 4096)");
  CHECK(item.values[1].value == "fill(44, 4096)");
}

}  // namespace
}  // namespace crashsim
