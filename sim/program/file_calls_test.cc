// The file-position calls and open flags (docs/semantics.md 2.2): write and writev at the file
// position and moving it, lseek with every whence, O_APPEND, O_WRONLY, O_TRUNC and O_EXCL, and a
// vector write as one write call of its buffers joined.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "models/op_progress.h"
#include "sim/program/program.h"
#include "sim/program/setup.h"
#include "sim/scenario/loader.h"

namespace crashsim {
namespace {

Scenario Load(const std::string& text) {
  auto loaded = LoadScenarioText(text, "file-calls-test.json");
  REQUIRE_MESSAGE(loaded.ok(), (loaded.ok() ? "" : loaded.status().message()));
  return *loaded;
}

// A scenario of one process whose ops are all labelled r0, r1, ... and compared, so that each
// op's result is recorded; `files` is the JSON of its files.
Scenario OneProcess(const std::string& files, const std::vector<std::string>& ops,
                    const std::string& config = "{\"background\": \"none\"}") {
  std::string program, asserts;
  for (size_t i = 0; i < ops.size(); ++i) {
    const std::string label = "r" + std::to_string(i);
    program += (i ? ", \"" : "\"") + label + ": " + ops[i] + "\"";
    asserts += std::string(i ? ", " : "") + "{\"name\": \"a" + std::to_string(i) +
               "\", \"check\": \"done(P1." + label + ") -> P1." + label + " != EFAULT\"}";
  }
  return Load("{\"crashsim\": 1, \"name\": \"file-calls\", \"config\": " + config +
              ", \"files\": " + files + ", \"processes\": {\"P1\": [" + program +
              "]}, \"assert\": [" + asserts + "]}");
}

// Runs P1 to its end; returns each op's recorded result, in program order.
std::vector<std::string> Results(Machine& machine, const Scenario& scenario) {
  while (ProcessEnabled(machine, scenario, 0)) StepProcess(machine, scenario, 0);
  std::vector<std::string> results;
  for (const auto& [index, result] : machine.processes[0].results) results.push_back(result);
  return results;
}

std::vector<std::string> Run(const Scenario& scenario) {
  Machine machine = BuildInitialMachine(scenario, Design::kMapSync);
  return Results(machine, scenario);
}

const std::string kFile = R"({"/f": {"size": 4096, "layout": "written", "fill": "41"}})";

std::vector<uint8_t> Bytes(const Machine& m, const std::string& path, uint64_t begin,
                           uint64_t end) {
  const uint32_t ino = m.names.at(path);
  const Inode& inode = m.inode(ino);
  std::vector<uint8_t> out;
  for (uint64_t pos = begin; pos < end; ++pos) {
    const auto page = inode.tree.find(pos / 4096);
    REQUIRE(page != inode.tree.end());
    out.push_back(page->second.folio().bytes[pos % 4096]);
  }
  return out;
}

TEST_CASE("write writes at the file position and moves it; pwrite leaves it alone") {
  const Scenario s = OneProcess(kFile, {"fd = open /f rw", "write fd 'ab'", "write fd 'cd'",
                                        "pwrite fd 100 'Z'", "lseek fd 0 cur", "write fd ''",
                                        "lseek fd 0 cur"});
  Machine m = BuildInitialMachine(s, Design::kMapSync);
  CHECK(Results(m, s) == std::vector<std::string>{"0", "2", "2", "1", "4", "0", "4"});
  CHECK(Bytes(m, "/f", 0, 5) == std::vector<uint8_t>{'a', 'b', 'c', 'd', 'A'});
  CHECK(Bytes(m, "/f", 100, 101) == std::vector<uint8_t>{'Z'});
}

TEST_CASE("lseek sets, adds to, or counts from the end; a negative result is EINVAL") {
  const Scenario s = OneProcess(kFile, {"fd = open /f ro", "lseek fd 10 set", "lseek fd 5 cur",
                                        "lseek fd -6 end", "lseek fd -5000 end",
                                        "lseek fd 0 cur", "lseek fd 9223372036854775807 set",
                                        "lseek fd 1 cur", "lseek fd 0 cur"});
  CHECK(Run(s) == std::vector<std::string>{"0", "10", "15", "4090", "EINVAL", "4090",
                                           "9223372036854775807", "EINVAL",
                                           "9223372036854775807"});
}

TEST_CASE("a write at a position past 2^63 - 1 minus its count is EINVAL") {
  const Scenario s = OneProcess(kFile, {"fd = open /f rw", "lseek fd 9223372036854775806 set",
                                        "write fd 'ab'", "lseek fd 0 cur"});
  CHECK(Run(s) == std::vector<std::string>{"0", "9223372036854775806", "EINVAL",
                                           "9223372036854775806"});
}

TEST_CASE("SEEK_DATA and SEEK_HOLE: written, delayed and cached unwritten blocks are data") {
  // Blocks: 0 written, 1 hole, 2 unwritten, 3 written, 4 hole; a buffered write makes block 4
  // a delayed allocation, a read caches block 2.
  const std::string files = R"({"/f": {"size": 20000, "layout": [
      {"offset": 0, "length": 4096, "layout": "written", "fill": "41"},
      {"offset": 4096, "length": 4096, "layout": "hole"},
      {"offset": 8192, "length": 4096, "layout": "unwritten"},
      {"offset": 12288, "length": 4096, "layout": "written", "fill": "42"},
      {"offset": 16384, "length": 4096, "layout": "hole"}]}})";
  const Scenario before = OneProcess(
      files, {"fd = open /f rw", "lseek fd 100 hole", "lseek fd 5000 data", "lseek fd 12300 hole",
              "lseek fd 16384 data", "lseek fd 20000 data", "lseek fd 20000 hole",
              "lseek fd -1 data", "lseek fd 0 cur"});
  CHECK(Run(before) == std::vector<std::string>{"0", "4096", "12288", "16384", "ENXIO", "ENXIO",
                                                "ENXIO", "ENXIO", "16384"});
  const Scenario after = OneProcess(
      files, {"fd = open /f rw", "v = pread fd 8192 1", "pwrite fd 16384 'x'",
              "lseek fd 5000 data", "lseek fd 8192 hole", "lseek fd 16385 hole",
              "lseek fd 16390 data"});
  CHECK(Run(after) == std::vector<std::string>{"0", "1", "1", "8192", "20000", "20000", "16390"});
}

