#include "cli/commands.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <exception>
#include <filesystem>
#include <fstream>
#include <new>
#include <system_error>

#include "cli/args.h"
#include "cli/output_files.h"
#include "cli/stats.h"
#include "reports/baseline.h"
#include "reports/config_summary.h"
#include "reports/dot_report.h"
#include "reports/html_report.h"
#include "reports/json_report.h"
#include "reports/junit_report.h"
#include "reports/markdown_report.h"
#include "reports/merge.h"
#include "reports/outcomes_report.h"
#include "reports/report_view.h"
#include "reports/text_report.h"
#include "sim/base/check.h"

namespace crashsim {
namespace {

namespace fs = std::filesystem;

// Appends the *.json regular files under `dir` to `files`, sorted; reports trouble in `errors`.
void ExpandDirectory(const std::string& dir, ExpandedPaths* expanded) {
  std::vector<fs::path> found;
  std::error_code error;
  fs::recursive_directory_iterator it(dir, error), end;
  for (; !error && it != end; it.increment(error)) {
    std::error_code type_error;
    if (it->path().extension() == ".json" && it->is_regular_file(type_error)) {
      found.push_back(it->path());
    }
  }
  if (error) {
    expanded->errors.push_back(fmt::format("cannot read directory '{}': {}", dir, error.message()));
    return;
  }
  if (found.empty()) {
    expanded->errors.push_back(fmt::format("no scenario files (*.json) under '{}'", dir));
    return;
  }
  std::sort(found.begin(), found.end());
  for (const fs::path& path : found) expanded->files.push_back(path.generic_string());
}

// Writes `text` to `path` atomically; `what` names the output in the error line.
Status WriteFile(const std::string& path, const std::string& text, const std::string& what) {
  return WriteFileAtomically(path, text, what);
}

// The report files a command writes (not the DOT directory, not the baseline), by option.
std::vector<NamedPath> ReportOutputs(const Args& args) {
  std::vector<NamedPath> outputs;
  const std::pair<const char*, const std::optional<std::string>*> options[] = {
      {"--json", &args.json_path},   {"--html", &args.html_path},
      {"--md", &args.markdown_path}, {"--junit", &args.junit_path},
      {"--stats", &args.stats_path},
  };
  for (const auto& [option, path] : options) {
    if (path->has_value()) outputs.push_back({option, **path});
  }
  return outputs;
}

// Refuses outputs that clash (one file named twice, or an input named as an output), then
// removes the reports of an earlier run that this one will rewrite.
Status PrepareOutputs(const Args& args, const std::vector<std::string>& input_files,
                      const char* input_kind) {
  std::vector<NamedPath> outputs = ReportOutputs(args);
  std::vector<NamedPath> inputs;
  for (const std::string& path : input_files) inputs.push_back({input_kind, path});
  if (args.baseline_path) {
    if (args.update_baseline) {
      outputs.push_back({"--baseline (rewritten by --update-baseline)", *args.baseline_path});
    } else {
      inputs.push_back({"the --baseline file", *args.baseline_path});
    }
  }
  Status distinct = CheckOutputsDistinct(outputs, args.dot_dir.value_or(""), inputs);
  if (!distinct.ok()) return distinct;
  std::vector<std::string> stale;
  for (const NamedPath& output : ReportOutputs(args)) stale.push_back(output.path);
  return RemoveStaleOutputs(stale);
}

// One file per violation under `dir`, which is created when missing.
Status WriteDotFiles(const std::string& dir, const std::vector<ScenarioResult>& results) {
  std::error_code error;
  fs::create_directories(dir, error);
  if (error || !fs::is_directory(dir, error)) {
    return Status::Error(fmt::format("cannot create the DOT directory '{}'{}", dir,
                                     error ? ": " + error.message() : ""));
  }
  for (const DotFile& file : RenderDotFiles(results)) {
    const std::string path = (fs::path(dir) / file.name).generic_string();
    if (Status written = WriteFile(path, file.text, "DOT file"); !written.ok()) return written;
  }
  return Status();
}

// Whether some input did not load or some run has no complete verdict (not modelled, an internal
// error, interrupted): such results never become a baseline.
bool AnyIncomplete(const std::vector<ScenarioResult>& results, int load_failures) {
  if (load_failures > 0) return true;
  for (const ScenarioResult& scenario : results) {
    for (const ModelResult& model : scenario.models) {
      if (!model.not_modelled.empty() || model.coverage == Coverage::kInternalError ||
          model.coverage == Coverage::kInterrupted) {
        return true;
      }
    }
  }
  return false;
}

bool Interrupted(const std::atomic<int>* interrupt) {
  return interrupt != nullptr && interrupt->load() != 0;
}

// What `check --baseline` adds to the output: the BASELINE lines and a note for the overall line.
struct BaselineOutcome {
  std::string lines;
  std::string note;  // e.g. "; baseline reports/baseline.json: 2 differences"
  bool differs = false;
  bool invalid = false;  // the baseline could not be read, built or written (exit 2)
};

BaselineOutcome CompareOrUpdateBaseline(const Args& args,
                                        const std::vector<ScenarioResult>& results,
                                        int load_failures, std::ostream& err) {
  BaselineOutcome outcome;
  const std::string& path = *args.baseline_path;
  StatusOr<Baseline> current = BaselineFromResults(results);
  if (!current.ok()) {
    err << "crashsim: " << current.status().message() << "\n";
    outcome.invalid = true;
    outcome.note = fmt::format("; baseline {}: not compared", path);
    return outcome;
  }
  if (args.update_baseline) {
    if (AnyIncomplete(results, load_failures)) {
      err << "crashsim: baseline '" << path
          << "' not updated: some input is invalid or not modelled yet, or some run ended in an "
             "internal error or was interrupted\n";
      outcome.invalid = true;
      outcome.note = fmt::format("; baseline {}: not updated", path);
      return outcome;
    }
    if (Status written = WriteFile(path, RenderBaseline(*current), "baseline"); !written.ok()) {
      err << "crashsim: " << written.message() << "\n";
      outcome.invalid = true;
      outcome.note = fmt::format("; baseline {}: not updated", path);
      return outcome;
    }
    outcome.note = fmt::format("; baseline {} rewritten ({} runs)", path, current->size());
    return outcome;
  }
  StatusOr<Baseline> recorded = ReadBaselineFile(path);
  if (!recorded.ok()) {
    err << "crashsim: " << recorded.status().message() << "\n";
    outcome.invalid = true;
    outcome.note = fmt::format("; baseline {}: not compared", path);
    return outcome;
  }
  const std::vector<BaselineDifference> differences =
      DiffBaseline(*recorded, *current, args.models);
  outcome.lines = RenderBaselineDiff(differences);
  outcome.differs = !differences.empty();
  outcome.note = differences.empty()
                     ? fmt::format("; baseline {}: as recorded", path)
                     : fmt::format("; baseline {}: {} {}", path, differences.size(),
                                   differences.size() == 1 ? "difference" : "differences");
  return outcome;
}

RunOptions OptionsOf(const Args& args, const std::atomic<int>* interrupt) {
  RunOptions options;
  options.interrupt = interrupt;
  options.max_states = args.max_states;
  options.max_images = args.max_images;
  options.jobs = static_cast<int>(args.jobs);
  if (args.shard) options.shard = *args.shard;
  if (args.sample) options.sample = Sampling{*args.sample, args.seed};
  options.fix = args.FixWanted();
  options.observe = args.command == Command::kOutcomes;
  return options;
}

// Writes the report files asked for; returns false (after saying why) when one cannot be written.
// `load_errors`: one line per file that did not load, named in the HTML and Markdown reports.
bool WriteReports(const Args& args, const std::vector<ScenarioResult>& results,
                  const std::vector<std::string>& load_errors, std::ostream& err) {
  std::vector<Status> written;
  if (args.command == Command::kOutcomes) {
    if (args.json_path) {
      written.push_back(WriteFile(*args.json_path, RenderOutcomesJson(results), "JSON outcomes"));
    }
    if (args.html_path) {
      written.push_back(
          WriteFile(*args.html_path, RenderOutcomesHtml(results, load_errors), "HTML outcomes"));
    }
    if (args.markdown_path) {
      written.push_back(WriteFile(*args.markdown_path,
                                  RenderOutcomesMarkdown(results, load_errors),
                                  "Markdown outcomes"));
    }
  } else {
  if (args.json_path) {
    written.push_back(
        WriteFile(*args.json_path, RenderJsonReport(results, args.shard), "JSON report"));
  }
  if (args.html_path) {
    written.push_back(
        WriteFile(*args.html_path, RenderHtmlReport(results, load_errors), "HTML report"));
  }
  if (args.markdown_path) {
    written.push_back(WriteFile(*args.markdown_path, RenderMarkdownReport(results, load_errors),
                                "Markdown report"));
  }
  if (args.junit_path) {
    written.push_back(WriteFile(*args.junit_path, RenderJunitReport(results), "JUnit report"));
  }
  if (args.dot_dir) written.push_back(WriteDotFiles(*args.dot_dir, results));
  }
  bool ok = true;
  for (const Status& result : written) {
    if (result.ok()) continue;
    err << "crashsim: " << result.message() << "\n";
    ok = false;
  }
  return ok;
}

// Says on stderr, as it happens, that a run ended in an internal error (the reports say it too).
void ReportInternalErrors(const ScenarioResult& result, std::ostream& err,
                          ProgressLine* progress) {
  for (const ModelResult& model : result.models) {
    if (!model.internal_error) continue;
    if (progress != nullptr) progress->Clear();
    err << "crashsim: " << InternalErrorSummary(result, model) << "\n";
  }
}

// The status of a command whose work is done, given what it found: 128 + the signal's number when
// one interrupted it.
int FinalStatus(int status, const std::atomic<int>* interrupt) {
  return Interrupted(interrupt) ? kExitInterruptedBase + interrupt->load() : status;
}

int Run(const Args& args, const ScenarioLoader& loader, const ScenarioRunner& runner,
        std::ostream& out, std::ostream& err, ProgressLine* progress,
        const std::atomic<int>* interrupt) {
  const ExpandedPaths expanded = ExpandPaths(args.paths);
  if (Status prepared = PrepareOutputs(args, expanded.files, "a scenario file"); !prepared.ok()) {
    err << "crashsim: " << prepared.message() << "\n";
    return kExitInvalid;
  }
  std::vector<std::string> load_errors;
  for (const std::string& error : expanded.errors) {
    err << "crashsim: " << error << "\n";
    load_errors.push_back(error);
  }
  const RunOptions options = OptionsOf(args, interrupt);
  std::vector<ScenarioResult> results;
  std::vector<StatsRow> stats;
  for (size_t i = 0; i < expanded.files.size(); ++i) {
    const std::string& path = expanded.files[i];
    StatusOr<Scenario> scenario = loader(path);
    if (!scenario.ok()) {
      if (progress != nullptr) progress->Clear();
      err << scenario.status().message() << "\n";
      load_errors.push_back(scenario.status().message());
      continue;
    }
    if (progress != nullptr) progress->SetScenario(i + 1, expanded.files.size(), scenario->name);
    results.push_back(
        RunOneScenario(path, *scenario, args.models, options, runner, progress, &stats));
    ReportInternalErrors(results.back(), err, progress);
  }
  if (progress != nullptr) progress->Clear();
  if (Interrupted(interrupt)) {
    err << "crashsim: interrupted by signal " << interrupt->load()
        << ": the runs not finished are reported as interrupted\n";
  }

  const int load_failures = static_cast<int>(load_errors.size());
  int status = ExitStatus(results, load_failures, /*partial=*/args.shard.has_value());
  if (args.command == Command::kCheck) {
    BaselineOutcome baseline;
    if (args.baseline_path.has_value()) {
      baseline = CompareOrUpdateBaseline(args, results, load_failures, err);
    }
    out << RenderCheckLines(results) << baseline.lines << "crashsim check: "
        << SummaryLine(results, load_failures) << baseline.note << "\n";
    if (baseline.invalid && status != kExitInternalError) status = kExitInvalid;
    if (baseline.differs && status != kExitInvalid && status != kExitInternalError) {
      status = kExitDiffers;
    }
  } else if (args.command == Command::kOutcomes) {
    out << RenderOutcomesText(results, load_failures);
    // A listing, not a verdict: only invalid input and crashsim's own failures change the exit.
    if (status != kExitInvalid && status != kExitInternalError) status = kExitAsExpected;
  } else {
    out << RenderRunText(results, load_failures);
  }
  out.flush();
  if (!WriteReports(args, results, load_errors, err) && status != kExitInternalError) {
    status = kExitInvalid;
  }
  if (args.stats_path) {
    const Status written = WriteFile(
        *args.stats_path, RenderStats(stats, args.jobs, PeakResidentMiB()), "statistics");
    if (!written.ok()) {
      err << "crashsim: " << written.message() << "\n";
      if (status != kExitInternalError) status = kExitInvalid;
    }
  }
  return FinalStatus(status, interrupt);
}

// crashsim merge: the shards' reports joined, then printed and written like a run's.
int Merge(const Args& args, std::ostream& out, std::ostream& err) {
  if (Status prepared = PrepareOutputs(args, args.paths, "a shard report"); !prepared.ok()) {
    err << "crashsim: " << prepared.message() << "\n";
    return kExitInvalid;
  }
  StatusOr<std::vector<ScenarioResult>> merged = MergeShardReports(args.paths);
  if (!merged.ok()) {
    err << "crashsim: " << merged.status().message() << "\n";
    return kExitInvalid;
  }
  int status = ExitStatus(*merged, 0);
  out << RenderRunText(*merged, 0);
  out.flush();
  if (!WriteReports(args, *merged, {}, err) && status != kExitInternalError) status = kExitInvalid;
  return status;
}

// The violation `key` names: a violated name, or a 1-based number in the report's order.
const Violation* FindViolation(const ModelResult& model, const std::string& key) {
  uint64_t number = 0;
  if (key.find_first_not_of("0123456789") == std::string::npos && key.size() < 10) {
    number = std::stoull(key);
    if (number >= 1 && number <= model.violations.size()) return &model.violations[number - 1];
  }
  for (const Violation& violation : model.violations) {
    if (violation.name == key) return &violation;
  }
  return nullptr;
}

// crashsim explain: one violation's minimal trace.
int Explain(const Args& args, const ScenarioLoader& loader, const ScenarioRunner& runner,
            std::ostream& out, std::ostream& err, const std::atomic<int>* interrupt) {
  const std::string& path = args.paths[0];
  if (Status prepared = PrepareOutputs(args, {path}, "the scenario file"); !prepared.ok()) {
    err << "crashsim: " << prepared.message() << "\n";
    return kExitInvalid;
  }
  StatusOr<Scenario> scenario = loader(path);
  if (!scenario.ok()) {
    err << scenario.status().message() << "\n";
    return kExitInvalid;
  }
  const Design design = args.models[0];
  if (std::find(scenario->designs.begin(), scenario->designs.end(), design) ==
      scenario->designs.end()) {
    std::vector<std::string> names;
    for (Design named : scenario->designs) names.push_back(DesignName(named));
    err << fmt::format("crashsim: {} does not run under {} (its models: {})\n", path,
                       DesignName(design), fmt::join(names, ", "));
    return kExitInvalid;
  }
  const ScenarioResult result = RunOneScenario(path, *scenario, {design},
                                               OptionsOf(args, interrupt), runner, nullptr, nullptr);
  const ModelResult& model = result.models.at(0);
  if (model.internal_error) {
    ReportInternalErrors(result, err, nullptr);
    return kExitInternalError;
  }
  if (model.coverage == Coverage::kInterrupted) {
    err << "crashsim: interrupted by signal " << interrupt->load() << "\n";
    return FinalStatus(kExitBudgetExhausted, interrupt);
  }
  if (!model.not_modelled.empty()) {
    err << "crashsim: " << model.not_modelled << "\n";
    return kExitInvalid;
  }
  const Violation* violation = FindViolation(model, args.violation);
  if (violation == nullptr) {
    std::vector<std::string> names;
    for (const Violation& v : model.violations) names.push_back(v.name);
    err << fmt::format("crashsim: {} under {} has no violation '{}'{}\n", path, DesignName(design),
                       args.violation,
                       names.empty() ? std::string("; it violates nothing")
                                     : fmt::format("; its violations: {}", fmt::join(names, ", ")));
    if (model.coverage == Coverage::kBudgetExhausted) {
      err << "crashsim: " << BudgetSummary(model) << ", before the space was covered\n";
      return kExitBudgetExhausted;
    }
    // Asking for a violation that the run does not have is a wrong argument, not a verdict.
    return kExitInvalid;
  }
  out << RenderViolation(result, model, *violation);
  out.flush();
  std::vector<Status> written;
  if (args.markdown_path) {
    written.push_back(WriteFile(*args.markdown_path,
                                RenderViolationMarkdown(result, model, *violation), "Markdown"));
  }
  if (args.html_path) {
    written.push_back(WriteFile(*args.html_path,
                                RenderViolationHtmlPage(result, model, *violation), "HTML page"));
  }
  for (const Status& status : written) {
    if (status.ok()) continue;
    err << "crashsim: " << status.message() << "\n";
    return kExitInvalid;
  }
  return kExitAsExpected;
}

}  // namespace

int ExitStatus(const std::vector<ScenarioResult>& results, int load_failures, bool partial) {
  bool failed = false, invalid = load_failures > 0, differs = false, budget = false;
  for (const ScenarioResult& scenario : results) {
    for (const ModelResult& model : scenario.models) {
      if (model.coverage == Coverage::kInternalError) {
        failed = true;
        continue;
      }
      if (!model.not_modelled.empty()) {
        invalid = true;
        continue;
      }
      if (model.coverage == Coverage::kInterrupted) {
        budget = true;  // not covered: never a pass
        continue;
      }
      // A part of the run cannot miss a violation that another part finds, only show one too many.
      const bool ok = partial ? std::includes(model.expected.begin(), model.expected.end(),
                                              model.violated.begin(), model.violated.end())
                              : !model.differs_from_expect();
      differs = differs || !ok;
      budget = budget || model.coverage == Coverage::kBudgetExhausted;
    }
  }
  if (failed) return kExitInternalError;
  if (invalid) return kExitInvalid;
  if (differs) return kExitDiffers;
  if (budget) return kExitBudgetExhausted;
  return kExitAsExpected;
}

ExpandedPaths ExpandPaths(const std::vector<std::string>& paths) {
  ExpandedPaths expanded;
  for (const std::string& path : paths) {
    std::error_code error;
    const fs::file_status status = fs::status(path, error);
    if (status.type() == fs::file_type::not_found) {
      expanded.errors.push_back(fmt::format("no such file or directory: '{}'", path));
    } else if (error) {
      expanded.errors.push_back(fmt::format("cannot read '{}': {}", path, error.message()));
    } else if (status.type() == fs::file_type::directory) {
      ExpandDirectory(path, &expanded);
    } else {
      expanded.files.push_back(path);
    }
  }
  return expanded;
}

ScenarioResult RunOneScenario(const std::string& path, const Scenario& scenario,
                              const std::vector<Design>& models, const RunOptions& options,
                              const ScenarioRunner& runner, ProgressLine* progress,
                              std::vector<StatsRow>* stats) {
  ScenarioResult result;
  result.path = path;
  result.name = scenario.name;
  result.doc = scenario.doc;
  result.config_summary = ConfigSummary(scenario.config);
  for (Design design : kAllDesigns) {
    const bool in_scenario = std::find(scenario.designs.begin(), scenario.designs.end(), design) !=
                             scenario.designs.end();
    const bool allowed =
        models.empty() || std::find(models.begin(), models.end(), design) != models.end();
    if (!in_scenario || !allowed) continue;
    const auto expect = scenario.expect.find(design);
    if (options.interrupt != nullptr && options.interrupt->load() != 0) {
      ModelResult unrun;
      unrun.design = design;
      unrun.coverage = Coverage::kInterrupted;
      unrun.expected = expect == scenario.expect.end() ? std::set<std::string>() : expect->second;
      result.models.push_back(std::move(unrun));
      continue;
    }
    if (progress != nullptr) progress->StartModel(design);
    RunStats work;
    const auto start = std::chrono::steady_clock::now();
    ModelResult model = runner(scenario, design, options, &work);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (stats != nullptr) {
      stats->push_back(StatsRow{path, scenario.name, design, work, model.distinct_states,
                                model.distinct_images, seconds});
    }
    if (progress != nullptr) progress->FinishModel(model.distinct_states);
    model.design = design;
    model.expected = expect == scenario.expect.end() ? std::set<std::string>() : expect->second;
    result.models.push_back(std::move(model));
  }
  return result;
}

int RunCommandLine(const std::vector<std::string>& words, const ScenarioLoader& loader,
                   const ScenarioRunner& runner, std::ostream& out, std::ostream& err,
                   ProgressLine* progress, const std::atomic<int>* interrupt) {
  try {
    StatusOr<Args> args = ParseArgs(words);
    if (!args.ok()) {
      err << "crashsim: " << args.status().message() << "\n";
      return kExitInvalid;
    }
    switch (args->command) {
      case Command::kHelp:
        out << HelpText(args->help_topic);
        return kExitAsExpected;
      case Command::kVersion:
        out << "crashsim " << kCrashsimVersion << "\n";
        return kExitAsExpected;
      case Command::kRun:
      case Command::kCheck:
      case Command::kOutcomes:
        return Run(*args, loader, runner, out, err, progress, interrupt);
      case Command::kMerge:
        return Merge(*args, out, err);
      case Command::kExplain:
        return Explain(*args, loader, runner, out, err, interrupt);
    }
    return kExitInvalid;
  } catch (const std::filesystem::filesystem_error& error) {
    err << "crashsim: " << error.what() << "\n";
    return kExitInvalid;
  } catch (...) {
    // Every run contains its own failures (RunScenario); this is a bug outside any run.
    err << "crashsim: internal error (a bug in crashsim): " << DescribeCurrentException() << "\n";
  }
  return kExitInternalError;
}

}  // namespace crashsim
