// The oracle dispatcher (CheckChosen, CheckWholeImage) on hand-built machines, each broken so that
// a different oracle fires: its findings are exactly those of the checkers called one by one
// (durability, no-stale-data, ordering, map-sync, immutable, then the assertions), so every
// oracle is wired in, in that order; a clean machine gives none. The assertion search switch
// reaches the assertions: an assertion over 2^512 combinations is decided with it and cut
// short without it, and the cut is reported with the assertion's name.
#include "sim/oracles/run_checks.h"

#include <doctest/doctest.h>

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "sim/oracles/durability.h"
#include "sim/oracles/immutable.h"
#include "sim/oracles/map_sync.h"
#include "sim/oracles/oracle_test_machine.h"
#include "sim/oracles/ordering.h"
#include "sim/oracles/stale_data.h"

namespace crashsim {
namespace {

using namespace oracle_test;  // the hand-built machines (oracle_test_machine.h)

// /f: a written block of '.', then an unwritten block; free space holds 'Z'. With `assert`, an
// assertion on the first block's first bytes after the op labelled w.
std::string BlockScenario(const std::string& program, bool assert = true) {
  return R"x({"crashsim": 1, "name": "dispatch-test", "config": {"background": "explore"},
    "files": {"/f": {"size": 8192, "stale": "5a", "layout": [
      {"offset": 0, "length": 4096, "layout": "written", "fill": "2e"},
      {"offset": 4096, "length": 4096, "layout": "unwritten"}]}},
    "processes": {"P1": [)x" +
         program + R"x(]},
    "assert": [)x" +
         (assert ? R"x({"name": "xy-durable", "after": "P1.w", "check": "/f[0:2] == 'xy'"})x"
                 : "") +
         "]}";
}

std::string DaxScenario(const std::string& layout, const std::string& program) {
  return R"x({"crashsim": 1, "name": "dispatch-dax-test", "config": {"background": "none"},
    "files": {"/f": {"size": 8192, "dax": true, )x" +
         layout + R"x(}}, "processes": {"P1": [)x" + program + "]}}";
}

// The checkers one by one, in the dispatcher's order, on the space's chosen crash.
std::vector<Finding> OneByOne(const Scenario& scenario, const Machine& machine,
                              const CrashSpace& space) {
  const ChosenCrash crash(scenario, machine, space);
  std::vector<Finding> findings;
  CheckDurability(crash.context, &findings);
  CheckNoStaleData(crash.context, &findings);
  CheckOrdering(crash.context, &findings);
  CheckMapSync(crash.context, &findings);
  CheckImmutable(crash.context, &findings);
  REQUIRE(CheckAssertions(crash.context, /*search=*/true, &findings));
  return findings;
}

std::set<std::string> Names(const std::vector<Finding>& findings) {
  std::set<std::string> names;
  for (const Finding& finding : findings) names.insert(finding.name);
  return names;
}

void CheckSame(const std::vector<Finding>& dispatched, const std::vector<Finding>& one_by_one) {
  REQUIRE_MESSAGE(dispatched.size() == one_by_one.size(),
                  (Describe(dispatched) + "-- one by one:\n" + Describe(one_by_one)));
  for (size_t i = 0; i < dispatched.size(); ++i) {
    CHECK(dispatched[i].name == one_by_one[i].name);
    CHECK(dispatched[i].observed == one_by_one[i].observed);
    CHECK(dispatched[i].witness.persisted == one_by_one[i].witness.persisted);
    CHECK(dispatched[i].witness.journal_prefix == one_by_one[i].witness.journal_prefix);
  }
}

// The union of the names CheckChosen finds over every journal prefix, each prefix's findings
// held to the checkers one by one.
std::set<std::string> ChosenAtEveryPrefix(const Scenario& scenario, const Machine& machine) {
  CrashSpace space(machine);
  std::set<std::string> names;
  for (uint64_t prefix : space.journal_choices()) {
    space.ChooseJournal(prefix);
    bool cut = false;
    const std::vector<Finding> findings =
        CheckChosen(scenario, machine, space, /*assertion_search=*/true, &cut);
    CHECK(!cut);
    CheckSame(findings, OneByOne(scenario, machine, space));
    for (const std::string& name : Names(findings)) names.insert(name);
  }
  return names;
}

// CheckWholeImage's names on `image`, its findings held to the checkers one by one.
std::set<std::string> OnWholeImage(const Scenario& scenario, const Machine& machine,
                                   const CrashImage& image) {
  CrashSpace space(machine);
  bool cut = false;
  const std::vector<Finding> findings = CheckWholeImage(scenario, machine, space, image, &cut);
  CHECK(!cut);
  CHECK(space.whole_image());
  CheckSame(findings, OneByOne(scenario, machine, space));
  return Names(findings);
}

TEST_CASE("the dispatcher: a clean machine gives no finding") {
  const Scenario scenario =
      LoadScenario(BlockScenario(R"x("fd = open /f rw", "w: pwrite fd 0 'xy'", "fsync fd")x"));
  const Machine machine = RunToEnd(scenario, Design::kKernelTracked);
  CHECK(ChosenAtEveryPrefix(scenario, machine).empty());
}

TEST_CASE("the dispatcher: durability and the assertions") {
  const Scenario scenario =
      LoadScenario(BlockScenario(R"x("fd = open /f rw", "w: pwrite fd 0 'xy'")x"));
  Machine machine = RunToEnd(scenario, Design::kKernelTracked);
  CHECK(ChosenAtEveryPrefix(scenario, machine) == std::set<std::string>{"xy-durable"});
  AddReturnedPromise(machine, Guarantee::kFdatasync, 0, InoOf(machine, "/f"));
  CHECK(ChosenAtEveryPrefix(scenario, machine) ==
        std::set<std::string>{GuaranteeName(Guarantee::kFdatasync), "xy-durable"});
}

TEST_CASE("the dispatcher: no-stale-data and ordering") {
  // A direct write into the unwritten block, completed and logged, nothing flushed.
  const Scenario scenario = LoadScenario(
      BlockScenario(R"x("fd = open /f rw direct", "pwrite fd 4096 fill(78, 4096)")x", false));
  const Machine machine = RunToEnd(scenario, Design::kKernelTracked);
  CHECK(ChosenAtEveryPrefix(scenario, machine).empty());
  // The conversion durable, its data lost: stale bytes exposed, the completion ahead of its data.
  CrashImage image;
  image.journal_prefix = machine.journal.committed_seq();
  CHECK(OnWholeImage(scenario, machine, image) ==
        std::set<std::string>{GuaranteeName(Guarantee::kNoStaleData),
                              GuaranteeName(Guarantee::kOrdering)});
}

TEST_CASE("the dispatcher: map-sync") {
  const Scenario scenario = LoadScenario(DaxScenario(
      R"x("layout": "hole")x",
      R"x("fd = open /f rw", "m = mmap fd 0 8192 shared validate sync", "store m+0 'X'", "sfence")x"));
  CHECK(ChosenAtEveryPrefix(scenario, RunToEnd(scenario, Design::kMapSync)).empty());
  Faults faults;
  faults.map_sync_fault_skips_log_force = true;
  CHECK(ChosenAtEveryPrefix(scenario, RunToEnd(scenario, Design::kMapSync, faults)) ==
        std::set<std::string>{GuaranteeName(Guarantee::kMapSync)});
}

TEST_CASE("the dispatcher: immutable") {
  const Scenario scenario = LoadScenario(
      DaxScenario(R"x("layout": "written", "fill": "41")x", R"x("fd = open /f rw", "seal fd")x"));
  Machine machine = RunToEnd(scenario, Design::kDaxfileTracked);
  CHECK(ChosenAtEveryPrefix(scenario, machine).empty());
  // An image that loses the seal's transaction.
  CHECK(OnWholeImage(scenario, machine, CrashImage{}) ==
        std::set<std::string>{GuaranteeName(Guarantee::kImmutable)});
  // A durable punch through the seal.
  const uint32_t ino = InoOf(machine, "/f");
  InodeCore core = machine.inode(ino).core;
  core.extents.Erase(1);
  CommitDurable(machine, ino, core, "punch /f block 1 despite the seal");
  CHECK(ChosenAtEveryPrefix(scenario, machine) ==
        std::set<std::string>{GuaranteeName(Guarantee::kImmutable)});
}

TEST_CASE("the dispatcher: the assertion search switch and the cut it reports") {
  // A 4 KiB store never flushed: 512 pieces, each of which may or may not persist.
  const Scenario scenario = LoadScenario(R"x({"crashsim": 1, "name": "dispatch-cut-test",
    "config": {"background": "none"},
    "files": {"/f": {"size": 4096, "layout": "written", "fill": "00", "dax": true}},
    "processes": {"P1": ["fd = open /f rw", "m = mmap fd 0 4096 shared", "store m+0 fill(44, 4096)", "mfence"]},
    "assert": [{"name": "never-99", "check": "/f[0:4096] != fill(99, 4096)"}]})x");
  const Machine machine = RunToEnd(scenario, Design::kKernelTracked);
  REQUIRE(machine.device.pending().size() == 512);
  CrashSpace space(machine);
  SUBCASE("searched: decided") {
    bool cut = false;
    std::optional<AssertionCut> assertion_cut;
    const std::vector<Finding> findings =
        CheckChosen(scenario, machine, space, /*assertion_search=*/true, &cut, &assertion_cut);
    CHECK_MESSAGE(findings.empty(), Describe(findings));
    CHECK(!cut);
    CHECK(!assertion_cut);
  }
  SUBCASE("enumerated: cut at the cap, the assertion named") {
    bool cut = false;
    std::optional<AssertionCut> assertion_cut;
    const std::vector<Finding> findings =
        CheckChosen(scenario, machine, space, /*assertion_search=*/false, &cut, &assertion_cut);
    CHECK_MESSAGE(findings.empty(), Describe(findings));
    CHECK(cut);
    REQUIRE(assertion_cut);
    CHECK(assertion_cut->assertion == "never-99");
    CHECK(assertion_cut->images == kJointImagesMax);
  }
}

}  // namespace
}  // namespace crashsim
