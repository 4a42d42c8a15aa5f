#include "reports/escape.h"

#include <doctest/doctest.h>

namespace crashsim {
namespace {

const std::string kReplacement = "\xef\xbf\xbd";

TEST_CASE("well-formed UTF-8 passes unchanged and each ill-formed byte becomes U+FFFD") {
  CHECK(ValidUtf8("plain ascii") == "plain ascii");
  CHECK(ValidUtf8("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x92\xbe") == "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x92\xbe");
  CHECK(ValidUtf8("\xff") == kReplacement);
  CHECK(ValidUtf8("a\x80z") == "a" + kReplacement + "z");
  CHECK(ValidUtf8("\xc0\xaf") == kReplacement + kReplacement);          // overlong '/'
  CHECK(ValidUtf8("\xed\xa0\x80") == kReplacement + kReplacement + kReplacement);  // surrogate
  CHECK(ValidUtf8("\xf4\x90\x80\x80").size() == 4 * kReplacement.size());  // above U+10FFFF
  CHECK(ValidUtf8("ab\xe2\x82") == "ab" + kReplacement + kReplacement);  // truncated at the end
}

TEST_CASE("HTML escaping covers markup, both quotes and control characters") {
  CHECK(HtmlEscape("<a href=\"x\">'&'</a>") ==
        "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  CHECK(HtmlEscape("tab\tnew\nline\x01") == "tab\tnew\nline" + kReplacement);
  CHECK(HtmlEscape("\xff") == kReplacement);
}

TEST_CASE("XML escaping keeps text characters and drops what XML 1.0 forbids") {
  CHECK(XmlEscape("a<b>&\"c\"'d'") == "a&lt;b&gt;&amp;&quot;c&quot;&apos;d&apos;");
  CHECK(XmlEscape("one\ntwo\tthree\rfour") == "one\ntwo\tthree&#13;four");
  CHECK(XmlEscape("bell\x07 nul") == "bell" + kReplacement + " nul");
  CHECK(XmlEscape("\xef\xbf\xbe\xef\xbf\xbf") == kReplacement + kReplacement);
  CHECK(XmlEscape("]]>") == "]]&gt;");
  CHECK(XmlAttribute("one\ntwo\tthree") == "one&#10;two&#9;three");
}

TEST_CASE("a DOT string is quoted with backslash, quote and newline escaped") {
  CHECK(DotQuoted("plain") == "\"plain\"");
  CHECK(DotQuoted("say \"hi\" \\ {x}") == "\"say \\\"hi\\\" \\\\ {x}\"");
  CHECK(DotQuoted("one\ntwo") == "\"one\\ntwo\"");
  CHECK(DotQuoted("\x02") == "\"" + kReplacement + "\"");
}

TEST_CASE("Markdown code spans use a fence longer than any backtick run inside") {
  CHECK(MarkdownCode("x = 1") == "`x = 1`");
  CHECK(MarkdownCode("a`b") == "``a`b``");
  CHECK(MarkdownCode("```") == "```` ``` ````");
  CHECK(MarkdownCode("`edge") == "`` `edge ``");
  CHECK(MarkdownCode("") == "`(empty)`");
  CHECK(MarkdownCode("two\nlines") == "`two lines`");
}

TEST_CASE("Markdown text escapes what would start markup or break a table") {
  CHECK(MarkdownText("a|b *c* _d_ `e` [f](g) <h> #i \\") ==
        "a\\|b \\*c\\* \\_d\\_ \\`e\\` \\[f\\](g) \\<h\\> \\#i \\\\");
  CHECK(MarkdownText("one\ntwo") == "one two");
  CHECK(MarkdownText("l7-mixed-modes-msync") == "l7-mixed-modes-msync");
}

}  // namespace
}  // namespace crashsim
