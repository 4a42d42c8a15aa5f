#include "sim/reach/reachable_views.h"

#include <doctest/doctest.h>

#include "sim/scenario/loader.h"

namespace crashsim {
namespace {

Scenario Load(const std::string& text) {
  StatusOr<Scenario> scenario = LoadScenarioText(text, "test.json");
  REQUIRE_MESSAGE(scenario.ok(), scenario.status().message());
  return *std::move(scenario);
}

// The single byte at offset 0 of /f in each view of a segment.
std::set<uint8_t> FirstBytes(const ScheduleViews& reach, size_t segment) {
  std::set<uint8_t> bytes;
  for (int view : reach.segments[segment].views) bytes.insert(reach.views[view].at("/f").bytes[0]);
  return bytes;
}

const char* kWriteThenFsync = R"json({
  "crashsim": 1, "name": "t",
  "config": { "background": "none" },
  "files": { "/f": { "size": 4096, "layout": "written", "fill": "30" } },
  "processes": { "P": ["fd = open /f rw", "pwrite fd 0 'x'", "fsync fd", "close fd"] }
})json";

TEST_CASE("a write is not durable before the fsync that writes it back, and may be during it") {
  const Scenario scenario = Load(kWriteThenFsync);
  const ScheduleViews reach =
      ReachableViews(scenario, Design::kMapSync, ViewPaths(scenario), ReachLimits{});
  REQUIRE(reach.segments.size() == 5);
  CHECK(FirstBytes(reach, 1) == std::set<uint8_t>{'0'});
  CHECK(FirstBytes(reach, 2) == std::set<uint8_t>{'0'});       // pwrite: only in the page cache
  CHECK(FirstBytes(reach, 3) == std::set<uint8_t>{'0', 'x'});  // during fsync: lost or kept
  CHECK(FirstBytes(reach, 4).count('x') == 1);                 // after fsync returned
  for (const SegmentViews& segment : reach.segments) CHECK_FALSE(segment.budget_exhausted);
  const FileView& file = reach.views[*reach.segments[1].views.begin()].at("/f");
  CHECK(file.exists);
  CHECK(file.size_bytes == 4096);
}

TEST_CASE("after fsync returned, the write is the only outcome") {
  const Scenario scenario = Load(kWriteThenFsync);
  const ScheduleViews reach =
      ReachableViews(scenario, Design::kMapSync, ViewPaths(scenario), ReachLimits{});
  // Segment 4 (close) starts when fsync has returned: 'x' is durable in all of its states.
  CHECK(FirstBytes(reach, 4) == std::set<uint8_t>{'x'});
}

TEST_CASE("the same input gives the same views in the same order") {
  const Scenario scenario = Load(kWriteThenFsync);
  const ScheduleViews first =
      ReachableViews(scenario, Design::kMapSync, ViewPaths(scenario), ReachLimits{});
  const ScheduleViews second =
      ReachableViews(scenario, Design::kMapSync, ViewPaths(scenario), ReachLimits{});
  CHECK(first.views == second.views);
  for (size_t i = 0; i < first.segments.size(); ++i) {
    CHECK(first.segments[i].views == second.segments[i].views);
  }
}

TEST_CASE("a state budget that runs out marks the segments as cut") {
  const Scenario scenario = Load(kWriteThenFsync);
  ReachLimits limits;
  limits.max_states = 3;
  const ScheduleViews reach = ReachableViews(scenario, Design::kMapSync, ViewPaths(scenario), limits);
  CHECK(reach.segments[3].budget_exhausted);
}

TEST_CASE("an image budget that runs out marks the segments of the state it cut") {
  const Scenario scenario = Load(R"json({
    "crashsim": 1, "name": "t",
    "config": { "background": "none", "sector_bytes": 512 },
    "files": { "/f": { "size": 4096, "layout": "written", "fill": "30" } },
    "processes": { "P": ["fd = open /f rw", "pwrite fd 0 fill(41, 4096)", "fsync fd"] }
  })json");
  ReachLimits limits;
  limits.max_images = 4;  // a page of eight 512-byte sectors tears 256 ways
  const ScheduleViews reach = ReachableViews(scenario, Design::kMapSync, ViewPaths(scenario), limits);
  CHECK_FALSE(reach.segments[1].budget_exhausted);
  CHECK(reach.segments[3].budget_exhausted);
}

