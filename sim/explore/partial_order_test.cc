// Which steps the partial-order reduction may take alone (sim/explore/partial_order.h): a private
// step changes only its own process and no crash input, and is allowed only while no other actor
// can touch that process.
#include "sim/explore/partial_order.h"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <string>

#include "sim/program/setup.h"
#include "sim/scenario/loader.h"

namespace crashsim {
namespace {

Scenario Load(const std::string& p1, const std::string& p2, const std::string& background = "none") {
  const std::string text = fmt::format(R"({{"crashsim": 1, "name": "private-steps",
    "models": ["kernel-tracked"], "config": {{"background": "{}"}},
    "files": {{"/f": {{"size": 8192, "layout": "written", "fill": "00", "dax": true}}}},
    "processes": {{"P1": {}, "P2": {}}}}})",
                                       background, p1, p2);
  auto loaded = LoadScenarioText(text, "private-steps.json");
  REQUIRE_MESSAGE(loaded.ok(), text);
  return *loaded;
}

// Runs process `pid`'s next `ops` ops to their ends (each op's inner steps in turn), draining
// nothing.
void Run(const Scenario& scenario, Machine* machine, int pid, size_t ops) {
  const size_t target = machine->processes[pid].pc + ops;
  while (machine->processes[pid].pc < target) {
    *machine = TakeStep(*machine, scenario, StepChoice{StepChoice::Kind::kProcess, pid, {}}).machine;
  }
}

// Whether `pid`'s next step is private, and the machine after it.
bool NextIsPrivate(const Scenario& scenario, Machine* machine, int pid) {
  const Machine before = *machine;
  Successor after = TakeStep(before, scenario, StepChoice{StepChoice::Kind::kProcess, pid, {}});
  const bool is_private = IsPrivateStep(scenario, before, after, pid);
  *machine = std::move(after.machine);
  return is_private;
}

const char* const kStores =
    R"(["fd = open /f rw", "m = mmap fd 0 8192 shared", "store m+0 0x01", "store m+64 0x02",
        "clwb m+0", "s: store m+128 0x03", "load m+0 1", "sfence", "store m+192 0x04"])";

TEST_CASE("a store through a PTE already there is private; a fault, a label, a read, a fence are not") {
  const Scenario scenario = Load(kStores, R"(["fd = open /f rw"])");
  Machine machine = BuildInitialMachine(scenario, Design::kKernelTracked);
  Run(scenario, &machine, 0, 2);  // open, mmap: not CPU instructions
  CHECK(MayBePrivate(scenario, machine, 0));
  // The first store faults its page in: the file system changes (its timestamps are logged).
  CHECK_FALSE(NextIsPrivate(scenario, &machine, 0));
  Run(scenario, &machine, 0, 1);  // the rest of that store, after its fault
  CHECK(NextIsPrivate(scenario, &machine, 0));   // store m+64: queued behind the first
  CHECK(NextIsPrivate(scenario, &machine, 0));   // clwb m+0: queued too
  CHECK_FALSE(NextIsPrivate(scenario, &machine, 0));  // s: store: its label is a crash input
  CHECK_FALSE(MayBePrivate(scenario, machine, 0));    // a load: not a CPU instruction that queues
  Run(scenario, &machine, 0, 1);
  // sfence with queued accesses waits for them, or drains them: never private.
  CHECK_FALSE(NextIsPrivate(scenario, &machine, 0));
}

TEST_CASE("no private step while another process has an op left that reaches other processes") {
  for (const std::string other : {"fsync fd", "msync m 0 8192 sync", "ftruncate fd 64",
                                  "fallocate fd punch-hole 0 4096", "pwrite fd 4096 'x'"}) {
    CAPTURE(other);
    const std::string p2 =
        fmt::format(R"(["fd = open /f rw", "m = mmap fd 0 8192 shared", "{}"])", other);
    const Scenario scenario = Load(kStores, p2);
    Machine machine = BuildInitialMachine(scenario, Design::kKernelTracked);
    Run(scenario, &machine, 0, 3);  // up to the second store, its page faulted in
    CHECK_FALSE(MayBePrivate(scenario, machine, 0));
    Run(scenario, &machine, 1, 3);  // P2 has nothing left
    CHECK(MayBePrivate(scenario, machine, 0));
  }
}

TEST_CASE("another process with only quiet ops left leaves the step private") {
  const Scenario scenario =
      Load(kStores, R"(["fd = open /f rw", "m = mmap fd 0 8192 shared", "store m+4096 0x09",
                        "clflush m+4096", "load m+4096 1", "munmap m", "close fd"])");
  Machine machine = BuildInitialMachine(scenario, Design::kKernelTracked);
  Run(scenario, &machine, 0, 3);
  CHECK(NextIsPrivate(scenario, &machine, 0));
}

TEST_CASE("no private step while a close could write a truncated file back") {
  // XFS writes a file truncated down back at its close (xfs_file_release), which write-protects
  // every process's PTEs of it: P2's close is not quiet while /f is so marked.
  const Scenario scenario =
      Load(kStores, R"(["fd = open /f rw", "ftruncate fd 8192", "close fd"])");
  Machine machine = BuildInitialMachine(scenario, Design::kKernelTracked);
  Run(scenario, &machine, 0, 3);
  Run(scenario, &machine, 1, 2);  // the truncate marks /f
  CHECK_FALSE(MayBePrivate(scenario, machine, 0));
  Run(scenario, &machine, 1, 1);  // the close writes it back and clears the mark
  CHECK(MayBePrivate(scenario, machine, 0));
}

TEST_CASE("no private step when the background is an actor") {
  const Scenario scenario = Load(kStores, R"(["fd = open /f rw"])", "explore");
  Machine machine = BuildInitialMachine(scenario, Design::kKernelTracked);
  Run(scenario, &machine, 0, 3);
  CHECK_FALSE(MayBePrivate(scenario, machine, 0));
}

}  // namespace
}  // namespace crashsim
