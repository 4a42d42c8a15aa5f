#include "reports/markup_check.h"

#include <cctype>
#include <sstream>

namespace crashsim::testing {
namespace {

bool NameChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_' || c == ':' ||
         c == '.';
}

class Reader {
 public:
  Reader(const std::string& text, const std::set<std::string>& void_elements)
      : text_(text), void_elements_(void_elements) {}

  Markup Read() {
    while (pos_ < text_.size() && markup_.error.empty()) {
      if (text_[pos_] == '<') {
        Tag();
      } else {
        Text();
      }
    }
    if (markup_.error.empty() && !open_.empty()) {
      Fail("<" + markup_.elements[open_.back()].name + "> is never closed");
    }
    if (markup_.error.empty() && markup_.elements.empty()) Fail("no element");
    return std::move(markup_);
  }

 private:
  void Fail(const std::string& message) {
    if (!markup_.error.empty()) return;
    size_t line = 1;
    for (size_t i = 0; i < pos_ && i < text_.size(); ++i) line += text_[i] == '\n' ? 1 : 0;
    markup_.error = "line " + std::to_string(line) + ": " + message;
  }

  // Decodes text up to `end`, checking every '&' starts a known entity and no '<' occurs.
  std::string Decode(size_t begin, size_t end) {
    std::string out;
    for (size_t i = begin; i < end; ++i) {
      const char c = text_[i];
      if (c == '<') {
        Fail("raw '<'");
        return out;
      }
      if (c != '&') {
        out += c;
        continue;
      }
      const size_t semicolon = text_.find(';', i);
      if (semicolon == std::string::npos || semicolon >= end || semicolon - i > 8) {
        Fail("raw '&'");
        return out;
      }
      const std::string entity = text_.substr(i + 1, semicolon - i - 1);
      static const std::map<std::string, std::string> kNamed = {
          {"amp", "&"}, {"lt", "<"}, {"gt", ">"}, {"quot", "\""}, {"apos", "'"}, {"middot", "."}};
      if (auto it = kNamed.find(entity); it != kNamed.end()) {
        out += it->second;
      } else if (entity.size() > 1 && entity[0] == '#' &&
                 entity.find_first_not_of("0123456789", 1) == std::string::npos) {
        out += static_cast<char>(std::stoi(entity.substr(1)) & 0x7f);
      } else {
        Fail("unknown entity &" + entity + ";");
        return out;
      }
      i = semicolon;
    }
    return out;
  }

  void Text() {
    const size_t end = std::min(text_.find('<', pos_), text_.size());
    const std::string decoded = Decode(pos_, end);
    if (open_.empty()) {
      if (decoded.find_first_not_of(" \t\r\n") != std::string::npos) Fail("text outside the root");
    } else {
      markup_.elements[open_.back()].text += decoded;
    }
    pos_ = end;
  }

  void Tag() {
    if (text_.compare(pos_, 2, "<?") == 0 || text_.compare(pos_, 2, "<!") == 0) {
      if (!markup_.elements.empty()) Fail("a prolog after the first element");
      const size_t end = text_.find('>', pos_);
      if (end == std::string::npos) return Fail("unterminated prolog");
      pos_ = end + 1;
      return;
    }
    const bool closing = text_.compare(pos_, 2, "</") == 0;
    pos_ += closing ? 2 : 1;
    const size_t name_start = pos_;
    while (pos_ < text_.size() && NameChar(text_[pos_])) ++pos_;
    const std::string name = text_.substr(name_start, pos_ - name_start);
    if (name.empty()) return Fail("a tag without a name");
    if (closing) {
      if (pos_ >= text_.size() || text_[pos_] != '>') return Fail("bad closing tag </" + name);
      ++pos_;
      if (open_.empty() || markup_.elements[open_.back()].name != name) {
        return Fail("</" + name + "> does not close the open element");
      }
      open_.pop_back();
      return;
    }
    if (open_.empty() && !markup_.elements.empty()) return Fail("a second root <" + name + ">");
    Element element;
    element.name = name;
    if (!open_.empty()) element.parent = open_.back();
    bool self_closing = false;
    while (true) {
      while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
      if (pos_ >= text_.size()) return Fail("unterminated tag <" + name);
      if (text_[pos_] == '>') {
        ++pos_;
        break;
      }
      if (text_.compare(pos_, 2, "/>") == 0) {
        pos_ += 2;
        self_closing = true;
        break;
      }
      const size_t attribute_start = pos_;
      while (pos_ < text_.size() && NameChar(text_[pos_])) ++pos_;
      const std::string attribute = text_.substr(attribute_start, pos_ - attribute_start);
      if (attribute.empty() || text_.compare(pos_, 2, "=\"") != 0) {
        return Fail("attribute of <" + name + "> not in the form name=\"value\"");
      }
      pos_ += 2;
      const size_t value_end = text_.find('"', pos_);
      if (value_end == std::string::npos) return Fail("unterminated attribute value");
      std::string value = Decode(pos_, value_end);
      if (!markup_.error.empty()) return;
      if (!element.attributes.emplace(attribute, std::move(value)).second) {
        return Fail("duplicate attribute " + attribute);
      }
      pos_ = value_end + 1;
    }
    markup_.elements.push_back(std::move(element));
    if (!self_closing && void_elements_.count(name) == 0) {
      open_.push_back(markup_.elements.size() - 1);
    }
  }

  const std::string& text_;
  const std::set<std::string>& void_elements_;
  size_t pos_ = 0;
  std::vector<size_t> open_;
  Markup markup_;
};

}  // namespace

bool Element::HasClass(const std::string& wanted) const {
  auto it = attributes.find("class");
  if (it == attributes.end()) return false;
  std::istringstream words(it->second);
  std::string word;
  while (words >> word) {
    if (word == wanted) return true;
  }
  return false;
}

std::vector<size_t> Markup::Find(const std::string& name, const std::string& css_class) const {
  std::vector<size_t> found;
  for (size_t i = 0; i < elements.size(); ++i) {
    if (elements[i].name == name && (css_class.empty() || elements[i].HasClass(css_class))) {
      found.push_back(i);
    }
  }
  return found;
}

std::optional<size_t> Markup::ById(const std::string& id) const {
  for (size_t i = 0; i < elements.size(); ++i) {
    auto it = elements[i].attributes.find("id");
    if (it != elements[i].attributes.end() && it->second == id) return i;
  }
  return std::nullopt;
}

bool Markup::Inside(size_t element, size_t ancestor) const {
  for (std::optional<size_t> at = elements[element].parent; at; at = elements[*at].parent) {
    if (*at == ancestor) return true;
  }
  return false;
}

Markup ReadMarkup(const std::string& text, const std::set<std::string>& void_elements) {
  return Reader(text, void_elements).Read();
}

}  // namespace crashsim::testing
