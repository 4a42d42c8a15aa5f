#include "cli/args.h"

#include <doctest/doctest.h>

namespace crashsim {
namespace {

std::string ErrorOf(const std::vector<std::string>& words) {
  StatusOr<Args> args = ParseArgs(words);
  REQUIRE_FALSE(args.ok());
  return args.status().message();
}

TEST_CASE("run takes files and the options --model, --json, --max-states and --max-images") {
  StatusOr<Args> args = ParseArgs({"run", "a.json", "--model", "per-vma", "--json=out.json",
                                   "--max-states", "500", "--max-images", "7000", "b.json"});
  REQUIRE(args.ok());
  CHECK(args->command == Command::kRun);
  CHECK(args->paths == std::vector<std::string>{"a.json", "b.json"});
  CHECK(args->models == std::vector<Design>{Design::kPerVma});
  CHECK(args->json_path == "out.json");
  CHECK(args->max_states == 500u);
  CHECK(args->max_images == 7000u);
}

TEST_CASE("without options nothing is restricted, written or budgeted") {
  StatusOr<Args> args = ParseArgs({"check", "scenarios"});
  REQUIRE(args.ok());
  CHECK(args->command == Command::kCheck);
  CHECK(args->paths == std::vector<std::string>{"scenarios"});
  CHECK(args->models.empty());
  CHECK_FALSE(args->json_path.has_value());
  CHECK_FALSE(args->max_states.has_value());
}

TEST_CASE("--model may be repeated and the models keep the canonical design order") {
  StatusOr<Args> args = ParseArgs(
      {"check", "--model", "per-vma", "--model=kernel-tracked", "d", "--model", "per-vma"});
  REQUIRE(args.ok());
  CHECK(args->models == std::vector<Design>{Design::kKernelTracked, Design::kPerVma});
}

TEST_CASE("an unknown model is an error that lists the valid names") {
  CHECK(ErrorOf({"run", "--model", "bogus", "a.json"}) ==
        "unknown model 'bogus' for --model; the models are: kernel-tracked, map-sync, "
        "daxfile-untracked, daxfile-tracked, per-vma");
}

TEST_CASE("an unknown option is an error that points to the command's help") {
  CHECK(ErrorOf({"run", "--foo", "a.json"}) == "unknown option '--foo' (see crashsim run --help)");
  CHECK(ErrorOf({"check", "d", "--foo=1"}) == "unknown option '--foo' (see crashsim check --help)");
  CHECK(ErrorOf({"run", "-x", "a.json"}) == "unknown option '-x' (see crashsim run --help)");
}

TEST_CASE("--jobs, --shard, --sample, --seed and --stats are parsed and checked") {
  StatusOr<Args> args = ParseArgs({"run", "--jobs", "4", "--shard=2/3", "--sample", "10",
                                   "--seed", "0", "--stats", "s.json", "a.json"});
  REQUIRE(args.ok());
  CHECK(args->jobs == 4);
  REQUIRE(args->shard.has_value());
  CHECK(args->shard->index == 2);
  CHECK(args->shard->count == 3);
  CHECK(args->sample == 10);
  CHECK(args->seed == 0);
  CHECK(args->stats_path == "s.json");
  CHECK(ParseArgs({"check", "d"})->jobs == 1);
  CHECK(ErrorOf({"run", "--jobs", "0", "a"}) ==
        "--jobs needs a positive whole number of threads, not '0'");
  for (const char* shard : {"0/2", "3/2", "2", "1/0", "a/b", "1/2/3"}) {
    CAPTURE(shard);
    CHECK(ErrorOf({"run", "--shard", shard, "a"}) ==
          std::string("--shard needs I/N with 1 <= I <= N (e.g. --shard 2/4), not '") + shard +
              "'");
  }
  CHECK(ErrorOf({"run", "--seed", "5", "a"}) == "--seed needs --sample N");
  CHECK(ErrorOf({"run", "--sample", "2", "--seed", "-1", "a"}) ==
        "--seed needs a whole number from 0 to 2^64-1, not '-1'");
  CHECK(ErrorOf({"run", "--jobs", "2", "--jobs", "3", "a"}) == "--jobs given twice");
  CHECK(ErrorOf({"check", "--shard", "1/2", "--baseline", "b.json", "d"}) ==
        "--baseline compares whole runs; with --shard, merge the shards' JSON reports first");
}

TEST_CASE("merge takes shard reports and the report outputs, nothing that runs scenarios") {
  StatusOr<Args> args = ParseArgs({"merge", "--json", "m.json", "s1.json", "s2.json"});
  REQUIRE(args.ok());
  CHECK(args->command == Command::kMerge);
  CHECK(args->paths == std::vector<std::string>{"s1.json", "s2.json"});
  CHECK(ErrorOf({"merge"}) == "no shard reports given (see crashsim merge --help)");
  CHECK(ErrorOf({"merge", "--jobs", "2", "s.json"}) ==
        "unknown option '--jobs' (see crashsim merge --help)");
}

TEST_CASE("explain needs one file, one model and the violation") {
  StatusOr<Args> args =
      ParseArgs({"explain", "a.json", "--model", "map-sync", "--violation", "msync"});
  REQUIRE(args.ok());
  CHECK(args->command == Command::kExplain);
  CHECK(args->violation == "msync");
  CHECK(ErrorOf({"explain", "a.json", "--violation", "1"}) == "explain needs one --model NAME");
  CHECK(ErrorOf({"explain", "a.json", "--model", "map-sync"}) ==
        "explain needs --violation K (a violated name, or its number)");
  CHECK(ErrorOf({"explain", "a.json", "b.json", "--model", "map-sync", "--violation", "1"}) ==
        "explain takes one scenario file");
  CHECK(ErrorOf({"explain", "a.json", "--model", "map-sync", "--violation", "1", "--json",
                 "x"}) == "unknown option '--json' (see crashsim explain --help)");
}

TEST_CASE("run and check write the HTML, Markdown, JUnit and DOT outputs they are given") {
  for (const char* command : {"run", "check"}) {
    CAPTURE(command);
    StatusOr<Args> args = ParseArgs({command, "--html", "r.html", "--md=r.md", "--junit",
                                     "j.xml", "--dot", "graphs", "a.json"});
    REQUIRE(args.ok());
    CHECK(args->html_path == "r.html");
    CHECK(args->markdown_path == "r.md");
    CHECK(args->junit_path == "j.xml");
    CHECK(args->dot_dir == "graphs");
    CHECK(args->paths == std::vector<std::string>{"a.json"});
  }
  StatusOr<Args> none = ParseArgs({"run", "a.json"});
  REQUIRE(none.ok());
  CHECK_FALSE(none->html_path.has_value());
  CHECK_FALSE(none->markdown_path.has_value());
  CHECK_FALSE(none->junit_path.has_value());
  CHECK_FALSE(none->dot_dir.has_value());
  CHECK(ErrorOf({"run", "a.json", "--html", "x", "--html=y"}) ==
        "--html given twice; a run has one HTML report");
  CHECK(ErrorOf({"run", "a.json", "--dot="}) == "--dot needs a directory name");
  CHECK(ErrorOf({"run", "a.json", "--md", ""}) == "--md needs a file name");
}

TEST_CASE("check takes --baseline and --update-baseline; run refuses them") {
  StatusOr<Args> args = ParseArgs({"check", "--baseline", "b.json", "scenarios"});
  REQUIRE(args.ok());
  CHECK(args->baseline_path == "b.json");
  CHECK_FALSE(args->update_baseline);
  args = ParseArgs({"check", "--update-baseline", "--baseline=b.json", "scenarios"});
  REQUIRE(args.ok());
  CHECK(args->update_baseline);
  CHECK(ErrorOf({"check", "--update-baseline", "scenarios"}) ==
        "--update-baseline needs --baseline FILE, the file to rewrite");
  CHECK(ErrorOf({"check", "--update-baseline=yes", "--baseline", "b", "scenarios"}) ==
        "--update-baseline takes no value");
  CHECK(ErrorOf({"check", "--update-baseline", "--baseline", "b", "--model", "per-vma", "d"}) ==
        "--update-baseline records every model; it cannot be used with --model");
  CHECK(ErrorOf({"run", "--baseline", "b.json", "a.json"}) ==
        "unknown option '--baseline' (see crashsim run --help)");
  CHECK(ErrorOf({"run", "--update-baseline", "a.json"}) ==
        "unknown option '--update-baseline' (see crashsim run --help)");
  CHECK(HelpText("check").find("--baseline FILE") != std::string::npos);
  CHECK(HelpText("check").find("--update-baseline") != std::string::npos);
  CHECK(HelpText("run").find("--baseline FILE") == std::string::npos);
}

TEST_CASE("fix suggestions: on for run and explain, off for check, --fix and --no-fix say so") {
  StatusOr<Args> args = ParseArgs({"run", "a.json"});
  REQUIRE(args.ok());
  CHECK(args->FixWanted());
  args = ParseArgs({"run", "--no-fix", "a.json"});
  REQUIRE(args.ok());
  CHECK_FALSE(args->FixWanted());
  args = ParseArgs({"check", "scenarios"});
  REQUIRE(args.ok());
  CHECK_FALSE(args->FixWanted());
  args = ParseArgs({"check", "--fix", "scenarios"});
  REQUIRE(args.ok());
  CHECK(args->FixWanted());
  args = ParseArgs({"explain", "a.json", "--model", "per-vma", "--violation", "1"});
  REQUIRE(args.ok());
  CHECK(args->FixWanted());
  CHECK(ErrorOf({"run", "--fix", "--no-fix", "a.json"}) ==
        "--fix and --no-fix: give one of them, once");
  CHECK(ErrorOf({"run", "--fix=yes", "a.json"}) == "--fix takes no value");
  CHECK(ErrorOf({"merge", "--no-fix", "s1.json"}) ==
        "unknown option '--no-fix' (see crashsim merge --help)");
  args = ParseArgs({"outcomes", "a.json"});
  REQUIRE(args.ok());
  CHECK_FALSE(args->FixWanted());
  CHECK(ErrorOf({"outcomes", "--fix", "a.json"}) ==
        "unknown option '--fix' (see crashsim outcomes --help)");
  CHECK(HelpText("run").find("--no-fix") != std::string::npos);
  CHECK(HelpText("check").find("--fix") != std::string::npos);
  CHECK(HelpText("explain").find("--no-fix") != std::string::npos);
}

TEST_CASE("no files, a missing value or a bad budget is an error") {
  CHECK(ErrorOf({"run"}) == "no scenario files given (see crashsim run --help)");
  CHECK(ErrorOf({"check", "--model", "per-vma"}) ==
        "no scenario files given (see crashsim check --help)");
  CHECK(ErrorOf({"run", "a.json", "--json"}) ==
        "option '--json' needs a value (see crashsim run --help)");
  CHECK(ErrorOf({"run", "a.json", "--max-states", "0"}) ==
        "--max-states needs a positive whole number of states, not '0'");
  CHECK(ErrorOf({"run", "a.json", "--max-images", "0"}) ==
        "--max-images needs a positive whole number of images, not '0'");
  CHECK(ErrorOf({"run", "a.json", "--max-images", "1", "--max-images", "2"}) ==
        "--max-images given twice");
  CHECK(ErrorOf({"run", "a.json", "--max-states", "12k"}) ==
        "--max-states needs a positive whole number of states, not '12k'");
  CHECK(ErrorOf({"run", "a.json", "--max-states", "99999999999999999999"}) ==
        "--max-states needs a positive whole number of states, not '99999999999999999999'");
  CHECK(ErrorOf({"run", "a.json", "--json", "x", "--json", "y"}) ==
        "--json given twice; a run has one JSON report");
}

TEST_CASE("everything after -- is a path even when it starts with a dash") {
  StatusOr<Args> args = ParseArgs({"run", "--", "--model", "-"});
  REQUIRE(args.ok());
  CHECK(args->paths == std::vector<std::string>{"--model", "-"});
  CHECK(args->models.empty());
}

TEST_CASE("help and version are commands of their own") {
  StatusOr<Args> help = ParseArgs({"--help"});
  REQUIRE(help.ok());
  CHECK(help->command == Command::kHelp);
  CHECK(help->help_topic.empty());
  StatusOr<Args> run_help = ParseArgs({"run", "a.json", "--bogus", "--help"});
  REQUIRE(run_help.ok());
  CHECK(run_help->command == Command::kHelp);
  CHECK(run_help->help_topic == "run");
  StatusOr<Args> check_help = ParseArgs({"help", "check"});
  REQUIRE(check_help.ok());
  CHECK(check_help->help_topic == "check");
  StatusOr<Args> version = ParseArgs({"--version"});
  REQUIRE(version.ok());
  CHECK(version->command == Command::kVersion);
}

TEST_CASE("no command or an unknown one is an error") {
  CHECK(ErrorOf({}) == "no command given (see crashsim --help)");
  CHECK(ErrorOf({"frobnicate", "a.json"}) == "unknown command 'frobnicate' (see crashsim --help)");
  CHECK(ErrorOf({"--verbose"}) == "unknown option '--verbose' (see crashsim --help)");
}

TEST_CASE("each help text names the commands, the options with defaults and the exit statuses") {
  const std::string overview = HelpText("");
  CHECK(overview.find("crashsim run") != std::string::npos);
  CHECK(overview.find("crashsim check") != std::string::npos);
  CHECK(overview.find("Exit status") != std::string::npos);
  for (const char* topic : {"run", "check"}) {
    CAPTURE(topic);
    const std::string help = HelpText(topic);
    CHECK(help.find(std::string("Usage: crashsim ") + topic) == 0);
    for (const char* word : {"--model NAME", "--json FILE", "--html FILE", "--md FILE",
                             "--junit FILE", "--dot DIR", "--max-states N", "--max-images N", "default",
                             "daxfile-untracked", "Exit status", "  3  ", "  4  an internal error",
                             "128+N  interrupted", "then 4, then 2, then 1, then 3", "Example"}) {
      CAPTURE(word);
      CHECK(help.find(word) != std::string::npos);
    }
  }
}

TEST_CASE("no line of help is wider than eighty columns") {
  for (const char* topic : {"", "run", "check", "merge", "explain"}) {
    const std::string help = HelpText(topic);
    size_t start = 0;
    while (start < help.size()) {
      const size_t end = help.find('\n', start);
      CAPTURE(help.substr(start, end - start));
      CHECK(end - start <= 80);
      start = end + 1;
    }
  }
}

}  // namespace
}  // namespace crashsim
