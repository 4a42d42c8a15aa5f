#include "cli/kernel_check_command.h"

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "cli/commands.h"
#include "kcheck/kernel_check.h"
#include "reports/kernel_check_report.h"
#include "sim/scenario/loader.h"

namespace crashsim {
namespace {

constexpr char kHelp[] = R"(Usage: crashsim kernel-check [OPTIONS] DIR|FILE...

Runs each scenario's canonical schedule on Linux 6.1 (Debian's kernel) under
QEMU and checks that every op result and read equals what the model gives
under map-sync, and that every state dm-log-writes replay recovers at each
FLUSH, FUA and mark is one the model says a crash may leave at that point.
What Linux cannot run is reported as not checked, with the reason.
Needs `third_party/setup.sh --kernel-check` (QEMU and the kernel cache).

Options:
  --fs NAME            run every scenario on this file system (xfs,
                       ext4-ordered, ext4-writeback), the model too; default:
                       each scenario's own
  --json FILE          also write the report as JSON
  --md FILE            also write the table as Markdown
  --known-misses FILE  lines "SCENARIO FS" whose misses are known: they do not
                       fail the run, but a listed pair that no longer misses
                       does ('#' starts a comment)

Exit status: 0 no miss (beyond the known ones); 1 a miss, a scenario that did
not run on the guest, or a stale known-misses line; 2 invalid input, or no
kernel or QEMU.
)";

// The file `relative` (a workspace path) among the binary's runfiles.
std::string Runfile(const std::string& program, const std::string& relative) {
  std::vector<std::string> roots;
  for (const char* variable : {"RUNFILES_DIR", "TEST_SRCDIR"}) {
    if (const char* dir = std::getenv(variable)) roots.push_back(dir);
  }
  roots.push_back(program + ".runfiles");
  char self[4096];
  const ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  if (n > 0) roots.push_back(std::string(self, n) + ".runfiles");
  for (const std::string& root : roots) {
    const std::string path = root + "/crashsim/" + relative;
    if (access(path.c_str(), R_OK) == 0) return path;
  }
  return "";
}

bool ReadKnownMisses(const std::string& path,
                     std::set<std::pair<std::string, std::string>>* known, std::string* error) {
  std::ifstream in(path);
  if (!in) {
    *error = "cannot read " + path;
    return false;
  }
  int number = 0;
  for (std::string line; std::getline(in, line);) {
    ++number;
    line = line.substr(0, line.find('#'));
    std::istringstream words(line);
    std::string name, fs, extra;
    if (!(words >> name)) continue;
    FsKind kind;
    if (!(words >> fs) || !ParseFsKind(fs, &kind) || (words >> extra)) {
      *error = path + ":" + std::to_string(number) + ": expected \"SCENARIO FS\"";
      return false;
    }
    known->insert({name, fs});
  }
  return true;
}

bool WriteText(const std::string& path, const std::string& text, std::ostream& err) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out) {
    err << "crashsim: cannot write " << path << "\n";
    return false;
  }
  return true;
}

}  // namespace

