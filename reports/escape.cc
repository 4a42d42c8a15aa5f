#include "reports/escape.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>

namespace crashsim {
namespace {

constexpr const char* kReplacement = "\xef\xbf\xbd";  // U+FFFD

// The length of the well-formed UTF-8 sequence at text[i], or 0 when it is ill-formed
// (Unicode 15, table 3-7).
size_t SequenceLength(std::string_view text, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<uint8_t>(text[k]); };
  const uint8_t lead = byte(i);
  if (lead < 0x80) return 1;
  size_t length = 0;
  uint8_t second_min = 0x80, second_max = 0xbf;
  if (lead >= 0xc2 && lead <= 0xdf) {
    length = 2;
  } else if (lead >= 0xe0 && lead <= 0xef) {
    length = 3;
    if (lead == 0xe0) second_min = 0xa0;  // no overlong forms
    if (lead == 0xed) second_max = 0x9f;  // no surrogates
  } else if (lead >= 0xf0 && lead <= 0xf4) {
    length = 4;
    if (lead == 0xf0) second_min = 0x90;  // no overlong forms
    if (lead == 0xf4) second_max = 0x8f;  // nothing above U+10FFFF
  } else {
    return 0;
  }
  if (i + length > text.size()) return 0;
  if (byte(i + 1) < second_min || byte(i + 1) > second_max) return 0;
  for (size_t k = 2; k < length; ++k) {
    if (byte(i + k) < 0x80 || byte(i + k) > 0xbf) return 0;
  }
  return length;
}

bool IsControl(char c) { return static_cast<uint8_t>(c) < 0x20 || c == 0x7f; }

std::string XmlEscaped(std::string_view text, bool attribute) {
  const std::string valid = ValidUtf8(text);
  std::string out;
  for (size_t i = 0; i < valid.size(); ++i) {
    const char c = valid[i];
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      case '\t': out += attribute ? "&#9;" : "\t"; break;
      case '\n': out += attribute ? "&#10;" : "\n"; break;
      case '\r': out += "&#13;"; break;
      default:
        if (static_cast<uint8_t>(c) < 0x20) {
          out += kReplacement;
        } else if (valid.compare(i, 3, "\xef\xbf\xbe") == 0 ||
                   valid.compare(i, 3, "\xef\xbf\xbf") == 0) {
          out += kReplacement;  // U+FFFE and U+FFFF are not XML characters
          i += 2;
        } else {
          out += c;
        }
    }
  }
  return out;
}

}  // namespace

std::string ValidUtf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    const size_t length = SequenceLength(text, i);
    if (length == 0) {
      out += kReplacement;
      ++i;
    } else {
      out.append(text.substr(i, length));
      i += length;
    }
  }
  return out;
}

std::string PrintableUtf8(std::string_view text) {
  std::string out;
  for (char c : ValidUtf8(text)) {
    if (IsControl(c) && c != '\t' && c != '\n') {
      out += kReplacement;
    } else {
      out += c;
    }
  }
  return out;
}

std::string HtmlEscape(std::string_view text) {
  std::string out;
  for (char c : ValidUtf8(text)) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      case '\t':
      case '\n': out += c; break;
      default:
        if (IsControl(c)) {
          out += kReplacement;
        } else {
          out += c;
        }
    }
  }
  return out;
}

std::string XmlEscape(std::string_view text) { return XmlEscaped(text, false); }

std::string XmlAttribute(std::string_view text) { return XmlEscaped(text, true); }

std::string DotQuoted(std::string_view text) {
  std::string out = "\"";
  for (char c : ValidUtf8(text)) {
    if (c == '\\' || c == '"') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (IsControl(c)) {
      out += kReplacement;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string MarkdownCode(std::string_view text) {
  std::string body = PrintableUtf8(text);
  std::replace(body.begin(), body.end(), '\n', ' ');
  if (body.empty()) return "`(empty)`";
  size_t longest = 0, run = 0;
  for (char c : body) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  const std::string fence(longest + 1, '`');
  const bool pad = body.front() == '`' || body.back() == '`';
  return fence + (pad ? " " : "") + body + (pad ? " " : "") + fence;
}

std::string MarkdownText(std::string_view text) {
  std::string out;
  for (char c : PrintableUtf8(text)) {
    switch (c) {
      case '\\': case '`': case '*': case '_': case '[': case ']':
      case '<': case '>': case '|': case '#':
        out += '\\';
        out += c;
        break;
      case '\n': out += ' '; break;
      default: out += c;
    }
  }
  return out;
}

}  // namespace crashsim
