// Every reduction is exact: switched off, alone or all together, it changes no verdict. Reductions
// (sim/engine/engine.h): visited-state pruning, memoisation of crash checks by crash inputs,
// downsets of the persist DAG instead of subsets, per-byte projection instead of every whole image
// recovered and checked, the search that decides assertions over partial choices of the pending
// writes instead of enumerating their combinations, the partial-order reduction that lets a
// process's private step alone stand for its orders with the other actors', and the one that runs
// independent processes one after another, and the canonical state hash that makes interleavings
// of commuting writes one state. Runs without them are
// exponential, so a run over kOffImagesMax images or kOffStatesMax states is skipped and named in
// the test's output (those scenarios are still covered by engine_test with the reductions on).
// The commit-store scenarios over a 4 KiB store (512 torn pieces pending at once) are not run
// without the reductions at all: no off run of them fits, and spending its budget to find that out
// takes minutes; their 256-byte siblings are compared.
// Besides the bundled scenarios, seeded generated scenarios with at most 16 pending persist events
// per crash point (stores, non-temporal stores, flushes, fences, msync, fsync, buffered and direct
// writes, and an assertion relating two random ranges) are compared under every design.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>

#include "sim/base/prng.h"
#include "sim/engine/engine.h"
#include "sim/scenario/loader.h"

