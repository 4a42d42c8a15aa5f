// Lexical rules shared by op strings and assertion expressions (docs/scenario-format.md, "The shape
// of an op" and "Expressions"): identifiers, numbers, DATA literals, paths.
//
// Each parser returns a Status whose message quotes the offending text but names no location:
// the caller knows the JSON pointer and adds it. Nothing here throws or allocates without bound
// (a DATA value holds at most kMaxDataBytes).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "sim/base/status.h"
#include "sim/scenario/scenario.h"

namespace crashsim {

// Process, label, fd, mapping, value and barrier names.
inline constexpr const char* kIdentifierRule = "[A-Za-z][A-Za-z0-9_]*";
bool IsIdentifier(std::string_view text);

// The largest byte offset a file may reach (off_t is signed): every offset + length is at most
// this.
inline constexpr uint64_t kMaxFileOffset = 0x7fffffffffffffffULL;
// The largest DATA value (a `'text'`, `0x…` or `fill(HH, N)` literal), 16 MiB.
inline constexpr uint64_t kMaxDataBytes = uint64_t{16} << 20;

// A number: decimal or `0x` hex, no sign, at most 64 bits.
StatusOr<uint64_t> ParseNumber(std::string_view text);

// Ok when [offset, offset + length) ends at or before kMaxFileOffset (no uint64 overflow
// either). `what` names the range in the message, e.g. "store".
Status CheckFileRange(uint64_t offset, uint64_t length, std::string_view what);

// One byte as exactly two hex digits without `0x` ("41" is 'A'), either case.
StatusOr<uint8_t> ParseHexByte(std::string_view text);

// A DATA literal: `'text'` (escapes `\'` and `\\` only), `0xHHHH…` (bytes in address order, an
// even number of digits), or `fill(HH, N)`. `zero` and `old` are not literals: only assertions
// take them, and they are handled there.
StatusOr<Bytes> ParseDataLiteral(std::string_view text);

// Adds the `'text'` literals of an op or expression string to `runs`: for each byte value, the
// longest run of it inside one literal. Other characters of `text` never hold a quote.
void AddQuotedTextRuns(std::string_view text, TextRuns* runs);

// Characters a path component may use.
bool IsPathChar(char c);
inline constexpr const char* kPathRule =
    "an absolute path of '/'-separated names made of A-Za-z0-9 . _ -, without '.' or '..' "
    "components, empty components or a trailing '/'";
// Ok for an absolute, normalised path other than the root.
Status CheckPath(std::string_view path);

// A symbolic link's target: an absolute or relative path of names made of the path characters,
// where '.' and '..' are allowed; no empty names and no trailing '/' (the root, "/", is allowed).
Status CheckSymlinkTarget(std::string_view target);

// User text for a one-line message: control bytes shown as \xHH.
std::string Escape(std::string_view text);
// The same in quotes: 'text'.
std::string Quote(std::string_view text);

}  // namespace crashsim
