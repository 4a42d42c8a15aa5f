// Lexical rules shared by op strings and assertion expressions.
#include "sim/scenario/syntax.h"

#include <algorithm>
#include <cstdio>

namespace crashsim {
namespace {

bool IsAsciiLetter(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string_view TrimSpaces(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// `text` includes its quotes, so messages show it as it stands.
StatusOr<Bytes> ParseQuoted(std::string_view text) {
  Bytes bytes;
  if (text.size() < 2 || text.back() != '\'') {
    return Status::Error("unterminated text " + Escape(text));
  }
  for (size_t i = 1; i + 1 < text.size(); ++i) {
    const char c = text[i];
    if (c == '\\') {
      if (i + 2 >= text.size()) {
        return Status::Error("text " + Escape(text) + " ends inside an escape");
      }
      const char next = text[i + 1];
      if (next != '\'' && next != '\\') {
        return Status::Error("unknown escape " + Quote(text.substr(i, 2)) + " in text " +
                             Escape(text) + " (only \\' and \\\\ are escapes)");
      }
      bytes.push_back(static_cast<uint8_t>(next));
      ++i;
    } else if (c == '\'') {
      return Status::Error("a quote inside text " + Escape(text) + " must be escaped as \\'");
    } else {
      bytes.push_back(static_cast<uint8_t>(c));
    }
  }
  if (bytes.size() > kMaxDataBytes) {
    return Status::Error("text is longer than the 16 MiB a DATA value may hold");
  }
  return bytes;
}

StatusOr<Bytes> ParseHexBytes(std::string_view text) {
  const std::string_view digits = text.substr(2);
  if (digits.empty()) return Status::Error("byte string " + Quote(text) + " has no hex digits");
  if (digits.size() % 2 != 0) {
    return Status::Error("byte string " + Quote(text) +
                         " has an odd number of hex digits (two per byte)");
  }
  if (digits.size() / 2 > kMaxDataBytes) {
    return Status::Error("byte string is longer than the 16 MiB a DATA value may hold");
  }
  Bytes bytes;
  for (size_t i = 0; i < digits.size(); i += 2) {
    const int high = HexValue(digits[i]);
    const int low = HexValue(digits[i + 1]);
    if (high < 0 || low < 0) {
      return Status::Error("byte string " + Quote(text) +
                           " has a character that is not a hex digit");
    }
    bytes.push_back(static_cast<uint8_t>(high * 16 + low));
  }
  return bytes;
}

StatusOr<Bytes> ParseFill(std::string_view text) {
  const std::string usage = "expected fill(HH, N): a byte as two hex digits and a count";
  if (text.size() < 6 || text.substr(0, 5) != "fill(" || text.back() != ')') {
    return Status::Error("bad fill " + Quote(text) + ": " + usage);
  }
  const std::string_view inner = text.substr(5, text.size() - 6);
  const size_t comma = inner.find(',');
  if (comma == std::string_view::npos) {
    return Status::Error("bad fill " + Quote(text) + ": " + usage);
  }
  StatusOr<uint8_t> byte = ParseHexByte(TrimSpaces(inner.substr(0, comma)));
  if (!byte.ok()) return Status::Error("bad fill " + Quote(text) + ": " + byte.status().message());
  StatusOr<uint64_t> count = ParseNumber(TrimSpaces(inner.substr(comma + 1)));
  if (!count.ok()) {
    return Status::Error("bad fill " + Quote(text) + ": count " + count.status().message());
  }
  if (*count > kMaxDataBytes) {
    return Status::Error("fill " + Quote(text) +
                         " is larger than the 16 MiB a DATA value may hold");
  }
  return Bytes(*count, *byte);
}

}  // namespace

bool IsIdentifier(std::string_view text) {
  if (text.empty() || !IsAsciiLetter(text[0])) return false;
  for (const char c : text) {
    if (!IsAsciiLetter(c) && !IsDigit(c) && c != '_') return false;
  }
  return true;
}

StatusOr<uint64_t> ParseNumber(std::string_view text) {
  if (text.empty()) return Status::Error("'' is not a number (decimal or 0x hex)");
  if (text[0] == '-') return Status::Error(Quote(text) + " is negative");
  uint64_t value = 0;
  if (text.size() >= 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    const std::string_view digits = text.substr(2);
    if (digits.empty()) return Status::Error(Quote(text) + " has no hex digits");
    for (const char c : digits) {
      const int digit = HexValue(c);
      if (digit < 0) return Status::Error(Quote(text) + " is not a number (decimal or 0x hex)");
      if (value > (UINT64_MAX >> 4)) return Status::Error(Quote(text) + " does not fit in 64 bits");
      value = value * 16 + static_cast<uint64_t>(digit);
    }
    return value;
  }
  for (const char c : text) {
    if (!IsDigit(c)) return Status::Error(Quote(text) + " is not a number (decimal or 0x hex)");
    const uint64_t digit = static_cast<uint64_t>(c - '0');
    if (value > (UINT64_MAX - digit) / 10) {
      return Status::Error(Quote(text) + " does not fit in 64 bits");
    }
    value = value * 10 + digit;
  }
  return value;
}

Status CheckFileRange(uint64_t offset, uint64_t length, std::string_view what) {
  if (offset > kMaxFileOffset || length > kMaxFileOffset - offset) {
    return Status::Error(std::string(what) + " range " + std::to_string(offset) + " + " +
                         std::to_string(length) + " passes the largest file offset, 2^63 - 1");
  }
  return Status();
}

StatusOr<uint8_t> ParseHexByte(std::string_view text) {
  if (text.size() != 2 || HexValue(text[0]) < 0 || HexValue(text[1]) < 0) {
    return Status::Error("expected one byte as two hex digits without 0x (\"41\" is 'A'), got " +
                         Quote(text));
  }
  return static_cast<uint8_t>(HexValue(text[0]) * 16 + HexValue(text[1]));
}

StatusOr<Bytes> ParseDataLiteral(std::string_view text) {
  if (!text.empty() && text[0] == '\'') return ParseQuoted(text);
  if (text.size() >= 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    return ParseHexBytes(text);
  }
  if (text.substr(0, 4) == "fill") return ParseFill(text);
  return Status::Error("bad data " + Quote(text) + " (expected 'text', 0xHHHH... or fill(HH, N))");
}

void AddQuotedTextRuns(std::string_view text, TextRuns* runs) {
  bool quoted = false;
  int last = -1;  // the previous byte inside the literal
  uint64_t run = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (!quoted) {
      quoted = c == '\'';
      last = -1;
      run = 0;
      continue;
    }
    if (c == '\'') {
      quoted = false;
      continue;
    }
    if (c == '\\' && i + 1 < text.size()) c = text[++i];  // \' and \\ stand for one byte
    const uint8_t byte = static_cast<uint8_t>(c);
    run = byte == last ? run + 1 : 1;
    last = byte;
    (*runs)[byte] = std::max((*runs)[byte], run);
  }
}

bool IsPathChar(char c) {
  return IsAsciiLetter(c) || IsDigit(c) || c == '.' || c == '_' || c == '-' || c == '/';
}

Status CheckPath(std::string_view path) {
  const std::string bad = "bad path " + Quote(path) + ": expected " + kPathRule;
  if (path.empty() || path[0] != '/') {
    return Status::Error("path " + Quote(path) + " is not absolute");
  }
  if (path == "/")
    return Status::Error("path '/' is the root directory, not a file or directory name");
  if (path.back() == '/') return Status::Error(bad);
  size_t start = 1;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    const std::string_view component = path.substr(start, end - start);
    if (component.empty() || component == "." || component == "..") return Status::Error(bad);
    for (const char c : component) {
      if (!IsPathChar(c)) return Status::Error(bad);
    }
    start = end + 1;
  }
  return Status();
}

Status CheckSymlinkTarget(std::string_view target) {
  const std::string bad = "bad symlink target " + Quote(target) +
                          ": expected a path of '/'-separated names made of A-Za-z0-9 . _ -, "
                          "without empty names or a trailing '/'";
  if (target.empty()) return Status::Error("empty symlink target");
  if (target == "/") return Status();
  if (target.back() == '/') return Status::Error(bad);
  size_t start = target[0] == '/' ? 1 : 0;
  while (start <= target.size()) {
    size_t end = target.find('/', start);
    if (end == std::string_view::npos) end = target.size();
    const std::string_view component = target.substr(start, end - start);
    if (component.empty()) return Status::Error(bad);
    for (const char c : component) {
      if (!IsPathChar(c)) return Status::Error(bad);
    }
    start = end + 1;
  }
  return Status();
}

std::string Quote(std::string_view text) { return "'" + Escape(text) + "'"; }

std::string Escape(std::string_view text) {
  std::string out;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) {
      char buffer[8];
      std::snprintf(buffer, sizeof buffer, "\\x%02X", byte);
      out += buffer;
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace crashsim
