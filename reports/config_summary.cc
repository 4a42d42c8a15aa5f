#include "reports/config_summary.h"

#include <fmt/format.h>

namespace crashsim {

std::string ConfigSummary(const Config& config) {
  std::string privileged;
  if (config.privileged_all) {
    privileged = "all";
  } else if (config.privileged.empty()) {
    // Parentheses cannot occur in a process name, so this cannot be mistaken for one.
    privileged = "(none)";
  } else {
    privileged = fmt::format("{}", fmt::join(config.privileged, ","));
  }
  return fmt::format(
      "platform={} fs={} device_cache={} delalloc={} namespace={} block_size={} sector_bytes={} "
      "background={} privileged={}",
      PlatformName(config.platform), FsKindName(config.fs), DeviceCacheName(config.device_cache),
      DelallocName(config.delalloc), NamespaceName(config.name_space), config.block_size,
      config.sector_bytes, BackgroundName(config.background), privileged);
}

}  // namespace crashsim
