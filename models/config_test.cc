// The spellings of Config's enums: every value's name parses back to it, and unknown names are
// rejected without touching the output.
#include "models/config.h"

#include <doctest/doctest.h>

#include <set>
#include <string>
#include <vector>

namespace crashsim {
namespace {

// Checks that each value's name is distinct and parses back to the value.
template <typename Enum>
void CheckRoundTrips(const std::vector<Enum>& values, const char* (*name_of)(Enum),
                     bool (*parse)(const std::string&, Enum*)) {
  std::set<std::string> names;
  for (Enum value : values) {
    const std::string name = name_of(value);
    CAPTURE(name);
    CHECK(names.insert(name).second);
    Enum parsed = values.front() == value ? values.back() : values.front();
    REQUIRE(parse(name, &parsed));
    CHECK(parsed == value);
  }
}

TEST_CASE("every design name parses back to the same design") {
  const std::vector<Design> designs(std::begin(kAllDesigns), std::end(kAllDesigns));
  CHECK(designs.size() == 5);
  CheckRoundTrips(designs, DesignName, ParseDesign);
}

TEST_CASE("every config value name parses back to the same value") {
  CheckRoundTrips({Platform::kAdr, Platform::kEadr, Platform::kNone}, PlatformName,
                  ParsePlatform);
  CheckRoundTrips({FsKind::kXfs, FsKind::kExt4Ordered, FsKind::kExt4Writeback}, FsKindName,
                  ParseFsKind);
  CheckRoundTrips({DeviceCache::kVolatileFua, DeviceCache::kVolatileNoFua, DeviceCache::kNone},
                  DeviceCacheName, ParseDeviceCache);
  CheckRoundTrips({Delalloc::kUnwrittenUntilIo, Delalloc::kWrittenBeforeData}, DelallocName,
                  ParseDelalloc);
  CheckRoundTrips({Namespace::kJournalPrefix, Namespace::kPosixMinimal}, NamespaceName,
                  ParseNamespace);
  CheckRoundTrips({Background::kExplore, Background::kNone}, BackgroundName, ParseBackground);
}

TEST_CASE("the documented spellings name the expected values") {
  CHECK(std::string(DesignName(Design::kMapSync)) == "map-sync");
  CHECK(std::string(FsKindName(FsKind::kExt4Ordered)) == "ext4-ordered");
  CHECK(std::string(DeviceCacheName(DeviceCache::kVolatileNoFua)) == "volatile-no-fua");
}

TEST_CASE("an unknown name is rejected and leaves the output untouched") {
  Design design = Design::kPerVma;
  CHECK_FALSE(ParseDesign("map_sync", &design));
  CHECK_FALSE(ParseDesign("Map-Sync", &design));
  CHECK_FALSE(ParseDesign("", &design));
  CHECK(design == Design::kPerVma);

  Platform platform = Platform::kEadr;
  CHECK_FALSE(ParsePlatform("adr ", &platform));
  CHECK(platform == Platform::kEadr);

  FsKind fs = FsKind::kExt4Writeback;
  CHECK_FALSE(ParseFsKind("ext4", &fs));
  CHECK(fs == FsKind::kExt4Writeback);

  DeviceCache cache = DeviceCache::kNone;
  CHECK_FALSE(ParseDeviceCache("volatile", &cache));
  CHECK(cache == DeviceCache::kNone);

  Delalloc delalloc = Delalloc::kWrittenBeforeData;
  CHECK_FALSE(ParseDelalloc("unwritten", &delalloc));
  CHECK(delalloc == Delalloc::kWrittenBeforeData);

  Namespace name_space = Namespace::kPosixMinimal;
  CHECK_FALSE(ParseNamespace("journal", &name_space));
  CHECK(name_space == Namespace::kPosixMinimal);

  Background background = Background::kNone;
  CHECK_FALSE(ParseBackground("off", &background));
  CHECK(background == Background::kNone);
}

}  // namespace
}  // namespace crashsim
