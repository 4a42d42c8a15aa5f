#include "cli/args.h"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <map>
#include <set>

namespace crashsim {
namespace {

constexpr const char* kExitStatusText =
    R"(Exit status (the same for run, check and merge, over all files given):
  0  every scenario's verdict equals its "expect" (no "expect": expected
     clean) and, with --baseline, the baseline
  1  some verdict differs from its "expect" or from the baseline: a violation
     "expect" does not name, or one it names that a run covering its whole
     space did not find (one shard of a --shard run: names a violation that
     "expect" does not)
  2  invalid input (a file that does not load, a path that does not exist, an
     unknown option, no files given, two outputs naming one file, a baseline
     that does not read, an output that cannot be written) or an op that is
     not modelled yet
  3  a state budget or an image budget ran out before the space was covered
     and nothing else failed: never a pass. A budget-cut run that found only
     violations "expect" names, but not all of them, is 3 too ("expected
     violation not reached within the budget"), not 1
  4  an internal error: a bug in crashsim (an internal check failed) ended a
     run; stderr and the reports name the scenario, model, step and check,
     and every other run is still reported
  128+N  interrupted by signal N (130 SIGINT, 143 SIGTERM): the runs not
     finished are reported as interrupted, never as a pass, and every report
     asked for is written; a second signal ends crashsim at once
  When several apply: 128+N, then 4, then 2, then 1, then 3. Every file is
  still run and reported. Report files are written whole (a temporary file
  renamed into place); those of an earlier run are removed when a run starts.
)";

// `text` broken at spaces into lines of at most `width` columns, each indented by `indent`.
std::string Wrapped(const std::string& text, size_t indent, size_t width) {
  std::string out, line;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(' ', start);
    if (end == std::string::npos) end = text.size();
    const std::string word = text.substr(start, end - start);
    if (!line.empty() && indent + line.size() + 1 + word.size() > width) {
      out += std::string(indent, ' ') + line + "\n";
      line.clear();
    }
    line += (line.empty() ? "" : " ") + word;
    start = end + 1;
  }
  out += std::string(indent, ' ') + line;
  return out;
}

std::string OverviewHelp() {
  return fmt::format(R"(crashsim {}: a deterministic crash-consistency simulator.
It runs small scenarios (JSON litmus tests: files, processes, what must hold
after a crash) on a model of a Linux file system with DAX and persistent
memory, explores every schedule and every persistent image a crash may leave,
and reports which durability guarantees break under five DAX designs.

Usage:
  crashsim run [OPTIONS] FILE...
      run scenarios, print the verdict matrix and each violation's trace
  crashsim check [OPTIONS] DIR|FILE...
      CI mode: one line per scenario that differs from its "expect" or
      from a recorded baseline, and one overall line
  crashsim outcomes [OPTIONS] FILE...
      list every value a crash can leave in each observed item, per model,
      each with one crash that leaves it
  crashsim explain FILE --model NAME --violation K
      one violation's minimal trace, step by step, with the state of the
      lines, pages, extents and journal at the crash
  crashsim merge SHARD.json... [--json FILE]
      join the JSON reports of the shards of a --shard run into the report
      of the whole run
  crashsim kernel-check [--fs NAME] [--json FILE] DIR|FILE...
      run scenarios on Linux 6.1 under QEMU and check that every result and
      every crash state it produces is one the model allows
  crashsim COMMAND --help
      the options of a command
  crashsim --version
      print the version

{}
Examples:
  crashsim run --html report.html mixed-mode-fsync.json
  crashsim check --baseline reports/baseline.json --junit junit.xml scenarios
  crashsim explain l7-mixed-modes-msync.json --model daxfile-untracked \
      --violation msync
)",
                     kCrashsimVersion, kExitStatusText);
}

