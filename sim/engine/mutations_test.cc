// The DAX scenarios catch the wrong models of the DAX issue: with one mechanism turned off, the
// scenario that depends on it reports the broken guarantee, and with the mechanism on it is clean.
// A scenario that stayed clean under a wrong model would be testing nothing.
#include <doctest/doctest.h>

#include <set>
#include <string>

#include "sim/engine/engine.h"
#include "sim/scenario/loader.h"

namespace crashsim {
namespace {

Scenario Load(const std::string& name) {
  auto loaded = LoadScenarioFile("scenarios/" + name);  // the test runs in the runfiles root
  REQUIRE_MESSAGE(loaded.ok(), (loaded.ok() ? "" : loaded.status().message()));
  return *loaded;
}

std::string Names(const std::set<std::string>& names) {
  std::string text = "{";
  for (const auto& name : names) text += (text.size() > 1 ? "," : "") + name;
  return text + "}";
}

ModelResult Run(const Scenario& scenario, Design design, std::set<Mutation> mutations = {}) {
  RunOptions options;
  options.mutations = std::move(mutations);
  ModelResult result = RunScenario(scenario, design, options);
  REQUIRE(result.not_modelled.empty());
  REQUIRE(result.coverage == Coverage::kExhaustive);
  return result;
}

TEST_CASE("l7 reports msync violated under kernel-tracked when DAX fsync skips the cache-line write-back") {
  const Scenario scenario = Load("l7-mixed-modes-msync.json");
  // Correct model: msync writes back the tagged lines, so Y survives every crash after it returns.
  const ModelResult correct = Run(scenario, Design::kKernelTracked);
  INFO("correct: ", Names(correct.violated));
  CHECK(correct.violated.empty());
  // Wrong model: msync returns with Y still only in the cache, so a crash may lose it.
  const ModelResult wrong =
      Run(scenario, Design::kKernelTracked, {Mutation::kDaxFsyncSkipsLineWriteback});
  INFO("wrong: ", Names(wrong.violated));
  CHECK(wrong.violated.count("msync") == 1);
  CHECK(wrong.violated.count("y-durable") == 1);
  CHECK_FALSE(wrong.matches_expect());
}

TEST_CASE("a MAP_SYNC write fault that does not force the log breaks map-sync for a store into a hole or an unwritten block") {
  for (const std::string name : {"l3-store-into-hole.json", "l4-store-into-unwritten.json"}) {
    INFO(name);
    const Scenario scenario = Load(name);
    // Correct model: the fault makes the allocation durable before the page is writable, so the
    // persisted store is reachable after any crash.
    const ModelResult correct = Run(scenario, Design::kMapSync);
    INFO("correct: ", Names(correct.violated));
    CHECK(correct.violated.empty());
    // Wrong model: the allocation may be lost while the store persisted, so X is unreachable.
    const ModelResult wrong =
        Run(scenario, Design::kMapSync, {Mutation::kMapSyncFaultSkipsLogForce});
    INFO("wrong: ", Names(wrong.violated));
    CHECK((wrong.violated.count("map-sync") + wrong.violated.count("x-durable")) > 0);
    CHECK(wrong.violated.count("map-sync") == 1);
    CHECK_FALSE(wrong.matches_expect());
  }
}

TEST_CASE("each wrong model leaves the designs that do not use its mechanism unchanged") {
  // per-vma syncs metadata at fault through the same path as map-sync; kernel-tracked never did,
  // so skipping the fault's log force changes nothing there.
  for (const std::string name : {"l3-store-into-hole.json", "l4-store-into-unwritten.json"}) {
    INFO(name);
    const Scenario scenario = Load(name);
    const ModelResult correct = Run(scenario, Design::kKernelTracked);
    const ModelResult wrong =
        Run(scenario, Design::kKernelTracked, {Mutation::kMapSyncFaultSkipsLogForce});
    CHECK(wrong.violated == correct.violated);
    CHECK(correct.matches_expect());
  }
}


// The wrong models of the kernel-fidelity mechanisms (docs/semantics.md 2.8): each scenario is
// clean under the real mechanism and breaks a named promise without it.
void CheckCaught(const std::string& file, Mutation mutation,
                 const std::set<std::string>& must_break) {
  INFO(file);
  const Scenario scenario = Load(file);
  const ModelResult correct = Run(scenario, Design::kMapSync);
  INFO("correct: ", Names(correct.violated));
  CHECK(correct.matches_expect());
  const ModelResult wrong = Run(scenario, Design::kMapSync, {mutation});
  INFO("wrong: ", Names(wrong.violated));
  for (const std::string& name : must_break) CHECK(wrong.violated.count(name) == 1);
  CHECK_FALSE(wrong.matches_expect());
}

TEST_CASE("flush-and-unmap that skips DAX entries loses stores made before a map change") {
  CheckCaught("dax-collapse-writes-back-first.json", Mutation::kFlushUnmapSkipsDaxEntries,
              {"msync", "c-moved-durable"});
  CheckCaught("dax-insert-writes-back-first.json", Mutation::kFlushUnmapSkipsDaxEntries,
              {"fsync", "i-moved-durable"});
  CheckCaught("dax-reflink-writes-back-first.json", Mutation::kFlushUnmapSkipsDaxEntries,
              {"fsync", "shared-durable"});
  CheckCaught("dax-punch-writes-back-first.json", Mutation::kFlushUnmapSkipsDaxEntries,
              {"fsync", "a-durable"});
}

TEST_CASE("DAX zeroing through a folio is invisible to the DAX read path") {
  CheckCaught("dax-partial-punch-zeroes-pmem.json", Mutation::kDaxZeroingThroughFolio,
              {"coherence", "punch-reads-zero"});
}

TEST_CASE("no EOF zeroing lets a byte stored past EOF become file data on XFS") {
  CheckCaught("eof-zeroing-xfs.json", Mutation::kNoEofZeroing,
              {"past-eof-store-not-data", "zero-durable"});
  CheckCaught("dax-eof-zeroing-xfs.json", Mutation::kNoEofZeroing,
              {"past-eof-store-not-data", "zero-durable"});
}

TEST_CASE("ext4 has no EOF zeroing, so the same wrong model changes nothing there") {
  const Scenario scenario = Load("eof-zeroing-ext4.json");
  const ModelResult correct = Run(scenario, Design::kMapSync);
  const ModelResult wrong = Run(scenario, Design::kMapSync, {Mutation::kNoEofZeroing});
  CHECK(correct.matches_expect());
  CHECK(wrong.violated == correct.violated);
}

}  // namespace
}  // namespace crashsim
