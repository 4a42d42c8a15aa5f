#include "kcheck/qemu.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

namespace crashsim::kcheck {
namespace {

constexpr uint64_t kDataBytes = uint64_t{512} << 20;  // XFS needs at least 300 MiB
constexpr uint64_t kLogBytes = uint64_t{2} << 30;
constexpr uint64_t kJobBytes = uint64_t{256} << 20;
constexpr uint64_t kResultsOffset = uint64_t{16} << 20;  // as in kcheck/guest/runner_main.cc

bool MakeSparse(const std::string& path, uint64_t bytes, std::string* error) {
  const int fd = open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0 || ftruncate(fd, static_cast<off_t>(bytes)) != 0) {
    *error = "cannot make " + path + ": " + std::strerror(errno);
    if (fd >= 0) close(fd);
    return false;
  }
  close(fd);
  return true;
}

double Now() {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<double>(now.tv_sec) + now.tv_nsec / 1e9;
}

}  // namespace

std::string QemuBinary() {
  for (const char* path : {"/usr/bin/qemu-system-x86_64", "/usr/local/bin/qemu-system-x86_64"}) {
    if (access(path, X_OK) == 0) return path;
  }
  return "";
}

BootResult RunGuest(const Boot& boot) {
  BootResult result;
  const std::string qemu = QemuBinary();
  if (qemu.empty()) {
    result.error = "qemu-system-x86_64 is not installed: run third_party/setup.sh --kernel-check";
    return result;
  }
  const std::string data = boot.work_dir + "/data.img";
  const std::string log = boot.work_dir + "/log.img";
  const std::string io = boot.work_dir + "/job.img";
  result.console_log = boot.work_dir + "/console.log";
  if (!MakeSparse(data, kDataBytes, &result.error) || !MakeSparse(log, kLogBytes, &result.error) ||
      !MakeSparse(io, kJobBytes, &result.error)) {
    return result;
  }
  {
    std::fstream job(io, std::ios::in | std::ios::out | std::ios::binary);
    job.write(boot.job.c_str(), static_cast<std::streamsize>(boot.job.size() + 1));
    if (!job) {
      result.error = "cannot write the job to " + io;
      return result;
    }
  }
  result.kvm = access("/dev/kvm", R_OK | W_OK) == 0;
  std::vector<std::string> argv = {
      qemu, "-nodefaults", "-no-reboot", "-display", "none", "-m", "3G", "-smp", "2",
      "-accel", result.kvm ? "kvm" : "tcg,thread=multi", "-cpu", result.kvm ? "host" : "max",
      "-kernel", boot.kernel, "-initrd", boot.initramfs,
      "-append", "console=ttyS0 panic=-1 oops=panic memmap=512M!2G rdinit=/init",
      "-serial", "file:" + result.console_log,
  };
  for (const std::string& disk : {data, log, io}) {
    argv.push_back("-drive");
    argv.push_back("file=" + disk + ",format=raw,if=virtio,cache=unsafe,discard=unmap");
  }
  const pid_t child = fork();
  if (child < 0) {
    result.error = std::string("fork: ") + std::strerror(errno);
    return result;
  }
  if (child == 0) {
    const int null = open("/dev/null", O_RDWR);
    dup2(null, 0);
    dup2(null, 1);
    std::vector<char*> args;
    for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
    args.push_back(nullptr);
    execv(qemu.c_str(), args.data());
    _exit(127);
  }
  const double deadline = Now() + static_cast<double>(boot.timeout_seconds);
  int status = 0;
  for (;;) {
    const pid_t done = waitpid(child, &status, WNOHANG);
    if (done == child) break;
    if (done < 0 && errno != EINTR) {
      result.error = std::string("waitpid: ") + std::strerror(errno);
      return result;
    }
    if (Now() > deadline) {
      kill(child, SIGKILL);
      waitpid(child, &status, 0);
      result.timed_out = true;
      result.error = "the guest did not finish within " + std::to_string(boot.timeout_seconds) +
                     " s (console log: " + result.console_log + ")";
      break;
    }
    usleep(100000);
  }
  if (result.error.empty() && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
    result.error = "QEMU failed (console log: " + result.console_log + ")";
  }
  std::ifstream in(io, std::ios::binary);
  in.seekg(static_cast<std::streamoff>(kResultsOffset));
  std::string text;
  std::getline(in, text, '\0');
  result.results = text;
  result.ok = result.error.empty();
  return result;
}

}  // namespace crashsim::kcheck