TEST_CASE("the completed-write-is-durable mutation drops the old contents after a direct write") {
  // A direct write completes inside pwrite, with no flush: the old contents stay possible until
  // a flush, except under the wrong model, where completion alone makes the write durable.
  const Scenario scenario = Load(R"json({
    "crashsim": 1, "name": "t",
    "config": { "background": "none" },
    "files": { "/f": { "size": 4096, "layout": "written", "fill": "30" } },
    "processes": { "P": ["fd = open /f rw direct", "pwrite fd 0 fill(41, 4096)", "close fd"] }
  })json");
  const ScheduleViews right =
      ReachableViews(scenario, Design::kMapSync, ViewPaths(scenario), ReachLimits{});
  const ScheduleViews wrong = ReachableViews(scenario, Design::kMapSync, ViewPaths(scenario),
                                             ReachLimits{}, {Mutation::kCompletedWriteIsDurable});
  CHECK(FirstBytes(right, 3) == std::set<uint8_t>{'0', 'A'});
  CHECK(FirstBytes(wrong, 3) == std::set<uint8_t>{'A'});
  // Right after the pwrite returned: the old contents may remain, except under the wrong model.
  auto returned = [](const ScheduleViews& reach) {
    std::set<uint8_t> bytes;
    for (int view : reach.segments[2].returned_views) bytes.insert(reach.views[view].at("/f").bytes[0]);
    return bytes;
  };
  CHECK(returned(right) == std::set<uint8_t>{'0', 'A'});
  CHECK(returned(wrong) == std::set<uint8_t>{'A'});
}

TEST_CASE("view paths are the files and the paths ops name, not directories") {
  const Scenario scenario = Load(R"json({
    "crashsim": 1, "name": "t",
    "files": { "/d/a": { "size": 0, "layout": "hole" } },
    "dirs": ["/e"],
    "processes": { "P": ["creat /d/b", "rename /d/b /d/c", "fd = open /e ro", "unlink /d/a"] }
  })json");
  CHECK(ViewPaths(scenario) == std::vector<std::string>{"/d/a", "/d/b", "/d/c"});
}

TEST_CASE("view paths include the names that namespace ops make or remove, directories too") {
  const Scenario scenario = Load(R"json({
    "crashsim": 1, "name": "t",
    "files": { "/d/a": { "size": 0, "layout": "hole" } },
    "dirs": ["/e"],
    "processes": { "P": ["mkdir /d/n", "rmdir /e", "symlink /d/a /l", "symlink rel /d/r",
                         "link /d/a /d/h", "truncate /d/t 5", "rename /d/n /m exchange"] }
  })json");
  CHECK(ViewPaths(scenario) == std::vector<std::string>{"/d/a", "/d/h", "/d/n", "/d/r", "/d/t",
                                                        "/e", "/l", "/m"});
}

TEST_CASE("a view shows a directory and a symbolic link, and a crash may lose them") {
  const Scenario scenario = Load(R"json({
    "crashsim": 1, "name": "t",
    "config": { "background": "none" },
    "files": { "/f": { "size": 4096, "layout": "written", "fill": "30" } },
    "processes": { "P": ["mkdir /e", "symlink ../f /e/l", "fd = open /e ro", "fsync fd"] }
  })json");
  const std::vector<std::string> paths = ViewPaths(scenario);
  CHECK(paths == std::vector<std::string>{"/e", "/e/l", "/f"});
  const ScheduleViews reach = ReachableViews(scenario, Design::kMapSync, paths, ReachLimits{});
  std::set<std::pair<std::string, std::string>> seen;
  for (const RecoveredView& view : reach.views) {
    seen.insert({view.at("/e").special, view.at("/e/l").special});
  }
  // Without background log pushes a crash keeps the forced prefix only: nothing until the
  // directory's fsync forces both; the link's target is shown as the path it names.
  CHECK(seen == std::set<std::pair<std::string, std::string>>{{"", ""}, {"dir", "link:/f"}});
  // After the directory's fsync returned, both are there.
  for (int view : reach.segments.back().returned_views) {
    CHECK(reach.views[view].at("/e").special == "dir");
    CHECK(reach.views[view].at("/e/l").special == "link:/f");
  }
}

}  // namespace
}  // namespace crashsim
