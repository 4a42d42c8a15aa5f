// Outputs that name one file, or an input, are refused; reports are written whole or not at all,
// and the reports of an earlier run are removed.
#include "cli/output_files.h"

#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace crashsim {
namespace {

namespace fs = std::filesystem;

fs::path FreshDirectory(const std::string& name) {
  const char* root = std::getenv("TEST_TMPDIR");
  const fs::path dir = fs::path(root != nullptr ? root : "/tmp") / ("output_files_" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

std::string ReadFile(const fs::path& path) {
  std::ifstream file(path, std::ios::binary);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

TEST_CASE("two outputs naming one file are refused, however the path is spelt") {
  const fs::path dir = FreshDirectory("clash");
  const std::string x = (dir / "x.json").string();
  const std::string also_x = (dir / "sub" / ".." / "x.json").string();
  fs::create_directories(dir / "sub");
  const Status clash = CheckOutputsDistinct({{"--json", x}, {"--html", also_x}}, "", {});
  REQUIRE_FALSE(clash.ok());
  CHECK(clash.message() == "--json '" + x + "' and --html '" + also_x +
                               "' name one file: give each output its own file");
  // Through a symbolic link to the directory, too.
  fs::create_directory_symlink(dir, dir / "link");
  CHECK_FALSE(
      CheckOutputsDistinct({{"--md", x}, {"--junit", (dir / "link" / "x.json").string()}}, "", {})
          .ok());
  CHECK(CheckOutputsDistinct({{"--json", x}, {"--html", (dir / "x.html").string()}}, "", {}).ok());
}

TEST_CASE("an output naming an input, the DOT directory or a file among its graphs is refused") {
  const fs::path dir = FreshDirectory("inputs");
  const std::string scenario = (dir / "s.json").string();
  const Status input = CheckOutputsDistinct({{"--json", scenario}}, "", {{"a scenario file", scenario}});
  REQUIRE_FALSE(input.ok());
  CHECK(input.message() ==
        "--json '" + scenario + "' names a scenario file it would overwrite: give the output "
        "another file");
  const std::string graphs = (dir / "graphs").string();
  CHECK_FALSE(CheckOutputsDistinct({{"--stats", graphs}}, graphs, {}).ok());
  CHECK_FALSE(CheckOutputsDistinct({{"--md", graphs + "/a.dot"}}, graphs, {}).ok());
  CHECK(CheckOutputsDistinct({{"--md", graphs + "/a.md"}}, graphs, {}).ok());
}

TEST_CASE("a report is written whole, over the old one, with no temporary file left") {
  const fs::path dir = FreshDirectory("atomic");
  const fs::path report = dir / "r.json";
  REQUIRE(WriteFileAtomically(report.string(), "old\n", "JSON report").ok());
  REQUIRE(WriteFileAtomically(report.string(), "new\n", "JSON report").ok());
  CHECK(ReadFile(report) == "new\n");
  size_t files = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    ++files;
    CHECK(entry.path().filename() == "r.json");
  }
  CHECK(files == 1);
  // The permissions are those of a file the process creates (0666 less the umask), as before.
  const mode_t mask = umask(0);
  umask(mask);
  CHECK((fs::status(report).permissions() & fs::perms::all) ==
        static_cast<fs::perms>(0666 & ~mask));
  const std::string missing = (dir / "no" / "r.json").string();
  const Status failed = WriteFileAtomically(missing, "x", "HTML report");
  REQUIRE_FALSE(failed.ok());
  CHECK(failed.message() ==
        "cannot write the HTML report to '" + missing + "': No such file or directory");
}

TEST_CASE("the reports of an earlier run are removed before a run, missing ones are no error") {
  const fs::path dir = FreshDirectory("stale");
  std::ofstream(dir / "old.json") << "{}";
  REQUIRE(RemoveStaleOutputs({(dir / "old.json").string(), (dir / "never.json").string()}).ok());
  CHECK_FALSE(fs::exists(dir / "old.json"));
}

}  // namespace
}  // namespace crashsim