// The options of run and check; `extra` holds the lines of the options only one command has.
std::string OptionsHelp(const std::string& extra = "") {
  return fmt::format(R"(Options:
  --model NAME    run only this model; repeatable. A scenario runs the models
                  it names that are also given here (default: all it names).
{}
  --json FILE     also write the JSON report of all scenarios to FILE
                  (reports/report-schema.md describes it)
  --html FILE     also write a self-contained HTML report to FILE: the
                  coloured verdict matrix and each violation's timeline
  --md FILE       also write the same report as Markdown to FILE, for an
                  issue or a mailing-list post
  --junit FILE    also write JUnit XML to FILE: one test case per scenario
                  and model; a verdict that differs is a failure
  --dot DIR       also write each violation's persist graph to
                  DIR/SCENARIO.MODEL.NAME.dot (DIR is created if missing)
                  (default for each of these five: not written)
  --max-states N  budget of distinct machine states per scenario and model
                  (default: no budget); a run that reaches it is reported as
                  budget-exhausted, never as a pass
  --max-images N  budget of crash images checked per scenario and model
                  (default: no budget), reported the same way; every report
                  names which budget ran out, where and how far the run got
  --jobs N        check the states on N threads (default 1); every report is
                  the same for every N
  --shard I/N     walk and check only part I of N of the states (1 <= I <= N):
                  past half the walk's depth, once a depth is wide, each
                  part walks its own block of it (with a budget, --sample,
                  outcomes, or stores through a mapping, each part walks
                  everything and checks its share). The JSON
                  reports of the N parts join with "crashsim merge"
                  into the report of the whole run. A part alone exits 1
                  only on a violation that "expect" does not name. Under a
                  sharded "bazel test" (TEST_TOTAL_SHARDS set) it is implied
  --sample N      instead of every schedule, N seeded random schedules, each
                  state on them checked with one drawn crash image; the
                  report says "sampled" and the seed
  --seed S        the seed of --sample (default 0); the same seed gives the
                  same report
  --stats FILE    also write work counters (states, steps, revisits, images,
                  wall time, peak memory) as JSON to FILE; they depend on the
                  machine and the split, so they are never in a report
{}  -h, --help      show this help
  --              everything after it is a path, even when it starts with '-'
)",
                     Wrapped("NAME: " + ModelNameList(), 18, 80), extra);
}

std::string RunHelp() {
  return fmt::format(R"(Usage: crashsim run [OPTIONS] FILE...

Runs each scenario file under each of its models and prints the verdict matrix:
one row per scenario, one column per model, each cell "ok" or the violated
guarantee and assertion names; "!" marks a verdict that differs from the
scenario's "expect", with the expected set on the line below. Then every
violation with its trace: the promise, the schedule, the crash point, the
persist events the crash lost, and what was read against what was promised.
A file that does not load is reported on stderr; the others still run.

{}
{}
Example:
  crashsim run --model map-sync --model per-vma mixed-mode-fsync.json
)",
                     OptionsHelp(R"(  --no-fix        do not suggest fixes. By default, for a violated assertion
                  caused by a missing ordering (a flush without a fence, a
                  store never flushed, a missing fsync, fdatasync or
                  directory fsync), the report names the missing op and where,
                  and re-runs the scenario with it inserted: "fix verified" or
                  "not enough" (at most 3 candidates per violation)
  --fix           the default of run, stated
)"),
                     kExitStatusText);
}

std::string OutcomesHelp() {
  return R"(Usage: crashsim outcomes [OPTIONS] FILE...

Runs each scenario under each of its models like "crashsim run" and lists,
instead of the verdicts, what a crash can leave: for every item of the
scenario's "observe" list and every item its assertions read (a file range,
size(/path) or exists(/path)), every distinct recovered value, each with one
witness: the schedule, the crash point and the persist events the crash lost.
Runs whose lists are the same are shown once, naming their models. An item
with more than 64 distinct values lists the 64 least and says so.

Options:
  --model NAME    list only this model; repeatable (default: every model the
                  scenario names)
  --json FILE     also write the outcomes as JSON to FILE
                  (reports/report-schema.md, "Outcomes report")
  --html FILE     also write them as a self-contained HTML page to FILE
  --md FILE       also write them as Markdown to FILE
  --max-states N  budget of distinct machine states per scenario and model
  --max-images N  budget of crash images read per scenario and model; a run
                  cut by either says so and lists what it reached
  --jobs N        check the states on N threads (default 1); the output is
                  the same for every N
  --sample N      N seeded random schedules instead of all of them, each
                  state checked with one drawn crash image (said so)
  --seed S        the seed of --sample (default 0)
  --stats FILE    also write work counters as JSON to FILE
  -h, --help      show this help

