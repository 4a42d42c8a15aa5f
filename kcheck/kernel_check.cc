#include "kcheck/kernel_check.h"

#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <map>

#include "kcheck/compare.h"
#include "kcheck/initramfs.h"
#include "kcheck/plan.h"
#include "kcheck/protocol.h"
#include "kcheck/qemu.h"
#include "sim/reach/canonical_schedule.h"
#include "sim/reach/recovered_view.h"

namespace crashsim::kcheck {
namespace {

// Seconds allowed for one boot: the boot, then a share per scenario several times what TCG
// needs on a busy 2-core machine (under 2 s a scenario), so that a hung guest is noticed in
// time to boot once more within the Bazel test's timeout.
uint64_t TimeoutSeconds(size_t scenarios) { return 120 + 6 * scenarios; }

bool KernelCacheReady(const std::string& dir, std::string* version, std::string* error) {
  for (const char* file : {"vmlinuz", "modules.dep", "VERSION"}) {
    if (access((dir + "/" + file).c_str(), R_OK) != 0) {
      *error = "kernel-check needs Debian's Linux 6.1 kernel in " + dir + " (missing " + file +
               "): run third_party/setup.sh --kernel-check";
      return false;
    }
  }
  std::ifstream in(dir + "/VERSION");
  std::getline(in, *version);
  return true;
}

struct Prepared {
  Scenario scenario;
  CanonicalRun run;
  Plan plan;
  std::vector<std::string> view_paths;
  ScheduleViews views;
};

}  // namespace

bool RunKernelCheck(const std::vector<LoadedScenario>& scenarios,
                    const KernelCheckOptions& options, KernelCheckReport* report,
                    std::string* error) {
  const std::string kernel_dir = KernelCacheDir();
  std::string version;
  if (!KernelCacheReady(kernel_dir, &version, error)) return false;
  if (QemuBinary().empty()) {
    *error = "kernel-check needs qemu-system-x86_64: run third_party/setup.sh --kernel-check";
    return false;
  }
  for (const char* tool : {"/bin/busybox", "/sbin/mkfs.xfs", "/sbin/mke2fs"}) {
    if (access(tool, X_OK) != 0) {
      *error = std::string("kernel-check needs ") + tool + ": run third_party/setup.sh --kernel-check";
      return false;
    }
  }
  const bool kvm = access("/dev/kvm", R_OK | W_OK) == 0;
  report->kernel = "Linux " + version + " (QEMU, " + (kvm ? "KVM" : "TCG") + ")";

  // The model side first: it is deterministic and needs no guest.
  std::vector<Prepared> prepared;
  prepared.reserve(scenarios.size());
  for (const LoadedScenario& loaded : scenarios) {
    prepared.push_back(Prepared{loaded.scenario, {}, {}, {}, {}});
    Prepared& p = prepared.back();
    if (options.fs) p.scenario.config.fs = *options.fs;
    p.run = RunCanonicalSchedule(p.scenario, Design::kMapSync, options.mutations);
    p.plan = PlanScenario(p.scenario, p.run);
    p.view_paths = ViewPaths(p.scenario);
    if (p.plan.crash_check) {
      p.views = ReachableViews(p.scenario, Design::kMapSync, p.view_paths, options.limits,
                               options.mutations);
    }
    ScenarioCheck check;
    check.path = loaded.path;
    check.name = p.scenario.name;
    check.fs = FsKindName(p.scenario.config.fs);
    check.not_checked = p.plan.not_checked;
    if (!p.plan.runs) check.not_checked.insert(check.not_checked.begin(), "not run: " + p.plan.blocked);
    report->scenarios.push_back(std::move(check));
  }

  // One boot per file system, in a fixed order.
  std::map<std::string, std::vector<size_t>> by_fs;
  for (size_t i = 0; i < prepared.size(); ++i) {
    if (prepared[i].plan.runs) by_fs[FsKindName(prepared[i].scenario.config.fs)].push_back(i);
  }
  const std::string initramfs = options.work_dir + "/initramfs.cpio";
  if (!by_fs.empty() &&
      !BuildInitramfs(InitramfsInputs{kernel_dir, options.runner, options.init}, initramfs, error)) {
    return false;
  }
  for (const auto& [fs, indices] : by_fs) {
    Job job;
    for (size_t i : indices) {
      const Prepared& p = prepared[i];
      job.scenarios.push_back(BuildJob(p.scenario, p.run, p.plan, p.view_paths));
    }
    if (options.progress != nullptr) {
      *options.progress << "kernel-check: booting " << report->kernel << " for " << fs << ": "
                        << indices.size() << " scenario(s)" << std::endl;
    }
    const std::string boot_dir = options.work_dir + "/" + fs;
    mkdir(boot_dir.c_str(), 0700);
    Boot boot{kernel_dir + "/vmlinuz", initramfs, boot_dir, WriteJob(job),
              TimeoutSeconds(indices.size())};
    BootResult booted = RunGuest(boot);
    if (booted.timed_out) {
      // A guest that hangs is booted once more from scratch (each scenario gets a fresh file
      // system, so nothing carries over). Seen once under TCG: an RCU stall with a CPU spinning
      // on a lock in dm-log-writes' bio completion, with the same scenarios passing on a retry.
      if (options.progress != nullptr) {
        *options.progress << "kernel-check: " << booted.error << "; booting " << fs
                          << " once more" << std::endl;
      }
      booted = RunGuest(boot);
    }
    Results results;
    std::string parse_error;
    if (!ParseResults(booted.results, &results, &parse_error)) {
      *error = "the guest's results do not read (" + parse_error + "); console log: " +
               booted.console_log;
      return false;
    }
    std::map<std::string, const ScenarioResult*> by_name;
    for (const ScenarioResult& r : results.scenarios) by_name[r.name] = &r;
    for (size_t i : indices) {
      ScenarioCheck& check = report->scenarios[i];
      const Prepared& p = prepared[i];
      auto found = by_name.find(p.scenario.name);
      if (found == by_name.end()) {
        check.error = booted.ok ? "the guest returned no result for this scenario"
                                : "the guest stopped: " + booted.error;
        continue;
      }
      const ScenarioResult& real = *found->second;
      check.ran = true;
      CompareVolatile(p.scenario, p.run, real, &check);
      if (!real.setup_error.empty()) {
        check.error = real.setup_error;
        continue;
      }
      if (p.plan.crash_check) CompareCrashes(p.scenario, p.run, p.views, real, &check);
    }
    if (!booted.ok && options.progress != nullptr) {
      *options.progress << "kernel-check: " << booted.error << std::endl;
    }
  }
  for (ScenarioCheck& check : report->scenarios) {
    const bool listed = options.known_misses.count({check.name, check.fs}) > 0;
    if (listed && !check.misses.empty()) check.known_miss = true;
    if (listed && check.ran && check.misses.empty() && check.error.empty()) {
      report->stale_known_misses.push_back(check.name + " " + check.fs);
    }
  }
  return true;
}

bool HasUnexpectedMiss(const KernelCheckReport& report) {
  for (const ScenarioCheck& check : report.scenarios) {
    if ((!check.misses.empty() && !check.known_miss) || !check.error.empty()) return true;
  }
  return !report.stale_known_misses.empty();
}

}  // namespace crashsim::kcheck
