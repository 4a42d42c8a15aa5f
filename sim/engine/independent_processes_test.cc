// The reduction for independent processes (sim/explore/independence.h) is exact: with it on, a
// run explores far fewer states and finds the same violations as with it off. Hand-made cases
// show where it applies and where a check that reads two processes' files keeps every order;
// generated ones compare verdicts over random programs of two and three processes on their own
// files, or on their own pages of one DAX file, each with assertions about its own bytes.
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <string>
#include <vector>

#include "sim/base/prng.h"
#include "sim/engine/engine.h"
#include "sim/scenario/loader.h"

namespace crashsim {
namespace {

Scenario Load(const std::string& text) {
  auto loaded = LoadScenarioText(text, "independent.json");
  REQUIRE_MESSAGE(loaded.ok(), text);
  return *loaded;
}

struct Compared {
  ModelResult on, off;
  RunStats on_stats, off_stats;
};

Compared Compare(const Scenario& scenario, Design design = Design::kKernelTracked) {
  Compared c;
  RunOptions on;
  c.on = RunScenario(scenario, design, on, &c.on_stats);
  RunOptions off;
  off.reductions.independent_processes = false;
  off.max_states = 20000;
  c.off = RunScenario(scenario, design, off, &c.off_stats);
  REQUIRE(c.on.coverage == Coverage::kExhaustive);
  return c;
}

// Process p writes two pages of its own file /fp, buffered, then fsyncs; P1 only starts the
// writeback (sync_file_range), unordered, unless `p1_fsyncs`.
std::string OwnFiles(int processes, const std::string& assertions, bool p1_fsyncs = true) {
  std::string files, procs;
  for (int p = 1; p <= processes; ++p) {
    files += fmt::format(R"({}"/f{}": {{"size": 8192, "layout": "written", "fill": "00"}})",
                         p > 1 ? ", " : "", p);
    const bool fsyncs = p > 1 || p1_fsyncs;
    procs += fmt::format(
        R"x({}"P{}": ["fd = open /f{} rw", "pwrite fd 0 fill({:02x}, 512)", "pwrite fd 4096 fill({:02x}, 512)"{}])x",
        p > 1 ? ", " : "", p, p, p, p + 16, fsyncs ? R"(, "end: fsync fd")" : R"(, "end: sync_file_range fd 0 0 write")");
  }
  return fmt::format(R"({{"crashsim": 1, "name": "own-files", "config": {{"background": "none"}},
    "files": {{{}}}, "processes": {{{}}}, "assert": [{}]}})",
                     files, procs, assertions);
}

TEST_CASE("four processes on their own files: a few dozen states instead of thousands") {
  const Compared c = Compare(Load(OwnFiles(
      4, R"x({"name": "p2-durable", "after": "P2.end", "check": "/f2[0:512] == fill(02, 512)"})x")));
  CHECK(c.on_stats.independent_process_states > 0);
  CHECK(c.on.distinct_states < 100);
  CHECK(c.off_stats.independent_process_states == 0);
  CHECK(c.on.violated.empty());
  CHECK(c.off.violated == c.on.violated);
}

TEST_CASE("a violation local to the last process is found, as without the reduction") {
  // P1 starts writeback without waiting or flushing: its second page may be durable without
  // its first.
  const Compared c = Compare(Load(OwnFiles(
      3, R"x({"name": "p1-order", "check": "/f1[4096:4097] == 0x11 -> /f1[0:1] == 0x01"},
           {"name": "p3-durable", "after": "P3.end", "check": "/f3[4096:4608] == fill(13, 512)"})x",
      false)));
  CHECK(c.on_stats.independent_process_states > 0);
  INFO("violated: ", fmt::format("{}", fmt::join(c.on.violated, ", ")));
  CHECK(c.on.violated == std::set<std::string>{"p1-order"});
  CHECK(c.off.violated == c.on.violated);
}

TEST_CASE("an assertion across two processes' files keeps every order, and finds the violation") {
  // P2 fsynced while P1 had not: P2's bytes durable, P1's lost. Only an order that runs P2's
  // fsync before P1's shows it.
  const Compared c = Compare(Load(OwnFiles(
      2, R"({"name": "p2-implies-p1", "check": "/f2[0:1] == 0x02 -> /f1[0:1] == 0x01"})")));
  CHECK(c.on_stats.independent_process_states == 0);
  CHECK(c.on.violated == std::set<std::string>{"p2-implies-p1"});
  CHECK(c.off.violated == c.on.violated);
}

