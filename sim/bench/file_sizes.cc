// The file-size benchmark: the cost of a scenario follows the blocks it touches, not the size of
// its files. Each row runs one scenario (one pwrite and an fsync on a file of the given size, then
// a check of the written byte, or of a large range) under every model, in a child process of its
// own, and prints the wall time and the child's peak resident memory. Figures only: nothing here
// is asserted.
//
// Usage: file_sizes
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "sim/bench/run_figures.h"
#include "sim/scenario/loader.h"

namespace crashsim {
namespace {

struct Row {
  std::string name;
  uint64_t size;
  std::string layout;  // "written" (fill 'A') or "hole"
  std::string check;
};

std::string ScenarioText(const Row& row) {
  const std::string fill = row.layout == "written" ? R"(, "fill": "41")" : "";
  return fmt::format(R"({{
  "crashsim": 1,
  "name": "file-size",
  "files": {{ "/f": {{ "size": {}, "layout": "{}"{} }} }},
  "processes": {{ "P1": ["fd = open /f rw", "w: pwrite fd 4096 'Z'", "s: fsync fd"] }},
  "assert": [ {{ "name": "a", "after": "P1.s", "check": "{}" }} ]
}})",
                     row.size, row.layout, fill, row.check);
}

// Runs the row in a child process; prints its figures.
void RunRow(const Row& row) {
  const auto start = std::chrono::steady_clock::now();
  const pid_t child = fork();
  if (child == 0) {
    auto scenario = LoadScenarioText(ScenarioText(row), "file-size");
    if (!scenario.ok()) {
      std::fprintf(stderr, "file_sizes: %s\n", scenario.status().message().c_str());
      _exit(2);
    }
    const RunFigures figures = MeasureRuns({*scenario}, ReductionsOn(1, 200000));
    _exit(figures.states > 0 ? 0 : 3);
  }
  int status = 0;
  rusage usage{};
  wait4(child, &status, 0, &usage);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
  std::printf("| %s | %llu | %s | %.3f | %.1f |%s\n", row.name.c_str(),
              static_cast<unsigned long long>(row.size), row.check.c_str(), seconds,
              usage.ru_maxrss / 1024.0, ok ? "" : " (failed)");
}

}  // namespace
}  // namespace crashsim

int main() {
  using crashsim::Row;
  constexpr uint64_t kMiB = uint64_t{1} << 20;
  constexpr uint64_t kMax = (uint64_t{1} << 63) - 1;
  const std::vector<Row> rows = {
      {"written, 256 MiB", 256 * kMiB, "written", "/f[4096:4097] == 'Z'"},
      {"written, 1 GiB", 1024 * kMiB, "written", "/f[4096:4097] == 'Z'"},
      {"written, 2^63 - 1 bytes", kMax, "written", "/f[4096:4097] == 'Z'"},
      {"hole, 2^63 - 1 bytes", kMax, "hole", "/f[4096:4097] == 'Z'"},
      {"hole, 64 MiB, a range over the hole", 64 * kMiB + 8192, "hole",
       "/f[8192:67117056] == zero"},
      {"hole, 2^63 - 1 bytes, a range over the hole", kMax, "hole",
       "/f[8192:9223372036854775807] == zero"},
      {"written, 64 MiB, a range against its old contents", 64 * kMiB + 8192, "written",
       "/f[8192:67117056] == old"},
      {"written, 2^63 - 1 bytes, a range against its old contents", kMax, "written",
       "/f[8192:9223372036854775807] == old"},
      {"written, 2^63 - 1 bytes, the same range over the written block (violated)", kMax,
       "written", "/f[0:9223372036854775807] == old"},
  };
  std::printf("| file | size (bytes) | assertion | seconds (5 models) | peak MiB |\n");
  std::printf("|---|---|---|---|---|\n");
  for (const Row& row : rows) crashsim::RunRow(row);
  return 0;
}
