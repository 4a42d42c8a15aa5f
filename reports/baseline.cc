#include "reports/baseline.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <exception>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <tuple>

#include "reports/json_report.h"
#include "reports/text_report.h"

namespace crashsim {
namespace {

using Json = nlohmann::ordered_json;

constexpr const char* kVersionKey = "crashsim_baseline";

// Raised inside ParseBaseline only, for a shape error; caught at its edge with nlohmann's own.
struct ShapeError {
  std::string message;
};

const Json& Member(const Json& object, const std::string& key, const std::string& where) {
  auto it = object.find(key);
  if (it == object.end()) throw ShapeError{fmt::format("{}: missing \"{}\"", where, key)};
  return *it;
}

std::string StringMember(const Json& object, const std::string& key, const std::string& where) {
  const Json& value = Member(object, key, where);
  if (!value.is_string()) throw ShapeError{fmt::format("{}/{}: not a string", where, key)};
  return value.get<std::string>();
}

void CheckKeys(const Json& object, const std::set<std::string>& allowed, const std::string& where) {
  if (!object.is_object()) throw ShapeError{fmt::format("{}: not an object", where)};
  for (auto it = object.begin(); it != object.end(); ++it) {
    if (allowed.count(it.key()) == 0) {
      throw ShapeError{fmt::format("{}: unknown key \"{}\"", where, it.key())};
    }
  }
}

BaselineRun ParseRun(const Json& entry, const std::string& where, std::string* scenario,
                     std::string* model) {
  CheckKeys(entry, {"scenario", "model", "coverage", "verdict", "traces", "not_modelled"}, where);
  *scenario = StringMember(entry, "scenario", where);
  *model = StringMember(entry, "model", where);
  Design design = Design::kKernelTracked;
  if (!ParseDesign(*model, &design)) {
    throw ShapeError{fmt::format("{}/model: unknown model \"{}\"", where, *model)};
  }
  BaselineRun run;
  run.coverage = StringMember(entry, "coverage", where);
  const Json& verdict = Member(entry, "verdict", where);
  if (!verdict.is_array()) throw ShapeError{where + "/verdict: not an array"};
  for (const Json& name : verdict) {
    if (!name.is_string()) throw ShapeError{where + "/verdict: a name is not a string"};
    run.verdict.insert(name.get<std::string>());
  }
  const Json& traces = Member(entry, "traces", where);
  if (!traces.is_object()) throw ShapeError{where + "/traces: not an object"};
  for (auto it = traces.begin(); it != traces.end(); ++it) {
    if (!it->is_string()) throw ShapeError{fmt::format("{}/traces/{}: not a string", where, it.key())};
    run.traces[it.key()] = it->get<std::string>();
  }
  if (entry.contains("not_modelled")) run.not_modelled = StringMember(entry, "not_modelled", where);
  return run;
}

std::string Join(const std::set<std::string>& names) { return FormatNameSet(names); }

void Add(std::vector<BaselineDifference>* out, const std::pair<std::string, std::string>& key,
         std::string what, std::string was = "", std::string now = "") {
  out->push_back(BaselineDifference{key.first, key.second, std::move(what), std::move(was),
                                    std::move(now)});
}

// The differences of one run that is in both.
void DiffRun(const std::pair<std::string, std::string>& key, const BaselineRun& recorded,
             const BaselineRun& current, std::vector<BaselineDifference>* out) {
  if (recorded.not_modelled != current.not_modelled) {
    Add(out, key, "not-modelled status changed",
        recorded.not_modelled.empty() ? "modelled" : "not modelled: " + recorded.not_modelled,
        current.not_modelled.empty() ? "modelled" : "not modelled: " + current.not_modelled);
  }
  if (recorded.coverage != current.coverage) {
    Add(out, key, "coverage changed", recorded.coverage, current.coverage);
  }
  for (const auto& [name, summary] : current.traces) {
    auto was = recorded.traces.find(name);
    if (recorded.verdict.count(name) == 0) {
      Add(out, key, fmt::format("new violation: {}: {}", name, summary));
    } else if (was != recorded.traces.end() && was->second != summary) {
      Add(out, key, fmt::format("changed trace: {}", name), was->second, summary);
    }
  }
  for (const std::string& name : current.verdict) {
    if (current.traces.count(name) == 0 && recorded.verdict.count(name) == 0) {
      Add(out, key, fmt::format("new violation: {}", name));
    }
  }
  for (const std::string& name : recorded.verdict) {
    if (current.verdict.count(name) > 0) continue;
    auto was = recorded.traces.find(name);
    Add(out, key,
        was == recorded.traces.end() ? fmt::format("fixed violation: {}", name)
                                     : fmt::format("fixed violation: {} (was {})", name,
                                                   was->second));
  }
}

}  // namespace

std::string TraceSummary(const Violation& violation) {
  return fmt::format("{} {}; crash {}; observed {}", violation.schedule.size(),
                     violation.schedule.size() == 1 ? "step" : "steps", violation.crash_point,
                     violation.observed);
}

StatusOr<Baseline> BaselineFromResults(const std::vector<ScenarioResult>& results) {
  Baseline baseline;
  std::map<std::string, std::string> path_of_name;
  for (const ScenarioResult& scenario : results) {
    auto [it, fresh] = path_of_name.emplace(scenario.name, scenario.path);
    if (!fresh) {
      return Status::Error(fmt::format(
          "two scenarios are named '{}' ({} and {}): a baseline keys runs by scenario name",
          scenario.name, it->second, scenario.path));
    }
    for (const ModelResult& model : scenario.models) {
      BaselineRun run;
      run.coverage = CoverageName(model.coverage);
      run.verdict = model.violated;
      for (const Violation& violation : model.violations) {
        run.traces[violation.name] = TraceSummary(violation);
      }
      run.not_modelled = model.not_modelled;
      baseline[{scenario.name, DesignName(model.design)}] = std::move(run);
    }
  }
  return baseline;
}

std::string RenderBaseline(const Baseline& baseline) {
  Json runs = Json::array();
  for (const auto& [key, run] : baseline) {
    Json entry;
    entry["scenario"] = key.first;
    entry["model"] = key.second;
    entry["coverage"] = run.coverage;
    entry["verdict"] = Json::array();
    for (const std::string& name : run.verdict) entry["verdict"].push_back(name);
    entry["traces"] = Json::object();
    for (const auto& [name, summary] : run.traces) entry["traces"][name] = summary;
    if (!run.not_modelled.empty()) entry["not_modelled"] = run.not_modelled;
    runs.push_back(std::move(entry));
  }
  Json file;
  file[kVersionKey] = kBaselineVersion;
  file["runs"] = std::move(runs);
  return file.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

StatusOr<Baseline> ParseBaseline(const std::string& text, const std::string& path) {
  try {
    const Json file = Json::parse(text);
    CheckKeys(file, {kVersionKey, "runs"}, "");
    const Json& version = Member(file, kVersionKey, "");
    if (!version.is_number_integer() || version.get<int64_t>() != kBaselineVersion) {
      throw ShapeError{fmt::format("/{}: this crashsim reads version {} only", kVersionKey,
                                   kBaselineVersion)};
    }
    const Json& runs = Member(file, "runs", "");
    if (!runs.is_array()) throw ShapeError{"/runs: not an array"};
    Baseline baseline;
    for (size_t i = 0; i < runs.size(); ++i) {
      const std::string where = fmt::format("/runs/{}", i);
      std::string scenario, model;
      BaselineRun run = ParseRun(runs[i], where, &scenario, &model);
      if (!baseline.emplace(std::make_pair(scenario, model), std::move(run)).second) {
        throw ShapeError{fmt::format("{}: a second entry for {} under {}", where, scenario, model)};
      }
    }
    return baseline;
  } catch (const ShapeError& error) {
    return Status::Error(fmt::format("{}: not a crashsim baseline: {}", path,
                                     error.message.empty() ? "(empty)" : error.message));
  } catch (const nlohmann::json::exception& error) {
    return Status::Error(fmt::format("{}: not a crashsim baseline: {}", path, error.what()));
  }
}

StatusOr<Baseline> ReadBaselineFile(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return Status::Error(fmt::format("cannot read the baseline '{}'", path));
  std::ostringstream text;
  text << file.rdbuf();
  if (!file && !file.eof()) {
    return Status::Error(fmt::format("cannot read the baseline '{}'", path));
  }
  return ParseBaseline(text.str(), path);
}

std::vector<BaselineDifference> DiffBaseline(const Baseline& recorded, const Baseline& current,
                                             const std::vector<Design>& models) {
  const auto compared = [&](const std::string& model) {
    if (models.empty()) return true;
    for (Design design : models) {
      if (model == DesignName(design)) return true;
    }
    return false;
  };
  std::vector<BaselineDifference> out;
  for (const auto& [key, run] : current) {
    auto was = recorded.find(key);
    if (was == recorded.end()) {
      Add(&out, key, fmt::format("new run, not in the baseline: verdict {}", Join(run.verdict)));
    } else {
      DiffRun(key, was->second, run, &out);
    }
  }
  for (const auto& [key, run] : recorded) {
    if (current.count(key) == 0 && compared(key.second)) {
      Add(&out, key, fmt::format("missing run, in the baseline with verdict {} but not run",
                                 Join(run.verdict)));
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return std::tie(a.scenario, a.model) < std::tie(b.scenario, b.model);
  });
  return out;
}

std::string RenderBaselineDiff(const std::vector<BaselineDifference>& differences) {
  std::string out;
  for (const BaselineDifference& difference : differences) {
    out += fmt::format("BASELINE {}: {}: {}\n", difference.scenario, difference.model,
                       difference.what);
    if (!difference.was.empty() || !difference.now.empty()) {
      out += fmt::format("  was: {}\n  now: {}\n", difference.was, difference.now);
    }
  }
  return out;
}

}  // namespace crashsim
