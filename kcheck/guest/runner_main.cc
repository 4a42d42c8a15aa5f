// The guest runner of `crashsim kernel-check`: started by the guest's init with the job device,
// it reads the job (kcheck/protocol.h), runs each scenario on a fresh file system (over
// dm-log-writes for a crash check, on /dev/pmem0 for a DAX scenario), replays the log at every
// FLUSH, FUA and mark, and writes each scenario's results back to the job device as soon as it is
// done. Progress lines go to the console.
//
// The job device: the job text from byte 0, ended by a NUL; the results from byte
// kResultsOffset, ended by a NUL.
#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "kcheck/guest/device_mapper.h"
#include "kcheck/guest/op_runner.h"
#include "kcheck/guest/replay_check.h"
#include "kcheck/guest/scenario_setup.h"
#include "kcheck/guest/system.h"
#include "kcheck/protocol.h"

namespace crashsim::kcheck {
namespace {

constexpr uint64_t kResultsOffset = 16 << 20;
const char* const kDataDevice = "/dev/vda";
const char* const kLogDevice = "/dev/vdb";
const char* const kPmemDevice = "/dev/pmem0";
const char* const kMountPoint = "/mnt";

uint64_t DeviceBytes(const std::string& device) {
  const int fd = open(device.c_str(), O_RDONLY | O_CLOEXEC);
  uint64_t bytes = 0;
  if (fd >= 0) {
    if (ioctl(fd, BLKGETSIZE64, &bytes) != 0) bytes = 0;
    close(fd);
  }
  return bytes;
}

bool Discard(const std::string& device, std::string* error) {
  const int fd = open(device.c_str(), O_RDWR | O_CLOEXEC);
  uint64_t range[2] = {0, DeviceBytes(device)};
  const bool ok = fd >= 0 && ioctl(fd, BLKDISCARD, range) == 0;
  if (!ok) *error = "BLKDISCARD " + device + ": " + std::strerror(errno);
  if (fd >= 0) close(fd);
  return ok;
}

// Sets up, runs and tears down one scenario; `result->setup_error` says what stopped it.
void RunScenario(const JobScenario& scenario, ScenarioResult* result) {
  std::string error;
  result->name = scenario.name;
  auto fail = [&](const std::string& what) { result->setup_error = what; };
  LogWritesDevice log_writes;
  std::string device = kPmemDevice;
  if (!scenario.pmem) {
    if (!Discard(kDataDevice, &error) ||
        !log_writes.Create("kcheck", kDataDevice, kLogDevice, "/dev/kcheck-lw", &error)) {
      return fail(error);
    }
    device = log_writes.node();
  }
  if (!MakeFileSystem(scenario, device, &error) ||
      !MountFileSystem(scenario, device, kMountPoint, &error) ||
      !CreateFiles(scenario, kMountPoint, &error)) {
    umount2(kMountPoint, 0);
    log_writes.Remove(&error);
    return fail(error);
  }
  if (umount2(kMountPoint, 0) != 0) return fail(std::string("umount: ") + std::strerror(errno));
  if (!MountFileSystem(scenario, device, kMountPoint, &error) || !SetBackground(scenario, &error)) {
    umount2(kMountPoint, 0);
    log_writes.Remove(&error);
    return fail(error);
  }
  for (const JobFile& file : scenario.files) {
    if (!file.dax) continue;
    bool dax = false;
    if (!IsDax(std::string(kMountPoint) + file.path, &dax, &error)) return fail(error);
    result->dax.emplace_back(file.path, dax);
  }
  bool marks_ok = scenario.pmem || log_writes.Mark("start", &error);
  {
    OpRunner runner(kMountPoint);
    for (size_t i = 0; i < scenario.ops.size(); ++i) {
      result->ops.push_back(runner.Run(scenario.ops[i]));
      if (!scenario.pmem) marks_ok = marks_ok && log_writes.Mark("op-" + std::to_string(i + 1), &error);
    }
    runner.ReleaseAll();
  }
  if (umount2(kMountPoint, 0) != 0) umount2(kMountPoint, MNT_DETACH);
  if (scenario.pmem) return;
  if (!log_writes.Remove(&error) || !marks_ok) return fail(error);
  if (!scenario.crash_check) return;
  ReplaySpace space{kLogDevice, DeviceBytes(kDataDevice), "/tmp/kcheck-image",
                    "/tmp/kcheck-scratch", "/check"};
  if (!ReplayAndRead(scenario, space, result, &error)) fail("replay: " + error);
}

int Main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: kcheck-runner JOB-DEVICE\n");
    return 2;
  }
  const std::string io_device = argv[1];
  const int io = open(io_device.c_str(), O_RDWR | O_CLOEXEC);
  if (io < 0) {
    std::fprintf(stderr, "kcheck: cannot open %s: %s\n", io_device.c_str(), std::strerror(errno));
    return 1;
  }
  std::string text(kResultsOffset, '\0');
  const ssize_t n = pread(io, text.data(), text.size(), 0);
  text.resize(n > 0 ? std::strlen(text.c_str()) : 0);
  Job job;
  std::string error;
  std::string results;
  if (!ParseJob(text, &job, &error)) {
    results = "result job\nerror " + error + "\ndone\n";
  }
  for (size_t i = 0; i < job.scenarios.size(); ++i) {
    const JobScenario& scenario = job.scenarios[i];
    std::printf("kcheck: %zu/%zu %s on %s\n", i + 1, job.scenarios.size(), scenario.name.c_str(),
                scenario.fs.c_str());
    std::fflush(stdout);
    ScenarioResult result;
    RunScenario(scenario, &result);
    if (!result.setup_error.empty()) {
      std::printf("kcheck: %s: %s\n", scenario.name.c_str(), result.setup_error.c_str());
    }
    results += WriteScenarioResult(result);
    const std::string framed = results + '\0';
    if (pwrite(io, framed.data(), framed.size(), kResultsOffset) !=
            static_cast<ssize_t>(framed.size()) ||
        fsync(io) != 0) {
      std::fprintf(stderr, "kcheck: cannot write results: %s\n", std::strerror(errno));
      return 1;
    }
  }
  if (job.scenarios.empty()) {
    const std::string framed = results + '\0';
    if (pwrite(io, framed.data(), framed.size(), kResultsOffset) < 0) return 1;
    fsync(io);
  }
  close(io);
  std::printf("kcheck: done\n");
  return 0;
}

}  // namespace
}  // namespace crashsim::kcheck

int main(int argc, char** argv) { return crashsim::kcheck::Main(argc, argv); }
