// ImageWalk and ImageChecks held to the slow path. For every state reached by the bundled
// persistent-memory scenarios (every design) and by generated small pmem scenarios, where the
// walk applies:
// - the images visited are exactly PersistGraph::ForEachImage's, each once, and every step's
//   changes are exactly the difference between consecutive images (one event per step when every
//   line's stores form a chain);
// - every tracked byte of the incremental image equals the byte the image defines;
// - the compiled verdict equals the names that RecoveredState of the image plus CheckAssertions,
//   CheckDurability and CheckNoStaleData report on a CrashSpace fixed to that image.
// The counters at the end make sure the comparison met failing and passing images of each kind.
#include "sim/crash/image_walk.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "models/recovery.h"
#include "sim/crash/crash_space.h"
#include "sim/crash/state_walk.h"
#include "sim/oracles/assertions.h"
#include "sim/oracles/durability.h"
#include "sim/oracles/image_walk_checks.h"
#include "sim/oracles/stale_data.h"
#include "sim/program/setup.h"
#include "sim/scenario/loader.h"

namespace crashsim {
namespace {

// States with more persist events are skipped: the reference recovers every image.
constexpr size_t kEventsMax = 12;

Scenario Load(const std::string& text, const std::string& name) {
  auto loaded = LoadScenarioText(text, name);
  REQUIRE_MESSAGE(loaded.ok(), (loaded.ok() ? "" : loaded.status().message()));
  return *loaded;
}

Scenario LoadBundled(const std::string& name) {
  auto loaded = LoadScenarioFile("scenarios/" + name);
  REQUIRE_MESSAGE(loaded.ok(), (loaded.ok() ? "" : loaded.status().message()));
  return *loaded;
}

// The device byte at `address` in `image`, from the definition: the durable media overlaid with
// the persisted pending writes in visibility order.
uint8_t ByteIn(const Machine& machine, const CrashImage& image, uint64_t address) {
  uint8_t byte = machine.device.media().Read(address, 1).bytes[0];
  for (const PendingWrite& write : machine.device.pending()) {
    if (!image.persisted.count(write.id)) continue;
    if (address < write.address || address >= write.address + write.data().size()) continue;
    byte = write.data().bytes[address - write.address];
  }
  return byte;
}

// The names the slow path reports on `image` for the checks ImageChecks compiles.
std::set<std::string> SlowVerdict(const Scenario& scenario, const Machine& machine,
                                  CrashSpace& space, const CrashImage& image) {
  space.ChooseImage(image);
  const RecoveredState recovered(machine, image);
  const CrashContext context{scenario, machine, space, recovered};
  std::vector<Finding> findings;
  CHECK(CheckAssertions(context, /*search=*/true, &findings));
  CheckDurability(context, &findings);
  CheckNoStaleData(context, &findings);
  std::set<std::string> names;
  for (const Finding& finding : findings) names.insert(finding.name);
  return names;
}

struct Tally {
  uint64_t states = 0, refused = 0, skipped = 0, images = 0, single_step_states = 0;
  uint64_t multi_change_steps = 0, torn_states = 0, multi_component_states = 0;
  std::map<std::string, uint64_t> failing;  // per kind: assertion, a guarantee name
  uint64_t passing_images = 0, verdict_changes = 0;
  std::set<std::string> reasons;
};

bool IsAssertion(const Scenario& scenario, const std::string& name) {
  return std::any_of(scenario.assertions.begin(), scenario.assertions.end(),
                     [&](const Assertion& a) { return a.name == name; });
}

void CompareOneState(const Scenario& scenario, const Machine& machine, Tally* tally) {
  const PersistGraph graph(machine);
  if (auto why = ImageWalk::WhyNotApplicable(machine, graph)) {
    ++tally->refused;
    tally->reasons.insert(*why);
    return;
  }
  if (graph.events().size() > kEventsMax) {
    ++tally->skipped;
    return;
  }
  ++tally->states;
  std::set<std::set<uint64_t>> expected;
  graph.ForEachImage([&](const CrashImage& image) {
    expected.insert(image.persisted);
    return true;
  });
  ImageWalk walk(machine, graph);
  ImageChecks checks(scenario, machine, walk);
  CHECK(walk.image_count() == expected.size());
  CrashSpace space(machine);
  // Chains only (no torn store, no store spanning lines): every step moves exactly one store.
  std::set<uint64_t> groups;
  bool chains = true;
  for (const PendingWrite& write : machine.device.pending()) {
    chains = chains && groups.insert(write.group).second && write.unit_count == 1;
  }
  if (!chains) ++tally->torn_states;
  if (walk.component_count() > 1) ++tally->multi_component_states;
  std::set<std::set<uint64_t>> got;
  uint64_t visits = 0;
  CrashImage previous;
  std::vector<std::string> previous_verdict;
  const ImageCheckTotals totals =
      CheckImages(walk, checks, UINT64_MAX, [&](const ImageWalk& w, const ImageChecks& c) {
        const CrashImage image = w.Image();
        CHECK(image.journal_prefix == machine.journal.forced_seq());
        got.insert(image.persisted);
        if (visits == 0) {
          CHECK(image.persisted.empty());
        } else {
          // The step's changes are exactly the difference between the two images.
          std::set<uint64_t> entered, left;
          for (const EventChange& change : w.last_changes()) {
            const uint64_t id = machine.device.pending()[change.event].id;
            (change.enters ? entered : left).insert(id);
          }
          std::set<uint64_t> expected_entered, expected_left;
          std::set_difference(image.persisted.begin(), image.persisted.end(),
                              previous.persisted.begin(), previous.persisted.end(),
                              std::inserter(expected_entered, expected_entered.end()));
          std::set_difference(previous.persisted.begin(), previous.persisted.end(),
                              image.persisted.begin(), image.persisted.end(),
                              std::inserter(expected_left, expected_left.end()));
          CHECK(entered == expected_entered);
          CHECK(left == expected_left);
          CHECK(w.last_changes().size() == entered.size() + left.size());
          if (chains) CHECK(w.last_changes().size() == 1);
          if (w.last_changes().size() > 1) ++tally->multi_change_steps;
        }
        // The incremental bytes are the image's bytes.
        for (size_t c = 0; c < w.tracked_lines().size(); ++c) {
          for (uint64_t b = 0; b < kLineBytes; ++b) {
            const uint64_t address = w.tracked_lines()[c] * kLineBytes + b;
            if (w.bytes()[c * kLineBytes + b] != ByteIn(machine, image, address)) {
              FAIL_CHECK("byte ", address, " differs from the image's");
            }
          }
        }
        const std::vector<std::string> fast = c.FailingNames();
        const std::set<std::string> slow = SlowVerdict(scenario, machine, space, image);
        INFO("image ", visits, " of a state with ", graph.events().size(), " events");
        CHECK(std::set<std::string>(fast.begin(), fast.end()) == slow);
        CHECK(c.any_failing() == !fast.empty());
        for (const std::string& name : fast) {
          ++tally->failing[IsAssertion(scenario, name) ? "assertion" : name];
        }
        if (fast.empty()) ++tally->passing_images;
        if (visits > 0 && fast != previous_verdict) ++tally->verdict_changes;
        previous_verdict = fast;
        previous = image;
        ++visits;
        return true;
      });
  CHECK(totals.complete);
  CHECK(totals.images == visits);
  CHECK(got == expected);
  CHECK(visits == expected.size());  // each image once
  if (tally->multi_change_steps == 0 && chains) ++tally->single_step_states;
  tally->images += visits;
}

const char* const kBundled[] = {
    "l24-clflush.json",         "l24-clwb-no-fence.json",       "l24-clwb-sfence.json",
    "l24-flush-other-writer.json", "l24-ntstore-sfence.json",   "l24-same-line-and-tearing.json",
    "l24-st-st.json",           "l24-st-st-eadr.json",          "l3-store-into-hole.json",
    "l4-store-into-unwritten.json", "l5-overwrite-written.json", "l7-mixed-modes-msync.json",
    "l8-mixed-modes-same-page.json", "l8b-mixed-modes-other-page.json",
    "l10-seal-while-dirty.json",
};

// A small deterministic generator of pmem scenarios: one or two processes storing 1, 8 and 16
// bytes (aligned, torn, crossing a line) to three lines of a DAX file, with flushes, fences and
// msync, and assertions relating the lines.
class Generator {
 public:
  explicit Generator(uint32_t seed) : state_(seed * 2654435761u + 1) {}

