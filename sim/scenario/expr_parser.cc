// Recursive-descent parser for assertion expressions, one character at a time (DATA literals
// hold quotes, commas and parentheses, so there is no separate token pass).
#include "sim/scenario/expr_parser.h"

#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/scenario/errno_names.h"
#include "sim/scenario/return_if_error.h"
#include "sim/scenario/syntax.h"

namespace crashsim {
namespace {

bool IsWordChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

std::string Bytes1(uint64_t count) {
  return std::to_string(count) + (count == 1 ? " byte" : " bytes");
}

class ExprParser {
 public:
  explicit ExprParser(std::string_view text) : text_(text) {}

  StatusOr<Expr> ParseAll() {
    Expr expr;
    RETURN_IF_ERROR(ParseImplies(&expr));
    SkipSpace();
    if (pos_ < text_.size()) {
      return Fail("unexpected " + Quote(Rest()) +
                  " (expected '&&', '||', '->' or the end of the expression)");
    }
    return expr;
  }

  StatusOr<ObservedItem> ParseItemAll() {
    ObservedItem item;
    SkipSpace();
    const bool size = AcceptCall("size");
    if (size || AcceptCall("exists")) {
      item.kind = size ? ObservedItem::Kind::kSize : ObservedItem::Kind::kExists;
      RETURN_IF_ERROR(ParsePath(&item.path));
      RETURN_IF_ERROR(Expect(")"));
      item.text = (item.kind == ObservedItem::Kind::kSize ? "size(" : "exists(") + item.path + ")";
    } else if (pos_ < text_.size() && text_[pos_] == '/') {
      item.kind = ObservedItem::Kind::kRange;
      RETURN_IF_ERROR(ParseRangeBounds(&item.path, &item.start, &item.end, "observed item"));
      item.text = item.path + "[" + std::to_string(item.start) + ":" + std::to_string(item.end) + "]";
    } else {
      return Fail("expected an item to observe (/path[START:END], size(/path) or exists(/path))" +
                  Found());
    }
    SkipSpace();
    if (pos_ < text_.size()) return Fail("unexpected " + Quote(Rest()) + " after the item");
    return item;
  }

 private:
  Status Fail(const std::string& message) const {
    return Status::Error(message + " at column " + std::to_string(pos_ + 1));
  }
  Status FailAt(size_t pos, const std::string& message) const {
    return Status::Error(message + " at column " + std::to_string(pos + 1));
  }

  std::string_view Rest() const {
    std::string_view rest = text_.substr(pos_);
    return rest.size() > 20 ? rest.substr(0, 20) : rest;
  }