// Another process's log force. Without background pushes a committed transaction that nothing
// forced is lost in every crash, so a log force of another process does not only make more of
// P1's state durable: it makes durable, at a point of P1's program, a transaction that P1 alone
// only ever makes durable later, together with what P1 did in between. The cases below are
// accepted by the analysis, and without the reduction they find a violation. The reduction keeps
// every order while the log holds a change other than timestamps not yet forced (QuietLog in
// sim/explore/independence.cc), so it finds them too.
void Report(const std::string& what, const Compared& c) {
  MESSAGE(what, ": on {", fmt::format("{}", fmt::join(c.on.violated, ", ")), "} in ",
          c.on.distinct_states, " states; off {",
          fmt::format("{}", fmt::join(c.off.violated, ", ")), "} in ", c.off.distinct_states,
          " states");
}

// P1 writes 'A' into its unwritten block and starts and waits for its writeback with
// sync_file_range: the I/O completion commits the conversion, which nothing forces. Then P1
// overwrites the byte with 'B' and fsyncs. Alone, P1's conversion becomes durable only through
// its own fsync, which writes 'B' and flushes the device first: the block reads zero or 'B'. When
// P2's fsync comes between P1's sync_file_range and P1's fsync, its log force (PREFLUSH) makes the
// conversion and 'A' durable: a crash then reads 'A'.
std::string ForeignForce(const std::string& fs, bool overwrite) {
  return fmt::format(R"({{"crashsim": 1, "name": "foreign-force", "models": ["kernel-tracked"],
    "config": {{"background": "none", "fs": "{}"}},
    "files": {{"/f1": {{"size": 4096, "layout": "unwritten"}},
              "/f2": {{"size": 4096, "layout": "unwritten"}}}},
    "processes": {{
      "P1": ["fd = open /f1 rw", "pwrite fd 0 'A'", "sync_file_range fd 0 0 write wait_after"{}],
      "P2": ["fd = open /f2 rw", "pwrite fd 0 'x'", "fsync fd"]}},
    "assert": [{{"name": "p1-never-a", "check": "/f1[0:1] != 'A'"}}]}})",
                     fs, overwrite ? R"(, "pwrite fd 0 'B'", "fsync fd")" : "");
}

TEST_CASE("another process's fsync forces P1's unforced conversion: found with the reduction too") {
  // Before the log rule, the reduced walk missed it: {} in 14 states, against {p1-never-a} in 801
  // states without the reduction, under each file system.
  for (const char* fs : {"xfs", "ext4-ordered", "ext4-writeback"}) {
    INFO("fs: ", fs);
    const Compared c = Compare(Load(ForeignForce(fs, true)), Design::kKernelTracked);
    Report(std::string("foreign fsync under ") + fs, c);
    CHECK(c.on_stats.independent_process_states > 0);
    CHECK(c.off.violated == std::set<std::string>{"p1-never-a"});
    CHECK(c.on.violated == c.off.violated);
  }
}

TEST_CASE("another process's fsync after P1's last step: the reduced walk has it too") {
  // The near miss: without P1's overwrite, P2's force after P1's end (which the reduced walk
  // runs) shows 'A' already.
  const Compared c = Compare(Load(ForeignForce("xfs", false)), Design::kKernelTracked);
  Report("foreign fsync, no overwrite", c);
  CHECK(c.on_stats.independent_process_states > 0);
  CHECK(c.on.violated == std::set<std::string>{"p1-never-a"});
  CHECK(c.off.violated == c.on.violated);
}