Exit status: 0 when every file loaded and ran, whatever was observed, also
when a budget cut a run or a verdict differs from "expect" (the listing says
so); 2 on invalid input; 4 on an internal error (a bug in crashsim); 128+N
when signal N interrupted it.

Example:
  crashsim outcomes --html outcomes.html commit-store-flush-no-fence-256.json
)";
}

std::string MergeHelp() {
  return fmt::format(R"(Usage: crashsim merge [OPTIONS] SHARD.json...

Joins the JSON reports written by "crashsim run --shard I/N --json FILE" (or
check) for I = 1..N into the report of the unsharded run, prints it like
"crashsim run" and exits as that run would. Every shard must be given exactly
once, all of the same runs (same scenarios, models and options).

Options:
  --json FILE     write the merged JSON report to FILE
  --html FILE     write the merged HTML report to FILE
  --md FILE       write the merged Markdown report to FILE
  --junit FILE    write the merged JUnit XML to FILE
  --dot DIR       write each violation's persist graph under DIR
  -h, --help      show this help

{}
Example:
  crashsim run --shard 1/2 --json s1.json big.json
  crashsim run --shard 2/2 --json s2.json big.json
  crashsim merge --json big-report.json s1.json s2.json
)",
                     kExitStatusText);
}

std::string ExplainHelp() {
  return R"(Usage: crashsim explain FILE --model NAME --violation K

Runs one scenario under one model and prints one violation's trace, step by
step: the promise that was broken, the shortest schedule that breaks it (other
processes' steps that do not matter are not in it), the crash point, the
smallest set of lost persist events that still breaks it, the state of the
involved cache lines, pages, extents and journal records at the crash, and
what the read returned against what was promised.

Options:
  --model NAME     the model (required, once)
  --violation K    the violated guarantee or assertion name as the report
                   shows it, or its number (from 1) in the report's order
  --md FILE        also write the trace as Markdown to FILE
  --html FILE      also write the trace as a self-contained HTML page to FILE
  --max-states N   budget of distinct machine states (default: no budget)
  --max-images N   budget of crash images checked (default: no budget)
  --jobs N         check the states on N threads (default 1)
  --no-fix         do not suggest and verify a fix (default: suggested, as in
                   crashsim run)
  --fix            the default, stated
  -h, --help       show this help

Exit status: 0 when the violation was found and explained; 2 on invalid
input, a violation the run does not have included; 3 when a budget ran out
before it was found; 4 on an internal error (a bug in crashsim); 128+N when
signal N interrupted it.

Example:
  crashsim explain scenarios/l7-mixed-modes-msync.json \
      --model daxfile-untracked --violation msync
)";
}

std::string CheckHelp() {
  return fmt::format(R"(Usage: crashsim check [OPTIONS] DIR|FILE...

CI mode: runs like "crashsim run" but prints only a line for each model run
that is not as expected, and one overall line:
  FAIL path: model: got {{...}} expected {{...}}      the verdict differs
  INVALID path: model: ...                        an op not modelled yet
  BUDGET path: model: ...                         cut by a state or image budget
  BASELINE scenario: model: ...                   differs from the baseline
A directory means every *.json file under it, at any depth, in sorted path
order. A file that does not load is reported on stderr; the others still run.

{}
{}
Examples:
  crashsim check --baseline reports/baseline.json scenarios
  crashsim check --baseline reports/baseline.json --update-baseline scenarios
)",
                     OptionsHelp(R"(  --fix           also suggest and verify fixes, as "crashsim run" does by
                  default (each costs a re-run; off by default in check)
  --no-fix        the default of check, stated
  --baseline FILE also compare every run with the baseline recorded in FILE
                  (default: none): new violations, fixed violations, changed
                  traces, runs new or missing; any difference exits 1
  --update-baseline
                  with --baseline: rewrite FILE from this run instead of
                  comparing (refused when some input is invalid, and
                  with --model)
)"),
                     kExitStatusText);
}

