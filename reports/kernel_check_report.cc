#include "reports/kernel_check_report.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace crashsim {
namespace {

using kcheck::KernelCheckReport;
using kcheck::ScenarioCheck;

std::string Verdict(const ScenarioCheck& check) {
  if (!check.error.empty()) return "error";
  if (!check.ran) return "not run";
  if (!check.misses.empty()) return check.known_miss ? "known miss" : "MISS";
  return "ok";
}

std::string StatesCell(const ScenarioCheck& check) {
  if (!check.crash_checked) return "-";
  return fmt::format("{}/{}", check.real_states_in_model, check.real_states);
}

std::string WhatChecked(const ScenarioCheck& check) {
  if (!check.ran) return "-";
  if (check.crash_checked) return "volatile, crash";
  return check.volatile_checked ? "volatile" : "-";
}

struct Counts {
  size_t clean = 0, missed = 0, known = 0, not_run = 0, errors = 0;
};

Counts Count(const KernelCheckReport& report) {
  Counts counts;
  for (const ScenarioCheck& check : report.scenarios) {
    if (!check.error.empty()) {
      ++counts.errors;
    } else if (!check.ran) {
      ++counts.not_run;
    } else if (!check.misses.empty()) {
      ++(check.known_miss ? counts.known : counts.missed);
    } else {
      ++counts.clean;
    }
  }
  return counts;
}

}  // namespace

std::string KernelCheckText(const KernelCheckReport& report) {
  size_t name_width = 8;
  for (const ScenarioCheck& check : report.scenarios) name_width = std::max(name_width, check.name.size());
  std::string out = "kernel-check on " + report.kernel + "\n";
  out += fmt::format("{:<{}}  {:<14}  {:<15}  {:>5}  {:>6}  {:>9}  {}\n", "scenario", name_width,
                     "fs", "checked", "ops", "points", "in model", "result");
  for (const ScenarioCheck& check : report.scenarios) {
    out += fmt::format("{:<{}}  {:<14}  {:<15}  {:>5}  {:>6}  {:>9}  {}\n", check.name, name_width,
                       check.fs, WhatChecked(check), check.ops_compared,
                       check.crash_checked ? std::to_string(check.replay_points) : "-",
                       StatesCell(check), Verdict(check));
  }
  bool header = false;
  for (const ScenarioCheck& check : report.scenarios) {
    for (const kcheck::Miss& miss : check.misses) {
      if (!header) out += "\nmisses (real results or states the model does not allow):\n";
      header = true;
      out += fmt::format("  {} on {}{}: {} miss at {}\n", check.name, check.fs,
                         check.known_miss ? " [known]" : "", miss.kind, miss.step);
      if (!miss.point.empty()) out += "    replay point: " + miss.point + "\n";
      out += "    model:  " + miss.expected + "\n";
      out += "    linux:  " + miss.observed + "\n";
    }
  }
  header = false;
  for (const ScenarioCheck& check : report.scenarios) {
    if (check.error.empty()) continue;
    if (!header) out += "\nerrors:\n";
    header = true;
    out += fmt::format("  {} on {}: {}\n", check.name, check.fs, check.error);
  }
  header = false;
  for (const ScenarioCheck& check : report.scenarios) {
    for (const std::string& reason : check.not_checked) {
      if (!header) out += "\nnot checked:\n";
      header = true;
      out += fmt::format("  {} on {}: {}\n", check.name, check.fs, reason);
    }
  }
  for (const std::string& stale : report.stale_known_misses) {
    out += "\nknown miss no longer seen (remove it from the list): " + stale + "\n";
  }
  const Counts counts = Count(report);
  out += fmt::format(
      "\n{} scenario run(s): {} with no miss, {} with misses, {} with known misses, {} not run, "
      "{} with errors\n",
      report.scenarios.size(), counts.clean, counts.missed, counts.known, counts.not_run,
      counts.errors);
  return out;
}

std::string KernelCheckMarkdown(const KernelCheckReport& report) {
  std::string out = "| scenario | fs | checked | real states in the model | all in the model | not checked |\n";
  out += "|---|---|---|---|---|---|\n";
  for (const ScenarioCheck& check : report.scenarios) {
    std::string not_checked;
    for (const std::string& reason : check.not_checked) {
      // The first clause of each reason, for a table cell.
      const std::string clause = reason.substr(0, reason.find(':'));
      not_checked += (not_checked.empty() ? "" : "; ") + clause;
    }
    std::string all = "-";
    if (check.ran) all = check.misses.empty() && check.error.empty() ? "yes" : "no";
    out += fmt::format("| `{}` | {} | {} | {} | {} | {} |\n", check.name, check.fs,
                       WhatChecked(check), StatesCell(check), all,
                       not_checked.empty() ? "-" : not_checked);
  }
  return out;
}

std::string KernelCheckJson(const KernelCheckReport& report) {
  nlohmann::ordered_json json;
  json["crashsim_kernel_check"] = 1;
  json["kernel"] = report.kernel;
  json["scenarios"] = nlohmann::ordered_json::array();
  for (const ScenarioCheck& check : report.scenarios) {
    nlohmann::ordered_json row;
    row["path"] = check.path;
    row["name"] = check.name;
    row["fs"] = check.fs;
    row["result"] = Verdict(check);
    row["ran"] = check.ran;
    row["volatile_checked"] = check.volatile_checked;
    row["crash_checked"] = check.crash_checked;
    row["ops_compared"] = check.ops_compared;
    row["replay_points"] = check.replay_points;
    row["real_states"] = check.real_states;
    row["real_states_in_model"] = check.real_states_in_model;
    row["model_states"] = check.model_states;
    row["known_miss"] = check.known_miss;
    row["misses"] = nlohmann::ordered_json::array();
    for (const kcheck::Miss& miss : check.misses) {
      row["misses"].push_back({{"kind", miss.kind},
                               {"step", miss.step},
                               {"point", miss.point},
                               {"model", miss.expected},
                               {"linux", miss.observed}});
    }
    row["not_checked"] = check.not_checked;
    row["error"] = check.error;
    json["scenarios"].push_back(std::move(row));
  }
  json["stale_known_misses"] = report.stale_known_misses;
  return json.dump(2) + "\n";
}

}  // namespace crashsim