TEST_CASE("another process's fsync forces P1's DAX conversion: found with the reduction too") {
  // P1's store into its unwritten DAX block converts it at the fault (a transaction nothing
  // forces); P1 persists 'A', then stores and persists 'B', then fsyncs. P2's fsync of its own
  // file between the two persists makes the conversion durable with 'A' in the block.
  // Before the log rule, the reduced walk missed it: {} in 18 states, against {p1-never-a} in 432
  // states without the reduction, under every design.
  const Scenario scenario = Load(R"({"crashsim": 1, "name": "dax-foreign-force",
    "config": {"background": "none"},
    "files": {"/f1": {"size": 4096, "dax": true, "layout": "unwritten"},
              "/f2": {"size": 4096, "dax": true, "layout": "written", "fill": "00"}},
    "processes": {
      "P1": ["fd = open /f1 rw", "m = mmap fd 0 4096 shared", "store m+0 'A'", "persist m+0 1",
             "store m+0 'B'", "persist m+0 1", "fsync fd"],
      "P2": ["fd = open /f2 rw", "pwrite fd 0 'x'", "fsync fd"]},
    "assert": [{"name": "p1-never-a", "check": "/f1[0:1] != 'A'"}]})");
  for (Design design : scenario.designs) {
    INFO("under ", DesignName(design));
    const Compared c = Compare(scenario, design);
    Report("DAX, foreign fsync under " + std::string(DesignName(design)), c);
    CHECK(c.off.violated == std::set<std::string>{"p1-never-a"});
    CHECK(c.on.violated == c.off.violated);
  }
}

// Own pages of one DAX file, under map-sync. P1's store into its unwritten page converts the
// block (a transaction on the shared inode, which the dynamic check expands fully at that step
// only); P1 persists 'A', then 'B'. P2's first store through its MAP_SYNC mapping of the other
// page finds the shared inode datasync-dirty (P1's conversion), so its fault runs an fdatasync
// that forces the log through P1's transaction (xfs_bmbt_to_iomap's IOMAP_F_DIRTY,
// dax_finish_sync_fault). Between P1's two persists that leaves 'A' durable and reachable.
std::string SyncFaultForce(const std::string& page0) {
  return fmt::format(R"({{"crashsim": 1, "name": "sync-fault-force", "models": ["map-sync"],
    "config": {{"background": "none"}},
    "files": {{"/s": {{"size": 8192, "dax": true, "layout": [
      {{"offset": 0, "length": 4096, {}}},
      {{"offset": 4096, "length": 4096, "layout": "written", "fill": "00"}}]}}}},
    "processes": {{
      "P1": ["fd = open /s rw", "m = mmap fd 0 4096 shared", "store m+0 'A'", "persist m+0 1",
             "store m+0 'B'", "persist m+0 1"],
      "P2": ["fd = open /s rw", "m = mmap fd 4096 4096 shared validate sync", "store m+0 'x'"]}},
    "assert": [{{"name": "p1-never-a", "check": "/s[0:1] != 'A'"}}]}})",
                     page0);
}

TEST_CASE("a MAP_SYNC fault on another page forces P1's conversion: found with the reduction too") {
  // Before the log rule, the reduced walk missed it: {} in 58 states, against {p1-never-a} in 189
  // states without the reduction.
  const Compared c = Compare(Load(SyncFaultForce(R"("layout": "unwritten")")), Design::kMapSync);
  Report("MAP_SYNC fault of P2 on the shared file", c);
  CHECK(c.on_stats.independent_process_states > 0);
  CHECK(c.off.violated == std::set<std::string>{"p1-never-a"});
  CHECK(c.on.violated == c.off.violated);
}

TEST_CASE("a MAP_SYNC fault on another page of a written file forces nothing of P1's") {
  // The near miss: P1's page is written, its fault logs timestamps only, P2's fault is not
  // synchronous, and P1's 'A' is never lost to the crash once persisted: the same verdict.
  const Compared c =
      Compare(Load(SyncFaultForce(R"("layout": "written", "fill": "00")")), Design::kMapSync);
  Report("MAP_SYNC fault of P2, written page", c);
  CHECK(c.on_stats.independent_process_states > 0);
  CHECK(c.on.violated == std::set<std::string>{"p1-never-a"});
  CHECK(c.off.violated == c.on.violated);
}

// A random program for process p: on its own file /fp (DAX) or on page p of a shared DAX file /s,
// stores, flushes, fences, writes and syncs; the assertion relates two of its written bytes.
struct Generated {
  std::string program;
  std::string assertion;
};