Status UnknownOption(const std::string& option, const std::string& command) {
  return Status::Error(
      fmt::format("unknown option '{}' (see crashsim {} --help)", option, command));
}

bool ParsePositive(const std::string& text, uint64_t* value) {
  if (text.empty() || text.size() > 20) return false;
  uint64_t result = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    const uint64_t digit = static_cast<uint64_t>(c - '0');
    if (result > (std::numeric_limits<uint64_t>::max() - digit) / 10) return false;
    result = result * 10 + digit;
  }
  if (result == 0) return false;
  *value = result;
  return true;
}

// "I/N" with 1 <= I <= N.
bool ParseShard(const std::string& text, Shard* shard) {
  const size_t slash = text.find('/');
  if (slash == std::string::npos) return false;
  uint64_t index = 0, count = 0;
  if (!ParsePositive(text.substr(0, slash), &index) ||
      !ParsePositive(text.substr(slash + 1), &count)) {
    return false;
  }
  if (index > count || count > UINT32_MAX) return false;
  *shard = Shard{static_cast<uint32_t>(index), static_cast<uint32_t>(count)};
  return true;
}

// The options each command accepts (besides --help and --).
bool Accepts(Command command, const std::string& option) {
  static const std::set<std::string> kOutputs = {"--json", "--html", "--md", "--junit", "--dot"};
  static const std::set<std::string> kRunOptions = {
      "--model", "--max-states", "--max-images", "--jobs", "--shard", "--sample", "--seed",
      "--stats", "--fix", "--no-fix"};
  switch (command) {
    case Command::kCheck:
      if (option == "--baseline" || option == "--update-baseline") return true;
      [[fallthrough]];
    case Command::kRun:
      return kOutputs.count(option) > 0 || kRunOptions.count(option) > 0;
    case Command::kOutcomes:
      return option == "--json" || option == "--html" || option == "--md" ||
             (kRunOptions.count(option) > 0 && option != "--shard" && option != "--fix" &&
              option != "--no-fix");
    case Command::kMerge:
      return kOutputs.count(option) > 0;
    case Command::kExplain:
      return option == "--model" || option == "--violation" || option == "--md" ||
             option == "--html" || option == "--max-states" || option == "--max-images" ||
             option == "--jobs" || option == "--fix" || option == "--no-fix";
    default:
      return false;
  }
}

// A number option's value: a positive whole number.
Status ParseCount(const std::string& option, const std::string& value, const char* unit,
                  uint64_t* out) {
  if (!ParsePositive(value, out)) {
    return Status::Error(
        fmt::format("{} needs a positive whole number of {}, not '{}'", option, unit, value));
  }
  return Status();
}

