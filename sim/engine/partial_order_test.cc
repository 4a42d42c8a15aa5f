// The partial-order reduction (sim/explore/partial_order.h) is exact: with it on, a run explores
// fewer states where a process's private steps can run ahead, and shows the same verdict and the
// same violations, traces included, as with it off. Where another actor could touch the process
// (another process with writeback or truncation left to do, or the background), it waits
// (sim/explore/partial_order_test.cc has the cases).
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <string>
#include <vector>

#include "sim/base/prng.h"
#include "sim/engine/engine.h"
#include "sim/scenario/loader.h"

namespace crashsim {
namespace {

Scenario Load(const std::string& text) {
  auto loaded = LoadScenarioText(text, "partial-order.json");
  REQUIRE_MESSAGE(loaded.ok(), text);
  return *loaded;
}

std::string Quoted(const std::vector<std::string>& ops) {
  std::string list;
  for (const std::string& op : ops) list += (list.empty() ? "\"" : ", \"") + op + "\"";
  return "[" + list + "]";
}

// Processes over one DAX file, each a list of ops, with an assertion relating two ranges.
std::string Scenario(const std::vector<std::vector<std::string>>& processes,
                     const std::string& background = "none",
                     const std::string& check = "/f[64:65] != 0x00 -> /f[0:1] != 0x00") {
  std::string procs;
  for (size_t p = 0; p < processes.size(); ++p) {
    procs += fmt::format("{}\"P{}\": {}", p ? ", " : "", p + 1, Quoted(processes[p]));
  }
  return fmt::format(R"({{"crashsim": 1, "name": "partial-order", "models": ["kernel-tracked"],
    "config": {{"background": "{}"}},
    "files": {{"/f": {{"size": 8192, "layout": "written", "fill": "00", "dax": true}}}},
    "processes": {{{}}},
    "assert": [{{"name": "related", "check": "{}"}}]}})",
                     background, procs, check);
}

struct Compared {
  ModelResult on, off;
  RunStats on_stats, off_stats;
};

Compared Compare(const std::string& text) {
  const crashsim::Scenario scenario = Load(text);
  Compared c;
  c.on = RunScenario(scenario, Design::kKernelTracked, RunOptions{}, &c.on_stats);
  RunOptions off;
  off.reductions.partial_order = false;
  c.off = RunScenario(scenario, Design::kKernelTracked, off, &c.off_stats);
  REQUIRE(c.on.coverage == Coverage::kExhaustive);
  REQUIRE(c.off.coverage == Coverage::kExhaustive);
  // Where each walk found a trace (Violation::order) differs: the reduction skips states. What a
  // report shows must not.
  for (Violation& violation : c.on.violations) violation.order.clear();
  for (Violation& violation : c.off.violations) violation.order.clear();
  return c;
}

TEST_CASE("stores run ahead of their drains: fewer states, the same violation and trace") {
  std::vector<std::string> ops{"fd = open /f rw", "m = mmap fd 0 8192 shared"};
  for (int i = 0; i < 16; ++i) {
    ops.push_back(fmt::format("store m+{} 0x{:02x}", (i % 4) * 64 + (i / 4) * 8, i + 1));
    ops.push_back(fmt::format("clwb m+{}", (i % 4) * 64));
  }
  ops.push_back("sfence");
  const Compared c = Compare(Scenario({ops}));
  CHECK(c.on.violated == std::set<std::string>{"related"});
  CHECK(c.on.violated == c.off.violated);
  // The trace shown leaves out the stores that only ran ahead of the crash.
  CHECK(c.on.violations == c.off.violations);
  CHECK(c.on_stats.private_steps > 0);
  CHECK(c.off_stats.private_steps == 0);
  CHECK(c.on.distinct_states * 4 < c.off.distinct_states);
}

TEST_CASE("processes that only store and flush their own lines reduce together") {
  const std::vector<std::string> p1{"fd = open /f rw", "m = mmap fd 0 8192 shared", "store m+0 0x01",
                                    "store m+8 0x02", "clwb m+0", "sfence", "store m+64 0x03"};
  const std::vector<std::string> p2{"fd = open /f rw", "m = mmap fd 0 8192 shared",
                                    "store m+4096 0x04", "store m+4104 0x05", "clflush m+4096",
                                    "store m+4160 0x06"};
  const Compared c = Compare(Scenario({p1, p2}));
  CHECK(c.on.violated == c.off.violated);
  CHECK(c.on.violations == c.off.violations);
  CHECK(c.on_stats.private_steps > 0);
  CHECK(c.on.distinct_states < c.off.distinct_states);
}

