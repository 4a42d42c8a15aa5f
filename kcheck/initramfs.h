// The guest's initramfs for `crashsim kernel-check`: a newc cpio archive (the format the kernel
// unpacks, Documentation/driver-api/early-userspace/buffer-format.rst) holding busybox, the init
// script, the static runner, mkfs.xfs and mke2fs with the shared libraries they load (as ldd
// lists them), and the kernel modules from the kernel cache with a load order in which every
// module follows the modules modules.dep says it depends on.
#pragma once

#include <string>
#include <vector>

namespace crashsim::kcheck {

// The kernel cache that `third_party/setup.sh --kernel-check` fills (its header says what is in
// it): $CRASHSIM_KERNEL_DIR, or /var/cache/crashsim/linux-6.1.
std::string KernelCacheDir();

// The modules of the cache in load order: crypto modules first (libcrc32c asks the crypto API
// for crc32c, and the guest has no modprobe to load it on demand), then each module after its
// dependencies, in path order otherwise. False, with `error`, when modules.dep is unreadable or
// names a module the cache lacks.
bool ModuleLoadOrder(const std::string& modules_dep, std::vector<std::string>* order,
                     std::string* error);

struct InitramfsInputs {
  std::string kernel_dir;  // the kernel cache
  std::string runner;      // the static guest runner
  std::string init;        // the init script
};

// Writes the archive to `output`. False, with `error`, when an input is missing.
bool BuildInitramfs(const InitramfsInputs& inputs, const std::string& output, std::string* error);

}  // namespace crashsim::kcheck
