// The table of docs/semantics.md L24 (Px86 persist ordering), every row, under ADR and eADR.
//
// Each program runs on a written DAX file through every schedule of its steps and of the hardware
// draining the store buffers one entry at a time. At each state reached (a crash point), every
// downset of the persist graph is recovered and the regions of the file are classified: the new
// value persisted, the old one is there, or a mix (torn). A row asserts both what the table allows
// (the outcome is reachable) and what it forbids (no crash point and no image shows it). The rows
// are hardware rules, so every design must give the same outcomes.
#include "sim/crash/persist_graph.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "models/kernel.h"
#include "models/pmem_cpu.h"
#include "models/recovery.h"
#include "sim/crash/state_walk.h"
#include "sim/program/program.h"
#include "sim/program/setup.h"
#include "sim/scenario/loader.h"

namespace crashsim {
namespace {

using Outcomes = std::set<std::string>;

// A range of /f and the value a store puts there. Its outcome in one image is `name` when that
// value persisted, '-' when the old zero bytes are there, '~' for anything else.
struct Region {
  char name;
  uint64_t offset;
  std::string data;
};

const Region kA{'A', 0, "AAAAAAAA"};
const Region kB{'B', 64, "BBBBBBBB"};

struct Litmus {
  std::string platform = "adr";
  std::vector<std::string> p1;  // after "fd = open /f rw" and "k = mmap fd 0 4096 shared"
  std::vector<std::string> p2;  // a second process on its own CPU, when not empty
  std::vector<Region> regions;
};

std::string Quoted(const std::string& text) { return "\"" + text + "\""; }

std::string ProgramJson(const std::vector<std::string>& ops) {
  std::string json = "[" + Quoted("fd = open /f rw") + ", " + Quoted("k = mmap fd 0 4096 shared");
  for (const std::string& op : ops) json += ", " + Quoted(op);
  return json + "]";
}

std::unique_ptr<Scenario> LoadLitmus(const Litmus& litmus) {
  std::string text = R"({"crashsim": 1, "name": "l24-row", "config": {"platform": )" +
                     Quoted(litmus.platform) +
                     R"(}, "files": {"/f": {"size": 4096, "layout": "written", "fill": "00",
                     "dax": true}}, "processes": {"P1": )" +
                     ProgramJson(litmus.p1);
  if (!litmus.p2.empty()) text += ", \"P2\": " + ProgramJson(litmus.p2);
  text += "}}";
  auto loaded = LoadScenarioText(text, "l24-row.json");
  REQUIRE_MESSAGE(loaded.ok(), (loaded.ok() ? "" : loaded.status().message()));
  return std::make_unique<Scenario>(*loaded);
}


std::string Observe(const RecoveredState& recovered, const std::vector<Region>& regions) {
  std::string outcome;
  for (const Region& region : regions) {
    const auto bytes = recovered.Read("/f", region.offset, region.offset + region.data.size());
    REQUIRE(bytes.has_value());
    const std::vector<uint8_t> fresh(region.data.begin(), region.data.end());
    if (bytes->bytes == fresh) {
      outcome += region.name;
    } else if (std::all_of(bytes->bytes.begin(), bytes->bytes.end(),
                           [](uint8_t b) { return b == 0; })) {
      outcome += '-';
    } else {
      outcome += '~';
    }
  }
  return outcome;
}

// The outcomes of every crash image of one state.
Outcomes ImageOutcomes(const Machine& machine, const std::vector<Region>& regions) {
  Outcomes outcomes;
  PersistGraph(machine).ForEachImage([&](const CrashImage& image) {
    outcomes.insert(Observe(RecoveredState(machine, image), regions));
    return true;
  });
  return outcomes;
}

using CrashPointFilter = std::function<bool(const Scenario&, const Machine&)>;

bool Anywhere(const Scenario&, const Machine&) { return true; }

