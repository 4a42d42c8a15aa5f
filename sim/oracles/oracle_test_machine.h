// Helpers for the oracles' unit tests (tests only): a scenario from inline JSON, its machine
// stepped process by process, the hand-made breakages a buggy kernel would leave (a returned
// promise, a durable transaction), and the crash context a checker reads for one chosen crash.
// Each oracle test builds its machine with these and decides what must and must not fire.
#pragma once

#include <doctest/doctest.h>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "models/guarantee.h"
#include "models/machine.h"
#include "models/recovery.h"
#include "sim/crash/crash_space.h"
#include "sim/oracles/finding.h"
#include "sim/program/program.h"
#include "sim/program/setup.h"
#include "sim/scenario/loader.h"

namespace crashsim::oracle_test {

inline Scenario LoadScenario(const std::string& text) {
  auto loaded = LoadScenarioText(text, "oracle-test.json");
  REQUIRE_MESSAGE(loaded.ok(), (loaded.ok() ? "" : loaded.status().message()));
  return *loaded;
}

// Takes up to `steps` steps of process `pid` (all it has left by default) and returns the reads
// those steps observed, for the volatile checks.
inline std::vector<ObservedRead> Step(Machine& machine, const Scenario& scenario, int pid,
                                      int steps = -1) {
  std::vector<ObservedRead> reads;
  for (int taken = 0; steps < 0 || taken < steps; ++taken) {
    if (!ProcessEnabled(machine, scenario, pid)) break;
    StepReport report = StepProcess(machine, scenario, pid);
    if (report.read) reads.push_back(std::move(*report.read));
  }
  return reads;
}

// Runs every process to its end, one after another in the scenario's order, under `faults` (a
// deliberately wrong kernel, models/machine.h) when given.
inline Machine RunToEnd(const Scenario& scenario, Design design, const Faults& faults = {}) {
  Machine machine = BuildInitialMachine(scenario, design);
  machine.faults = faults;
  for (size_t pid = 0; pid < scenario.processes.size(); ++pid) {
    Step(machine, scenario, static_cast<int>(pid));
    REQUIRE(ProcessFinished(machine, scenario, static_cast<int>(pid)));
  }
  return machine;
}

inline uint32_t InoOf(const Machine& machine, const std::string& path) {
  const auto it = machine.names.find(path);
  REQUIRE_MESSAGE(it != machine.names.end(), path);
  return it->second;
}

// Puts into the ledger a promise that returned 0, as the kernel records one at invocation: the
// caller's clock now, the file's in-core size and timestamp now (`ino` nullopt: every file).
inline void AddReturnedPromise(Machine& machine, Guarantee guarantee, int pid,
                               std::optional<uint32_t> ino, uint64_t begin = 0,
                               uint64_t end = UINT64_MAX) {
  Promise promise;
  promise.guarantee = guarantee;
  promise.op = std::string("P") + std::to_string(pid + 1) + ": " + GuaranteeName(guarantee) +
               " (added by the test)";
  promise.process = pid;
  promise.ino = ino;
  promise.begin = begin;
  promise.end = end;
  promise.invocation = machine.ghost.clocks[pid];
  promise.inodes_below = machine.next_ino;  // every file that exists now
  if (ino) {
    promise.size_at_invocation = machine.inode(*ino).size_bytes;
    promise.mtime_at_invocation = machine.inode(*ino).core.mtime;
  }
  promise.covers_metadata = guarantee == Guarantee::kFsync || guarantee == Guarantee::kSync;
  machine.ghost.ReturnPromise(machine.ghost.AddPromise(std::move(promise)), /*failed=*/false);
}

// Logs `core` as the after-image of `ino` and forces the log: a durable metadata change, as a
// kernel that logged it at the wrong moment would leave it.
inline uint64_t CommitDurable(Machine& machine, uint32_t ino, const InodeCore& core,
                              const std::string& what) {
  Transaction txn;
  txn.what = what;
  txn.inodes[ino] = core;
  txn.committed_tick = machine.device.Tick();
  const uint64_t seq = machine.journal.Commit(std::move(txn));
  machine.journal.MarkForced(seq);
  return seq;
}

// One chosen crash of a machine: the recovered state of the space's base image and the context
// a checker reads. Holds references: the scenario, machine and space must outlive it.
struct ChosenCrash {
  ChosenCrash(const Scenario& scenario, const Machine& machine, const CrashSpace& space)
      : recovered(machine, space.base_image()), context{scenario, machine, space, recovered} {}
  ChosenCrash(const ChosenCrash&) = delete;
  ChosenCrash& operator=(const ChosenCrash&) = delete;

  const RecoveredState recovered;
  const CrashContext context;
};

using Checker = std::function<void(const CrashContext&, std::vector<Finding>*)>;

// The findings of `check` at every feasible durable journal prefix of `machine`, in order.
inline std::vector<Finding> AtEveryJournalPrefix(const Scenario& scenario, const Machine& machine,
                                                 const Checker& check) {
  CrashSpace space(machine);
  std::vector<Finding> findings;
  for (uint64_t prefix : space.journal_choices()) {
    space.ChooseJournal(prefix);
    const ChosenCrash crash(scenario, machine, space);
    check(crash.context, &findings);
  }
  return findings;
}

// The findings of `check` on one whole crash image of `machine`.
inline std::vector<Finding> OnImage(const Scenario& scenario, const Machine& machine,
                                    const CrashImage& image, const Checker& check) {
  CrashSpace space(machine);
  space.ChooseImage(image);
  const ChosenCrash crash(scenario, machine, space);
  std::vector<Finding> findings;
  check(crash.context, &findings);
  return findings;
}

// The text of a finding, for failure messages.
inline std::string Describe(const std::vector<Finding>& findings) {
  std::string out;
  for (const Finding& f : findings) {
    out += f.name + ": " + f.promise + " | observed " + f.observed + " | expected " + f.expected +
           "\n";
  }
  return out;
}

inline bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace crashsim::oracle_test