namespace crashsim {
namespace {

constexpr uint64_t kOffImagesMax = 20000;
constexpr uint64_t kOffStatesMax = 4000;

std::string Names(const std::set<std::string>& names) {
  std::string text = "{";
  for (const auto& name : names) text += (text.size() > 1 ? "," : "") + name;
  return text + "}";
}

struct Variant {
  const char* name;
  Reductions reductions;
};

// Each reduction off alone (downsets only matter once projection is off), and all of them off.
const std::vector<Variant>& Variants() {
  static const std::vector<Variant> variants = {
      {"visited-states off", Reductions{false, true, true, true}},
      {"memoisation off", Reductions{true, true, true, false}},
      {"projection off", Reductions{true, true, false, true}},
      {"projection and downsets off", Reductions{true, false, false, true}},
      {"assertion search off", Reductions{true, true, true, true, false}},
      {"partial order off", Reductions{true, true, true, true, true, false}},
      {"independent processes off", Reductions{true, true, true, true, true, true, false}},
      {"canonical history off", Reductions{true, true, true, true, true, true, true, false}},
      {"all off", Reductions{false, false, false, false, false, false, false, false}},
  };
  return variants;
}

struct Tally {
  int compared = 0;
  int violating = 0;  // compared runs whose verdict names something: the comparison has teeth
  std::string skipped;
};

void Compare(const Scenario& scenario, const std::string& label, Tally* tally) {
  for (Design design : scenario.designs) {
    const ModelResult on = RunScenario(scenario, design, RunOptions{});
    REQUIRE(on.coverage == Coverage::kExhaustive);
    for (const Variant& variant : Variants()) {
      RunOptions off;
      off.reductions = variant.reductions;
      off.max_images = kOffImagesMax;
      off.max_states = kOffStatesMax;
      const ModelResult result = RunScenario(scenario, design, off);
      if (result.coverage == Coverage::kBudgetExhausted) {
        tally->skipped += fmt::format(" {}/{}/{}", label, DesignName(design), variant.name);
        continue;
      }
      INFO(label, " under ", DesignName(design), ", ", variant.name, ": on ", Names(on.violated),
           " off ", Names(result.violated));
      CHECK(on.violated == result.violated);
      // Memoisation changes no count either: a hit counts the images it stands for.
      if (variant.reductions.visited_states) CHECK(result.violations.size() == on.violations.size());
      if (!on.violated.empty()) ++tally->violating;
      // Pruning visited states and projecting never lose a state; the partial-order reductions
      // leave some out and the canonical history merges some, so the counts compare only with
      // them on in both.
      if (variant.reductions.visited_states && variant.reductions.partial_order &&
          variant.reductions.independent_processes && variant.reductions.canonical_history) {
        CHECK(result.distinct_states == on.distinct_states);
      }
      ++tally->compared;
    }
  }
}

TEST_CASE("every bundled scenario has the same verdict with each reduction off and all off") {
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator("scenarios")) {
    if (entry.path().extension() == ".json") files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  Tally tally;
  for (const std::string& file : files) {
    if (file.find("commit-store-") != std::string::npos &&
        file.find("-4096.json") != std::string::npos) {
      tally.skipped += fmt::format(" {} (4 KiB torn store: no run without the reductions fits)",
                                   file);
      continue;
    }
    auto loaded = LoadScenarioFile(file);
    REQUIRE(loaded.ok());
    Compare(*loaded, file, &tally);
  }
  MESSAGE("compared ", tally.compared, " runs; over the budget:", tally.skipped);
  CHECK(tally.compared >= 480);
}

// A small random program over one DAX-capable file: at most `ops` ops, each possibly leaving
// pending persist events.
std::string GeneratedScenario(uint64_t seed, int ops) {
  Prng prng(seed, 0x5eed);
  std::string program = "\"fd = open /f rw\", \"m = mmap fd 0 8192 shared\"";
  std::vector<uint64_t> written;  // where data went, so the assertion reads written bytes
  for (int i = 0; i < ops; ++i) {
    const uint64_t line = prng.Below(4), word = prng.Below(8);
    const uint64_t offset = line * 64 + word * 8 + (prng.Coin() ? 4096 : 0);
    const uint64_t value = prng.Below(255) + 1;
    std::string op;
    const uint64_t kind = prng.Below(9);
    if (kind <= 3 || kind == 6) written.push_back(kind == 2 ? offset & ~uint64_t{15} : offset);
    switch (kind) {
      case 0:
      case 1:
        op = fmt::format("store m+{} 0x{:02x}{:02x}", offset, value, value);
        break;
      case 2:
        op = fmt::format("store m+{} fill({:02x}, 16)", offset & ~uint64_t{15}, value);
        break;
      case 3:
        op = fmt::format("ntstore m+{} 0x{:02x}", offset, value);
        break;
      case 4:
        op = fmt::format("{} m+{}", prng.Coin() ? "clwb" : "clflush", offset);
        break;
      case 5:
        op = "sfence";
        break;
      case 6:
        op = fmt::format("pwrite fd {} 0x{:02x}", offset, value);
        break;
      case 7:
        op = prng.Coin() ? "fsync fd" : "fdatasync fd";
        break;
      default:
        op = "msync m 0 8192 sync";
        break;
    }
    program += ", \"" + op + "\"";
  }
  // The last write implies the first: broken by any crash that keeps the later write's line but
  // not the earlier one's.
  const uint64_t a = written.empty() ? 0 : written.front();
  const uint64_t b = written.empty() ? 4096 : written.back();
  return fmt::format(R"({{"crashsim": 1, "name": "generated-{}",
    "config": {{"background": "none"}},
    "files": {{"/f": {{"size": 8192, "layout": "written", "fill": "00", "dax": true}}}},
    "processes": {{"P1": [{}]}},
    "assert": [{{"name": "related", "check": "/f[{}:{}] != 0x00 -> /f[{}:{}] != 0x00"}}]}})",
                     seed, program, b, b + 1, a, a + 1);
}

TEST_CASE("generated scenarios have the same verdict with each reduction off and all off") {
  Tally tally;
  int generated = 0;
  for (uint64_t seed = 1; seed <= 24; ++seed) {
    const std::string text = GeneratedScenario(seed, 6);
    auto loaded = LoadScenarioText(text, fmt::format("generated-{}.json", seed));
    INFO(text);
    REQUIRE(loaded.ok());
    Compare(*loaded, fmt::format("generated-{}", seed), &tally);
    ++generated;
  }
  MESSAGE("generated ", generated, " scenarios, compared ", tally.compared, " runs (",
          tally.violating, " with a violation); over the budget:", tally.skipped);
  CHECK(tally.compared >= 360);
  CHECK(tally.violating >= 120);
}

}  // namespace
}  // namespace crashsim