// Crash points after process `process`'s op labelled `label` returned.
CrashPointFilter After(const std::string& process, const std::string& label) {
  return [process, label](const Scenario& scenario, const Machine& machine) {
    for (size_t pid = 0; pid < scenario.processes.size(); ++pid) {
      if (scenario.processes[pid].name == process) {
        return machine.processes[pid].done_labels.count(label) > 0;
      }
    }
    FAIL("no process " << process);
    return false;
  };
}

// Crash points where every process has finished and every store buffer has drained.
bool AtTheEnd(const Scenario& scenario, const Machine& machine) {
  for (size_t pid = 0; pid < scenario.processes.size(); ++pid) {
    if (!ProcessFinished(machine, scenario, static_cast<int>(pid))) return false;
    if (!machine.processes[pid].cpu.store_buffer.empty()) return false;
  }
  return true;
}

Outcomes Reachable(const Litmus& litmus, Design design, const CrashPointFilter& filter) {
  const std::unique_ptr<Scenario> scenario = LoadLitmus(litmus);
  Outcomes outcomes;
  uint64_t crash_points = 0;
  ForEachState(*scenario, design, [&](const Machine& machine) {
    if (!filter(*scenario, machine)) return;
    ++crash_points;
    const Outcomes here = ImageOutcomes(machine, litmus.regions);
    outcomes.insert(here.begin(), here.end());
  });
  REQUIRE(crash_points > 0);
  return outcomes;
}

// The outcomes under every design; the hardware rules do not depend on the design, so they must
// all agree.
Outcomes UnderEveryDesign(const Litmus& litmus, const CrashPointFilter& filter = Anywhere) {
  const Outcomes first = Reachable(litmus, kAllDesigns[0], filter);
  for (Design design : kAllDesigns) {
    INFO("design ", DesignName(design), ", platform ", litmus.platform);
    CHECK(Reachable(litmus, design, filter) == first);
  }
  return first;
}

Litmus WithPlatform(Litmus litmus, const std::string& platform) {
  litmus.platform = platform;
  return litmus;
}

TEST_CASE("st A; st B: under ADR any subset may persist; under eADR B never persists without A") {
  const Litmus litmus{"adr", {"store k+0 'AAAAAAAA'", "store k+64 'BBBBBBBB'"}, {}, {kA, kB}};
  // ADR: writes to different lines persist in any order, nothing is forced.
  const Outcomes adr = UnderEveryDesign(litmus);
  CHECK(adr == Outcomes{"--", "A-", "-B", "AB"});
  // eADR: the caches are persistent, so persistence follows visibility (TSO: A before B).
  const Outcomes eadr = UnderEveryDesign(WithPlatform(litmus, "eadr"));
  CHECK(eadr.count("-B") == 0);
  CHECK(eadr == Outcomes{"--", "A-", "AB"});
}

TEST_CASE("st A; clwb A; st B: without a fence B may persist without A under ADR, not under eADR") {
  const Litmus litmus{"adr", {"store k+0 'AAAAAAAA'", "clwb k+0", "store k+64 'BBBBBBBB'"}, {},
                      {kA, kB}};
  // clwb is ordered only with later fences, not with later stores.
  const Outcomes adr = UnderEveryDesign(litmus);
  CHECK(adr.count("-B") == 1);
  CHECK(adr == Outcomes{"--", "A-", "-B", "AB"});
  const Outcomes eadr = UnderEveryDesign(WithPlatform(litmus, "eadr"));
  CHECK(eadr.count("-B") == 0);
  CHECK(eadr == Outcomes{"--", "A-", "AB"});
}

TEST_CASE("st A; clwb A; sfence; st B: B never persists without A, and both may persist") {
  const Litmus litmus{
      "adr", {"store k+0 'AAAAAAAA'", "clwb k+0", "sfence", "store k+64 'BBBBBBBB'"}, {}, {kA, kB}};
  for (const std::string platform : {"adr", "eadr"}) {
    INFO("platform ", platform);
    const Outcomes outcomes = UnderEveryDesign(WithPlatform(litmus, platform));
    CHECK(outcomes.count("-B") == 0);
    CHECK(outcomes.count("AB") == 1);
    CHECK(outcomes == Outcomes{"--", "A-", "AB"});
  }
}

