// For tests: a strict reader of the markup that the HTML and JUnit reports write. It accepts a
// prolog (<?xml ...?>, <!DOCTYPE ...>), elements with double-quoted attributes, self-closing tags,
// the given void elements, text, and the entities &amp; &lt; &gt; &quot; &apos; &#N;. Anything
// else (an unclosed or crossed tag, a raw '<' or '&', an unquoted attribute, a duplicate
// attribute) is an error. That is less than an XML or HTML parser, and deliberately so: it holds
// the reports to the shape they promise, with no parser dependency.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace crashsim::testing {

struct Element {
  std::string name;
  std::map<std::string, std::string> attributes;  // values with entities decoded
  std::optional<size_t> parent;                   // index into Markup::elements
  std::string text;                               // the decoded text directly inside it
  bool HasClass(const std::string& name) const;
};

struct Markup {
  std::string error;              // empty when the text is well formed
  std::vector<Element> elements;  // in document order
  std::vector<size_t> Find(const std::string& name, const std::string& css_class = "") const;
  std::optional<size_t> ById(const std::string& id) const;
  bool Inside(size_t element, size_t ancestor) const;
};

Markup ReadMarkup(const std::string& text, const std::set<std::string>& void_elements = {});

}  // namespace crashsim::testing
