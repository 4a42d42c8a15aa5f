// A DOT graph laid out by Graphviz's own library (libgvc, the "dot" engine) in process and rendered
// as SVG to inline into an HTML page: the HTML report draws each violation's persist graph
// (dot_report.h) with it.
//
// Promises:
// - Deterministic: the same DOT and id give the same bytes. Only Graphviz's built-in core
//   renderer and dot layout are loaded, never its plugins from the system's configuration, so no
//   text layout plugin measures text with the fonts a machine happens to have: Graphviz estimates
//   text widths from its built-in Courier metrics (every font is set to Courier for the layout;
//   the page draws the text in a monospace font of the same advance, 0.6 em).
// - Inline-safe: the result starts at "<svg" and holds no comment (no XML prolog, DOCTYPE or
//   generator comment) and no namespace declaration (an HTML parser puts an inline <svg> in the
//   SVG namespace by itself, so the page names no URL); the graph's element id is `id` and every
//   other id starts with `id` and "_", so several graphs can share a page; all text is escaped by
//   Graphviz's SVG renderer. The graph's own label is left out (the page shows it as HTML). Its
//   width and height are in pixels (Graphviz's points taken as pixels: 10 point text is 10 px).
// - Graphviz's messages never reach stderr: an error comes back in the Status.
// - Graphviz keeps global state: calls are serialised by a lock.
#pragma once

#include <string>

#include "sim/base/status.h"

namespace crashsim {

// The SVG of `dot` laid out with "dot". `id`: letters, digits and '_', starting with a letter
// (Graphviz would write a '-' as a character reference). Fails (never throws) for another `id` and
// when Graphviz cannot read or lay out the graph.
StatusOr<std::string> DotToInlineSvg(const std::string& dot, const std::string& id);

}  // namespace crashsim
