#include "sim/engine/generated_scenarios.h"

#include <fmt/format.h>

#include <vector>

#include "sim/base/prng.h"

namespace crashsim {
namespace {

// A random program for process p over /f (and /g when `two_files`): buffered, direct and O_DSYNC
// writes to places that overlap across processes, truncation, syncs, reads, and, on a DAX file,
// stores and flushes through a mapping and msync.
std::string GeneratedProgram(Prng& prng, int p, bool dax, bool two_files, int ops,
                             std::vector<std::string>* labels) {
  std::string program = R"("fd = open /f rw", "dd = open /f rw direct", "sd = open /f rw dsync")";
  if (two_files) program += R"(, "gd = open /g rw")";
  if (dax) program += R"(, "m = mmap fd 0 8192 shared")";
  for (int i = 0; i < ops; ++i) {
    const std::string fd = two_files && prng.Coin() ? "gd" : "fd";
    const uint64_t offset = prng.Below(2) * 4096 + prng.Below(2) * 512 + prng.Below(2);
    const int value = static_cast<int>(prng.Below(200)) + 1;
    std::string op;
    switch (prng.Below(dax ? 11 : 9)) {
      case 0:
      case 1:
        op = fmt::format("pwrite {} {} 0x{:02x}", fd, offset, value);
        break;
      case 2:
        op = prng.Coin() ? "fsync " + fd : "fdatasync " + fd;
        break;
      case 3:
        op = fmt::format("ftruncate {} {}", fd, prng.Coin() ? 4096 : 8192);
        break;
      case 4:
        op = fmt::format("v{} = pread {} {} 2", i, fd, offset);
        break;
      case 5:
        op = fmt::format("sync_file_range {} 0 0 write", fd);
        break;
      case 6:
        op = fmt::format("pwrite {} {} fill({:02x}, 512)", fd, offset & ~uint64_t{511}, value);
        break;
      case 7:
        op = fmt::format("pwrite dd {} fill({:02x}, 512)", offset & ~uint64_t{511}, value);
        break;
      case 8:
        op = fmt::format("pwrite sd {} 0x{:02x}", offset, value);
        break;
      case 9:
        op = "msync m 0 8192 sync";
        break;
      default:
        op = fmt::format("store m+{} 0x{:02x}\", \"clwb m+{}\", \"sfence", offset, value, offset);
        break;
    }
    const std::string label = fmt::format("p{}o{}", p, i);
    labels->push_back(fmt::format("P{}.{}", p + 1, label));
    program += fmt::format(R"(, "{}: {}")", label, op);
  }
  return program;
}

}  // namespace

std::string GeneratedScenario(uint64_t seed, int processes, int ops) {
  Prng prng(seed, 0xc4a0);
  const bool dax = prng.Below(3) == 0;
  const bool two_files = !dax && prng.Coin();
  std::string procs;
  std::vector<std::string> labels;
  for (int p = 0; p < processes; ++p) {
    procs += fmt::format(R"({}"P{}": [{}])", p ? ", " : "", p + 1,
                         GeneratedProgram(prng, p, dax, two_files, ops, &labels));
  }
  // Assertions across processes: one byte written implies another (at every crash point, or once
  // an op of some process returned), where different processes may write the two.
  std::string assertions;
  for (int a = 0; a < 2; ++a) {
    auto place = [&] { return prng.Below(2) * 4096 + prng.Below(2) * 512 + prng.Below(2); };
    const uint64_t x = place(), y = place();
    const std::string after =
        prng.Coin() ? fmt::format(R"("after": "{}", )", labels[prng.Below(labels.size())]) : "";
    assertions += fmt::format(
        R"({}{{"name": "a{}", {}"check": "/f[{}:{}] != 0x00 -> /f[{}:{}] != 0x00"}})",
        a ? ", " : "", a, after, x, x + 1, y, y + 1);
  }
  std::string files = fmt::format(R"("/f": {{"size": 8192, "layout": "written", "fill": "00"{}}})",
                                  dax ? R"(, "dax": true)" : "");
  if (two_files) files += R"(, "/g": {"size": 4096, "layout": "written", "fill": "00"})";
  const char* fs[] = {"xfs", "ext4-ordered", "ext4-writeback"};
  return fmt::format(R"({{"crashsim": 1, "name": "generated-{}",
    "config": {{"background": "none", "fs": "{}"}},
    "files": {{{}}}, "processes": {{{}}}, "assert": [{}]}})",
                     seed, fs[prng.Below(3)], files, procs, assertions);
}

}  // namespace crashsim