// Stores the value of one option in `args`.
Status ParseOption(const std::string& option, const std::string& value, Args* args) {
  auto once = [&](bool given) {
    return given ? Status::Error(fmt::format("{} given twice", option)) : Status();
  };
  if (option == "--model") {
    Design design = Design::kKernelTracked;
    if (!ParseDesign(value, &design)) {
      return Status::Error(fmt::format("unknown model '{}' for --model; the models are: {}",
                                       value, ModelNameList()));
    }
    if (std::find(args->models.begin(), args->models.end(), design) == args->models.end()) {
      args->models.push_back(design);
    }
    return Status();
  }
  static const std::map<std::string, std::pair<std::optional<std::string> Args::*, const char*>>
      kPaths = {{"--json", {&Args::json_path, "JSON report"}},
                {"--html", {&Args::html_path, "HTML report"}},
                {"--md", {&Args::markdown_path, "Markdown report"}},
                {"--junit", {&Args::junit_path, "JUnit report"}},
                {"--dot", {&Args::dot_dir, "DOT directory"}},
                {"--baseline", {&Args::baseline_path, "baseline"}},
                {"--stats", {&Args::stats_path, "statistics file"}}};
  if (auto path = kPaths.find(option); path != kPaths.end()) {
    std::optional<std::string>& target = args->*(path->second.first);
    if (target.has_value()) {
      return Status::Error(
          fmt::format("{} given twice; a run has one {}", option, path->second.second));
    }
    if (value.empty()) {
      return Status::Error(fmt::format("{} needs a {}", option,
                                       option == "--dot" ? "directory name" : "file name"));
    }
    target = value;
    return Status();
  }
  if (option == "--max-states") {
    if (Status status = once(args->max_states.has_value()); !status.ok()) return status;
    uint64_t states = 0;
    if (Status status = ParseCount(option, value, "states", &states); !status.ok()) return status;
    args->max_states = states;
    return Status();
  }
  if (option == "--max-images") {
    if (Status status = once(args->max_images.has_value()); !status.ok()) return status;
    uint64_t images = 0;
    if (Status status = ParseCount(option, value, "images", &images); !status.ok()) return status;
    args->max_images = images;
    return Status();
  }
  if (option == "--jobs") {
    if (Status status = once(args->jobs_given); !status.ok()) return status;
    args->jobs_given = true;
    if (Status status = ParseCount(option, value, "threads", &args->jobs); !status.ok()) {
      return status;
    }
    if (args->jobs > 1024) return Status::Error("--jobs: at most 1024 threads");
    return Status();
  }
  if (option == "--shard") {
    if (Status status = once(args->shard.has_value()); !status.ok()) return status;
    Shard shard;
    if (!ParseShard(value, &shard)) {
      return Status::Error(fmt::format(
          "--shard needs I/N with 1 <= I <= N (e.g. --shard 2/4), not '{}'", value));
    }
    args->shard = shard;
    return Status();
  }
  if (option == "--sample") {
    if (Status status = once(args->sample.has_value()); !status.ok()) return status;
    uint64_t schedules = 0;
    if (Status status = ParseCount(option, value, "schedules", &schedules); !status.ok()) {
      return status;
    }
    args->sample = schedules;
    return Status();
  }
  if (option == "--seed") {
    if (Status status = once(args->seed_given); !status.ok()) return status;
    args->seed_given = true;
    // A seed may be zero.
    if (value == "0") return Status();
    if (!ParsePositive(value, &args->seed)) {
      return Status::Error(
          fmt::format("--seed needs a whole number from 0 to 2^64-1, not '{}'", value));
    }
    return Status();
  }
  if (option == "--violation") {
    if (Status status = once(!args->violation.empty()); !status.ok()) return status;
    if (value.empty()) return Status::Error("--violation needs a name or a number");
    args->violation = value;
    return Status();
  }
  return Status::Error(fmt::format("unknown option '{}'", option));
}

// Checks what only the whole command line can tell.
Status CheckCombination(const Args& args, const std::string& name) {
  if (args.paths.empty()) {
    return Status::Error(fmt::format("no {} given (see crashsim {} --help)",
                                     args.command == Command::kMerge ? "shard reports"
                                                                     : "scenario files",
                                     name));
  }
  if (args.command == Command::kExplain) {
    if (args.paths.size() != 1) return Status::Error("explain takes one scenario file");
    if (args.models.size() != 1) return Status::Error("explain needs one --model NAME");
    if (args.violation.empty()) {
      return Status::Error("explain needs --violation K (a violated name, or its number)");
    }
  }
  if (args.seed_given && !args.sample) return Status::Error("--seed needs --sample N");
  if (args.update_baseline && !args.baseline_path.has_value()) {
    return Status::Error("--update-baseline needs --baseline FILE, the file to rewrite");
  }
  // A baseline records every model of every scenario; rewritten from a run narrowed by --model,
  // it would silently lose the other models' runs.
  if (args.update_baseline && !args.models.empty()) {
    return Status::Error("--update-baseline records every model; it cannot be used with --model");
  }
  // One shard sees only its part of the states: its verdicts are not the run's.
  if (args.shard && args.baseline_path) {
    return Status::Error(
        "--baseline compares whole runs; with --shard, merge the shards' JSON reports first");
  }
  return Status();
}