  void SkipSpace() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' ||
                                   text_[pos_] == '\n' || text_[pos_] == '\r')) {
      ++pos_;
    }
  }

  // Consumes `token` (after spaces) when it comes next.
  bool Accept(std::string_view token) {
    SkipSpace();
    if (text_.substr(pos_, token.size()) != token) return false;
    pos_ += token.size();
    return true;
  }

  Status Expect(std::string_view token) {
    if (Accept(token)) return Status();
    return Fail("expected '" + std::string(token) + "'" + After() + Found());
  }

  // " after 'TEXT'": what came before the parser's position (its last 24 characters), so a
  // message says where the expected thing was missing; "" at the start.
  std::string After() const {
    std::string_view before = text_.substr(0, pos_);
    while (!before.empty() && (before.back() == ' ' || before.back() == '\t' ||
                               before.back() == '\n' || before.back() == '\r')) {
      before.remove_suffix(1);
    }
    if (before.empty()) return "";
    constexpr size_t kShown = 24;
    if (before.size() <= kShown) return " after " + Quote(before);
    return " after " + Quote("..." + std::string(before.substr(before.size() - kShown)));
  }

  std::string Found() const {
    if (pos_ >= text_.size()) return ", found the end";
    return ", found " + Quote(Rest());
  }

  std::string_view PeekWord() {
    SkipSpace();
    size_t end = pos_;
    while (end < text_.size() && IsWordChar(text_[end])) ++end;
    return text_.substr(pos_, end - pos_);
  }

  // A word followed (after spaces) by `(`, as in `size(`.
  bool AcceptCall(std::string_view word) {
    const size_t saved = pos_;
    if (PeekWord() == word) {
      pos_ += word.size();
      if (Accept("(")) return true;
    }
    pos_ = saved;
    return false;
  }

  Status Enter() {
    if (++depth_ > kMaxExprDepth) {
      return Fail("expression nested more than " + std::to_string(kMaxExprDepth) + " deep");
    }
    return Status();
  }

  // A chain of `->`, `||` or `&&` becomes one node with every operand as a child, parsed in a
  // loop: a chain of any length costs no stack, and only parentheses and `!` nest.
  Status ParseImplies(Expr* out) {
    RETURN_IF_ERROR(Enter());
    std::vector<Expr> operands(1);
    RETURN_IF_ERROR(ParseOr(&operands.back()));
    while (Accept("->")) {
      operands.emplace_back();
      RETURN_IF_ERROR(ParseOr(&operands.back()));
    }
    *out = Chain(Expr::Kind::kImplies, std::move(operands));
    --depth_;
    return Status();
  }

  Status ParseOr(Expr* out) {
    std::vector<Expr> operands(1);
    RETURN_IF_ERROR(ParseAnd(&operands.back()));
    while (Accept("||")) {
      operands.emplace_back();
      RETURN_IF_ERROR(ParseAnd(&operands.back()));
    }
    *out = Chain(Expr::Kind::kOr, std::move(operands));
    return Status();
  }

  Status ParseAnd(Expr* out) {
    std::vector<Expr> operands(1);
    RETURN_IF_ERROR(ParseUnary(&operands.back()));
    while (Accept("&&")) {
      operands.emplace_back();
      RETURN_IF_ERROR(ParseUnary(&operands.back()));
    }
    *out = Chain(Expr::Kind::kAnd, std::move(operands));
    return Status();
  }

  Status ParseUnary(Expr* out) {
    SkipSpace();
    if (text_.substr(pos_, 1) == "!" && text_.substr(pos_, 2) != "!=") {
      ++pos_;
      RETURN_IF_ERROR(Enter());
      Expr child;
      RETURN_IF_ERROR(ParseUnary(&child));
      --depth_;
      out->kind = Expr::Kind::kNot;
      out->children.push_back(std::move(child));
      return Status();
    }
    return ParsePrimary(out);
  }

  Status ParsePrimary(Expr* out) {
    SkipSpace();
    if (Accept("(")) {
      RETURN_IF_ERROR(ParseImplies(out));
      return Expect(")");
    }
    if (AcceptCall("size")) {
      out->kind = Expr::Kind::kSizeEq;
      RETURN_IF_ERROR(ParsePath(&out->path));
      RETURN_IF_ERROR(Expect(")"));
      RETURN_IF_ERROR(Expect("=="));
      return ParseNumberHere("size", &out->size);
    }
    if (AcceptCall("sealed")) {
      out->kind = Expr::Kind::kSealed;
      RETURN_IF_ERROR(ParsePath(&out->path));
      return Expect(")");
    }
    if (AcceptCall("exists")) {
      out->kind = Expr::Kind::kExists;
      RETURN_IF_ERROR(ParsePath(&out->path));
      return Expect(")");
    }
    if (AcceptCall("done")) {
      out->kind = Expr::Kind::kDone;
      RETURN_IF_ERROR(ParseQualified("label", &out->process, &out->name));
      return Expect(")");
    }
    if (pos_ < text_.size() && text_[pos_] == '/') return ParseRange(out);
    if (pos_ < text_.size() && IsWordChar(text_[pos_])) {
      RETURN_IF_ERROR(ParseQualified("value", &out->process, &out->name));
      return ParseNamedComparison(out);
    }
    return Fail(
        "expected a condition (/path[START:END] ..., P.x ..., size(...), sealed(...), "
        "exists(...), done(...), '!' or '(')" +
        After() + Found());
  }

  Status ParsePath(std::string* path) {
    SkipSpace();
    const size_t start = pos_;
    while (pos_ < text_.size() && IsPathChar(text_[pos_])) ++pos_;
    const std::string_view candidate = text_.substr(start, pos_ - start);
    if (candidate.empty()) {
      pos_ = start;
      return Fail("expected a path" + After() + Found());
    }
    Status status = CheckPath(candidate);
    if (!status.ok()) return FailAt(start, status.message());
    *path = std::string(candidate);
    return Status();
  }

  // P.name
  Status ParseQualified(const char* what, std::string* process, std::string* name) {
    const size_t start = pos_;
    const std::string_view first = PeekWord();
    if (!IsIdentifier(first)) {
      return Fail(std::string("expected P.") + what + " with a process name matching " +
                  kIdentifierRule + Found());
    }
    pos_ += first.size();
    if (!Accept(".")) {
      return FailAt(start,
                    std::string("expected P.") + what + ", found " + Quote(first) + " without '.'");
    }
    const std::string_view second = PeekWord();
    if (!IsIdentifier(second)) {
      return Fail(std::string("expected a ") + what + " name matching " + kIdentifierRule +
                  " after '" + std::string(first) + ".'" + Found());
    }
    pos_ += second.size();
    *process = std::string(first);
    *name = std::string(second);
    return Status();
  }

  Status ParseNumberHere(const char* what, uint64_t* value) {
    const std::string_view word = PeekWord();
    if (word.empty()) {
      return Fail(std::string("expected a number for ") + what + After() + Found());
    }
    StatusOr<uint64_t> number = ParseNumber(word);
    if (!number.ok()) return Fail("bad " + std::string(what) + ": " + number.status().message());
    pos_ += word.size();
    *value = *number;
    return Status();
  }

  // PATH '[' START ':' END ']', a range a file may have; `what` names it in errors.
  Status ParseRangeBounds(std::string* path, uint64_t* begin, uint64_t* end, const char* what) {
    const size_t start = pos_;
    RETURN_IF_ERROR(ParsePath(path));
    RETURN_IF_ERROR(Expect("["));
    RETURN_IF_ERROR(ParseNumberHere("range start", begin));
    RETURN_IF_ERROR(Expect(":"));
    RETURN_IF_ERROR(ParseNumberHere("range end", end));
    RETURN_IF_ERROR(Expect("]"));
    if (*end < *begin) {
      return FailAt(start, "range [" + std::to_string(*begin) + ":" + std::to_string(*end) +
                               "] ends before it starts");
    }
    Status range = CheckFileRange(*begin, *end - *begin, what);
    if (!range.ok()) return FailAt(start, range.message());
    return Status();
  }

  Status ParseRange(Expr* out) {
    RETURN_IF_ERROR(ParseRangeBounds(&out->path, &out->start, &out->end, "assertion"));
    return ParseComparison(Expr::Kind::kRangeEq, Expr::Kind::kRangeNe, Expr::Kind::kRangeIn, out,
                           /*range_length=*/out->end - out->start);
  }

  Status ParseComparison(Expr::Kind eq, Expr::Kind ne, Expr::Kind in, Expr* out,
                         std::optional<uint64_t> range_length = std::nullopt) {
    if (Accept("==")) {
      out->kind = eq;
    } else if (Accept("!=")) {
      out->kind = ne;
    } else if (PeekWord() == "in") {
      pos_ += 2;
      out->kind = in;
      RETURN_IF_ERROR(Expect("{"));
      do {
        RETURN_IF_ERROR(ParseData(out, range_length));
      } while (Accept(","));
      return Expect("}");
    } else {
      return Fail("expected '==', '!=' or 'in'" + After() + Found());
    }
    return ParseData(out, range_length);
  }

  // P.x compared with DATA (the bytes its load or pread read) or with RESULTs (an op's return
  // value); the first value after the operator decides which, and every value must be of that
  // kind. Whether x is a value or an op is the expression checker's question.
  Status ParseNamedComparison(Expr* out) {
    enum class Cmp { kEq, kNe, kIn } cmp;
    if (Accept("==")) {
      cmp = Cmp::kEq;
    } else if (Accept("!=")) {
      cmp = Cmp::kNe;
    } else if (PeekWord() == "in") {
      pos_ += 2;
      cmp = Cmp::kIn;
      RETURN_IF_ERROR(Expect("{"));
    } else {
      return Fail("expected '==', '!=' or 'in'" + After() + Found());
    }
    const bool result = NextIsResult();
    if (result) {
      out->kind = cmp == Cmp::kEq   ? Expr::Kind::kResultEq
                  : cmp == Cmp::kNe ? Expr::Kind::kResultNe
                                    : Expr::Kind::kResultIn;
    } else {
      out->kind = cmp == Cmp::kEq   ? Expr::Kind::kValueEq
                  : cmp == Cmp::kNe ? Expr::Kind::kValueNe
                                    : Expr::Kind::kValueIn;
    }
    do {
      if (NextIsResult() != result) {
        return Fail(std::string("'in' mixes DATA and op results: ") + out->process + "." +
                    out->name + " is compared with " +
                    (result ? "a result (a count or an errno name)" : "DATA") + " first, so " +
                    "every value must be one" + Found());
      }
      RETURN_IF_ERROR(result ? ParseResult(out) : ParseData(out, std::nullopt));
    } while (cmp == Cmp::kIn && Accept(","));
    return cmp == Cmp::kIn ? Expect("}") : Status();
  }

  // A result comes next: a decimal count (not 0x..., which is DATA), or a word that is or looks
  // like an errno name (upper case, or an errno name in lower case).
  bool NextIsResult() {
    SkipSpace();
    if (pos_ >= text_.size()) return false;
    const char c = text_[pos_];
    if (c >= '0' && c <= '9') {
      const char next = pos_ + 1 < text_.size() ? text_[pos_ + 1] : '\0';
      return !(c == '0' && (next == 'x' || next == 'X'));
    }
    if (c == '-') return true;  // a negative count: ParseResult explains
    if (c >= 'A' && c <= 'Z') return true;
    std::string upper(PeekWord());
    for (char& u : upper) u = static_cast<char>(u >= 'a' && u <= 'z' ? u - 'a' + 'A' : u);
    return IsKernelErrnoName(upper);
  }

  // RESULT := N | ERRNO, kept as the stepper records results: a count in decimal, an errno name.
  Status ParseResult(Expr* out) {
    SkipSpace();
    if (pos_ < text_.size() && text_[pos_] == '-') {
      return Fail("a result is a count or an errno name: a failed op's result is its errno "
                  "(EBADF), not -1");
    }
    const size_t start = pos_;
    const std::string word(PeekWord());
    if (word[0] >= '0' && word[0] <= '9') {
      StatusOr<uint64_t> number = ParseNumber(word);
      if (!number.ok()) return Fail("bad result: " + number.status().message());
      pos_ += word.size();
      out->results.push_back(std::to_string(*number));
      return Status();
    }
    if (std::optional<std::string> error = ErrnoNameError(word)) return FailAt(start, *error);
    pos_ += word.size();
    out->results.push_back(word);
    return Status();
  }

  Status ParseData(Expr* out, std::optional<uint64_t> range_length) {
    SkipSpace();
    const size_t start = pos_;
    if (pos_ < text_.size() && text_[pos_] == '\'') {
      ++pos_;
      while (pos_ < text_.size() && text_[pos_] != '\'') pos_ += text_[pos_] == '\\' ? 2 : 1;
      if (pos_ >= text_.size()) return FailAt(start, "unterminated text");
      ++pos_;
    } else {
      const std::string_view word = PeekWord();
      pos_ += word.size();
      if (word == "zero" || word == "old") {
        DataValue value;
        value.kind = word == "zero" ? DataValue::Kind::kZero : DataValue::Kind::kOld;
        out->values.push_back(std::move(value));
        return Status();
      }
      if (word == "fill" && Accept("(")) {
        while (pos_ < text_.size() && text_[pos_] != ')') ++pos_;
        if (pos_ >= text_.size()) return FailAt(start, "unterminated fill(");
        ++pos_;
      } else if (word.empty()) {
        return Fail("expected DATA ('text', 0xHH..., fill(HH, N), zero or old)" + After() +
                    Found());
      }
    }
    const std::string_view literal = text_.substr(start, pos_ - start);
    StatusOr<Bytes> bytes = ParseDataLiteral(literal);
    if (!bytes.ok()) return FailAt(start, bytes.status().message());
    if (range_length.has_value() && bytes->size() != *range_length) {
      return FailAt(start, "DATA " + Escape(literal) + " is " + Bytes1(bytes->size()) +
                               " but the range [" + std::to_string(out->start) + ":" +
                               std::to_string(out->end) + "] is " + Bytes1(*range_length));
    }
    DataValue value;
    value.bytes = std::move(bytes).value();
    out->values.push_back(std::move(value));
    return Status();
  }

  // One operand is itself; two or more are the children of one `kind` node.
  static Expr Chain(Expr::Kind kind, std::vector<Expr> operands) {
    if (operands.size() == 1) return std::move(operands.front());
    Expr expr;
    expr.kind = kind;
    expr.children = std::move(operands);
    return expr;
  }

  std::string_view text_;
  size_t pos_ = 0;
  int depth_ = 0;
};

}  // namespace

StatusOr<Expr> ParseExpr(const std::string& text) { return ExprParser(text).ParseAll(); }

StatusOr<ObservedItem> ParseObservedItem(const std::string& text) {
  return ExprParser(text).ParseItemAll();
}

}  // namespace crashsim