int RunKernelCheckCommand(const std::vector<std::string>& args, const std::string& program,
                          std::ostream& out, std::ostream& err) {
  kcheck::KernelCheckOptions options;
  std::vector<std::string> paths;
  std::string json_path, md_path;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    auto value = [&](std::string* into) {
      if (i + 1 >= args.size()) {
        err << "crashsim: " << arg << " needs a value\n";
        return false;
      }
      *into = args[++i];
      return true;
    };
    if (arg == "--help" || arg == "-h") {
      out << kHelp;
      return kExitAsExpected;
    }
    std::string text;
    if (arg == "--fs") {
      if (!value(&text)) return kExitInvalid;
      FsKind fs;
      if (!ParseFsKind(text, &fs)) {
        err << "crashsim: unknown file system '" << text
            << "' (expected one of: xfs, ext4-ordered, ext4-writeback)\n";
        return kExitInvalid;
      }
      options.fs = fs;
    } else if (arg == "--json") {
      if (!value(&json_path)) return kExitInvalid;
    } else if (arg == "--md") {
      if (!value(&md_path)) return kExitInvalid;
    } else if (arg == "--known-misses") {
      std::string error;
      if (!value(&text)) return kExitInvalid;
      if (!ReadKnownMisses(text, &options.known_misses, &error)) {
        err << "crashsim: " << error << "\n";
        return kExitInvalid;
      }
    } else if (!arg.empty() && arg[0] == '-') {
      err << "crashsim: unknown option '" << arg << "' for kernel-check\n";
      return kExitInvalid;
    } else {
      paths.push_back(arg);
    }
  }
  if (paths.empty()) {
    err << "crashsim: kernel-check needs at least one scenario file\n";
    return kExitInvalid;
  }
  const ExpandedPaths expanded = ExpandPaths(paths);
  int invalid = 0;
  for (const std::string& line : expanded.errors) {
    err << "crashsim: " << line << "\n";
    ++invalid;
  }
  std::vector<kcheck::LoadedScenario> scenarios;
  for (const std::string& path : expanded.files) {
    StatusOr<Scenario> scenario = LoadScenarioFile(path);
    if (!scenario.ok()) {
      err << scenario.status().message() << "\n";
      ++invalid;
      continue;
    }
    scenarios.push_back(kcheck::LoadedScenario{path, *std::move(scenario)});
  }
  if (invalid > 0) return kExitInvalid;

  options.runner = Runfile(program, "kcheck/guest/kcheck-runner");
  options.init = Runfile(program, "kcheck/guest/init.sh");
  if (options.runner.empty() || options.init.empty()) {
    err << "crashsim: kernel-check cannot find its guest runner next to the binary (build "
           "//cli:crashsim with Bazel and run bazel-bin/cli/crashsim)\n";
    return kExitInvalid;
  }
  const char* tmp = std::getenv("TEST_TMPDIR");
  std::string work = std::string(tmp != nullptr ? tmp : "/tmp") + "/crashsim-kernel-check.XXXXXX";
  if (mkdtemp(work.data()) == nullptr) {
    err << "crashsim: cannot make a scratch directory under " << work << "\n";
    return kExitInvalid;
  }
  options.work_dir = work;
  options.progress = &err;
  kcheck::KernelCheckReport report;
  std::string error;
  const bool ran = kcheck::RunKernelCheck(scenarios, options, &report, &error);
  if (!ran) {
    err << "crashsim: " << error << "\n";
    return kExitInvalid;
  }
  // Disk images are big: keep the scratch directory only when something went wrong.
  const bool failed = kcheck::HasUnexpectedMiss(report);
  if (!failed) {
    for (const char* name : {"data.img", "log.img", "job.img", "console.log"}) {
      for (const char* fs : {"xfs", "ext4-ordered", "ext4-writeback"}) {
        unlink((work + "/" + fs + "/" + name).c_str());
      }
    }
    for (const char* fs : {"xfs", "ext4-ordered", "ext4-writeback"}) rmdir((work + "/" + fs).c_str());
    unlink((work + "/initramfs.cpio").c_str());
    rmdir(work.c_str());
  } else {
    for (const char* fs : {"xfs", "ext4-ordered", "ext4-writeback"}) {
      for (const char* image : {"data.img", "log.img"}) unlink((work + "/" + fs + "/" + image).c_str());
    }
    err << "crashsim: kernel-check: the guest's console logs are in " << work << "\n";
  }
  out << KernelCheckText(report);
  if (!json_path.empty() && !WriteText(json_path, KernelCheckJson(report), err)) return kExitInvalid;
  if (!md_path.empty() && !WriteText(md_path, KernelCheckMarkdown(report), err)) return kExitInvalid;
  return failed ? kExitDiffers : kExitAsExpected;
}

}  // namespace crashsim
