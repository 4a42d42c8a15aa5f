// The namespace calls (docs/semantics.md 2.11): mkdir and rmdir, hard links and their count,
// symbolic links stored and followed on the way, truncate by path, rename with RENAME_NOREPLACE
// and RENAME_EXCHANGE and of whole directories; each change one logged transaction, recovered
// with its directories and links.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "models/recovery.h"
#include "sim/program/program.h"
#include "sim/program/setup.h"
#include "sim/scenario/loader.h"

namespace crashsim {
namespace {

// One process P1 whose ops are labelled r0, r1, ... and each compared, so that every result is
// recorded.
Scenario OneProcess(const std::string& files, const std::vector<std::string>& ops,
                    const std::string& config = "{\"background\": \"none\"}") {
  std::string program, asserts;
  for (size_t i = 0; i < ops.size(); ++i) {
    const std::string label = "r" + std::to_string(i);
    program += (i ? ", \"" : "\"") + label + ": " + ops[i] + "\"";
    asserts += std::string(i ? ", " : "") + "{\"name\": \"a" + std::to_string(i) +
               "\", \"check\": \"done(P1." + label + ") -> P1." + label + " != EFAULT\"}";
  }
  auto loaded = LoadScenarioText(
      "{\"crashsim\": 1, \"name\": \"namespace-calls\", \"config\": " + config +
          ", \"files\": " + files + ", \"dirs\": [\"/d\"], \"processes\": {\"P1\": [" + program +
          "]}, \"assert\": [" + asserts + "]}",
      "namespace-calls-test.json");
  REQUIRE_MESSAGE(loaded.ok(), (loaded.ok() ? "" : loaded.status().message()));
  return *loaded;
}

std::vector<std::string> Results(Machine& machine, const Scenario& scenario) {
  while (ProcessEnabled(machine, scenario, 0)) StepProcess(machine, scenario, 0);
  std::vector<std::string> results;
  for (const auto& [index, result] : machine.processes[0].results) results.push_back(result);
  return results;
}

std::vector<std::string> Run(const Scenario& scenario, FsKind fs = FsKind::kXfs) {
  Scenario copy = scenario;
  copy.config.fs = fs;
  Machine machine = BuildInitialMachine(copy, Design::kMapSync);
  return Results(machine, copy);
}

const std::string kFiles = R"({"/d/a": {"size": 4096, "layout": "written", "fill": "41"},
                               "/b": {"size": 10, "layout": "written", "fill": "42"}})";

TEST_CASE("mkdir makes a name that did not exist, in a directory that does") {
  CHECK(Run(OneProcess(kFiles, {"mkdir /e", "mkdir /e", "mkdir /b", "mkdir /x/y",
                                "mkdir /d/a/z", "mkdir /e/f"})) ==
        std::vector<std::string>{"0", "EEXIST", "EEXIST", "ENOENT", "ENOTDIR", "0"});
}

TEST_CASE("rmdir removes an empty directory only") {
  CHECK(Run(OneProcess(kFiles, {"rmdir /d", "rmdir /d/a", "rmdir /nope", "mkdir /e",
                                "symlink /b /e/l", "rmdir /e", "rmdir /e/l", "unlink /e/l",
                                "rmdir /e", "rmdir /e"})) ==
        std::vector<std::string>{"ENOTEMPTY", "ENOTDIR", "ENOENT", "0", "0", "ENOTEMPTY",
                                 "ENOTDIR", "0", "0", "ENOENT"});
}

TEST_CASE("link gives a file a second name; unlinking one keeps the data under the other") {
  const Scenario s = OneProcess(kFiles, {"link /d/a /c", "link /d/a /b", "link /d /e",
                                         "link /nope /f", "unlink /d/a", "fd = open /c ro",
                                         "v = pread fd 0 1"});
  Machine m = BuildInitialMachine(s, Design::kMapSync);
  const StepReport first = StepProcess(m, s, 0);
  CHECK(first.step.text.find("linked, nlink 2") != std::string::npos);
  CHECK(m.names.at("/c") == m.names.at("/d/a"));
  CHECK(Results(m, s) ==
        std::vector<std::string>{"0", "EEXIST", "EPERM", "ENOENT", "0", "0", "1"});
  CHECK(m.processes[0].values.at("v") == std::vector<uint8_t>{'A'});
  CHECK(m.ghost.removed.empty());  // the inode kept a name: nothing was removed
}