Generated GeneratedProcess(Prng& prng, int p, bool shared_file, int ops) {
  const std::string path = shared_file ? "/s" : fmt::format("/f{}", p);
  const uint64_t base = shared_file ? uint64_t(p) * 4096 : 0;
  std::string program = fmt::format(R"("fd = open {} rw", "m = mmap fd {} 4096 shared")", path,
                                    base);
  std::vector<uint64_t> written;
  for (int i = 0; i < ops; ++i) {
    const uint64_t offset = prng.Below(4) * 64 + prng.Below(8) * 8;
    const uint64_t value = prng.Below(255) + 1;
    std::string op;
    switch (prng.Below(shared_file ? 5 : 7)) {
      case 0:
      case 1:
        op = fmt::format("store m+{} 0x{:02x}", offset, value);
        written.push_back(offset);
        break;
      case 2:
        op = fmt::format("{} m+{}", prng.Coin() ? "clwb" : "clflushopt", offset);
        break;
      case 3:
        op = "sfence";
        break;
      case 4:
        op = fmt::format("ntstore m+{} 0x{:02x}", offset, value);
        written.push_back(offset);
        break;
      case 5:
        op = fmt::format("pwrite fd {} 0x{:02x}", offset, value);
        written.push_back(offset);
        break;
      default:
        op = prng.Coin() ? "fsync fd" : "fdatasync fd";
        break;
    }
    program += ", \"" + op + "\"";
  }
  const uint64_t a = written.empty() ? 0 : written.front();
  const uint64_t b = written.empty() ? 64 : written.back();
  return {program, fmt::format(R"({{"name": "p{}-related", "check": "{}[{}:{}] != 0x00 -> {}[{}:{}] != 0x00"}})",
                               p, path, base + b, base + b + 1, path, base + a, base + a + 1)};
}

std::string GeneratedScenario(uint64_t seed, int processes, int ops) {
  Prng prng(seed, 0x1d9e);
  const bool shared_file = prng.Coin();
  std::string files, procs, assertions;
  for (int p = 0; p < processes; ++p) {
    const Generated g = GeneratedProcess(prng, p, shared_file, ops);
    procs += fmt::format(R"({}"P{}": [{}])", p ? ", " : "", p + 1, g.program);
    assertions += (p ? ", " : "") + g.assertion;
    if (!shared_file) {
      files += fmt::format(R"({}"/f{}": {{"size": 4096, "layout": "written", "fill": "00", "dax": true}})",
                           p ? ", " : "", p);
    }
  }
  if (shared_file) {
    files = fmt::format(R"("/s": {{"size": {}, "layout": "written", "fill": "00", "dax": true}})",
                        processes * 4096);
  }
  return fmt::format(R"({{"crashsim": 1, "name": "generated-{}", "config": {{"background": "none"}},
    "files": {{{}}}, "processes": {{{}}}, "assert": [{}]}})",
                     seed, files, procs, assertions);
}

TEST_CASE("generated independent processes have the same verdict with the reduction off") {
  int compared = 0, reduced = 0, violating = 0, skipped = 0;
  for (uint64_t seed = 1; seed <= 24; ++seed) {
    const int processes = seed % 3 == 0 ? 3 : 2;
    const std::string text = GeneratedScenario(seed, processes, processes == 3 ? 2 : 4);
    INFO(text);
    const Scenario scenario = Load(text);
    for (Design design : scenario.designs) {
      const Compared c = Compare(scenario, design);
      if (c.off.coverage != Coverage::kExhaustive) {
        ++skipped;
        continue;
      }
      INFO("under ", DesignName(design));
      CHECK(c.on.violated == c.off.violated);
      CHECK(c.on.distinct_states <= c.off.distinct_states);
      ++compared;
      if (c.on_stats.independent_process_states > 0) ++reduced;
      if (!c.on.violated.empty()) ++violating;
    }
  }
  MESSAGE("compared ", compared, " runs (", reduced, " reduced, ", violating,
          " with a violation); over the budget without the reduction: ", skipped);
  CHECK(compared >= 100);
  CHECK(reduced >= compared * 9 / 10);
  CHECK(violating >= 20);
}

}  // namespace
}  // namespace crashsim
