#include "kcheck/guest/device_mapper.h"

#include <fcntl.h>
#include <linux/dm-ioctl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace crashsim::kcheck {
namespace {

constexpr size_t kBufferBytes = 16384;

struct Control {
  int fd = -1;
  Control() { fd = open("/dev/mapper/control", O_RDWR | O_CLOEXEC); }
  ~Control() {
    if (fd >= 0) close(fd);
  }
};

dm_ioctl* Header(std::vector<uint8_t>& buffer, const std::string& name) {
  buffer.assign(kBufferBytes, 0);
  auto* io = reinterpret_cast<dm_ioctl*>(buffer.data());
  io->version[0] = DM_VERSION_MAJOR;
  io->version[1] = 0;
  io->version[2] = 0;
  io->data_size = kBufferBytes;
  io->data_start = sizeof(dm_ioctl);
  std::strncpy(io->name, name.c_str(), sizeof io->name - 1);
  return io;
}

bool Call(unsigned long request, std::vector<uint8_t>& buffer, const char* what,
          std::string* error) {
  Control control;
  if (control.fd < 0) {
    *error = std::string("cannot open /dev/mapper/control: ") + std::strerror(errno);
    return false;
  }
  if (ioctl(control.fd, request, buffer.data()) != 0) {
    *error = std::string(what) + ": " + std::strerror(errno);
    return false;
  }
  return true;
}

uint64_t SectorsOf(const std::string& device, std::string* error) {
  const int fd = open(device.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    *error = "cannot open " + device + ": " + std::strerror(errno);
    return 0;
  }
  uint64_t bytes = 0;
  const int status = ioctl(fd, BLKGETSIZE64, &bytes);
  close(fd);
  if (status != 0) {
    *error = "cannot size " + device + ": " + std::strerror(errno);
    return 0;
  }
  return bytes / 512;
}

}  // namespace

bool LogWritesDevice::Create(const std::string& name, const std::string& data,
                             const std::string& log, const std::string& node, std::string* error) {
  const uint64_t sectors = SectorsOf(data, error);
  if (sectors == 0) return false;
  std::vector<uint8_t> buffer;
  dm_ioctl* io = Header(buffer, name);
  if (!Call(DM_DEV_CREATE, buffer, "DM_DEV_CREATE", error)) return false;
  created_ = true;
  name_ = name;
  const uint64_t dev = io->dev;

  io = Header(buffer, name);
  io->target_count = 1;
  auto* spec = reinterpret_cast<dm_target_spec*>(buffer.data() + sizeof(dm_ioctl));
  spec->sector_start = 0;
  spec->length = sectors;
  std::strncpy(spec->target_type, "log-writes", sizeof spec->target_type - 1);
  char* params = reinterpret_cast<char*>(spec + 1);
  const std::string table = data + " " + log;
  std::memcpy(params, table.c_str(), table.size() + 1);
  spec->next = static_cast<uint32_t>(sizeof(dm_target_spec) + ((table.size() + 8) & ~size_t{7}));
  if (!Call(DM_TABLE_LOAD, buffer, "DM_TABLE_LOAD log-writes", error)) return false;

  Header(buffer, name);  // flags 0: resume
  if (!Call(DM_DEV_SUSPEND, buffer, "DM_DEV_SUSPEND (resume)", error)) return false;

  unlink(node.c_str());
  if (mknod(node.c_str(), S_IFBLK | 0600, makedev(major(dev), minor(dev))) != 0) {
    *error = "cannot make " + node + ": " + std::strerror(errno);
    return false;
  }
  node_ = node;
  return true;
}

bool LogWritesDevice::Mark(const std::string& mark, std::string* error) {
  std::vector<uint8_t> buffer;
  Header(buffer, name_);
  auto* message = reinterpret_cast<dm_target_msg*>(buffer.data() + sizeof(dm_ioctl));
  message->sector = 0;
  const std::string text = "mark " + mark;
  std::memcpy(message->message, text.c_str(), text.size() + 1);
  return Call(DM_TARGET_MSG, buffer, "DM_TARGET_MSG mark", error);
}

bool LogWritesDevice::Remove(std::string* error) {
  if (!created_) return true;
  std::vector<uint8_t> buffer;
  Header(buffer, name_);
  if (!Call(DM_DEV_REMOVE, buffer, "DM_DEV_REMOVE", error)) return false;
  created_ = false;
  if (!node_.empty()) unlink(node_.c_str());
  return true;
}

}  // namespace crashsim::kcheck
