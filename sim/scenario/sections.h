// The loader's parts, one per top-level key of a scenario file (docs/scenario-format.md, "Top
// level").
//
// Each reads the JSON value of its key into the Scenario, in the order LoadScenarioText calls
// them (later parts rely on earlier ones: files on config's block size, assertions on the
// processes). Errors are "POINTER: message"; the loader adds the file name.
#pragma once

#include "sim/base/status.h"
#include "sim/scenario/json_fields.h"
#include "sim/scenario/program_checker.h"
#include "sim/scenario/scenario.h"

namespace crashsim {

// config_section.cc: "/config". REQUIRES: nothing read yet.
Status ReadConfig(const Json& value, Config* out);
// config_section.cc: every name in "/config/privileged" is a process. REQUIRES: processes read.
Status CheckPrivileged(const Json& config, const Scenario& scenario);

// files_section.cc: "/files" (and the device's stale byte). REQUIRES: config read.
Status ReadFiles(const Json& value, Scenario* out);
// files_section.cc: "/dirs". REQUIRES: files read.
Status ReadDirs(const Json& value, Scenario* out);

// processes_section.cc: "/processes", with each program's cross-references and the barriers.
// REQUIRES: order read.
Status ReadProcesses(const Json& value, Scenario* out, ProgramFacts* facts);

// assert_section.cc: "/assert". REQUIRES: files and processes read.
Status ReadAssertions(const Json& value, const ProgramFacts& facts, Scenario* out);
// assert_section.cc: an `after` value, "P.label" naming a labelled op of process P.
Status ReadAfterLabel(const Json& value, const std::string& pointer, const ProgramFacts& facts,
                      std::optional<std::pair<std::string, std::string>>* out);

// observe_section.cc: "/observe". REQUIRES: files and processes read.
Status ReadObservations(const Json& value, const ProgramFacts& facts, Scenario* out);

// assert_section.cc: "/expect" (nullptr when absent), resolved for every design run.
// REQUIRES: models and assertions read.
Status ReadExpect(const Json* value, Scenario* out);

}  // namespace crashsim
