#include "reports/graphviz_svg.h"

#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>
#include <graphviz/gvplugin.h>

#include <cctype>
#include <mutex>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#endif

// The plugin libraries linked in (third_party:graphviz): the dot layout engine, and the core
// renderers, SVG among them. Their symbols are what Graphviz's libltdl would look up by name.
extern "C" {
extern gvplugin_library_t gvplugin_dot_layout_LTX_library;
extern gvplugin_library_t gvplugin_core_LTX_library;
}

namespace crashsim {
namespace {

const lt_symlist_t kBuiltins[] = {
    {"gvplugin_dot_layout_LTX_library", &gvplugin_dot_layout_LTX_library},
    {"gvplugin_core_LTX_library", &gvplugin_core_LTX_library},
    {nullptr, nullptr},
};

// The font whose widths Graphviz knows without a text layout plugin (0.6 em a character).
constexpr const char* kMetricsFont = "Courier";

std::mutex graphviz_lock;
std::string* graphviz_messages = nullptr;  // where CollectMessage writes; under graphviz_lock

int CollectMessage(char* text) {
  if (graphviz_messages != nullptr && text != nullptr) *graphviz_messages += text;
  return 0;
}

// Graphviz 2.42's setter takes `char*` for strings it only reads (it copies them).
void Set(void* object, const char* name, const char* value) {
  agsafeset(object, const_cast<char*>(name), const_cast<char*>(value), const_cast<char*>(""));
}

void SetFontsOf(Agraph_t* graph) {
  Set(graph, "fontname", kMetricsFont);
  for (Agraph_t* sub = agfstsubg(graph); sub != nullptr; sub = agnxtsubg(sub)) SetFontsOf(sub);
}

// Graphviz 2.42's dot layout leaks the auxiliary edges it makes for edges into and out of clusters
// (make_aux_edge in class1, new_virtual_edge in class2): gvFreeLayout does not free them, and
// nothing else can reach them. In the sanitized build LeakSanitizer is told to ignore what the
// layout allocates, and only that; the graph, the context and the rendered text stay checked.
int Layout(GVC_t* context, Agraph_t* graph) {
#if defined(__SANITIZE_ADDRESS__)
  __lsan_disable();
#endif
  const int status = gvLayout(context, graph, "dot");
#if defined(__SANITIZE_ADDRESS__)
  __lsan_enable();
#endif
  return status;
}

// Owns what one rendering allocates, freed in the order Graphviz asks for.
struct Rendering {
  GVC_t* context = nullptr;
  Agraph_t* graph = nullptr;
  bool laid_out = false;
  char* data = nullptr;
  ~Rendering() {
    if (data != nullptr) gvFreeRenderData(data);
    if (laid_out) gvFreeLayout(context, graph);
    if (graph != nullptr) agclose(graph);
    if (context != nullptr) gvFreeContext(context);
  }
};

bool IsPlainId(const std::string& id) {
  if (id.empty() || !std::isalpha(static_cast<unsigned char>(id[0]))) return false;
  for (char c : id) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  }
  return true;
}

std::string OneLine(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  for (char& c : text) {
    if (c == '\n') c = ' ';
  }
  return text.empty() ? "no message" : text;
}

}  // namespace

StatusOr<std::string> DotToInlineSvg(const std::string& dot, const std::string& id) {
  if (!IsPlainId(id)) return Status::Error("not an SVG id of letters, digits and '_': " + id);
  std::lock_guard<std::mutex> hold(graphviz_lock);
  std::string messages;
  graphviz_messages = &messages;
  const agusererrf previous = agseterrf(CollectMessage);
  struct Restore {
    agusererrf previous;
    ~Restore() {
      agseterrf(previous);
      graphviz_messages = nullptr;
    }
  } restore{previous};

  Rendering r;
  r.context = gvContextPlugins(kBuiltins, 0);
  if (r.context == nullptr) return Status::Error("Graphviz: no context");
  r.graph = agmemread(dot.c_str());
  if (r.graph == nullptr) {
    return Status::Error("Graphviz cannot read the graph: " + OneLine(messages));
  }
  Set(r.graph, "id", id.c_str());
  Set(r.graph, "label", "");
  SetFontsOf(r.graph);
  for (Agnode_t* node = agfstnode(r.graph); node != nullptr; node = agnxtnode(r.graph, node)) {
    Set(node, "fontname", kMetricsFont);
  }
  if (Layout(r.context, r.graph) != 0) {
    return Status::Error("Graphviz cannot lay out the graph: " + OneLine(messages));
  }
  r.laid_out = true;
  unsigned int length = 0;
  if (gvRenderData(r.context, r.graph, "svg", &r.data, &length) != 0 || r.data == nullptr) {
    return Status::Error("Graphviz cannot render the graph as SVG: " + OneLine(messages));
  }
  const std::string svg(r.data, length);
  const size_t start = svg.find("<svg");
  if (start == std::string::npos) return Status::Error("Graphviz's SVG has no <svg> element");
  // Without the comments that name each node and edge (Graphviz writes every '-' in text as
  // "&#45;", so no text holds "<!--").
  std::string out;
  size_t at = start;
  for (size_t open = svg.find("<!--", at); open != std::string::npos;
       open = svg.find("<!--", at)) {
    const size_t close = svg.find("-->", open);
    if (close == std::string::npos) return Status::Error("Graphviz's SVG has an open comment");
    out.append(svg, at, open - at);
    at = close + 3;
    if (at < svg.size() && svg[at] == '\n') ++at;
  }
  out.append(svg, at, std::string::npos);
  // Graphviz sizes the picture in points (1/72 inch); as pixels, its text is the page's size.
  const size_t tag_end = out.find('>');
  for (const char* attribute : {" width=\"", " height=\""}) {
    const size_t value = out.find(attribute);
    if (value == std::string::npos || value > tag_end) continue;
    const size_t unit = out.find("pt\"", value);
    if (unit != std::string::npos && unit < tag_end) out.erase(unit, 2);
  }
  // An HTML parser puts an inline <svg> in the SVG namespace itself; the declarations would be
  // the page's only URLs.
  for (const char* declaration : {" xmlns=\"http://www.w3.org/2000/svg\"",
                                  " xmlns:xlink=\"http://www.w3.org/1999/xlink\""}) {
    const size_t found = out.find(declaration);
    if (found != std::string::npos) out.erase(found, std::string(declaration).size());
  }
  return out;
}

}  // namespace crashsim