TEST_CASE("O_APPEND: write and pwrite go to the end; the position follows write only") {
  const Scenario s = OneProcess(kFile, {"fd = open /f rw append", "pwrite fd 0 'P'",
                                        "lseek fd 0 cur", "write fd 'W'", "lseek fd 0 cur",
                                        "lseek fd 0 end"});
  Machine m = BuildInitialMachine(s, Design::kMapSync);
  CHECK(Results(m, s) == std::vector<std::string>{"0", "1", "0", "1", "4098", "4098"});
  CHECK(m.inode(m.names.at("/f")).tree.count(0) == 0);  // block 0 never written
  CHECK(Bytes(m, "/f", 4096, 4098) == std::vector<uint8_t>{'P', 'W'});
}

TEST_CASE("a descriptor is readable and writable only as its access mode says") {
  const Scenario s = OneProcess(
      kFile, {"w = open /f wo", "v = pread w 0 1", "m = mmap w 0 4096 shared", "write w 'x'",
              "o = open /f ro", "write o 'x'", "pwrite o 0 'x'", "writev o 'x' 'y'",
              "u = pread o 0 1"});
  CHECK(Run(s) == std::vector<std::string>{"0", "EBADF", "EACCES", "1", "0", "EBADF", "EBADF",
                                           "EBADF", "1"});
}