TEST_CASE("st A; clflush A; st B: B never persists without A, and both may persist") {
  const Litmus litmus{"adr", {"store k+0 'AAAAAAAA'", "clflush k+0", "store k+64 'BBBBBBBB'"}, {},
                      {kA, kB}};
  for (const std::string platform : {"adr", "eadr"}) {
    INFO("platform ", platform);
    const Outcomes outcomes = UnderEveryDesign(WithPlatform(litmus, platform));
    CHECK(outcomes.count("-B") == 0);
    CHECK(outcomes.count("AB") == 1);
    CHECK(outcomes == Outcomes{"--", "A-", "AB"});
  }
}

TEST_CASE("st A1; st A2 to one line: A2 never persists without A1, and both may persist") {
  const Litmus litmus{"adr",
                      {"store k+0 'A1A1A1A1'", "store k+8 'A2A2A2A2'"},
                      {},
                      {{'1', 0, "A1A1A1A1"}, {'2', 8, "A2A2A2A2"}}};
  for (const std::string platform : {"adr", "eadr"}) {
    INFO("platform ", platform);
    const Outcomes outcomes = UnderEveryDesign(WithPlatform(litmus, platform));
    CHECK(outcomes.count("-2") == 0);
    CHECK(outcomes == Outcomes{"--", "1-", "12"});
  }
}

TEST_CASE("an aligned 8-byte store persists all or nothing") {
  const Litmus litmus{"adr", {"store k+128 'WWWWWWWW'"}, {}, {{'W', 128, "WWWWWWWW"}}};
  for (const std::string platform : {"adr", "eadr"}) {
    INFO("platform ", platform);
    const Outcomes outcomes = UnderEveryDesign(WithPlatform(litmus, platform));
    CHECK(outcomes.count("~") == 0);  // never partly persisted
    CHECK(outcomes == Outcomes{"-", "W"});
  }
}

// Both halves of one 16-byte store, each an aligned 8-byte word.
const Litmus kWideStore{"adr",
                        {"store k+192 'VVVVVVVVWWWWWWWW'"},
                        {},
                        {{'V', 192, "VVVVVVVV"}, {'W', 200, "WWWWWWWW"}}};

TEST_CASE("a 16-byte store may persist torn at the 8-byte boundary under ADR") {
  const Outcomes outcomes = UnderEveryDesign(kWideStore);
  // Torn either way, whole, or not at all; but never torn inside an 8-byte word.
  CHECK(outcomes == Outcomes{"--", "V-", "-W", "VW"});
}

// docs/semantics.md L24, eADR column: "a 16-byte store may tear": the two words of a wide store
// become visible, and so persistent, one after the other.
TEST_CASE("a 16-byte store may persist torn at the 8-byte boundary under eADR") {
  const Outcomes outcomes = UnderEveryDesign(WithPlatform(kWideStore, "eadr"));
  CHECK((outcomes.count("V-") + outcomes.count("-W")) > 0);
  CHECK(outcomes.count("--") == 1);
  CHECK(outcomes.count("VW") == 1);
}

TEST_CASE("ntstore N; sfence: N is durable once the fence returns, and may be lost before it") {
  const Region n{'N', 256, "NNNNNNNN"};
  const Litmus fenced{"adr", {"ntstore k+256 'NNNNNNNN'", "f: sfence"}, {}, {n}};
  const Litmus unfenced{"adr", {"ntstore k+256 'NNNNNNNN'"}, {}, {n}};
  for (const std::string platform : {"adr", "eadr"}) {
    INFO("platform ", platform);
    // Must survive: every image after the fence has N.
    CHECK(UnderEveryDesign(WithPlatform(fenced, platform), After("P1", "f")) == Outcomes{"N"});
  }
  // May be lost: under ADR a visible non-temporal store that no fence ordered may still be lost;
  // under eADR visibility alone makes it durable.
  CHECK(UnderEveryDesign(unfenced, AtTheEnd) == Outcomes{"-", "N"});
  CHECK(UnderEveryDesign(WithPlatform(unfenced, "eadr"), AtTheEnd) == Outcomes{"N"});
}