TEST_CASE("a symbolic link is stored with its target and followed on the way") {
  const Scenario s = OneProcess(
      kFiles,
      {"symlink ../d/a /d/rel", "symlink /d /dl", "symlink /nowhere /dang", "symlink x /b",
       "f = open /d/rel ro", "g = open /dl/a ro", "h = open /dang rw", "creat /dang",
       "symlink /loop2 /loop1", "symlink /loop1 /loop2", "i = open /loop1 ro",
       "j = open /dang rw creat excl", "truncate /dl/rel 100", "truncate /dl 5"});
  Machine m = BuildInitialMachine(s, Design::kMapSync);
  CHECK(Results(m, s) == std::vector<std::string>{"0", "0", "0", "EEXIST", "0", "0", "ENOENT",
                                                  "0", "0", "0", "ELOOP", "EEXIST", "0",
                                                  "EISDIR"});
  // creat through the dangling link made its target; truncate through two links cut /d/a.
  CHECK(m.names.count("/nowhere") == 1);
  CHECK(m.inode(m.names.at("/d/a")).size_bytes == 100);
  CHECK(m.tree.symlinks.at("/d/rel") == "../d/a");
}

TEST_CASE("a '..' in a link's target after another link is the parent of that link's target") {
  const Scenario s = OneProcess(
      kFiles, {"mkdir /d/sub", "symlink /d/sub /l", "symlink /l/../a /t1", "f = open /t1 ro",
               "symlink /d/none/../a /t2", "g = open /t2 ro", "symlink /b/../d/a /t3",
               "h = open /t3 ro", "symlink l/../made /t4", "creat /t4"});
  Machine m = BuildInitialMachine(s, Design::kMapSync);
  // Read lexically, /t1 would name /a (no such file), /t2 and /t3 /d/a, and /t4 /made.
  CHECK(Results(m, s) == std::vector<std::string>{"0", "0", "0", "0", "0", "ENOENT", "0",
                                                  "ENOTDIR", "0", "0"});
  CHECK(m.names.count("/d/made") == 1);
  CHECK(m.names.count("/made") == 0);
}

TEST_CASE("the name before a '.' in a link's target must be a directory, reached through links") {
  const Scenario s = OneProcess(
      kFiles, {"symlink b/. /t1", "f = open /t1 ro", "truncate /t1 0", "symlink none/. /t2",
               "creat /t2", "symlink /b /m", "symlink m/. /t3", "g = open /t3 ro",
               "symlink /d/. /t4", "h = open /t4 ro", "symlink d/./a /t5", "i = open /t5 ro"});
  Machine m = BuildInitialMachine(s, Design::kMapSync);
  CHECK(Results(m, s) == std::vector<std::string>{"0", "ENOTDIR", "ENOTDIR", "0", "ENOENT", "0",
                                                  "0", "ENOTDIR", "0", "0", "0", "0"});
  CHECK(m.names.count("/none") == 0);
  CHECK(m.inode(m.names.at("/b")).size_bytes == 10);
}

TEST_CASE("rename with RENAME_NOREPLACE never replaces, RENAME_EXCHANGE swaps two names") {
  const Scenario s = OneProcess(kFiles, {"rename /b /d/a noreplace", "rename /b /c exchange",
                                         "rename /b /d/a exchange", "rename /b /c noreplace",
                                         "mkdir /e", "rename /c /e exchange"});
  Machine m = BuildInitialMachine(s, Design::kMapSync);
  const uint32_t a = m.names.at("/d/a");
  const uint32_t b = m.names.at("/b");
  CHECK(Results(m, s) == std::vector<std::string>{"EEXIST", "ENOENT", "0", "0", "0", "0"});
  // /d/a and /b swapped; /b then became /c; /c and the directory /e swapped.
  CHECK(m.names.at("/d/a") == b);
  CHECK(m.names.at("/e") == a);
  CHECK(m.tree.directories.count("/c") == 1);
  CHECK(m.tree.directories.count("/e") == 0);
  CHECK(m.ghost.removed.empty());  // an exchange removes nothing
}

TEST_CASE("rename moves a directory with everything in it, and refuses what Linux refuses") {
  const Scenario s = OneProcess(
      kFiles, {"rename /d /d/x", "rename /d/a /d", "mkdir /e", "rename /d /e", "rename /e /b",
               "rename /b /e", "creat /e/f", "rename /d /e", "mkdir /d", "rename /d /e/g",
               "rename /b /b", "link /b /c", "rename /b /c"});
  Machine m = BuildInitialMachine(s, Design::kMapSync);
  CHECK(Results(m, s) == std::vector<std::string>{"EINVAL", "ENOTEMPTY", "0", "0", "ENOTDIR",
                                                  "EISDIR", "0", "ENOENT", "0", "0", "0", "0",
                                                  "0"});
  CHECK(m.names.count("/e/a") == 1);
  CHECK(m.names.count("/e/f") == 1);
  CHECK(m.tree.directories.count("/e/g") == 1);
  CHECK(m.tree.directories.count("/d") == 0);
  // Two names of one inode: rename leaves both.
  CHECK(m.names.count("/b") == 1);
  CHECK(m.names.count("/c") == 1);
}

