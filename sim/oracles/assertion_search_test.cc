// SearchAssertion held to the enumeration of joint images. For every state reached by small
// persistent-memory scenarios (torn wide stores, chains of stores to one line, flushes, fences,
// non-temporal stores, DAX writes) and every feasible journal prefix, each assertion's search must
// agree with the enumeration of every combination of the writes it reads: it holds exactly when no
// enumerated image violates it, and a violation's witness is a downset that the ordinary evaluator
// finds violated. Then: the commit-store idiom over a 4 KiB torn store is decided in a few steps,
// and a search out of steps says so instead of deciding.
#include "sim/oracles/assertion_search.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "models/recovery.h"
#include "sim/crash/crash_space.h"
#include "sim/crash/state_walk.h"
#include "sim/oracles/assertions.h"
#include "sim/oracles/expr_eval.h"
#include "sim/scenario/loader.h"

namespace crashsim {
namespace {

Scenario Load(const std::string& text) {
  auto loaded = LoadScenarioText(text, "search-test.json");
  REQUIRE_MESSAGE(loaded.ok(), (loaded.ok() ? "" : loaded.status().message()));
  return *loaded;
}

std::string Pmem(const std::string& ops, const std::string& asserts) {
  return R"x({"crashsim": 1, "name": "search-test", "config": {"background": "none"},
    "files": {"/f": {"size": 8192, "layout": "written", "fill": "00", "dax": true}},
    "processes": {"P1": ["fd = open /f rw", "m = mmap fd 0 8192 shared", )x" +
         ops + R"x(]}, "assert": [)x" + asserts + "]}";
}

// The ranges an expression reads, as CheckAssertions collects them.
void Ranges(const Expr& e, const RecoveredState& state, std::vector<AddressRange>* out) {
  if (e.kind == Expr::Kind::kRangeEq || e.kind == Expr::Kind::kRangeNe ||
      e.kind == Expr::Kind::kRangeIn) {
    if (const RecoveredFile* file = state.File(e.path)) {
      for (uint64_t offset = e.start; offset < std::min(e.end, file->core.size_bytes);
           offset = (offset / 4096 + 1) * 4096) {
        const uint64_t next = std::min(std::min(e.end, file->core.size_bytes),
                                       (offset / 4096 + 1) * 4096);
        if (auto address = state.DeviceAddress(file->ino, offset)) {
          out->push_back({*address, *address + (next - offset)});
        }
      }
    }
  }
  for (const Expr& child : e.children) Ranges(child, state, out);
}

bool ViolatedIn(const CrashContext& c, const Expr& check, const CrashImage& image) {
  const RecoveredState state(c.machine, image);
  ExprEvaluator evaluator(c, state);
  return !evaluator.Eval(check);
}

struct Tally {
  int holds = 0, violated = 0;
};

void CompareEveryState(const Scenario& scenario, Tally* tally) {
  ForEachState(scenario, Design::kMapSync, [&](const Machine& machine) {
    CrashSpace space(machine);
    for (uint64_t prefix : space.journal_choices()) {
      space.ChooseJournal(prefix);
      const RecoveredState recovered(machine, space.base_image());
      const CrashContext c{scenario, machine, space, recovered};
      for (const Assertion& assertion : scenario.assertions) {
        std::vector<AddressRange> ranges;
        Ranges(assertion.check, recovered, &ranges);
        bool violated = false;
        REQUIRE(space.ForEachJointImage(ranges, uint64_t{1} << 16, [&](const CrashImage& image) {
          violated = ViolatedIn(c, assertion.check, image);
          return !violated;
        }));
        const SearchOutcome outcome = SearchAssertion(c, assertion.check, kSearchStepsMax);
        INFO(assertion.text);
        REQUIRE(outcome.kind != SearchOutcome::Kind::kGaveUp);
        CHECK((outcome.kind == SearchOutcome::Kind::kViolated) == violated);
        if (outcome.kind == SearchOutcome::Kind::kViolated) {
          ++tally->violated;
          CHECK(ViolatedIn(c, assertion.check, outcome.witness));
          CHECK(space.graph().IsDownset(space.graph().Kept(outcome.witness)));
        } else {
          ++tally->holds;
        }
      }
    }
  });
}

TEST_CASE("the search decides every assertion as the enumeration does") {
  const std::string asserts = R"x(
      {"name": "b-implies-a", "check": "/f[64:72] == 'BBBBBBBB' -> /f[0:16] == fill(41, 16)"},
      {"name": "torn", "check": "/f[0:16] in { zero, fill(41, 16) }"},
      {"name": "not-half", "check": "!(/f[0:8] == fill(41, 8) && /f[8:16] == zero)"},
      {"name": "either", "check": "/f[64:72] != zero || /f[128:136] == zero || /f[0:1] == 0x41"},
      {"name": "chain", "check": "/f[128:129] == 'C' -> /f[64:65] == 'B' -> /f[0:16] == fill(41, 16)"},
      {"name": "same-line", "check": "/f[72:80] == 'DDDDDDDD' -> /f[64:72] == 'BBBBBBBB'"},
      {"name": "other-page", "check": "/f[4096:4104] != zero -> /f[128:136] == 'CCCCCCCC'"})x";
  const std::vector<std::string> programs = {
      R"x("store m+0 fill(41, 16)", "store m+64 'BBBBBBBB'", "store m+72 'DDDDDDDD'")x",
      R"x("store m+0 fill(41, 16)", "clwb m+0", "store m+64 'BBBBBBBB'", "sfence", "store m+128 'CCCCCCCC'")x",
      R"x("ntstore m+0 fill(41, 16)", "store m+64 'BBBBBBBB'", "sfence", "store m+128 'CCCCCCCC'", "store m+4096 0x01")x",
      R"x("store m+128 'CCCCCCCC'", "store m+0 fill(41, 16)", "persist m+0 16", "store m+64 'BBBBBBBB'", "store m+72 'DDDDDDDD'")x",
      R"x("pwrite fd 0 fill(41, 16)", "store m+64 'BBBBBBBB'", "store m+4096 0x02", "store m+128 'CCCCCCCC'")x",
  };
  Tally tally;
  for (const std::string& program : programs) {
    INFO(program);
    CompareEveryState(Load(Pmem(program, asserts)), &tally);
  }
  MESSAGE("decided ", tally.holds, " holding and ", tally.violated, " violated assertions");
  CHECK(tally.holds >= 100);
  CHECK(tally.violated >= 50);
}

// The state after the flag's store drained, with the data flushed but not fenced: every piece of
// the 4 KiB store and the flag pending.
TEST_CASE("the commit-store idiom over a 4 KiB torn store takes a few steps") {
  const Scenario scenario = Load(Pmem(
      R"x("store m+0 fill(44, 4096)", "flush m+0 4096", "store m+4608 0x01")x",
      R"x({"name": "flag-implies-data", "check": "/f[4608:4609] == 0x01 -> /f[0:4096] == fill(44, 4096)"})x"));
  bool met = false;
  ForEachState(scenario, Design::kMapSync, [&](const Machine& machine) {
    CrashSpace space(machine);
    const RecoveredState recovered(machine, space.base_image());
    const CrashContext c{scenario, machine, space, recovered};
    const SearchOutcome outcome = SearchAssertion(c, scenario.assertions[0].check, 64);
    REQUIRE(outcome.kind != SearchOutcome::Kind::kGaveUp);
    if (outcome.variables < 513) return;
    met = true;  // 512 pieces and the flag: 2^513 combinations
    CHECK(outcome.kind == SearchOutcome::Kind::kViolated);
    CHECK(outcome.steps <= 4);
    CHECK(ViolatedIn(c, scenario.assertions[0].check, outcome.witness));
    // The witness loses as little as it can: one piece of the data.
    int lost_writes = 0;
    for (const PersistEvent* event : space.graph().Lost(outcome.witness)) {
      lost_writes += event->kind == PersistEvent::Kind::kDeviceWrite;
    }
    CHECK(lost_writes == 1);
  });
  CHECK(met);
}

TEST_CASE("a search out of steps decides nothing") {
  const Scenario scenario = Load(Pmem(R"x("store m+0 fill(41, 64)", "store m+64 'BBBBBBBB'")x",
                                      R"x({"name": "x", "check": "/f[64:72] == 'BBBBBBBB' -> /f[0:64] == fill(41, 64)"})x"));
  bool met = false;
  ForEachState(scenario, Design::kMapSync, [&](const Machine& machine) {
    CrashSpace space(machine);
    const RecoveredState recovered(machine, space.base_image());
    const CrashContext c{scenario, machine, space, recovered};
    const SearchOutcome outcome = SearchAssertion(c, scenario.assertions[0].check, 1);
    if (outcome.variables < 9) return;
    met = true;
    CHECK(outcome.kind == SearchOutcome::Kind::kGaveUp);
    CHECK(outcome.steps == 1);
  });
  CHECK(met);
}

}  // namespace
}  // namespace crashsim