TEST_CASE("a flush acts on the line: another CPU's clwb; sfence after seeing A makes A durable") {
  const Litmus litmus{"adr",
                      {"store k+0 'AAAAAAAA'", "barrier b"},
                      {"barrier b", "x = load k+0 8", "clwb k+0", "f: sfence"},
                      {kA}};
  for (const std::string platform : {"adr", "eadr"}) {
    INFO("platform ", platform);
    // Must survive: after P2's fence, A (written by P1) is in every image.
    CHECK(UnderEveryDesign(WithPlatform(litmus, platform), After("P2", "f")) == Outcomes{"A"});
  }
  // May be lost: without P2's fence, A is visible to P2 but not durable under ADR.
  const Litmus unfenced{"adr",
                        {"store k+0 'AAAAAAAA'", "barrier b"},
                        {"barrier b", "x = load k+0 8", "clwb k+0"},
                        {kA}};
  CHECK(UnderEveryDesign(unfenced, AtTheEnd) == Outcomes{"-", "A"});
}

TEST_CASE("a store still in the store buffer at the crash is lost, and can persist once drained") {
  for (const std::string platform : {"adr", "eadr"}) {
    INFO("platform ", platform);
    const Litmus litmus{platform, {"s: store k+0 'AAAAAAAA'"}, {}, {kA}};
    const std::unique_ptr<Scenario> scenario = LoadLitmus(litmus);
    uint64_t buffered_points = 0, drained_points = 0;
    ForEachState(*scenario, Design::kKernelTracked, [&](const Machine& machine) {
      if (!machine.processes[0].done_labels.count("s")) return;
      const Outcomes outcomes = ImageOutcomes(machine, litmus.regions);
      if (!machine.processes[0].cpu.store_buffer.empty()) {
        ++buffered_points;
        CHECK(outcomes == Outcomes{"-"});  // lost: no image has A
      } else {
        ++drained_points;
        CHECK(outcomes.count("A") == 1);  // once visible, it may persist
      }
    });
    CHECK(buffered_points > 0);
    CHECK(drained_points > 0);
  }
}

TEST_CASE("on platform none clwb; sfence does not make A durable, and a kernel device flush does") {
  const Litmus flushed{"none", {"store k+0 'AAAAAAAA'", "clwb k+0", "f: sfence"}, {}, {kA}};
  const std::unique_ptr<Scenario> scenario = LoadLitmus(flushed);
  uint64_t crash_points = 0;
  ForEachState(*scenario, Design::kKernelTracked, [&](const Machine& machine) {
    if (!AtTheEnd(*scenario, machine)) return;
    ++crash_points;
    // May be lost: the line reached the write-pending queue, which `none` does not drain.
    CHECK(ImageOutcomes(machine, {kA}) == Outcomes{"-", "A"});
    // Must survive: the flush hints drain the queue.
    Machine after = machine;
    KernelDeviceFlush(after, 0);
    CHECK(ImageOutcomes(after, {kA}) == Outcomes{"A"});
  });
  CHECK(crash_points > 0);
  // The same program under ADR makes A durable at the fence.
  CHECK(UnderEveryDesign(WithPlatform(flushed, "adr"), After("P1", "f")) == Outcomes{"A"});
  // A device flush alone writes back no cache line: an unflushed store may still be lost.
  const Litmus unflushed{"none", {"store k+0 'AAAAAAAA'"}, {}, {kA}};
  const std::unique_ptr<Scenario> plain = LoadLitmus(unflushed);
  ForEachState(*plain, Design::kKernelTracked, [&](const Machine& machine) {
    if (!AtTheEnd(*plain, machine)) return;
    Machine after = machine;
    KernelDeviceFlush(after, 0);
    CHECK(ImageOutcomes(after, {kA}) == Outcomes{"-", "A"});
  });
}

