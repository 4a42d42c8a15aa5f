#include "kcheck/protocol.h"

#include <doctest/doctest.h>

namespace crashsim::kcheck {
namespace {

TEST_CASE("bytes round-trip through their text form, runs compressed") {
  std::vector<uint8_t> bytes(4096, 0x41);
  bytes[100] = 0;
  bytes.push_back(1);
  const std::string text = EncodeBytes(bytes);
  CHECK(text == "41*100.00.41*3995.01");
  CHECK(DecodeBytes(text) == bytes);
  CHECK(EncodeBytes({}) == "-");
  CHECK(DecodeBytes("-") == std::vector<uint8_t>{});
  CHECK_FALSE(DecodeBytes("4").has_value());
  CHECK_FALSE(DecodeBytes("zz").has_value());
  CHECK_FALSE(DecodeBytes("41*0").has_value());
}

TEST_CASE("a job round-trips") {
  Job job;
  JobScenario scenario;
  scenario.name = "s";
  scenario.fs = "ext4-ordered";
  scenario.background = false;
  scenario.crash_check = true;
  scenario.dirs = {"/d"};
  scenario.files = {JobFile{"/d/f", 8192, false, {JobPiece{0, 4096, "written", 0x5a},
                                                   JobPiece{4096, 4096, "hole", 0}}}};
  scenario.view_paths = {"/d/f", "/d/g"};
  scenario.ops = {JobOp{"open", {"P.fd", "/d/f", "rw,direct"}}, JobOp{"sync", {}}};
  job.scenarios = {scenario, scenario};
  Job parsed;
  std::string error;
  REQUIRE_MESSAGE(ParseJob(WriteJob(job), &parsed, &error), error);
  REQUIRE(parsed.scenarios.size() == 2);
  const JobScenario& back = parsed.scenarios[1];
  CHECK(back.fs == "ext4-ordered");
  CHECK_FALSE(back.background);
  CHECK(back.crash_check);
  CHECK_FALSE(back.pmem);
  REQUIRE(back.files.size() == 1);
  CHECK(back.files[0].pieces[0].fill == 0x5a);
  CHECK(back.files[0].pieces[1].layout == "hole");
  CHECK(back.view_paths == scenario.view_paths);
  CHECK(back.ops[0].args == std::vector<std::string>{"P.fd", "/d/f", "rw,direct"});
  CHECK(back.ops[1].kind == "sync");
}

TEST_CASE("a job with a line it does not know is refused with its line number") {
  Job job;
  std::string error;
  CHECK_FALSE(ParseJob("kcheck-job 1\nscenario s\nbogus\n", &job, &error));
  CHECK(error == "job line 3: unknown line: bogus");
}

TEST_CASE("results round-trip, and a scenario cut short is reported as such") {
  ScenarioResult result;
  result.name = "s";
  result.dax = {{"/f", true}};
  result.ops = {OpResult{"0", std::nullopt}, OpResult{"4", std::vector<uint8_t>{1, 2, 3, 4}}};
  result.log_entries = 7;
  result.points = {ReplayPoint{1, 5, "mark:op-1", "",
                               {ResultFile{"/f", true, 3, {9, 9, 9}},
                                ResultFile{"/d", false, 0, {}, "dir"},
                                ResultFile{"/l", false, 0, {}, "link:/d/x"}}},
                   ReplayPoint{2, 6, "flush", "mount: EUCLEAN", {}}};
  Results parsed;
  std::string error;
  const std::string text = WriteScenarioResult(result) + "result t\nop 0\n";
  REQUIRE_MESSAGE(ParseResults(text, &parsed, &error), error);
  REQUIRE(parsed.scenarios.size() == 2);
  const ScenarioResult& back = parsed.scenarios[0];
  CHECK(back.dax == result.dax);
  CHECK(back.ops[1].read == result.ops[1].read);
  CHECK(back.log_entries == 7);
  REQUIRE(back.points.size() == 2);
  CHECK(back.points[0].files[0].bytes == std::vector<uint8_t>{9, 9, 9});
  CHECK(back.points[0].files[0].special.empty());
  CHECK(back.points[0].files[1].special == "dir");
  CHECK(back.points[0].files[2].special == "link:/d/x");
  CHECK(back.points[1].mount_error == "mount: EUCLEAN");
  CHECK(parsed.scenarios[1].setup_error == "the runner stopped before this scenario was done");
}

}  // namespace
}  // namespace crashsim::kcheck
