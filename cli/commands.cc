#include "cli/commands.h"

#include <fmt/format.h>

#include <algorithm>
#include <exception>
#include <filesystem>
#include <fstream>
#include <new>
#include <system_error>

#include "cli/args.h"
#include "reports/config_summary.h"
#include "reports/json_report.h"
#include "reports/text_report.h"

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

// Writes `text` to `path`; returns an error line on failure.
Status WriteFile(const std::string& path, const std::string& text) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  if (file) file << text;
  if (file) file.close();
  if (!file) return Status::Error(fmt::format("cannot write the JSON report to '{}'", path));
  return Status();
}

int Run(const Args& args, const ScenarioLoader& loader, const ScenarioRunner& runner,
        std::ostream& out, std::ostream& err) {
  const ExpandedPaths expanded = ExpandPaths(args.paths);
  int load_failures = 0;
  for (const std::string& error : expanded.errors) {
    err << "crashsim: " << error << "\n";
    ++load_failures;
  }
  RunOptions options;
  options.max_states = args.max_states;
  std::vector<ScenarioResult> results;
  for (const std::string& path : expanded.files) {
    StatusOr<Scenario> scenario = loader(path);
    if (!scenario.ok()) {
      err << scenario.status().message() << "\n";
      ++load_failures;
      continue;
    }
    results.push_back(RunOneScenario(path, *scenario, args.models, options, runner));
  }
  out << (args.command == Command::kCheck ? RenderCheckText(results, load_failures)
                                          : RenderRunText(results, load_failures));
  out.flush();
  int status = ExitStatus(results, load_failures);
  if (args.json_path.has_value()) {
    if (Status written = WriteFile(*args.json_path, RenderJsonReport(results)); !written.ok()) {
      err << "crashsim: " << written.message() << "\n";
      status = kExitInvalid;
    }
  }
  return status;
}

}  // namespace

int ExitStatus(const std::vector<ScenarioResult>& results, int load_failures) {
  bool invalid = load_failures > 0, differs = false, budget = false;
  for (const ScenarioResult& scenario : results) {
    for (const ModelResult& model : scenario.models) {
      if (!model.not_modelled.empty()) {
        invalid = true;
        continue;
      }
      differs = differs || !model.matches_expect();
      budget = budget || model.coverage == Coverage::kBudgetExhausted;
    }
  }
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
                              const ScenarioRunner& runner) {
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
    ModelResult model = runner(scenario, design, options);
    model.design = design;
    const auto expect = scenario.expect.find(design);
    model.expected = expect == scenario.expect.end() ? std::set<std::string>() : expect->second;
    result.models.push_back(std::move(model));
  }
  return result;
}

int RunCommandLine(const std::vector<std::string>& words, const ScenarioLoader& loader,
                   const ScenarioRunner& runner, std::ostream& out, std::ostream& err) {
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
        return Run(*args, loader, runner, out, err);
    }
    return kExitInvalid;
  } catch (const std::bad_alloc&) {
    err << "crashsim: out of memory\n";
  } catch (const std::filesystem::filesystem_error& error) {
    err << "crashsim: " << error.what() << "\n";
  } catch (const std::exception& error) {
    err << "crashsim: internal error: " << error.what() << "\n";
  } catch (...) {
    err << "crashsim: internal error: unknown exception\n";
  }
  return kExitInvalid;
}

}  // namespace crashsim
