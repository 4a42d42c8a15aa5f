// Tests for the lexical rules shared by ops and expressions, including the branches that the op
// and expression scanners never let through (they stop at the same quote first).
#include "sim/scenario/syntax.h"

#include <doctest/doctest.h>

namespace crashsim {
namespace {

std::string DataError(const std::string& text) {
  StatusOr<Bytes> bytes = ParseDataLiteral(text);
  return bytes.ok() ? "(parsed)" : bytes.status().message();
}

TEST_CASE("quoted text must be closed, with no bare quote and no dangling escape inside") {
  CHECK(DataError("'abc") == "unterminated text 'abc");
  CHECK(DataError("'") == "unterminated text '");
  CHECK(DataError("'ab\\'") == "text 'ab\\' ends inside an escape");
  CHECK(DataError("'a'b'") == "a quote inside text 'a'b' must be escaped as \\'");
  CHECK(DataError("''") == "(parsed)");
}

TEST_CASE("a DATA literal holds at most 16 MiB") {
  const std::string long_text = "'" + std::string(kMaxDataBytes + 1, 'a') + "'";
  CHECK(DataError(long_text) == "text is longer than the 16 MiB a DATA value may hold");
  const std::string long_hex = "0x" + std::string(2 * (kMaxDataBytes + 1), '0');
  CHECK(DataError(long_hex) == "byte string is longer than the 16 MiB a DATA value may hold");
  CHECK(ParseDataLiteral("fill(00, 16777216)")->size() == kMaxDataBytes);
}

TEST_CASE("a fill needs its comma and closing parenthesis") {
  CHECK(DataError("fill(41 8)") ==
        "bad fill 'fill(41 8)': expected fill(HH, N): a byte as two hex digits and a count");
  CHECK(DataError("fill(41, 8") ==
        "bad fill 'fill(41, 8': expected fill(HH, N): a byte as two hex digits and a count");
  CHECK(DataError("fill( 41 , 2 )") == "(parsed)");
}

TEST_CASE("a hex byte is exactly two hex digits in either case") {
  CHECK(*ParseHexByte("4a") == 0x4a);
  CHECK(*ParseHexByte("4A") == 0x4a);
  CHECK_FALSE(ParseHexByte("4").ok());
  CHECK_FALSE(ParseHexByte("041").ok());
  CHECK_FALSE(ParseHexByte("g0").ok());
}

TEST_CASE("identifiers start with a letter and go on with letters, digits and underscores") {
  CHECK(IsIdentifier("P1"));
  CHECK(IsIdentifier("a_b"));
  CHECK_FALSE(IsIdentifier(""));
  CHECK_FALSE(IsIdentifier("_a"));
  CHECK_FALSE(IsIdentifier("1a"));
  CHECK_FALSE(IsIdentifier("a-b"));
}

TEST_CASE("a path is absolute and normalised") {
  CHECK(CheckPath("/f").ok());
  CHECK(CheckPath("/d.1/f_2-x").ok());
  CHECK(CheckPath("f").message() == "path 'f' is not absolute");
  CHECK(CheckPath("").message() == "path '' is not absolute");
  CHECK_FALSE(CheckPath("/").ok());
  CHECK_FALSE(CheckPath("/a/").ok());
  CHECK_FALSE(CheckPath("//a").ok());
  CHECK_FALSE(CheckPath("/a/./b").ok());
  CHECK_FALSE(CheckPath("/a/..").ok());
  CHECK_FALSE(CheckPath("/a b").ok());
  CHECK(CheckPath("/a..b").ok());
}

TEST_CASE("a symbolic link target is absolute or relative, with '.' and '..' allowed") {
  for (const char* target : {"/f", "f", "../d/./f", "..", ".", "/", "a/b"}) {
    CHECK_MESSAGE(CheckSymlinkTarget(target).ok(), target);
  }
  CHECK(CheckSymlinkTarget("").message() == "empty symlink target");
  for (const char* target : {"a//b", "a/", "//", "a b", "/a\\b"}) {
    CHECK_MESSAGE(!CheckSymlinkTarget(target).ok(), target);
  }
}

TEST_CASE("messages show control bytes escaped, so they stay on one line") {
  CHECK(Quote("a\nb") == "'a\\x0Ab'");
  CHECK(Escape("tab\there") == "tab\\x09here");
}

TEST_CASE("a file range ends at or before the largest file offset") {
  CHECK(CheckFileRange(0, kMaxFileOffset, "x").ok());
  CHECK(CheckFileRange(kMaxFileOffset, 0, "x").ok());
  CHECK_FALSE(CheckFileRange(kMaxFileOffset, 1, "x").ok());
  CHECK_FALSE(CheckFileRange(UINT64_MAX, 0, "x").ok());
  CHECK_FALSE(CheckFileRange(1, UINT64_MAX, "x").ok());
}

TEST_CASE("the runs of each byte inside the quoted texts of an op or expression") {
  TextRuns runs{};
  AddQuotedTextRuns("store m+0 'XXXXXXXX'", &runs);
  CHECK(runs['X'] == 8);
  CHECK(runs['m'] == 0);  // outside the quotes
  AddQuotedTextRuns("/f[0:3] == 'XXX' || /f[0:4] == 'AAXA'", &runs);
  CHECK(runs['X'] == 8);  // the longest run is kept
  CHECK(runs['A'] == 2);
  // Escapes stand for one byte each; a run does not reach from one text into the next.
  AddQuotedTextRuns(R"(pwrite fd 0 'a\'\'b\\\\' 'bb')", &runs);
  CHECK(runs['\''] == 2);
  CHECK(runs['\\'] == 2);
  CHECK(runs['b'] == 2);
  CHECK(runs['0'] == 0);
}

}  // namespace
}  // namespace crashsim
