#include "reports/config_summary.h"

#include <doctest/doctest.h>

namespace crashsim {
namespace {

TEST_CASE("the default config renders every key with the scenario format's spelling") {
  CHECK(ConfigSummary(Config{}) ==
        "platform=adr fs=xfs device_cache=volatile-fua delalloc=unwritten-until-io "
        "namespace=journal-prefix block_size=4096 sector_bytes=4096 free_blocks=1024 "
        "background=explore "
        "privileged=all");
}

TEST_CASE("a changed config shows its values and the privileged processes") {
  Config config;
  config.platform = Platform::kEadr;
  config.fs = FsKind::kExt4Ordered;
  config.device_cache = DeviceCache::kNone;
  config.delalloc = Delalloc::kWrittenBeforeData;
  config.name_space = Namespace::kPosixMinimal;
  config.sector_bytes = 512;
  config.background = Background::kNone;
  config.privileged_all = false;
  config.privileged = {"P1", "P2"};
  CHECK(ConfigSummary(config) ==
        "platform=eadr fs=ext4-ordered auto_da_alloc=on device_cache=none "
        "delalloc=written-before-data namespace=posix-minimal block_size=4096 sector_bytes=512 "
        "free_blocks=1024 background=none privileged=P1,P2");
  config.privileged.clear();
  CHECK(ConfigSummary(config).ends_with(" privileged=(none)"));
}

TEST_CASE("auto_da_alloc is named only for ext4, with its setting") {
  Config config;
  CHECK(ConfigSummary(config).find("auto_da_alloc") == std::string::npos);
  config.fs = FsKind::kExt4Writeback;
  config.auto_da_alloc = false;
  CHECK(ConfigSummary(config).find(" fs=ext4-writeback auto_da_alloc=off ") != std::string::npos);
}

}  // namespace
}  // namespace crashsim