TEST_CASE("replacing a non-empty directory: EEXIST on XFS, ENOTEMPTY on ext4") {
  const std::vector<std::string> ops = {"mkdir /e", "mkdir /e/f", "rename /d /e"};
  CHECK(Run(OneProcess(kFiles, ops), FsKind::kXfs) ==
        std::vector<std::string>{"0", "0", "EEXIST"});
  CHECK(Run(OneProcess(kFiles, ops), FsKind::kExt4Ordered) ==
        std::vector<std::string>{"0", "0", "ENOTEMPTY"});
}

TEST_CASE("each namespace change is a transaction; recovery brings back directories and links") {
  const Scenario s = OneProcess(kFiles, {"mkdir /e", "symlink /d/a /e/l", "link /b /e/c",
                                         "rmdir /d"});
  Machine m = BuildInitialMachine(s, Design::kMapSync);
  Results(m, s);
  REQUIRE(m.journal.committed_seq() == 3);
  const RecoveredState none(m, CrashImage{{}, 0});
  CHECK_FALSE(none.Exists("/e"));
  CHECK(none.IsDirectory("/d"));
  const RecoveredState two(m, CrashImage{{}, 2});
  CHECK(two.IsDirectory("/e"));
  CHECK(two.SymlinkTarget("/e/l") == std::optional<std::string>("/d/a"));
  CHECK(two.Exists("/e/l"));
  CHECK_FALSE(two.Exists("/e/c"));
  const RecoveredState all(m, CrashImage{{}, 3});
  REQUIRE(all.File("/e/c") != nullptr);
  CHECK(all.File("/e/c")->ino == all.File("/b")->ino);
}

TEST_CASE("under posix-minimal a directory fsync makes the directories and links durable") {
  const Scenario s = OneProcess(kFiles, {"mkdir /e", "symlink /b /l", "fd = open /d ro",
                                         "fsync fd", "mkdir /late"},
                                R"({"background": "none", "namespace": "posix-minimal"})");
  Machine m = BuildInitialMachine(s, Design::kMapSync);
  Results(m, s);
  const RecoveredState state(m, CrashImage{{}, m.journal.committed_seq()});
  CHECK(state.IsDirectory("/e"));
  CHECK(state.SymlinkTarget("/l") == std::optional<std::string>("/b"));
  CHECK_FALSE(state.Exists("/late"));
}

}  // namespace
}  // namespace crashsim

namespace crashsim {
namespace {

// The journal's forced sequence after running every op of P1, and the last one committed.
std::pair<uint64_t, uint64_t> ForcedAndCommitted(const Scenario& scenario, FsKind fs) {
  Scenario copy = scenario;
  copy.config.fs = fs;
  Machine machine = BuildInitialMachine(copy, Design::kKernelTracked);
  Results(machine, copy);
  return {machine.journal.forced_seq(), machine.journal.committed_seq()};
}

TEST_CASE("fdatasync forces a rename, link or unlink on XFS, not on ext4; a creation on both") {
  for (const char* change : {"rename /d/a /d/c", "link /d/a /d/c", "unlink /d/a"}) {
    INFO(change);
    const std::string path = std::string(change).rfind("unlink", 0) == 0 ? "/d/a" : "/d/c";
    const Scenario scenario = OneProcess(
        kFiles, {"fd = open /d/a rw", change, "fdatasync fd"});
    const auto [xfs_forced, xfs_committed] = ForcedAndCommitted(scenario, FsKind::kXfs);
    CHECK(xfs_forced == xfs_committed);  // XFS_ILOG_CORE: fdatasync forces it
    const auto [ext4_forced, ext4_committed] = ForcedAndCommitted(scenario, FsKind::kExt4Ordered);
    CHECK(ext4_forced < ext4_committed);  // only i_sync_tid moved
    // fsync waits for i_sync_tid: forced on both.
    const Scenario with_fsync = OneProcess(kFiles, {"fd = open /d/a rw", change, "fsync fd"});
    const auto [forced, committed] = ForcedAndCommitted(with_fsync, FsKind::kExt4Ordered);
    CHECK(forced == committed);
  }
  const Scenario created = OneProcess(kFiles, {"fd = open /d/new rw creat", "fdatasync fd"});
  const auto [forced, committed] = ForcedAndCommitted(created, FsKind::kExt4Ordered);
  CHECK(forced == committed);  // __ext4_new_inode sets i_datasync_tid too
}

}  // namespace
}  // namespace crashsim
