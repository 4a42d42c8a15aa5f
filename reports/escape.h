// Escaping for the report formats that embed trace text: HTML, XML (JUnit), DOT and Markdown.
//
// Trace text quotes what the simulated world held (file names, bytes read back), so it may hold
// anything: every function here first makes the text valid UTF-8 (each byte that does not start a
// well-formed sequence becomes U+FFFD, as the JSON report does) and never fails.
#pragma once

#include <string>
#include <string_view>

namespace crashsim {

// `text` with every ill-formed UTF-8 sequence (stray continuation bytes, overlong forms,
// surrogates, code points above U+10FFFF, truncated sequences) replaced by U+FFFD, one per byte.
std::string ValidUtf8(std::string_view text);

// ValidUtf8, and control characters other than tab and newline as U+FFFD: text fit to paste.
std::string PrintableUtf8(std::string_view text);

// For HTML text and double- or single-quoted attribute values: & < > " ' as character references;
// control characters other than tab and newline become U+FFFD.
std::string HtmlEscape(std::string_view text);

// For XML 1.0 element text: & < > " ' as entities, a carriage return as a character reference
// (a parser would fold it away), tab and newline kept, and the characters XML 1.0 forbids (other
// C0 controls, U+FFFE, U+FFFF) as U+FFFD.
std::string XmlEscape(std::string_view text);

// For a double-quoted XML 1.0 attribute value: as XmlEscape, and tab and newline as character
// references too, since a parser normalises literal ones to spaces.
std::string XmlAttribute(std::string_view text);

// A DOT double-quoted string, quotes included: backslash and quote escaped, a newline as the
// centred line break "\n", other control characters as U+FFFD.
std::string DotQuoted(std::string_view text);

// Markdown inline code: `text` between backtick fences one longer than its longest backtick run,
// padded with a space where it starts or ends with a backtick (CommonMark, "Code spans"). Newlines
// become spaces, other control characters U+FFFD; the empty string renders as "(empty)".
std::string MarkdownCode(std::string_view text);

// Plain Markdown text: the characters that start emphasis, links, code, HTML or tables
// (\ ` * _ [ ] < > | #) are backslash-escaped; newlines become spaces, other control characters
// U+FFFD.
std::string MarkdownText(std::string_view text);

}  // namespace crashsim
