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
  // auto_da_alloc is an ext4 mount option: named only when the file system is ext4.
  const std::string ext4_options =
      config.fs == FsKind::kXfs
          ? ""
          : fmt::format(" auto_da_alloc={}", config.auto_da_alloc ? "on" : "off");
  return fmt::format(
      "platform={} fs={}{} device_cache={} delalloc={} namespace={} block_size={} "
      "sector_bytes={} free_blocks={} background={} privileged={}",
      PlatformName(config.platform), FsKindName(config.fs), ext4_options,
      DeviceCacheName(config.device_cache), DelallocName(config.delalloc),
      NamespaceName(config.name_space), config.block_size, config.sector_bytes,
      config.free_blocks, BackgroundName(config.background), privileged);
}

}  // namespace crashsim
