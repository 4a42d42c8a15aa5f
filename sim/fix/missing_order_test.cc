// The remedies the finder reads off small machines (sim/fix/missing_order.h): each scenario is
// walked to its end by hand, a crash image is chosen that keeps and loses what the violation needs,
// and the finder must name the op the lost effect was missing, where.
#include "sim/fix/missing_order.h"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <string>

#include "sim/crash/persist_graph.h"
#include "sim/explore/successors.h"
#include "sim/fix/schedule_replay.h"
#include "sim/program/setup.h"
#include "sim/scenario/loader.h"

namespace crashsim {
namespace {

Scenario Load(const std::string& files, const std::string& program, const std::string& assertion,
              const std::string& config = "{}") {
  const std::string text = fmt::format(R"({{"crashsim": 1, "name": "missing-order",
    "models": ["kernel-tracked"], "config": {}, "files": {},
    "processes": {{"P1": {}}}, "assert": [{}]}})",
                                       config, files, program, assertion);
  auto loaded = LoadScenarioText(text, "missing-order.json");
  REQUIRE_MESSAGE(loaded.ok(), (loaded.ok() ? "" : loaded.status().message()));
  return *loaded;
}

const char* const kDaxFile =
    R"({"/f": {"size": 4096, "layout": "written", "fill": "00", "dax": true}})";
const char* const kPlainFile = R"({"/f": {"size": 4096, "layout": "written", "fill": "00"}})";
const char* const kBIfA =
    R"({"name": "b-implies-a", "check": "/f[64:72] == 'BBBBBBBB' -> /f[0:8] == 'AAAAAAAA'"})";

// P1 runs to its end, each op's store-buffer entries drained right after it: the schedule taken.
std::vector<TraceStep> RunToEnd(const Scenario& scenario, Machine* machine) {
  std::vector<TraceStep> schedule;
  auto take = [&](StepChoice choice) {
    Successor next = TakeStep(*machine, scenario, choice);
    schedule.push_back(next.step);
    *machine = std::move(next.machine);
  };
  while (ProcessEnabled(*machine, scenario, 0)) {
    take(StepChoice{StepChoice::Kind::kProcess, 0, {}});
    while (!machine->processes[0].cpu.store_buffer.empty()) {
      take(StepChoice{StepChoice::Kind::kDrain, 0, {}});
    }
  }
  return schedule;
}

// The crash image that loses exactly the pending writes to device bytes [lost_begin, lost_end) of
// the machine's pending list (and keeps every other one), with the forced journal prefix.
CrashImage Losing(const Machine& machine, uint64_t lost_begin, uint64_t lost_end) {
  CrashImage image;
  image.journal_prefix = machine.journal.forced_seq();
  for (const PendingWrite& write : machine.device.pending()) {
    const bool lost = write.address < lost_end && lost_begin < write.address + write.data().size();
    if (!lost) image.persisted.insert(write.id);
  }
  return image;
}

struct Found {
  std::vector<FixCandidate> candidates;
};

// Walks `scenario` to its end and asks the finder about the crash there with `witness`.
Found Find(const Scenario& scenario, const std::function<CrashImage(const Machine&)>& witness) {
  const Machine initial = BuildInitialMachine(scenario, Design::kKernelTracked);
  Machine machine = initial;
  const std::vector<TraceStep> schedule = RunToEnd(scenario, &machine);
  std::optional<ScheduleReplay> replay = ReplaySchedule(scenario, initial, schedule);
  REQUIRE(replay.has_value());
  CHECK(HashMachine(replay->crash) == HashMachine(machine));
  return Found{FindFixCandidates(scenario, *replay, witness(replay->crash), scenario.assertions[0],
                                 schedule)};
}

TEST_CASE("a flush without a fence: sfence before the later store, then a flush and fence") {
  const Scenario scenario = Load(
      kDaxFile,
      R"(["fd = open /f rw", "k = mmap fd 0 4096 shared", "store k+0 'AAAAAAAA'", "clwb k+0",
          "store k+64 'BBBBBBBB'"])",
      kBIfA);
  const Found found = Find(scenario, [](const Machine& m) {
    const uint64_t base = m.device.pending().front().address;  // line of A, the first store
    return Losing(m, base, base + 8);
  });
  REQUIRE(found.candidates.size() == 2);
  CHECK(found.candidates[0].pid == 0);
  CHECK(found.candidates[0].position == 4);  // before `store k+64 'BBBBBBBB'`
  CHECK(found.candidates[0].ops == std::vector<std::string>{"sfence"});
  CHECK(found.candidates[1].ops == std::vector<std::string>{"persist k+0 8"});
  CHECK(found.candidates[1].position == 4);
  const std::string& missing = found.candidates[0].missing;
  CHECK_MESSAGE(missing.find("no `sfence` between step") == 0, missing);
  CHECK_MESSAGE(missing.find("(P1: clwb k+0) and step") != std::string::npos, missing);
  CHECK_MESSAGE(missing.find("written by `store k+64 'BBBBBBBB'` (op 5 of P1) can persist before "
                             "pmem line") != std::string::npos,
                missing);
}

TEST_CASE("a store never flushed: flush and fence its range before the later store") {
  const Scenario scenario = Load(
      kDaxFile,
      R"(["fd = open /f rw", "k = mmap fd 0 4096 shared", "store k+0 'AAAAAAAA'",
          "store k+64 'BBBBBBBB'"])",
      kBIfA);
  const Found found = Find(scenario, [](const Machine& m) {
    const uint64_t base = m.device.pending().front().address;
    return Losing(m, base, base + 8);
  });
  REQUIRE(found.candidates.size() == 1);
  CHECK(found.candidates[0].position == 3);
  CHECK(found.candidates[0].ops == std::vector<std::string>{"persist k+0 8"});
}

