// CrashSpace answers the checkers' questions without enumerating every image; these tests hold it
// to the full downset enumeration of the persist graph on small machines. For every state reached
// by a few bundled scenarios and every durable journal prefix:
// - the per-byte outcomes are exactly the values that byte takes over all images with that prefix;
// - the joint images are exactly the downsets projected onto the writes covering the bytes asked
//   about, each once, and each a real crash image.
#include "sim/crash/crash_space.h"

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
#include "sim/crash/state_walk.h"
#include "sim/program/program.h"
#include "sim/program/setup.h"
#include "sim/scenario/loader.h"

namespace crashsim {
namespace {

// States with more persist events than this are skipped: the reference enumerates every downset.
constexpr size_t kEventsMax = 12;

std::unique_ptr<Scenario> LoadBundled(const std::string& name) {
  auto loaded = LoadScenarioFile("scenarios/" + name);
  REQUIRE_MESSAGE(loaded.ok(), (loaded.ok() ? "" : loaded.status().message()));
  return std::make_unique<Scenario>(*loaded);
}


// The device byte at `address` in `image`: the durable media overlaid with the persisted pending
// writes in visibility order (written here from the definition, not taken from recovery).
std::pair<uint8_t, Origin> ByteIn(const Machine& machine, const CrashImage& image,
                                  uint64_t address) {
  const Tagged media = machine.device.media().Read(address, 1);
  std::pair<uint8_t, Origin> byte{media.bytes[0], media.origins[0]};
  for (const PendingWrite& write : machine.device.pending()) {
    if (!image.persisted.count(write.id)) continue;
    if (address < write.address || address >= write.address + write.data().size()) continue;
    byte = {write.data().bytes[address - write.address], write.data().origins[address - write.address]};
  }
  return byte;
}

// The bytes worth asking about: the ends and middle of every pending write, the bytes just
// outside it, and one byte no write touches.
std::set<uint64_t> SampleAddresses(const Machine& machine) {
  std::set<uint64_t> addresses{uint64_t{1} << 30};
  for (const PendingWrite& write : machine.device.pending()) {
    const uint64_t size = write.data().size();
    for (uint64_t at : {write.address, write.address + size / 2, write.address + size - 1,
                        write.address + size}) {
      addresses.insert(at);
    }
    if (write.address > 0) addresses.insert(write.address - 1);
  }
  return addresses;
}

// The images of the full enumeration, grouped by durable journal prefix.
std::map<uint64_t, std::vector<CrashImage>> ImagesByPrefix(const Machine& machine) {
  std::map<uint64_t, std::vector<CrashImage>> images;
  PersistGraph(machine).ForEachImage([&](const CrashImage& image) {
    images[image.journal_prefix].push_back(image);
    return true;
  });
  return images;
}

const char* const kScenarios[] = {
    "l24-same-line-and-tearing.json",   // pmem lines, torn stores
    "l24-clwb-sfence.json",             // must-persist marks
    "torn-sector-write.json",           // block sectors
    "two-writers-one-fsync.json",       // journal transactions, PREFLUSH edges
    "delalloc-stale-ext4-ordered.json", // ordered-data edges
    "l3-store-into-hole.json",          // kernel zeroing spanning lines, allocation transactions
};

TEST_CASE("per-byte outcomes equal the values each byte takes over every image, per journal prefix") {
  uint64_t compared = 0, multi_prefix_states = 0, multi_outcome_bytes = 0, forced_bytes = 0;
  for (const char* name : kScenarios) {
    INFO(name);
    const std::unique_ptr<Scenario> scenario = LoadBundled(name);
    ForEachState(*scenario, scenario->designs.front(), [&](const Machine& machine) {
      CrashSpace space(machine);
      if (space.graph().events().size() > kEventsMax) return;
      const auto images = ImagesByPrefix(machine);
      // The feasible prefixes are the ones the enumeration reaches.
      std::set<uint64_t> prefixes;
      for (const auto& [prefix, unused] : images) prefixes.insert(prefix);
      CHECK(std::set<uint64_t>(space.journal_choices().begin(), space.journal_choices().end()) ==
            prefixes);
      if (prefixes.size() > 1) ++multi_prefix_states;
      const std::set<uint64_t> addresses = SampleAddresses(machine);
      for (uint64_t prefix : space.journal_choices()) {
        space.ChooseJournal(prefix);
        for (uint64_t address : addresses) {
          std::set<std::pair<uint8_t, Origin>> expected;
          for (const CrashImage& image : images.at(prefix)) {
            expected.insert(ByteIn(machine, image, address));
          }
          std::set<std::pair<uint8_t, Origin>> got;
          for (const ByteOutcome& outcome : space.Outcomes(address)) {
            got.insert({outcome.value, outcome.origin});
            // Its witness is an image with this prefix that shows it.
            const CrashImage witness = space.Witness(address, outcome);
            CHECK(witness.journal_prefix == prefix);
            CHECK(ByteIn(machine, witness, address) == std::make_pair(outcome.value, outcome.origin));
          }
          std::set<std::pair<uint8_t, Origin>> streamed;
          space.ForEachOutcome(address, 1, [&](uint64_t at, const ByteOutcome& outcome) {
            CHECK(at == address);
            streamed.insert({outcome.value, outcome.origin});
            return true;
          });
          INFO("state with ", space.graph().events().size(), " events, prefix ", prefix,
               ", byte ", address);
          CHECK(got == expected);
          CHECK(streamed == expected);
          ++compared;
          if (expected.size() > 1) ++multi_outcome_bytes;
          if (expected.size() == 1 && !space.CoveringEvents(address).empty()) ++forced_bytes;
        }
      }
    });
  }
  // The comparison must have met the interesting cases, not only untouched bytes.
  CHECK(compared > 1000);
  CHECK(multi_prefix_states > 0);
  CHECK(multi_outcome_bytes > 100);
  CHECK(forced_bytes > 0);
}

// The set of covering writes an image keeps, as ids.
std::set<uint64_t> Projection(const CrashImage& image, const std::set<uint64_t>& covering_ids) {
  std::set<uint64_t> kept;
  for (uint64_t id : image.persisted) {
    if (covering_ids.count(id)) kept.insert(id);
  }
  return kept;
}

TEST_CASE("joint images are exactly the downsets projected onto the writes covering the bytes") {
  uint64_t compared = 0, larger_than_two = 0;
  for (const char* name : kScenarios) {
    INFO(name);
    const std::unique_ptr<Scenario> scenario = LoadBundled(name);
    ForEachState(*scenario, scenario->designs.front(), [&](const Machine& machine) {
      CrashSpace space(machine);
      if (space.graph().events().size() > kEventsMax) return;
      const auto images = ImagesByPrefix(machine);
      const auto& pending = machine.device.pending();
      // Byte sets: each write's first byte with each other's, and all of them at once.
      std::vector<std::set<uint64_t>> byte_sets;
      std::set<uint64_t> all;
      for (size_t i = 0; i < pending.size(); ++i) {
        all.insert(pending[i].address);
        for (size_t j = i + 1; j < pending.size(); ++j) {
          byte_sets.push_back({pending[i].address, pending[j].address});
        }
      }
      if (!all.empty()) byte_sets.push_back(all);
      for (uint64_t prefix : space.journal_choices()) {
        space.ChooseJournal(prefix);
        std::set<std::set<uint64_t>> real_images;
        for (const CrashImage& image : images.at(prefix)) real_images.insert(image.persisted);
        for (const std::set<uint64_t>& bytes : byte_sets) {
          std::set<uint64_t> covering_ids;
          for (uint64_t address : bytes) {
            for (int v : space.CoveringEvents(address)) covering_ids.insert(pending[v].id);
          }
          std::set<std::set<uint64_t>> expected;
          for (const CrashImage& image : images.at(prefix)) {
            expected.insert(Projection(image, covering_ids));
          }
          std::set<std::set<uint64_t>> got;
          uint64_t visits = 0;
          const bool complete =
              space.ForEachJointImage(bytes, uint64_t{1} << 20, [&](const CrashImage& image) {
                ++visits;
                CHECK(image.journal_prefix == prefix);
                CHECK(real_images.count(image.persisted) == 1);  // a real crash image
                got.insert(Projection(image, covering_ids));
                return true;
              });
          INFO("state with ", space.graph().events().size(), " events, prefix ", prefix);
          CHECK(complete);
          CHECK(got == expected);
          CHECK(visits == got.size());  // each projected downset once
          ++compared;
          if (expected.size() > 2) ++larger_than_two;
        }
      }
    });
  }
  CHECK(compared > 100);
  CHECK(larger_than_two > 10);
}

TEST_CASE("a joint enumeration that exceeds its limit says so") {
  const std::unique_ptr<Scenario> scenario = LoadBundled("l24-st-st.json");
  bool found = false;
  ForEachState(*scenario, scenario->designs.front(), [&](const Machine& machine) {
    if (found) return;
    std::set<uint64_t> bytes;
    for (const PendingWrite& write : machine.device.pending()) bytes.insert(write.address);
    CrashSpace space(machine);
    uint64_t combinations = 0;
    REQUIRE(space.ForEachJointImage(bytes, uint64_t{1} << 20, [&](const CrashImage&) {
      ++combinations;
      return true;
    }));
    if (combinations < 4) return;
    found = true;
    uint64_t visits = 0;
    CHECK_FALSE(space.ForEachJointImage(bytes, 2, [&](const CrashImage&) {
      ++visits;
      return true;
    }));
    CHECK(visits == 2);
  });
  CHECK(found);
}

}  // namespace
}  // namespace crashsim
