#include "kcheck/guest/scenario_setup.h"

#include <fcntl.h>
#include <linux/falloc.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "kcheck/guest/system.h"

#ifndef STATX_ATTR_DAX
#define STATX_ATTR_DAX 0x00200000
#endif

namespace crashsim::kcheck {
namespace {

bool IsExt4(const JobScenario& scenario) { return scenario.fs.rfind("ext4", 0) == 0; }

std::string Parent(const std::string& path) { return path.substr(0, path.rfind('/')); }

}  // namespace

bool MakeFileSystem(const JobScenario& scenario, const std::string& device, std::string* error) {
  std::vector<std::string> argv;
  if (IsExt4(scenario)) {
    // 4 KiB blocks as the model has (mke2fs picks 1 KiB on small devices); inode tables and the
    // journal zeroed now, so no lazy-init thread writes behind the scenario's back.
    argv = {"/sbin/mke2fs", "-F", "-q", "-t", "ext4", "-b", "4096",
            "-E", "lazy_itable_init=0,lazy_journal_init=0", device};
  } else {
    argv = {"/sbin/mkfs.xfs", "-f", "-q", device};
  }
  std::string output;
  if (!RunProgram(argv, &output)) {
    *error = argv[0] + " failed: " + output;
    return false;
  }
  return true;
}

std::string MountOptions(const JobScenario& scenario) {
  std::string options;
  auto add = [&](const std::string& option) {
    options += (options.empty() ? "" : ",") + option;
  };
  if (IsExt4(scenario)) {
    add(scenario.fs == "ext4-writeback" ? "data=writeback" : "data=ordered");
    add("noinit_itable");
    if (!scenario.background) add("commit=3600");
  }
  if (scenario.pmem) add("dax=inode");
  return options;
}

bool MountFileSystem(const JobScenario& scenario, const std::string& device,
                     const std::string& target, std::string* error) {
  if (!MakeDirectories(target, error)) return false;
  const std::string type = IsExt4(scenario) ? "ext4" : "xfs";
  const std::string options = MountOptions(scenario);
  if (mount(device.c_str(), target.c_str(), type.c_str(), 0, options.c_str()) != 0) {
    *error = "mount " + device + " (" + type + ", " + options + "): " + std::strerror(errno);
    return false;
  }
  return true;
}

bool CreateFiles(const JobScenario& scenario, const std::string& root, std::string* error) {
  for (const std::string& dir : scenario.dirs) {
    if (!MakeDirectories(root + dir, error)) return false;
  }
  for (const JobFile& file : scenario.files) {
    const std::string path = root + file.path;
    if (!MakeDirectories(root + Parent(file.path), error)) return false;
    const int fd = open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
      *error = "create " + file.path + ": " + std::strerror(errno);
      return false;
    }
    bool ok = true;
    if (file.dax) {
      fsxattr attributes{};
      ok = ioctl(fd, FS_IOC_FSGETXATTR, &attributes) == 0;
      attributes.fsx_xflags |= FS_XFLAG_DAX;
      ok = ok && ioctl(fd, FS_IOC_FSSETXATTR, &attributes) == 0;
      if (!ok) *error = "set the DAX flag of " + file.path + ": " + std::strerror(errno);
    }
    for (const JobPiece& piece : file.pieces) {
      if (!ok) break;
      if (piece.layout == "written") {
        const std::vector<uint8_t> data(piece.length_bytes, piece.fill);
        ok = pwrite(fd, data.data(), data.size(), static_cast<off_t>(piece.offset_bytes)) ==
             static_cast<ssize_t>(data.size());
      } else if (piece.layout == "unwritten") {
        ok = fallocate(fd, FALLOC_FL_KEEP_SIZE, static_cast<off_t>(piece.offset_bytes),
                       static_cast<off_t>(piece.length_bytes)) == 0;
      }
      if (!ok) *error = "lay out " + file.path + ": " + std::strerror(errno);
    }
    ok = ok && ftruncate(fd, static_cast<off_t>(file.size_bytes)) == 0 && fsync(fd) == 0;
    if (!ok && error->empty()) *error = "size " + file.path + ": " + std::strerror(errno);
    close(fd);
    if (!ok) return false;
  }
  ::sync();
  return true;
}

bool SetBackground(const JobScenario& scenario, std::string* error) {
  const bool on = scenario.background;
  // Held back means a long interval, not 0: with 0, __mark_inode_dirty wakes the flusher at once
  // (wb_wakeup_delayed with no delay) and wb_over_bg_thresh may write a single dirty page back,
  // because a device's share of the background threshold can be zero (Linux 6.1).
  return WriteSetting("/proc/sys/vm/dirty_writeback_centisecs", on ? "500" : "360000", error) &&
         WriteSetting("/proc/sys/vm/dirty_expire_centisecs", on ? "3000" : "360000", error) &&
         WriteSetting("/proc/sys/fs/xfs/xfssyncd_centisecs", on ? "3000" : "720000", error);
}

bool IsDax(const std::string& path, bool* dax, std::string* error) {
  struct statx attributes {};
  if (statx(AT_FDCWD, path.c_str(), 0, STATX_BASIC_STATS, &attributes) != 0) {
    *error = "statx " + path + ": " + std::strerror(errno);
    return false;
  }
  *dax = (attributes.stx_attributes_mask & STATX_ATTR_DAX) &&
         (attributes.stx_attributes & STATX_ATTR_DAX);
  return true;
}

}  // namespace crashsim::kcheck
