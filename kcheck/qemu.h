// Boots the guest once under QEMU and runs a job: the kernel from the kernel cache with the
// initramfs, three virtio disks (the data device, the dm-log-writes log, the job device that
// carries the job in and the results out, see kcheck/guest/runner_main.cc) and 512 MiB of
// emulated persistent memory (kernel parameter memmap=512M!2G gives /dev/pmem0). KVM when
// /dev/kvm exists, TCG otherwise. The console goes to a log file.
#pragma once

#include <cstdint>
#include <string>

namespace crashsim::kcheck {

struct Boot {
  std::string kernel;     // vmlinuz
  std::string initramfs;
  std::string work_dir;   // disk images and the console log are made here
  std::string job;        // the job text
  uint64_t timeout_seconds = 600;
};

struct BootResult {
  bool ok = false;         // the guest ran and powered off
  std::string results;     // the runner's results text
  std::string console_log; // path of the console log
  std::string error;       // what went wrong (QEMU missing, timeout, ...)
  bool timed_out = false;  // the guest did not power off in time (killed)
  bool kvm = false;
};

// The QEMU binary, or "" when it is not installed.
std::string QemuBinary();

BootResult RunGuest(const Boot& boot);

}  // namespace crashsim::kcheck