// Parses the words after the command name.
StatusOr<Args> ParseCommandArgs(Command command, const std::string& name,
                                const std::vector<std::string>& words) {
  Args args;
  args.command = command;
  // --help wins wherever it stands before "--": a user asking for help gets it.
  for (const std::string& word : words) {
    if (word == "--") break;
    if (word == "--help" || word == "-h") {
      Args help;
      help.command = Command::kHelp;
      help.help_topic = name;
      return help;
    }
  }
  bool options_done = false;
  for (size_t i = 0; i < words.size(); ++i) {
    const std::string& word = words[i];
    if (options_done || word.size() < 2 || word[0] != '-') {
      args.paths.push_back(word);
      continue;
    }
    if (word == "--") {
      options_done = true;
      continue;
    }
    // "--opt VALUE" or "--opt=VALUE".
    std::string option = word;
    std::optional<std::string> value;
    const size_t equals = word.find('=');
    if (word.rfind("--", 0) == 0 && equals != std::string::npos) {
      option = word.substr(0, equals);
      value = word.substr(equals + 1);
    }
    if (!Accepts(command, option)) return UnknownOption(option, name);
    if (option == "--update-baseline") {
      if (value.has_value()) return Status::Error("--update-baseline takes no value");
      args.update_baseline = true;
      continue;
    }
    if (option == "--fix" || option == "--no-fix") {
      if (value.has_value()) return Status::Error(fmt::format("{} takes no value", option));
      if (args.fix.has_value()) {
        return Status::Error("--fix and --no-fix: give one of them, once");
      }
      args.fix = option == "--fix";
      continue;
    }
    if (!value.has_value()) {
      if (i + 1 >= words.size()) {
        return Status::Error(
            fmt::format("option '{}' needs a value (see crashsim {} --help)", option, name));
      }
      value = words[++i];
    }
    if (Status parsed = ParseOption(option, *value, &args); !parsed.ok()) return parsed;
  }
  // Keep the models in the one canonical order, whatever order they were given in.
  std::vector<Design> ordered;
  for (Design design : kAllDesigns) {
    if (std::find(args.models.begin(), args.models.end(), design) != args.models.end()) {
      ordered.push_back(design);
    }
  }
  args.models = std::move(ordered);
  if (Status combined = CheckCombination(args, name); !combined.ok()) return combined;
  return args;
}

}  // namespace

std::string ModelNameList(const std::string& separator) {
  std::vector<std::string> names;
  for (Design design : kAllDesigns) names.push_back(DesignName(design));
  return fmt::format("{}", fmt::join(names, separator));
}

StatusOr<Args> ParseArgs(const std::vector<std::string>& words) {
  if (words.empty()) return Status::Error("no command given (see crashsim --help)");
  const std::string& first = words[0];
  const std::vector<std::string> rest(words.begin() + 1, words.end());
  if (first == "--help" || first == "-h" || first == "help") {
    Args args;
    args.command = Command::kHelp;
    if (first == "help" && !rest.empty()) {
      if (rest[0] != "run" && rest[0] != "check" && rest[0] != "outcomes" &&
          rest[0] != "merge" && rest[0] != "explain") {
        return Status::Error(fmt::format("no help on '{}' (see crashsim --help)", rest[0]));
      }
      args.help_topic = rest[0];
    }
    return args;
  }
  if (first == "--version") {
    Args args;
    args.command = Command::kVersion;
    return args;
  }
  if (first == "run") return ParseCommandArgs(Command::kRun, first, rest);
  if (first == "check") return ParseCommandArgs(Command::kCheck, first, rest);
  if (first == "outcomes") return ParseCommandArgs(Command::kOutcomes, first, rest);
  if (first == "merge") return ParseCommandArgs(Command::kMerge, first, rest);
  if (first == "explain") return ParseCommandArgs(Command::kExplain, first, rest);
  if (first.size() > 1 && first[0] == '-') {
    return Status::Error(fmt::format("unknown option '{}' (see crashsim --help)", first));
  }
  return Status::Error(fmt::format("unknown command '{}' (see crashsim --help)", first));
}

std::string HelpText(const std::string& topic) {
  if (topic == "run") return RunHelp();
  if (topic == "check") return CheckHelp();
  if (topic == "outcomes") return OutcomesHelp();
  if (topic == "merge") return MergeHelp();
  if (topic == "explain") return ExplainHelp();
  return OverviewHelp();
}

}  // namespace crashsim
