#include "kcheck/initramfs.h"

#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>

namespace crashsim::kcheck {
namespace {

std::string TempFile(const std::string& name, const std::string& text) {
  const char* dir = std::getenv("TEST_TMPDIR");
  const std::string path = std::string(dir != nullptr ? dir : "/tmp") + "/" + name;
  std::ofstream(path) << text;
  return path;
}

TEST_CASE("modules load after their dependencies, crypto first") {
  const std::string dep = TempFile("modules.dep",
                                   "kernel/fs/xfs/xfs.ko: kernel/lib/libcrc32c.ko\n"
                                   "kernel/lib/libcrc32c.ko:\n"
                                   "kernel/crypto/crc32c_generic.ko:\n"
                                   "kernel/drivers/md/dm-log-writes.ko: kernel/drivers/md/dm-mod.ko\n"
                                   "kernel/drivers/md/dm-mod.ko:\n");
  std::vector<std::string> order;
  std::string error;
  REQUIRE_MESSAGE(ModuleLoadOrder(dep, &order, &error), error);
  CHECK(order == std::vector<std::string>{
                     "kernel/crypto/crc32c_generic.ko", "kernel/drivers/md/dm-mod.ko",
                     "kernel/drivers/md/dm-log-writes.ko", "kernel/lib/libcrc32c.ko",
                     "kernel/fs/xfs/xfs.ko"});
}

TEST_CASE("a dependency without a line of its own is an error") {
  const std::string dep = TempFile("broken.dep", "kernel/fs/xfs/xfs.ko: kernel/lib/libcrc32c.ko\n");
  std::vector<std::string> order;
  std::string error;
  CHECK_FALSE(ModuleLoadOrder(dep, &order, &error));
  CHECK(error.find("libcrc32c") != std::string::npos);
}

}  // namespace
}  // namespace crashsim::kcheck