  std::string Scenario() {
    const int processes = 1 + static_cast<int>(Pick(2));
    std::string procs;
    int store = 0;
    for (int p = 0; p < processes; ++p) {
      std::vector<std::string> ops{"fd = open /f rw", "m = mmap fd 0 4096 shared"};
      const int count = 2 + static_cast<int>(Pick(processes == 1 ? 4 : 2));
      for (int i = 0; i < count; ++i) {
        const uint64_t offset = kOffsets[Pick(std::size(kOffsets))];
        const uint8_t value = static_cast<uint8_t>(0x11 * (++store));
        switch (Pick(8)) {
          case 0:
            ops.push_back(fmt::format("store m+{} 0x{:02x}", offset, value));
            break;
          case 1:
            ops.push_back(fmt::format("store m+{} fill({:02x}, 16)", offset & ~uint64_t{15},
                                      value));
            break;
          case 2:
            ops.push_back(fmt::format("store m+60 fill({:02x}, 8)", value));
            break;
          case 3:
            ops.push_back(fmt::format("clwb m+{}", offset));
            break;
          case 4:
            ops.push_back(p == 0 ? "sfence" : fmt::format("ntstore m+{} fill({:02x}, 8)",
                                                          offset & ~uint64_t{7}, value));
            break;
          case 5:
            ops.push_back(fmt::format("s{}: msync m 0 4096 sync", i));
            break;
          default:
            ops.push_back(fmt::format("store m+{} fill({:02x}, 8)", offset & ~uint64_t{7}, value));
            break;
        }
      }
      procs += fmt::format("{}\"P{}\": [", p ? ", " : "", p + 1);
      for (size_t k = 0; k < ops.size(); ++k) {
        procs += fmt::format("{}\"{}\"", k ? ", " : "", ops[k]);
      }
      procs += "]";
    }
    return fmt::format(R"json({{"crashsim": 1, "name": "generated",
      "models": ["kernel-tracked", "daxfile-untracked"],
      "config": {{"background": "none"}},
      "files": {{"/f": {{"size": 4096, "layout": "written", "fill": "00", "dax": true}}}},
      "processes": {{{}}},
      "assert": [
        {{"name": "second-implies-first", "check": "/f[64:65] != 0x00 -> /f[0:1] != 0x00"}},
        {{"name": "first-word",
          "check": "/f[0:8] in {{old, fill(11, 8), fill(22, 8), fill(33, 8)}}"}},
        {{"name": "across",
          "check": "/f[60:68] == zero || (/f[128:129] != 0x00 && /f[63:65] != zero)"}},
        {{"name": "still-sized", "check": "size(/f) == 4096 && exists(/f) && !sealed(/f)"}}
      ]}})json",
                       procs);
  }

 private:
  static constexpr uint64_t kOffsets[] = {0, 8, 64, 72, 128};
  uint64_t Pick(uint64_t n) {
    state_ = state_ * 6364136223846793005ull + 1442695040888963407ull;
    return (state_ >> 33) % n;
  }
  uint64_t state_;
};

