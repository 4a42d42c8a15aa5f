// Reading a crashsim JSON report (reports/report-schema.md, version 1) back into the values it was
// rendered from.
//
// The reader promises the inverse of RenderJsonReport: for any results R and shard S,
// ParseJsonReport(RenderJsonReport(R, S)) gives back R and S, field for field (the only loss is
// the writer's: bytes that are not UTF-8 come back as U+FFFD, a seed is kept only for a sampled
// run, and only a shard's report keeps the merge's fields, Violation::order and
// ModelResult::split), so rendering what was read gives the same bytes. It is as strict as the
// schema and a little stricter where the schema cannot speak (names sorted, one trace per verdict
// name, graph edges inside the graph, matches_expect consistent, a shard index within its count,
// the merge's fields only in a shard's report). It refuses a report version it does not know. It
// never throws: bad input comes back as a Status whose one line names the file and the JSON
// pointer of the offending value, e.g.
// "shard2.json: /scenarios/0/models/1/verdict: expected an array of strings".
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "reports/json_report.h"
#include "sim/base/status.h"
#include "sim/result/result.h"

namespace crashsim {

// A report as read back: the shard it belongs to, if it is one shard's part of a sharded run, and
// the scenario results in the report's order.
struct JsonReport {
  std::optional<Shard> shard;
  std::vector<ScenarioResult> scenarios;
};

// `text` is the content of the report file `path`; `path` only names it in error messages.
StatusOr<JsonReport> ParseJsonReport(const std::string& text, const std::string& path);

// Reads and parses the file at `path`.
StatusOr<JsonReport> ReadJsonReportFile(const std::string& path);

}  // namespace crashsim