TEST_CASE("nothing kept after the lost store: no remedy is plausible") {
  const Scenario scenario = Load(
      kDaxFile,
      R"(["fd = open /f rw", "k = mmap fd 0 4096 shared", "store k+0 'AAAAAAAA'",
          "store k+64 'BBBBBBBB'"])",
      kBIfA);
  // Both lines lost: no later effect was kept, and the assertion has no `after`.
  const Found found = Find(scenario, [](const Machine& m) {
    return Losing(m, 0, UINT64_MAX);
  });
  CHECK(found.candidates.empty());
}

TEST_CASE("a torn store: its pieces come from one op, so no op between them can order them") {
  const Scenario scenario = Load(
      kDaxFile,
      R"(["fd = open /f rw", "k = mmap fd 0 4096 shared", "store k+0 'AAAAAAAABBBBBBBB'"])",
      R"({"name": "atomic", "check": "/f[0:16] in { zero, 'AAAAAAAABBBBBBBB' }"})");
  const Found found = Find(scenario, [](const Machine& m) {
    const uint64_t base = m.device.pending().front().address;
    return Losing(m, base, base + 8);
  });
  CHECK(found.candidates.empty());
}

TEST_CASE("a buffered write without fsync: fdatasync, then fsync, of its fd before the close") {
  const Scenario scenario = Load(
      kPlainFile, R"(["fd = open /f rw", "pwrite fd 0 'A'", "c: close fd"])",
      R"({"name": "a-durable", "after": "P1.c", "check": "/f[0:1] == 'A'"})",
      R"({"background": "none"})");
  const Found found = Find(scenario, [](const Machine& m) { return Losing(m, 0, UINT64_MAX); });
  REQUIRE(found.candidates.size() == 2);
  CHECK(found.candidates[0].position == 2);
  CHECK(found.candidates[0].ops == std::vector<std::string>{"fdatasync fd"});
  CHECK(found.candidates[1].ops == std::vector<std::string>{"fsync fd"});
  CHECK_MESSAGE(found.candidates[0].missing.find("only in the page cache") != std::string::npos,
                found.candidates[0].missing);
}

TEST_CASE("a sync call moved before the close of the fd it needs") {
  // The later op is a rename, after the fd was closed: the fsync goes before the close.
  const Scenario scenario = Load(
      kPlainFile,
      R"(["fd = open /f rw", "pwrite fd 0 'A'", "close fd", "rn: rename /f /g"])",
      R"j({"name": "a-durable", "after": "P1.rn", "check": "exists(/g) -> /g[0:1] == 'A'"})j",
      R"({"background": "none"})");
  const Found found = Find(scenario, [](const Machine& m) { return Losing(m, 0, UINT64_MAX); });
  REQUIRE_FALSE(found.candidates.empty());
  CHECK(found.candidates[0].position == 2);
  CHECK(found.candidates[0].ops == std::vector<std::string>{"fdatasync fd"});
}

const char* const kFileInDirectory =
    R"({"/d/f": {"size": 4096, "layout": "written", "fill": "00"}})";

TEST_CASE("a created file whose directory was never fsynced: fsync of the parent directory") {
  const Scenario scenario = Load(
      kFileInDirectory, R"(["fd = open /d/f rw", "creat /d/g", "s: fsync fd"])",
      R"j({"name": "g-exists", "after": "P1.s", "check": "exists(/d/g)"})j",
      R"({"namespace": "posix-minimal"})");
  const Found found = Find(scenario, [](const Machine& m) { return Losing(m, 0, UINT64_MAX); });
  REQUIRE(found.candidates.size() == 2);
  CHECK(found.candidates[0].position == 2);
  CHECK(found.candidates[0].ops == std::vector<std::string>{"dir = open /d ro", "fsync dir"});
  CHECK(found.candidates[1].ops == std::vector<std::string>{"sync"});
  CHECK_MESSAGE(found.candidates[0].missing.find("the entry of /d/g changed by `creat /d/g`") !=
                    std::string::npos,
                found.candidates[0].missing);
}

TEST_CASE("a directory fd the process already holds is the one fsynced; the root takes sync") {
  const Scenario held = Load(
      kFileInDirectory,
      R"(["dir = open /d ro", "fd = open /d/f rw", "creat /d/g", "s: fsync fd"])",
      R"j({"name": "g-exists", "after": "P1.s", "check": "exists(/d/g)"})j",
      R"({"namespace": "posix-minimal"})");
  Found found = Find(held, [](const Machine& m) { return Losing(m, 0, UINT64_MAX); });
  REQUIRE(found.candidates.size() == 2);
  CHECK(found.candidates[0].position == 3);
  CHECK(found.candidates[0].ops == std::vector<std::string>{"fsync dir"});
  // No scenario can open the root directory: its entries are made durable by sync.
  const Scenario root = Load(
      kPlainFile, R"(["fd = open /f rw", "creat /g", "s: fsync fd"])",
      R"j({"name": "g-exists", "after": "P1.s", "check": "exists(/g)"})j",
      R"({"namespace": "posix-minimal"})");
  found = Find(root, [](const Machine& m) { return Losing(m, 0, UINT64_MAX); });
  REQUIRE(found.candidates.size() == 1);
  CHECK(found.candidates[0].ops == std::vector<std::string>{"sync"});
}

}  // namespace
}  // namespace crashsim