TEST_CASE("the walk visits exactly the downsets, and the compiled checks give the slow verdicts") {
  Tally tally;
  for (const char* name : kBundled) {
    INFO(name);
    const Scenario scenario = LoadBundled(name);
    for (Design design : scenario.designs) {
      ForEachState(scenario, design, [&](const Machine& machine) {
        CompareOneState(scenario, machine, &tally);
      });
    }
  }
  for (uint32_t seed = 1; seed <= 40; ++seed) {
    const std::string text = Generator(seed).Scenario();
    INFO("generated scenario ", seed, ": ", text);
    const Scenario scenario = Load(text, "generated");
    for (Design design : scenario.designs) {
      ForEachState(scenario, design, [&](const Machine& machine) {
        CompareOneState(scenario, machine, &tally);
      });
    }
  }
  MESSAGE("states compared ", tally.states, ", images ", tally.images, ", refused ", tally.refused,
          ", skipped ", tally.skipped);
  for (const auto& [kind, count] : tally.failing) MESSAGE(kind, ": failing on ", count, " images");
  CHECK(tally.states > 1000);
  CHECK(tally.images > 20000);
  CHECK(tally.torn_states > 50);            // torn pieces and stores across lines
  CHECK(tally.multi_component_states > 500);
  CHECK(tally.multi_change_steps > 0);      // a torn store between chains needs a bigger step
  CHECK(tally.failing["assertion"] > 1000);
  CHECK(tally.failing["msync"] > 0);        // durability bytes decided per image
  CHECK(tally.failing["fsync"] > 0);
  CHECK(tally.passing_images > 1000);
  CHECK(tally.verdict_changes > 1000);      // verdicts change within a state: not constants
  CHECK(tally.refused > 0);                 // journal transactions pending
}

