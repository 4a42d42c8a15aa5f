// The parameters of the simulated world (docs/scenario-format.md, "Config"; docs/semantics.md 1.6).
//
// A Config is fixed for one run: the Machine never changes it. Every field has the default that
// the scenario format documents, so a scenario without a `config` key runs with `Config{}`.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace crashsim {

// The five DAX dirty-tracking designs (docs/scenario-format.md, "Models"; docs/semantics.md 0.4).
// Non-DAX files behave the same under all of them.
enum class Design { kKernelTracked, kMapSync, kDaxfileUntracked, kDaxfileTracked, kPerVma };
inline constexpr Design kAllDesigns[] = {Design::kKernelTracked, Design::kMapSync,
                                         Design::kDaxfileUntracked, Design::kDaxfileTracked,
                                         Design::kPerVma};

enum class Platform { kAdr, kEadr, kNone };
enum class FsKind { kXfs, kExt4Ordered, kExt4Writeback };
enum class DeviceCache { kVolatileFua, kVolatileNoFua, kNone };
enum class Delalloc { kUnwrittenUntilIo, kWrittenBeforeData };
enum class Namespace { kJournalPrefix, kPosixMinimal };
enum class Background { kExplore, kNone };

struct Config {
  Platform platform = Platform::kAdr;
  FsKind fs = FsKind::kXfs;
  DeviceCache device_cache = DeviceCache::kVolatileFua;
  Delalloc delalloc = Delalloc::kUnwrittenUntilIo;
  Namespace name_space = Namespace::kJournalPrefix;
  uint32_t block_size = 4096;
  uint32_t sector_bytes = 4096;
  Background background = Background::kExplore;
  // Free blocks on the device after the scenario's files: what allocations may take before ENOSPC.
  uint64_t free_blocks = 1024;
  // ext4's auto_da_alloc mount option (default on; ignored on XFS, which has no such option).
  bool auto_da_alloc = true;
  // Processes holding CAP_LINUX_IMMUTABLE; `privileged_all` is the default ("all").
  bool privileged_all = true;
  std::vector<std::string> privileged;
};

// Spellings used in scenario files and reports; the parse functions return false on an unknown
// name and leave the output untouched.
const char* DesignName(Design design);
bool ParseDesign(const std::string& name, Design* design);
const char* PlatformName(Platform value);
bool ParsePlatform(const std::string& name, Platform* value);
const char* FsKindName(FsKind value);
bool ParseFsKind(const std::string& name, FsKind* value);
const char* DeviceCacheName(DeviceCache value);
bool ParseDeviceCache(const std::string& name, DeviceCache* value);
const char* DelallocName(Delalloc value);
bool ParseDelalloc(const std::string& name, Delalloc* value);
const char* NamespaceName(Namespace value);
bool ParseNamespace(const std::string& name, Namespace* value);
const char* BackgroundName(Background value);
bool ParseBackground(const std::string& name, Background* value);

}  // namespace crashsim
