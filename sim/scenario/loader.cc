// The top level of a scenario file: its keys, the version, name, doc, models and order, then the
// sections in dependency order (config, files, dirs, processes, assert, observe,
// expect).
#include "sim/scenario/loader.h"

#include <cerrno>
#include <cstdio>
#include <iterator>
#include <set>
#include <system_error>

#include "sim/scenario/json_reader.h"
#include "sim/scenario/return_if_error.h"
#include "sim/scenario/sections.h"
#include "sim/scenario/syntax.h"

namespace crashsim {
namespace {

Status ReadName(const Json& value, Scenario* out) {
  RETURN_IF_ERROR(ReadString(value, "/name", &out->name));
  bool ok = !out->name.empty();
  for (const char c : out->name) {
    ok = ok && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-');
  }
  if (!ok) return ErrorAt("/name", "bad name " + Quote(out->name) + " (names match [a-z0-9-]+)");
  return Status();
}

Status ReadModels(const Json& value, Scenario* out) {
  RETURN_IF_ERROR(ExpectArray(value, "/models"));
  if (value.empty()) {
    return ErrorAt("/models", "no model listed (leave 'models' out to run all five)");
  }
  std::set<Design> chosen;
  for (size_t i = 0; i < value.size(); ++i) {
    const std::string pointer = PointerJoin("/models", i);
    std::string name;
    RETURN_IF_ERROR(ReadString(value.at(i), pointer, &name));
    Design design;
    if (!ParseDesign(name, &design)) {
      return ErrorAt(pointer, "unknown model " + Quote(name) +
                                  " (expected kernel-tracked, map-sync, daxfile-untracked, "
                                  "daxfile-tracked or per-vma)");
    }
    chosen.insert(design);
  }
  out->designs.clear();
  for (const Design design : kAllDesigns) {
    if (chosen.count(design) != 0) out->designs.push_back(design);
  }
  return Status();
}

Status ReadOrder(const Json& value, Scenario* out) {
  std::string name;
  RETURN_IF_ERROR(ReadString(value, "/order", &name));
  if (name == "interleave") {
    out->order = Order::kInterleave;
  } else if (name == "sequential") {
    out->order = Order::kSequential;
  } else {
    return ErrorAt("/order",
                   "unknown order " + Quote(name) + " (expected interleave or sequential)");
  }
  return Status();
}

Status ReadScenario(const Json& root, Scenario* out) {
  RETURN_IF_ERROR(CheckObject(root, "",
                              {"crashsim", "name", "doc", "models", "config", "files", "dirs",
                               "processes", "order", "assert", "observe", "expect"},
                              {"crashsim", "name", "files", "processes"}));
  const Json& version = root.at("crashsim");
  if (!version.is_number_integer()) {
    return ErrorAt("/crashsim",
                   "expected the format version, the integer 1, got " + Describe(version));
  }
  if (version != Json(1)) {
    return ErrorAt("/crashsim", "unsupported format version " + version.dump() +
                                    " (this crashsim reads version 1)");
  }
  RETURN_IF_ERROR(ReadName(root.at("name"), out));
  if (root.contains("doc")) RETURN_IF_ERROR(ReadString(root.at("doc"), "/doc", &out->doc));
  out->designs.assign(std::begin(kAllDesigns), std::end(kAllDesigns));
  if (root.contains("models")) RETURN_IF_ERROR(ReadModels(root.at("models"), out));
  const Json empty_object = Json::object();
  const Json& config = root.contains("config") ? root.at("config") : empty_object;
  RETURN_IF_ERROR(ReadConfig(config, &out->config));
  if (root.contains("order")) RETURN_IF_ERROR(ReadOrder(root.at("order"), out));
  RETURN_IF_ERROR(ReadFiles(root.at("files"), out));
  if (root.contains("dirs")) RETURN_IF_ERROR(ReadDirs(root.at("dirs"), out));
  ProgramFacts facts;
  RETURN_IF_ERROR(ReadProcesses(root.at("processes"), out, &facts));
  RETURN_IF_ERROR(CheckPrivileged(config, *out));
  if (root.contains("assert")) RETURN_IF_ERROR(ReadAssertions(root.at("assert"), facts, out));
  if (root.contains("observe")) {
    RETURN_IF_ERROR(ReadObservations(root.at("observe"), facts, out));
  }
  return ReadExpect(root.contains("expect") ? &root.at("expect") : nullptr, out);
}

// Scenario::text_runs, from every op and assertion as written.
TextRuns QuotedTextRuns(const Scenario& scenario) {
  TextRuns runs{};
  for (const Process& process : scenario.processes) {
    for (const Op& op : process.program) AddQuotedTextRuns(op.text, &runs);
  }
  for (const Assertion& assertion : scenario.assertions) AddQuotedTextRuns(assertion.text, &runs);
  return runs;
}

}  // namespace

StatusOr<Scenario> LoadScenarioText(const std::string& text, const std::string& source_path) {
  try {
    StatusOr<Json> root = ReadJson(text);
    if (!root.ok()) return Status::Error(source_path + ": " + root.status().message());
    Scenario scenario;
    scenario.source_path = source_path;
    Status status = ReadScenario(*root, &scenario);
    if (!status.ok()) return Status::Error(source_path + ": " + status.message());
    scenario.text_runs = QuotedTextRuns(scenario);
    return scenario;
  } catch (const nlohmann::json::exception& error) {
    // Every value is type-tested before it is read, so this is a loader bug; still one line.
    return Status::Error(source_path + ": internal error reading JSON: " + error.what());
  }
}

StatusOr<Scenario> LoadScenarioFile(const std::string& path) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) {
    return Status::Error(path + ": cannot read: " + std::generic_category().message(errno));
  }
  std::string text;
  char buffer[65536];
  size_t read = 0;
  while ((read = std::fread(buffer, 1, sizeof buffer, file)) > 0) text.append(buffer, read);
  const bool failed = std::ferror(file) != 0;
  const int error = errno;
  std::fclose(file);
  if (failed) {
    return Status::Error(path + ": cannot read: " + std::generic_category().message(error));
  }
  return LoadScenarioText(text, path);
}

}  // namespace crashsim
