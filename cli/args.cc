#include "cli/args.h"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <set>

namespace crashsim {
namespace {

constexpr const char* kExitStatusText =
    R"(Exit status (the same for run and check, over all files given):
  0  every scenario's verdict equals its "expect" (no "expect": expected
     clean) and, with --baseline, the baseline
  1  some verdict differs from its "expect" or from the baseline
  2  invalid input (a file that does not load, a path that does not exist, an
     unknown option, no files given, a baseline that does not read, an output
     that cannot be written) or an op that is not modelled yet
  3  a state budget ran out before the space was covered and nothing else
     failed: never a pass
  When several apply: 2, then 1, then 3. Every file is still run and reported.
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
  crashsim COMMAND --help
      the options of a command
  crashsim --version
      print the version

{}
Examples:
  crashsim run --html report.html mixed-mode-fsync.json
  crashsim check --baseline reports/baseline.json --junit junit.xml scenarios
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
                     OptionsHelp(), kExitStatusText);
}

std::string CheckHelp() {
  return fmt::format(R"(Usage: crashsim check [OPTIONS] DIR|FILE...

CI mode: runs like "crashsim run" but prints only a line for each model run
that is not as expected, and one overall line:
  FAIL path: model: got {{...}} expected {{...}}      the verdict differs
  INVALID path: model: ...                        an op not modelled yet
  BUDGET path: model: ...                         cut by --max-states
  BASELINE scenario: model: ...                   differs from the baseline
A directory means every *.json file under it, at any depth, in sorted path
order. A file that does not load is reported on stderr; the others still run.

{}
{}
Examples:
  crashsim check --baseline reports/baseline.json scenarios
  crashsim check --baseline reports/baseline.json --update-baseline scenarios
)",
                     OptionsHelp(R"(  --baseline FILE also compare every run with the baseline recorded in FILE
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

// Parses the words after `run` or `check`.
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
    if (option == "--update-baseline" && command == Command::kCheck) {
      if (value.has_value()) return Status::Error("--update-baseline takes no value");
      args.update_baseline = true;
      continue;
    }
    static const std::set<std::string> kFileOptions = {"--json", "--html", "--md", "--junit",
                                                       "--dot"};
    const bool known = option == "--model" || option == "--max-states" ||
                       kFileOptions.count(option) > 0 ||
                       (option == "--baseline" && command == Command::kCheck);
    if (!known) return UnknownOption(option, name);
    if (!value.has_value()) {
      if (i + 1 >= words.size()) {
        return Status::Error(
            fmt::format("option '{}' needs a value (see crashsim {} --help)", option, name));
      }
      value = words[++i];
    }
    if (option == "--model") {
      Design design = Design::kKernelTracked;
      if (!ParseDesign(*value, &design)) {
        return Status::Error(fmt::format("unknown model '{}' for --model; the models are: {}",
                                         *value, ModelNameList()));
      }
      if (std::find(args.models.begin(), args.models.end(), design) == args.models.end()) {
        args.models.push_back(design);
      }
    } else if (kFileOptions.count(option) > 0 || option == "--baseline") {
      std::optional<std::string>* target = &args.json_path;
      const char* what = "JSON report";
      if (option == "--html") target = &args.html_path, what = "HTML report";
      if (option == "--md") target = &args.markdown_path, what = "Markdown report";
      if (option == "--junit") target = &args.junit_path, what = "JUnit report";
      if (option == "--dot") target = &args.dot_dir, what = "DOT directory";
      if (option == "--baseline") target = &args.baseline_path, what = "baseline";
      if (target->has_value()) {
        return Status::Error(fmt::format("{} given twice; a run has one {}", option, what));
      }
      if (value->empty()) {
        return Status::Error(fmt::format("{} needs a {}", option,
                                         option == "--dot" ? "directory name" : "file name"));
      }
      *target = *value;
    } else {
      if (args.max_states.has_value()) return Status::Error("--max-states given twice");
      uint64_t max_states = 0;
      if (!ParsePositive(*value, &max_states)) {
        return Status::Error(
            fmt::format("--max-states needs a positive whole number of states, not '{}'", *value));
      }
      args.max_states = max_states;
    }
  }
  // Keep the models in the one canonical order, whatever order they were given in.
  std::vector<Design> ordered;
  for (Design design : kAllDesigns) {
    if (std::find(args.models.begin(), args.models.end(), design) != args.models.end()) {
      ordered.push_back(design);
    }
  }
  args.models = std::move(ordered);
  if (args.paths.empty()) {
    return Status::Error(fmt::format("no scenario files given (see crashsim {} --help)", name));
  }
  if (args.update_baseline && !args.baseline_path.has_value()) {
    return Status::Error("--update-baseline needs --baseline FILE, the file to rewrite");
  }
  // A baseline records every model of every scenario; rewritten from a run narrowed by --model,
  // it would silently lose the other models' runs.
  if (args.update_baseline && !args.models.empty()) {
    return Status::Error("--update-baseline records every model; it cannot be used with --model");
  }
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
      if (rest[0] != "run" && rest[0] != "check") {
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
  if (first.size() > 1 && first[0] == '-') {
    return Status::Error(fmt::format("unknown option '{}' (see crashsim --help)", first));
  }
  return Status::Error(fmt::format("unknown command '{}' (see crashsim --help)", first));
}

std::string HelpText(const std::string& topic) {
  if (topic == "run") return RunHelp();
  if (topic == "check") return CheckHelp();
  return OverviewHelp();
}

}  // namespace crashsim
