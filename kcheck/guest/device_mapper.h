// A dm-log-writes target set up through the device-mapper ioctls (include/uapi/linux/dm-ioctl.h):
// create the device, load a one-target table "log-writes DATA LOG", resume it, send marks, remove
// it. Removing logs every write still waiting for a FLUSH and a final mark, so the log is complete
// once Remove returns.
#pragma once

#include <cstdint>
#include <string>

namespace crashsim::kcheck {

class LogWritesDevice {
 public:
  // `data` and `log` are block device paths; `node` is where the new device's node is made.
  bool Create(const std::string& name, const std::string& data, const std::string& log,
              const std::string& node, std::string* error);
  bool Mark(const std::string& mark, std::string* error);
  bool Remove(std::string* error);
  const std::string& node() const { return node_; }

 private:
  std::string name_;
  std::string node_;
  bool created_ = false;
};

}  // namespace crashsim::kcheck