TEST_CASE("stores carrying foreign origins: no-stale-data decided per image as the oracle does") {
  // A written DAX file and a second file; synthetic pending stores into the first file's block
  // carry the device's stale contents, the second file's data, and the first file's data from
  // another offset. Images that keep one of them expose it; the oracle says which.
  const Scenario scenario = Load(R"({"crashsim": 1, "name": "foreign",
      "config": {"background": "none"},
      "files": {"/f": {"size": 4096, "layout": "written", "fill": "00", "dax": true},
                "/g": {"size": 4096, "layout": "written", "fill": "47", "dax": true}},
      "processes": {},
      "assert": [{"name": "f0", "check": "/f[0:1] == 0x00 || /f[64:65] != 0x00"}]})",
                                 "foreign");
  Machine machine = BuildInitialMachine(scenario, scenario.designs.front());
  CrashImage base;
  const RecoveredState recovered(machine, base);
  const RecoveredFile* f = recovered.File("/f");
  const RecoveredFile* g = recovered.File("/g");
  REQUIRE(f != nullptr);
  REQUIRE(g != nullptr);
  const uint64_t f_block = *recovered.DeviceAddress(f->ino, 0);
  auto store = [&](uint64_t offset, std::vector<Origin> origins, uint8_t value) {
    Tagged data{std::vector<uint8_t>(origins.size(), value), std::move(origins)};
    machine.device.AppendVisibleStore(f_block + offset, data, "synthetic store");
  };
  store(0, std::vector<Origin>(8, kOriginStale), 0x5a);                // stale free space
  store(64, {DataOrigin(g->ino, 0), DataOrigin(g->ino, 1)}, 0x47);     // another file's data
  store(0, TagFileData(f->ino, 0, std::vector<uint8_t>(8, 1)).origins, 0x01);  // its own data
  store(130, {DataOrigin(f->ino, 7)}, 0x07);                           // its own, moved
  store(200, {DataOrigin(f->ino, 200)}, 0x09);                         // legitimate
  Tally tally;
  CompareOneState(scenario, machine, &tally);
  CHECK(tally.states == 1);
  CHECK(tally.failing["no-stale-data"] > 0);
  CHECK(tally.passing_images > 0);
  CHECK(tally.failing["assertion"] > 0);
}

TEST_CASE("the walk refuses what it cannot stand for, and says why") {
  const Scenario block = LoadBundled("torn-sector-write.json");
  bool refused_block = false;
  ForEachState(block, block.designs.front(), [&](const Machine& machine) {
    if (machine.device.pending().empty()) return;
    const auto why = ImageWalk::WhyNotApplicable(machine, PersistGraph(machine));
    REQUIRE(why.has_value());
    CHECK(*why == "the device is not persistent memory");
    refused_block = true;
  });
  CHECK(refused_block);
  // Background log pushes: committed transactions are persist events, metadata varies by image.
  const Scenario pushes = LoadBundled("l7-mixed-modes-msync.json");
  bool refused_journal = false;
  ForEachState(pushes, pushes.designs.front(), [&](const Machine& machine) {
    const PersistGraph graph(machine);
    const bool transactions = std::any_of(
        graph.events().begin(), graph.events().end(),
        [](const PersistEvent& e) { return e.kind == PersistEvent::Kind::kTransaction; });
    if (!transactions) return;
    const auto why = ImageWalk::WhyNotApplicable(machine, graph);
    REQUIRE(why.has_value());
    CHECK(why->find("journal transactions") != std::string::npos);
    refused_journal = true;
  });
  CHECK(refused_journal);
}

TEST_CASE("a chain per line walks in a reflected mixed-radix Gray code, one store per step") {
  // Three lines holding 3, 1 and 2 stores: 4 * 2 * 3 = 24 images, 23 single-store steps.
  const Scenario scenario = Load(R"({"crashsim": 1, "name": "chains", "models": ["kernel-tracked"],
      "config": {"background": "none"},
      "files": {"/f": {"size": 4096, "layout": "written", "fill": "00", "dax": true}},
      "processes": {"P1": ["fd = open /f rw", "m = mmap fd 0 4096 shared",
                           "store m+0 0x01", "store m+1 0x02", "store m+64 0x03",
                           "store m+2 0x04", "store m+128 0x05", "store m+129 0x06"]}})",
                                 "chains");
  std::optional<Machine> last;
  ForEachState(scenario, scenario.designs.front(), [&](const Machine& machine) {
    if (machine.device.pending().size() == 6) last = machine;
  });
  REQUIRE(last.has_value());
  const PersistGraph graph(*last);
  REQUIRE_FALSE(ImageWalk::WhyNotApplicable(*last, graph).has_value());
  ImageWalk walk(*last, graph);
  CHECK(walk.component_count() == 3);
  CHECK(walk.image_count() == 24);
  uint64_t steps = 0;
  std::set<std::set<uint64_t>> seen{walk.Image().persisted};
  while (walk.Next()) {
    ++steps;
    CHECK(walk.last_changes().size() == 1);
    seen.insert(walk.Image().persisted);
  }
  CHECK(steps == 23);
  CHECK(seen.size() == 24);
  CHECK_FALSE(walk.Next());  // stays at the end
  // A cap cuts the walk short and says so; a cap of exactly the space does not.
  for (uint64_t limit : {uint64_t{5}, uint64_t{24}, uint64_t{100}}) {
    ImageWalk capped(*last, graph);
    ImageChecks checks(scenario, *last, capped);
    const ImageCheckTotals totals = CheckImages(capped, checks, limit);
    CHECK(totals.images == std::min<uint64_t>(limit, 24));
    CHECK(totals.complete == (limit >= 24));
  }
}

}  // namespace
}  // namespace crashsim