TEST_CASE("O_TRUNC cuts an existing file to 0 in the open's own step and logs the size") {
  const Scenario s = OneProcess(kFile, {"fd = open /f ro trunc", "fsync fd"});
  Machine m = BuildInitialMachine(s, Design::kMapSync);
  const StepReport open = StepProcess(m, s, 0);
  CHECK(open.step.result == "0");
  CHECK(open.step.text.find("truncated: size 0 logged in transaction 1") != std::string::npos);
  CHECK(m.inode(m.names.at("/f")).size_bytes == 0);
  CHECK(m.inode(m.names.at("/f")).core.size_bytes == 0);
  CHECK(m.journal.committed_seq() == 1);
  // O_TRUNC on a file the open creates truncates nothing: it logs only the creation.
  const Scenario created = OneProcess("{}", {"fd = open /g rw creat trunc"});
  Machine fresh = BuildInitialMachine(created, Design::kMapSync);
  CHECK(StepProcess(fresh, created, 0).step.text.find("truncated") == std::string::npos);
  CHECK(fresh.journal.committed_seq() == 1);
}

TEST_CASE("O_CREAT | O_EXCL fails on any existing name; O_CREAT needs the parent directory") {
  const Scenario s = OneProcess(
      R"({"/d/f": {"size": 0, "layout": "hole"}})",
      {"a = open /d/f rw creat excl", "b = open /d rw creat excl", "c = open /d/g rw creat excl",
       "e = open /x/g rw creat", "g = open /d/f/h rw creat", "h = open /d rw creat",
       "i = open /d wo", "j = open /d ro trunc", "k = open /d ro"});
  CHECK(Run(s) == std::vector<std::string>{"EEXIST", "EEXIST", "0", "ENOENT", "ENOTDIR",
                                           "EISDIR", "EISDIR", "EISDIR", "0"});
}

TEST_CASE("writev and pwritev are one write of their buffers joined, synced once") {
  const Scenario s = OneProcess(kFile, {"fd = open /f rw dsync", "writev fd 'ab' 'cd' 'e'",
                                        "pwritev fd 10 'x' fill(79, 3)"});
  Machine m = BuildInitialMachine(s, Design::kMapSync);
  std::vector<std::string> texts;
  while (ProcessEnabled(m, s, 0)) texts.push_back(StepProcess(m, s, 0).step.text);
  CHECK(m.processes[0].results == std::map<size_t, std::string>{{0, "0"}, {1, "5"}, {2, "4"}});
  CHECK(Bytes(m, "/f", 0, 5) == std::vector<uint8_t>{'a', 'b', 'c', 'd', 'e'});
  CHECK(Bytes(m, "/f", 10, 14) == std::vector<uint8_t>{'x', 'y', 'y', 'y'});
  // One O_DSYNC promise per call, each over the whole range the call wrote.
  REQUIRE(m.ghost.promises.size() == 2);
  CHECK(m.ghost.promises[0]->begin == 0);
  CHECK(m.ghost.promises[0]->end == 5);
  CHECK(m.ghost.promises[1]->begin == 10);
  CHECK(m.ghost.promises[1]->end == 14);
  // The open, then per call a copy and the three steps of one generic_write_sync.
  CHECK(texts.size() == 1 + 2 * 4);
}

TEST_CASE("a direct vector write needs every buffer sector-aligned") {
  const Scenario s = OneProcess(
      kFile, {"fd = open /f rw direct", "pwritev fd 0 fill(61, 2048) fill(62, 2048)",
              "pwritev fd 0 fill(61, 4096) ''", "writev fd fill(63, 4096)", "lseek fd 0 cur"},
      R"({"background": "none", "sector_bytes": 512})");
  CHECK(Run(s) == std::vector<std::string>{"0", "4096", "4096", "4096", "4096"});
  const Scenario unaligned = OneProcess(
      kFile, {"fd = open /f rw direct", "pwritev fd 0 fill(61, 100) fill(62, 412)"},
      R"({"background": "none", "sector_bytes": 512})");
  CHECK(Run(unaligned) == std::vector<std::string>{"0", "EINVAL"});
}

}  // namespace
}  // namespace crashsim
