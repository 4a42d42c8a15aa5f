// Parses the `check` of an assertion (docs/scenario-format.md, "Expressions") into an Expr.
//
//   expr    := or ('->' or)*                         `->` binds loosest, to the right
//   or      := and ('||' and)*
//   and     := unary ('&&' unary)*
//   unary   := '!' unary | primary
//   primary := '(' expr ')' | PATH '[' START ':' END ']' cmp | P '.' x cmp | P '.' x rcmp
//            | 'size(' PATH ')' '==' N | 'sealed(' PATH ')' | 'exists(' PATH ')'
//            | 'done(' P '.' label ')'
//   cmp     := ('==' | '!=') DATA | 'in' '{' DATA (',' DATA)* '}'
//   rcmp    := ('==' | '!=') RESULT | 'in' '{' RESULT (',' RESULT)* '}'
//   DATA    := 'text' | 0xHH... | fill(HH, N) | zero | old
//   RESULT  := a decimal count | an errno name as the kernel spells it (EOPNOTSUPP)
//
// `P.x cmp` compares the bytes a load or pread read, `P.x rcmp` an op's return value; the first
// value after the operator decides which (a decimal number or an upper-case word is a RESULT).
// Syntax plus what the text alone decides: START <= END, and a literal DATA compared with a file
// range has exactly the range's length. Whether P, x, label and `old` refer to something is the
// expression checker's job. Messages give the column (from 1) but no location in the file.
//
// A chain `a && b && c` (likewise `||`, and `->`, which groups to the right) is one node with the
// operands as its children in order, parsed in a loop: chains of any length cost no stack, and
// every walk of an Expr recurses only as deep as parentheses and `!` nest.
#pragma once

#include <string>

#include "sim/base/status.h"
#include "sim/scenario/scenario.h"

namespace crashsim {

// Parentheses and `!` nest at most this deep (the whole expression counts as one level).
inline constexpr int kMaxExprDepth = 64;

StatusOr<Expr> ParseExpr(const std::string& text);

// Parses one observed item (docs/scenario-format.md, "Observations"):
//   item := PATH '[' START ':' END ']' | 'size(' PATH ')' | 'exists(' PATH ')'
// with the same rules for paths and ranges as in expressions; `after` and `pointer` stay empty.
StatusOr<ObservedItem> ParseObservedItem(const std::string& text);

}  // namespace crashsim