// The enumeration itself: on states with journal transactions and block writes (the
// PREFLUSH and ordered-data edges), every downset of the graph is visited exactly once.
std::unique_ptr<Scenario> LoadBundled(const std::string& name) {
  auto loaded = LoadScenarioFile("scenarios/" + name);
  REQUIRE_MESSAGE(loaded.ok(), (loaded.ok() ? "" : loaded.status().message()));
  return std::make_unique<Scenario>(*loaded);
}

TEST_CASE("ForEachImage visits every downset of the persist order exactly once and nothing else") {
  uint64_t checked = 0, largest = 0;
  bool saw_transaction = false;
  for (const std::string name : {"two-writers-one-fsync.json", "delalloc-stale-ext4-ordered.json",
                                 "torn-sector-write.json", "l24-same-line-and-tearing.json"}) {
    INFO(name);
    const std::unique_ptr<Scenario> scenario = LoadBundled(name);
    ForEachState(*scenario, scenario->designs.front(), [&](const Machine& machine) {
      const PersistGraph graph(machine);
      const auto& events = graph.events();
      if (events.size() > 12) return;
      ++checked;
      largest = std::max<uint64_t>(largest, events.size());
      for (const PersistEvent& event : events) {
        saw_transaction = saw_transaction || event.kind == PersistEvent::Kind::kTransaction;
      }
      // Every subset closed under predecessors, by brute force.
      std::set<std::vector<bool>> downsets;
      for (uint64_t mask = 0; mask < (uint64_t{1} << events.size()); ++mask) {
        std::vector<bool> in(events.size());
        for (size_t v = 0; v < events.size(); ++v) in[v] = (mask >> v) & 1;
        bool closed = true;
        for (size_t v = 0; v < events.size() && closed; ++v) {
          for (size_t p : graph.predecessors()[v]) closed = closed && (!in[v] || in[p]);
        }
        if (closed) downsets.insert(in);
      }
      std::set<std::vector<bool>> visited;
      uint64_t visits = 0;
      const uint64_t counted = graph.ForEachImage([&](const CrashImage& image) {
        std::vector<bool> in(events.size());
        for (size_t v = 0; v < events.size(); ++v) {
          in[v] = events[v].kind == PersistEvent::Kind::kDeviceWrite
                      ? image.persisted.count(events[v].id) > 0
                      : events[v].id <= image.journal_prefix;
        }
        ++visits;
        visited.insert(in);
        return true;
      });
      CHECK(counted == visits);
      CHECK(visits == visited.size());  // no image twice
      CHECK(visited == downsets);
    });
  }
  CHECK(checked > 10);
  CHECK(largest >= 4);
  CHECK(saw_transaction);
}

// No pending event at all (every state before the first write): no event, no edge, and exactly one
// image, the durable state. Under --config=asan this also guards the empty graph against Boost's
// transitive reduction, which indexes the first element of its work arrays.
TEST_CASE("an empty persist graph has one image, the durable state") {
  const std::unique_ptr<Scenario> scenario = LoadBundled("two-writers-one-fsync.json");
  const Machine machine = BuildInitialMachine(*scenario, Design::kKernelTracked);
  const PersistGraph graph(machine);
  CHECK(graph.events().empty());
  CHECK(graph.predecessors().empty());
  uint64_t images = 0;
  CHECK(graph.ForEachImage([&](const CrashImage& image) {
    ++images;
    CHECK(image.persisted.empty());
    return true;
  }) == 1);
  CHECK(images == 1);
}