TEST_CASE("another process with writeback or truncation left: the same violations") {
  const std::vector<std::string> p1{"fd = open /f rw", "m = mmap fd 0 8192 shared", "store m+0 0x01",
                                    "store m+64 0x02", "store m+128 0x03"};
  for (const std::string other : {"fsync fd", "msync m 0 8192 sync", "ftruncate fd 64",
                                  "fallocate fd punch-hole 0 4096"}) {
    CAPTURE(other);
    const std::vector<std::string> p2{"fd = open /f rw", "m = mmap fd 0 8192 shared", other};
    const Compared c = Compare(Scenario({p1, p2}));
    CHECK(c.on.violated == c.off.violated);
    CHECK(c.on.violations == c.off.violations);
    CHECK(c.on.distinct_states <= c.off.distinct_states);
  }
}

TEST_CASE("no private step when the background may write pages back") {
  const std::vector<std::string> p1{"fd = open /f rw", "m = mmap fd 0 8192 shared", "store m+0 0x01",
                                    "store m+64 0x02"};
  const std::vector<std::string> p2{"fd = open /f rw", "pwrite fd 4096 'x'"};
  const Compared c = Compare(Scenario({p1, p2}, "explore"));
  CHECK(c.on_stats.private_steps == 0);
  CHECK(c.on.violations == c.off.violations);
}

// A random program of `ops` ops over the process's own lines of the file (and, now and then, a
// write, a sync or a truncate that ends the reduction's room).
std::vector<std::string> RandomProgram(Prng& prng, int pid, int ops) {
  std::vector<std::string> program{"fd = open /f rw", "m = mmap fd 0 8192 shared"};
  // Half the programs store to the word the assertion reads first.
  if (prng.Coin()) program.push_back(fmt::format("store m+{} 0x{:02x}", pid * 128, pid + 1));
  for (int i = 0; i < ops; ++i) {
    const uint64_t offset = pid * 128 + prng.Below(2) * 64 + prng.Below(4) * 8 +
                            (prng.Coin() ? 4096 : 0);
    switch (prng.Below(10)) {
      case 0:
      case 1:
      case 2:
        program.push_back(fmt::format("store m+{} 0x{:02x}", offset, prng.Below(255) + 1));
        break;
      case 3:
        program.push_back(fmt::format("ntstore m+{} 0x{:02x}", offset, prng.Below(255) + 1));
        break;
      case 4:
        program.push_back(fmt::format("{} m+{}", prng.Coin() ? "clwb" : "clflushopt", offset));
        break;
      case 5:
        program.push_back("sfence");
        break;
      case 6:
        program.push_back(fmt::format("load m+{} 1", offset));
        break;
      case 7:
        program.push_back(fmt::format("persist m+{} 8", offset & ~uint64_t{7}));
        break;
      case 8:
        program.push_back(fmt::format("pwrite fd {} 0x{:02x}", offset, prng.Below(255) + 1));
        break;
      default:
        program.push_back(prng.Coin() ? "fsync fd" : "msync m 0 8192 sync");
        break;
    }
  }
  return program;
}

TEST_CASE("generated two-process programs: the same verdicts and violations with it on and off") {
  int reduced = 0, violating = 0;
  for (uint64_t seed = 1; seed <= 40; ++seed) {
    Prng prng(seed, 0x90e);
    const std::vector<std::string> p1 = RandomProgram(prng, 0, 4);
    const std::vector<std::string> p2 = RandomProgram(prng, 1, 3);
    const std::string text = Scenario({p1, p2}, "none", "/f[128:136] != zero -> /f[0:8] != zero");
    CAPTURE(text);
    const Compared c = Compare(text);
    CHECK(c.on.violated == c.off.violated);
    CHECK(c.on.violations == c.off.violations);
    CHECK(c.on.distinct_states <= c.off.distinct_states);
    if (c.on_stats.private_steps > 0) ++reduced;
    if (!c.on.violated.empty()) ++violating;
  }
  MESSAGE(reduced, " of 40 generated scenarios took private steps, ", violating, " violate");
  CHECK(reduced >= 10);
  CHECK(violating >= 8);
}

}  // namespace
}  // namespace crashsim
