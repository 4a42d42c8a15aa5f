// The Markdown report (`--md FILE`): the content of the HTML report for pasting into an issue or
// a mailing-list post. It reads as plain text too: the matrix is a pipe table, each trace is a
// fenced code block with one numbered line per step, and nothing depends on a renderer's colours.
//
// RenderViolationMarkdown is the trace of one violation on its own (heading, promise, observed
// against expected, timeline, lost persist events, persist graph, state lines), the Markdown
// rendering of what `crashsim explain` shows in the terminal.
//
// A pure function of the results: same results, same bytes. All text from the results is escaped
// (reports/escape.h), so a scenario cannot break the table or inject markup.
#pragma once

#include <string>
#include <vector>

#include "sim/result/result.h"

namespace crashsim {

// `load_errors`: one line per file that did not load (file, JSON pointer, what is wrong), listed
// under a heading of their own.
std::string RenderMarkdownReport(const std::vector<ScenarioResult>& results,
                                 const std::vector<std::string>& load_errors);

// Starts with a level-3 heading ("### scenario: model: name (expected)") and ends with a newline.
std::string RenderViolationMarkdown(const ScenarioResult& scenario, const ModelResult& model,
                                    const Violation& violation);

}  // namespace crashsim