// The canonical state hash (HashMachine, docs/architecture.md "Equal histories") merges states
// whose ticks differ but keep their order. The persist graph is what reads the ticks (a log
// write's PREFLUSH takes along every write completed before the commit), so every two states it
// merges must give the same graph. Walked by the hash as recorded, so that the merged states are
// visited too, under background writeback and log pushes, where unforced transactions and
// completed writes meet.
TEST_CASE("states the canonical hash merges have the same persist graph") {
  const char* scenarios[] = {
      // Two processes fill holes of one file (allocations, completions that log conversions).
      R"({"crashsim": 1, "name": "holes", "models": ["kernel-tracked"],
        "config": {"background": "explore"},
        "files": {"/f": {"size": 8192, "layout": "hole"}},
        "processes": {"P1": ["fd = open /f rw", "pwrite fd 0 'a'", "fsync fd"],
                      "P2": ["fd = open /f rw", "pwrite fd 4096 'b'", "fdatasync fd"]}})",
      // Written blocks and an extending write under ext4's ordered mode.
      R"({"crashsim": 1, "name": "ordered", "models": ["kernel-tracked"],
        "config": {"background": "explore", "fs": "ext4-ordered"},
        "files": {"/f": {"size": 8192, "layout": "written", "fill": "00"}},
        "processes": {"P1": ["fd = open /f rw", "pwrite fd 0 'a'", "fsync fd"],
                      "P2": ["fd = open /f rw", "pwrite fd 8192 'b'", "fsync fd"]}})",
      // DAX: the kernel's writeback stamps lines, under platform none.
      R"({"crashsim": 1, "name": "dax", "models": ["kernel-tracked"],
        "config": {"background": "explore", "platform": "none"},
        "files": {"/f": {"size": 8192, "layout": "written", "fill": "00", "dax": true}},
        "processes": {"P1": ["fd = open /f rw", "m = mmap fd 0 8192 shared", "store m+0 'a'",
                             "msync m 0 4096 sync"],
                      "P2": ["fd = open /f rw", "pwrite fd 4096 'b'", "fsync fd"]}})",
  };
  using Edge = std::pair<std::pair<int, uint64_t>, std::pair<int, uint64_t>>;
  auto edges = [](const Machine& m) {
    const PersistGraph graph(m);
    std::set<Edge> found;
    for (size_t v = 0; v < graph.events().size(); ++v) {
      for (size_t p : graph.predecessors()[v]) {
        found.insert({{static_cast<int>(graph.events()[p].kind), graph.events()[p].id},
                      {static_cast<int>(graph.events()[v].kind), graph.events()[v].id}});
      }
    }
    return found;
  };
  auto ticks = [](const Machine& m) {
    std::vector<uint64_t> found;
    for (const PendingWrite& write : m.device.pending()) found.push_back(write.completed_tick);
    for (uint64_t seq = 1; seq <= m.journal.committed_seq(); ++seq) {
      found.push_back(m.journal.txn(seq).committed_tick);
    }
    return found;
  };
  int merged_with_other_ticks = 0;
  for (const char* text : scenarios) {
    auto loaded = LoadScenarioText(text, "merged.json");
    REQUIRE(loaded.ok());
    std::map<Hash128, Machine> first;
    ForEachState(*loaded, Design::kKernelTracked, [&](const Machine& m) {
      const auto [it, fresh] = first.try_emplace(HashMachine(m), m);
      if (fresh) return;
      CAPTURE(loaded->name);
      CHECK(edges(m) == edges(it->second));
      if (ticks(m) != ticks(it->second) && !edges(m).empty()) ++merged_with_other_ticks;
    }, /*canonical_history=*/false);
  }
  MESSAGE(merged_with_other_ticks, " merged states with other ticks and a non-empty graph");
  CHECK(merged_with_other_ticks > 0);
}

}  // namespace
}  // namespace crashsim
