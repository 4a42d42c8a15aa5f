// sync_file_range (docs/semantics.md 2.4): one inner step per flag, WB_SYNC_NONE writeback unless
// all three flags are given, DAX entries only with all three; never a log force, a device flush
// or a promise in the ledger.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "sim/program/program.h"
#include "sim/program/setup.h"
#include "sim/scenario/loader.h"

namespace crashsim {
namespace {

// `check` is the scenario's one assertion; the results it compares are recorded.
Scenario Load(const std::string& files, const std::vector<std::string>& ops,
              const std::string& check = "done(P1.s) -> P1.s == 0") {
  std::string program;
  for (const std::string& op : ops) program += (program.empty() ? "\"" : ", \"") + op + "\"";
  auto loaded = LoadScenarioText(
      R"({"crashsim": 1, "name": "range-sync", "config": {"background": "none"}, "files": )" +
          files + R"(, "processes": {"P1": [)" + program +
          R"(]}, "assert": [{"name": "r", "check": ")" + check + R"("}]})",
      "range-sync-test.json");
  REQUIRE_MESSAGE(loaded.ok(), (loaded.ok() ? "" : loaded.status().message()));
  return *loaded;
}

// Steps P1 to its end; returns each step's trace text.
std::vector<std::string> Run(Machine& machine, const Scenario& scenario) {
  std::vector<std::string> texts;
  while (ProcessEnabled(machine, scenario, 0)) {
    texts.push_back(StepProcess(machine, scenario, 0).step.text);
  }
  return texts;
}

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

const std::string kHole = R"({"/f": {"size": 0, "layout": "hole"}})";

TEST_CASE("with all three flags: every dirty page written and waited for, nothing forced") {
  const Scenario s = Load(kHole, {"fd = open /f rw", "write fd fill(41, 8192)",
                                  "s: sync_file_range fd 0 0 wait_before write wait_after"});
  Machine m = BuildInitialMachine(s, Design::kMapSync);
  const std::vector<std::string> texts = Run(m, s);
  REQUIRE(texts.size() == 5);  // open, write, then one step per flag
  CHECK(Contains(texts[2], "wait before: 0 bio(s) completed"));
  CHECK(Contains(texts[3], "2 dirty page(s) submitted (WB_SYNC_ALL)"));
  CHECK(Contains(texts[4], "wait after: 2 bio(s) completed; no log force, no device flush"));
  CHECK(m.processes[0].results.at(2) == "0");
  CHECK(m.bios.empty());
  // Writeback allocated and its completion logged, but nothing forced the journal, nothing
  // flushed the device, and no promise was made.
  CHECK(m.journal.committed_seq() > 0);
  CHECK(m.journal.forced_seq() == 0);
  CHECK_FALSE(m.device.pending().empty());
  CHECK(m.ghost.promises.empty());
}

TEST_CASE("write alone starts WB_SYNC_NONE writeback, skipping pages already under writeback") {
  const Scenario s = Load(kHole, {"fd = open /f rw", "write fd fill(41, 8192)",
                                  "sync_file_range fd 0 4096 write",
                                  "pwrite fd 0 'B'", "sync_file_range fd 0 0 write",
                                  "s: sync_file_range fd 0 0 wait_before write wait_after"});
  Machine m = BuildInitialMachine(s, Design::kMapSync);
  const std::vector<std::string> texts = Run(m, s);
  REQUIRE(texts.size() == 8);
  // Page 0 only (the range), not waited for; then page 0 dirty again but under writeback is
  // skipped, page 1 is taken; with all three flags page 0 goes again.
  CHECK(Contains(texts[2], "1 dirty page(s) submitted (WB_SYNC_NONE)"));
  CHECK(Contains(texts[4], "1 dirty page(s) submitted (WB_SYNC_NONE)"));
  CHECK(Contains(texts[6], "1 dirty page(s) submitted (WB_SYNC_ALL)"));
  CHECK(m.ghost.promises.empty());
  CHECK(m.journal.forced_seq() == 0);
}

TEST_CASE("no flags, a directory, a bad descriptor") {
  const Scenario s = Load(R"({"/d/f": {"size": 4096, "layout": "written", "fill": "41"}})",
                          {"fd = open /d/f rw", "a: sync_file_range fd 0 0", "d = open /d ro",
                           "b: sync_file_range d 0 0 write wait_after", "close fd",
                           "c: sync_file_range fd 0 0 write"},
                          "P1.a == 0 && P1.b == 0 && P1.c == EBADF");
  Machine m = BuildInitialMachine(s, Design::kMapSync);
  const std::vector<std::string> texts = Run(m, s);
  CHECK(Contains(texts[1], "no flags: nothing to do"));
  CHECK(Contains(texts[3], "a directory: no data pages"));
  CHECK(m.processes[0].results ==
        std::map<size_t, std::string>{{1, "0"}, {3, "0"}, {5, "EBADF"}});
}

TEST_CASE("DAX: WB_SYNC_NONE leaves dirty entries; all three flags write them back, unfenced") {
  const Scenario s = Load(
      R"({"/f": {"size": 4096, "layout": "written", "fill": "00", "dax": true}})",
      {"fd = open /f rw", "m = mmap fd 0 4096 shared", "store m+0 'X'",
       "sync_file_range fd 0 0 write", "s: sync_file_range fd 0 0 wait_before write wait_after"});
  Machine m = BuildInitialMachine(s, Design::kKernelTracked);
  const std::vector<std::string> texts = Run(m, s);
  const uint32_t ino = m.names.at("/f");
  bool write_only = false, all = false;
  for (const std::string& text : texts) {
    write_only = write_only || Contains(text, "DAX entries untouched (WB_SYNC_NONE)");
    all = all || Contains(text, "DAX writeback: 1 dirty page(s) write-protected");
  }
  CHECK(write_only);
  CHECK(all);
  CHECK(m.inode(ino).tree.empty());  // the entry written back and clean
  // The store's line is written back (dax_flush) but still pending: no device flush followed.
  const auto& marks = m.device.flush_marks();
  const bool written_back =
      std::find(marks.begin(), marks.end(), LineFlush::kKernelWrittenBack) != marks.end();
  CHECK(written_back);
  CHECK_FALSE(m.processes[0].ptes.at({"m", 0}).writable);  // write-protected
  CHECK(m.ghost.promises.empty());
}

}  // namespace
}  // namespace crashsim
