// Tests for assertion expressions: every form, precedence and associativity, and the messages of
// malformed ones (without location: the loader adds file and pointer, see loader_test.cc).
#include "sim/scenario/expr_parser.h"

#include <doctest/doctest.h>

namespace crashsim {
namespace {

Expr Parse(const std::string& text) {
  StatusOr<Expr> expr = ParseExpr(text);
  INFO(text);
  REQUIRE(expr.ok());
  return *expr;
}

std::string ErrorOf(const std::string& text) {
  StatusOr<Expr> expr = ParseExpr(text);
  if (expr.ok()) return "(parsed)";
  return expr.status().message();
}

Bytes B(const std::string& text) { return Bytes(text.begin(), text.end()); }

// A compact rendering of the tree, to check its shape: a chain shows all its operands.
std::string Show(const Expr& e) {
  const auto chain = [&](const char* op) {
    std::string text = "(";
    for (size_t i = 0; i < e.children.size(); ++i) {
      text += (i == 0 ? "" : op) + Show(e.children[i]);
    }
    return text + ")";
  };
  switch (e.kind) {
    case Expr::Kind::kNot: return "!" + Show(e.children[0]);
    case Expr::Kind::kAnd: return chain(" && ");
    case Expr::Kind::kOr: return chain(" || ");
    case Expr::Kind::kImplies: return chain(" -> ");
    case Expr::Kind::kDone: return e.process + "." + e.name;
    default: return "?";
  }
}

TEST_CASE("a file range compares with == and != against one DATA") {
  const Expr eq = Parse("/f[4096:4097] == 'Y'");
  CHECK(eq.kind == Expr::Kind::kRangeEq);
  CHECK(eq.path == "/f");
  CHECK(eq.start == 4096);
  CHECK(eq.end == 4097);
  REQUIRE(eq.values.size() == 1);
  CHECK(eq.values[0].kind == DataValue::Kind::kBytes);
  CHECK(eq.values[0].bytes == B("Y"));
  const Expr ne = Parse("/d/f.log[0x0:0x2]!=0x0100");
  CHECK(ne.kind == Expr::Kind::kRangeNe);
  CHECK(ne.path == "/d/f.log");
  CHECK(ne.values[0].bytes == Bytes{0x01, 0x00});
}

TEST_CASE("a file range is in a set of DATA, zero and old among them") {
  const Expr in = Parse("/f[0:4] in { 'AAAA', zero, old, fill(42, 4), 0x01020304 }");
  CHECK(in.kind == Expr::Kind::kRangeIn);
  REQUIRE(in.values.size() == 5);
  CHECK(in.values[0].bytes == B("AAAA"));
  CHECK(in.values[1].kind == DataValue::Kind::kZero);
  CHECK(in.values[2].kind == DataValue::Kind::kOld);
  CHECK(in.values[3].bytes == B("BBBB"));
  CHECK(in.values[4].bytes == Bytes{1, 2, 3, 4});
  CHECK(Parse("/f[0:4096] == zero").values[0].kind == DataValue::Kind::kZero);
  CHECK(Parse("/f[0:8]!=old").values[0].kind == DataValue::Kind::kOld);
  CHECK(Parse("/f[0:1] in {'a'}").values.size() == 1);
}

TEST_CASE("quoted DATA may hold commas, braces, parentheses and escaped quotes") {
  const Expr in = Parse("/f[0:3] in { ',}(', '\\'\\\\x' }");
  REQUIRE(in.values.size() == 2);
  CHECK(in.values[0].bytes == B(",}("));
  CHECK(in.values[1].bytes == B("'\\x"));
}

TEST_CASE("size, sealed, exists and done read their argument") {
  const Expr size = Parse("size(/f) == 0x2000");
  CHECK(size.kind == Expr::Kind::kSizeEq);
  CHECK(size.path == "/f");
  CHECK(size.size == 8192);
  const Expr sealed = Parse("sealed( /f )");
  CHECK(sealed.kind == Expr::Kind::kSealed);
  CHECK(sealed.path == "/f");
  const Expr exists = Parse("exists(/d/new)");
  CHECK(exists.kind == Expr::Kind::kExists);
  CHECK(exists.path == "/d/new");
  const Expr done = Parse("done(P2.ms)");
  CHECK(done.kind == Expr::Kind::kDone);
  CHECK(done.process == "P2");
  CHECK(done.name == "ms");
}

TEST_CASE("a recorded value compares with ==, != and in") {
  const Expr eq = Parse("P1.x == 'ab'");
  CHECK(eq.kind == Expr::Kind::kValueEq);
  CHECK(eq.process == "P1");
  CHECK(eq.name == "x");
  CHECK(eq.values[0].bytes == B("ab"));
  CHECK(Parse("P1.x != zero").kind == Expr::Kind::kValueNe);
  const Expr in = Parse("reader.v in { 'a', 'bcd' }");
  CHECK(in.kind == Expr::Kind::kValueIn);
  CHECK(in.values.size() == 2);
}

TEST_CASE("! binds tighter than &&, && than ||, || than ->, and -> groups to the right") {
  CHECK(Show(Parse("done(P.a) || done(P.b) && done(P.c)")) == "(P.a || (P.b && P.c))");
  CHECK(Show(Parse("!done(P.a) && done(P.b)")) == "(!P.a && P.b)");
  CHECK(Show(Parse("done(P.a) -> done(P.b) -> done(P.c)")) == "(P.a -> P.b -> P.c)");
  CHECK(Show(Parse("done(P.a) || done(P.b) -> done(P.c) && done(P.d)")) ==
        "((P.a || P.b) -> (P.c && P.d))");
  CHECK(Show(Parse("done(P.a) && done(P.b) && done(P.c)")) == "(P.a && P.b && P.c)");
  CHECK(Show(Parse("done(P.a) || done(P.b) || done(P.c)")) == "(P.a || P.b || P.c)");
  CHECK(Show(Parse("(done(P.a) && done(P.b)) && done(P.c)")) == "((P.a && P.b) && P.c)");
  CHECK(Show(Parse("!(done(P.a) || done(P.b))")) == "!(P.a || P.b)");
  CHECK(Show(Parse("!!done(P.a)")) == "!!P.a");
  CHECK(Show(Parse("(done(P.a) -> done(P.b)) -> done(P.c)")) == "((P.a -> P.b) -> P.c)");
}

TEST_CASE("comparisons combine with the logical operators") {
  const Expr e = Parse("done(P2.ms) -> /f[4096:4097] == 'Y' && P1.x != 'Z'");
  CHECK(e.kind == Expr::Kind::kImplies);
  CHECK(e.children[1].kind == Expr::Kind::kAnd);
  CHECK(e.children[1].children[0].kind == Expr::Kind::kRangeEq);
  CHECK(e.children[1].children[1].kind == Expr::Kind::kValueNe);
}

TEST_CASE("a range ends at or after its start, and literal DATA has the range's length") {
  CHECK(ErrorOf("/f[5:3] == ''") == "range [5:3] ends before it starts at column 1");
  CHECK(Parse("/f[3:3] == ''").values[0].bytes.empty());
  CHECK(ErrorOf("/f[0:1] == 'AB'") ==
        "DATA 'AB' is 2 bytes but the range [0:1] is 1 byte at column 12");
  CHECK(ErrorOf("/f[0:2] in { 'AB', fill(41, 3) }") ==
        "DATA fill(41, 3) is 3 bytes but the range [0:2] is 2 bytes at column 20");
  CHECK(ErrorOf("/f[0x7fffffffffffffff:0x8000000000000000] == zero") ==
        "assertion range 9223372036854775807 + 1 passes the largest file offset, 2^63 - 1 at "
        "column 1");
}

TEST_CASE("P.x compared with a count or an errno name is an op result, with DATA a value") {
  const Expr eq = Parse("P1.m == EOPNOTSUPP");
  CHECK(eq.kind == Expr::Kind::kResultEq);
  CHECK(eq.process == "P1");
  CHECK(eq.name == "m");
  CHECK(eq.results == std::vector<std::string>{"EOPNOTSUPP"});
  CHECK(Parse("P1.w == 4096").results == std::vector<std::string>{"4096"});
  CHECK(Parse("P1.w == 0010").results == std::vector<std::string>{"10"});  // as recorded
  CHECK(Parse("P1.s != 0").kind == Expr::Kind::kResultNe);
  const Expr in = Parse("P1.u in { EPERM, 0, EOPNOTSUPP }");
  CHECK(in.kind == Expr::Kind::kResultIn);
  CHECK(in.results == std::vector<std::string>{"EPERM", "0", "EOPNOTSUPP"});
  CHECK(in.values.empty());
  // 0x... is DATA, never a count.
  CHECK(Parse("P1.x == 0x00").kind == Expr::Kind::kValueEq);
  CHECK(Parse("P1.x in { zero }").kind == Expr::Kind::kValueIn);
}

TEST_CASE("a bad result names the errno it may have meant") {
  CHECK(ErrorOf("P.m == EOPNOTSUP").rfind(
            "unknown errno name 'EOPNOTSUP'; did you mean 'EOPNOTSUPP'? (crashsim's ops return: ",
            0) == 0);
  CHECK(ErrorOf("P.m == EWHATEVER").rfind("unknown errno name 'EWHATEVER' (crashsim's ops", 0) ==
        0);
  CHECK(ErrorOf("P.m == eperm") ==
        "unknown errno name 'eperm'; errno names are upper case: did you mean 'EPERM'? at "
        "column 8");
  CHECK(ErrorOf("P.m == EWOULDBLOCK") ==
        "'EWOULDBLOCK' is another name of EAGAIN; results are recorded as the kernel spells "
        "them, so write 'EAGAIN' at column 8");
  CHECK(ErrorOf("P.w == 12x") == "bad result: '12x' is not a number (decimal or 0x hex) at column 8");
  CHECK(ErrorOf("P.w in { 'a', 0 }") ==
        "'in' mixes DATA and op results: P.w is compared with DATA first, so every value must "
        "be one, found '0 }' at column 15");
  // Every errno name of the kernel parses, as it is spelled.
  CHECK(Parse("P.x == EHWPOISON").results == std::vector<std::string>{"EHWPOISON"});
  CHECK(Parse("P.x == E2BIG").results == std::vector<std::string>{"E2BIG"});
}

TEST_CASE("malformed expressions name what was expected and the column") {
  CHECK(ErrorOf("") ==
        "expected a condition (/path[START:END] ..., P.x ..., size(...), sealed(...), "
        "exists(...), done(...), '!' or '('), found the end at column 1");
  CHECK(ErrorOf("/f[0:1] = 'a'") == "expected '==', '!=' or 'in' after '/f[0:1]', found '= 'a'' at column 9");
  CHECK(ErrorOf("/f[0:1] == ") ==
        "expected DATA ('text', 0xHH..., fill(HH, N), zero or old) after '/f[0:1] ==', found the "
        "end at column 12");
  CHECK(ErrorOf("/f[0:1] == 'a") == "unterminated text at column 12");
  CHECK(ErrorOf("/f[0:2] == fill(41, 2") == "unterminated fill( at column 12");
  CHECK(ErrorOf("/f[0:1] == 'a' &&") ==
        "expected a condition (/path[START:END] ..., P.x ..., size(...), sealed(...), "
        "exists(...), done(...), '!' or '(') after '/f[0:1] == 'a' &&', found the end at column "
        "18");
  CHECK(ErrorOf("/f[0:1] == 'a' 'b'") ==
        "unexpected ''b'' (expected '&&', '||', '->' or the end of the expression) at column 16");
  CHECK(ErrorOf("(done(P.a)") == "expected ')' after '(done(P.a)', found the end at column 11");
  CHECK(ErrorOf("/f[0 1] == 'a'") == "expected ':' after '/f[0', found '1] == 'a'' at column 6");
  CHECK(ErrorOf("/f[0:x] == 'a'") ==
        "bad range end: 'x' is not a number (decimal or 0x hex) at column 6");
  CHECK(ErrorOf("/f == 'a'") == "expected '[' after '/f', found '== 'a'' at column 4");
  CHECK(ErrorOf("f[0:1] == 'a'") == "expected P.value, found 'f' without '.' at column 1");
  CHECK(ErrorOf("size(f) == 1") == "path 'f' is not absolute at column 6");
  CHECK(ErrorOf("exists() == 1") == "expected a path after 'exists(', found ') == 1' at column 8");
  CHECK(ErrorOf("size(/a/../b) == 1") ==
        "bad path '/a/../b': expected an absolute path of '/'-separated names made of "
        "A-Za-z0-9 . _ -, without '.' or '..' components, empty components or a trailing '/' at "
        "column 6");
  CHECK(ErrorOf("size(/f) == -1") == "expected a number for size after 'size(/f) ==', found '-1' at column 13");
  CHECK(ErrorOf("size(/f) == 1x") ==
        "bad size: '1x' is not a number (decimal or 0x hex) at column 13");
  CHECK(ErrorOf("size(/f)") == "expected '==' after 'size(/f)', found the end at column 9");
  CHECK(ErrorOf("done(P)") == "expected P.label, found 'P' without '.' at column 6");
  CHECK(ErrorOf("done(P.1)") ==
        "expected a label name matching [A-Za-z][A-Za-z0-9_]* after 'P.', found '1)' at column 8");
  CHECK(ErrorOf("done(1P.a)") ==
        "expected P.label with a process name matching [A-Za-z][A-Za-z0-9_]*, found '1P.a)' at "
        "column 6");
  CHECK(ErrorOf("P.x == 'a\\qb'") ==
        "unknown escape '\\q' in text 'a\\qb' (only \\' and \\\\ are escapes) at column 8");
  CHECK(ErrorOf("P.x in { 'a' 'b' }") == "expected '}' after 'P.x in { 'a'', found ''b' }' at column 14");
  CHECK(ErrorOf("P.x in 'a'") == "expected '{' after 'P.x in', found ''a'' at column 8");
  // A long expression is quoted from its last 24 characters before the place.
  CHECK(ErrorOf("/f[0:1] == 'a' && /f[1:2] == 'b' && (/f[2:3] == 'c'") ==
        "expected ')' after '...= 'b' && (/f[2:3] == 'c'', found the end at column 52");
  CHECK(ErrorOf("P.x == zeros") ==
        "bad data 'zeros' (expected 'text', 0xHHHH... or fill(HH, N)) at column 8");
}

TEST_CASE("chains of any length are one node: 30,000 terms of && and ||, 65 of ->") {
  std::string ands = "done(P.a)", ors = "done(P.a)", implies = "done(P.a)";
  for (int i = 1; i < 30000; ++i) {
    ands += " && done(P.a)";
    ors += "||done(P.b)";
  }
  for (int i = 1; i < 65; ++i) implies += " -> done(P.a)";
  const Expr and_chain = Parse(ands);
  CHECK(and_chain.kind == Expr::Kind::kAnd);
  CHECK(and_chain.children.size() == 30000);
  const Expr or_chain = Parse(ors);
  CHECK(or_chain.kind == Expr::Kind::kOr);
  CHECK(or_chain.children.size() == 30000);
  const Expr implies_chain = Parse(implies);
  CHECK(implies_chain.kind == Expr::Kind::kImplies);
  CHECK(implies_chain.children.size() == 65);
  // Mixed: one || of 10,000 && chains of 3, inside one pair of parentheses under a !.
  std::string mixed;
  for (int i = 0; i < 10000; ++i) {
    mixed += (i == 0 ? "" : " || ") + std::string("done(P.a) && !done(P.b) && done(P.c)");
  }
  const Expr negated = Parse("!(" + mixed + ")");
  REQUIRE(negated.kind == Expr::Kind::kNot);
  CHECK(negated.children[0].children.size() == 10000);
  CHECK(negated.children[0].children[9999].children.size() == 3);
}

TEST_CASE("nesting deeper than the limit is an error, not a crash") {
  std::string deep;
  for (int i = 0; i < 1000; ++i) deep += "(";
  CHECK(ErrorOf(deep) == "expression nested more than 64 deep at column 65");
  std::string nots(1000, '!');
  CHECK(ErrorOf(nots + "done(P.a)") == "expression nested more than 64 deep at column 65");
  std::string ok;
  for (int i = 0; i < 30; ++i) ok += "(";
  ok += "done(P.a)";
  for (int i = 0; i < 30; ++i) ok += ")";
  CHECK(Parse(ok).kind == Expr::Kind::kDone);
}

}  // namespace
}  // namespace crashsim
