// The HTML report (`--html FILE`, docs/architecture.md, "Reports"): one self-contained file for a
// browser: inline CSS, no script, no font or image from anywhere, so it can be attached to a mail
// or archived by CI and still render offline.
//
// It holds the same content as the text report: the verdict matrix (scenario x model, each cell
// coloured by its RunClass; the header row and the scenario column stay in view while scrolling,
// so 50 scenarios and 5 models stay readable), then for each violation its trace: a timeline with
// one lane per process and one for background and hardware events, the crash point marked, the
// promise that was broken, the lost persist events, the persist graph at the crash point (a
// picture: dot_report.h's DOT laid out by Graphviz, graphviz_svg.h, inline SVG, the list of its
// events folded below it), the state lines, and what the read returned against what was promised.
//
// Stable hooks for tests and for readers who link into a report:
//   table#matrix, td.cell.<run class> (report_view.h names the classes), td.cell.not-run
//   article.violation#violation-N (N from 1 in the report's order) with data-scenario,
//     data-model and data-guarantee; inside it .promise, table.timeline (th.lane per lane,
//     tr.step per step, tr.crash-point), ul.lost, figure.persist-graph (an svg with id
//     violation_N_graph, g.node per event, g.edge per order, g.cluster per write of several
//     pieces) holding ol.persist-graph, ul.state, .observed, .expected
//
// A pure function of the results: same results, same bytes.
#pragma once

#include <string>
#include <vector>

#include "sim/result/result.h"

namespace crashsim {

// `load_errors`: one line per file that did not load (file, JSON pointer, what is wrong), shown in
// a section of their own.
std::string RenderHtmlReport(const std::vector<ScenarioResult>& results,
                             const std::vector<std::string>& load_errors);

// One violation as an <article> (the element described above), for embedding elsewhere. `id` is
// its element id.
std::string RenderViolationHtml(const ScenarioResult& scenario, const ModelResult& model,
                                const Violation& violation, const std::string& id);

// One violation on a page of its own, as self-contained as the report (`crashsim explain --html`).
std::string RenderViolationHtmlPage(const ScenarioResult& scenario, const ModelResult& model,
                                    const Violation& violation);

}  // namespace crashsim
