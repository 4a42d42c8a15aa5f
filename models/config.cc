#include "models/config.h"

#include <array>
#include <utility>

#include "sim/base/name_table.h"

namespace crashsim {
namespace {

constexpr std::array<std::pair<Design, const char*>, 5> kDesignNames{{
    {Design::kKernelTracked, "kernel-tracked"},
    {Design::kMapSync, "map-sync"},
    {Design::kDaxfileUntracked, "daxfile-untracked"},
    {Design::kDaxfileTracked, "daxfile-tracked"},
    {Design::kPerVma, "per-vma"},
}};
constexpr std::array<std::pair<Platform, const char*>, 3> kPlatformNames{{
    {Platform::kAdr, "adr"}, {Platform::kEadr, "eadr"}, {Platform::kNone, "none"}}};
constexpr std::array<std::pair<FsKind, const char*>, 3> kFsNames{{
    {FsKind::kXfs, "xfs"}, {FsKind::kExt4Ordered, "ext4-ordered"},
    {FsKind::kExt4Writeback, "ext4-writeback"}}};
constexpr std::array<std::pair<DeviceCache, const char*>, 3> kDeviceCacheNames{{
    {DeviceCache::kVolatileFua, "volatile-fua"},
    {DeviceCache::kVolatileNoFua, "volatile-no-fua"},
    {DeviceCache::kNone, "none"}}};
constexpr std::array<std::pair<Delalloc, const char*>, 2> kDelallocNames{{
    {Delalloc::kUnwrittenUntilIo, "unwritten-until-io"},
    {Delalloc::kWrittenBeforeData, "written-before-data"}}};
constexpr std::array<std::pair<Namespace, const char*>, 2> kNamespaceNames{{
    {Namespace::kJournalPrefix, "journal-prefix"}, {Namespace::kPosixMinimal, "posix-minimal"}}};
constexpr std::array<std::pair<Background, const char*>, 2> kBackgroundNames{{
    {Background::kExplore, "explore"}, {Background::kNone, "none"}}};

}  // namespace

const char* DesignName(Design v) { return NameOf(kDesignNames, v); }
bool ParseDesign(const std::string& n, Design* v) { return ParseFrom(kDesignNames, n, v); }
const char* PlatformName(Platform v) { return NameOf(kPlatformNames, v); }
bool ParsePlatform(const std::string& n, Platform* v) { return ParseFrom(kPlatformNames, n, v); }
const char* FsKindName(FsKind v) { return NameOf(kFsNames, v); }
bool ParseFsKind(const std::string& n, FsKind* v) { return ParseFrom(kFsNames, n, v); }
const char* DeviceCacheName(DeviceCache v) { return NameOf(kDeviceCacheNames, v); }
bool ParseDeviceCache(const std::string& n, DeviceCache* v) {
  return ParseFrom(kDeviceCacheNames, n, v);
}
const char* DelallocName(Delalloc v) { return NameOf(kDelallocNames, v); }
bool ParseDelalloc(const std::string& n, Delalloc* v) { return ParseFrom(kDelallocNames, n, v); }
const char* NamespaceName(Namespace v) { return NameOf(kNamespaceNames, v); }
bool ParseNamespace(const std::string& n, Namespace* v) {
  return ParseFrom(kNamespaceNames, n, v);
}
const char* BackgroundName(Background v) { return NameOf(kBackgroundNames, v); }
bool ParseBackground(const std::string& n, Background* v) {
  return ParseFrom(kBackgroundNames, n, v);
}

}  // namespace crashsim
