// Parses one op string of a process's program (docs/scenario-format.md, "Ops") into an Op.
//
// Syntax only: the optional `label:` and `name =`, the op, and the shape of each argument
// (names, numbers, data, paths, flags). Whether an fd or mapping name was bound by an earlier op
// is the program checker's job. Messages name the offending text but no location; the loader
// adds the file and the op's JSON pointer.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "sim/base/status.h"
#include "sim/scenario/scenario.h"

namespace crashsim {

// Splits an op string into words at spaces and tabs outside quotes and parentheses; `:` and `=`
// outside them are words of their own. Fails on an unterminated quote or unbalanced
// parentheses.
StatusOr<std::vector<std::string>> SplitOpWords(std::string_view text);

// Parses `[label:] [name =] op args...`. The returned Op has `text` set and `pointer` empty.
StatusOr<Op> ParseOp(const std::string& text);

// How an op is written, e.g. "fsync FD", for messages and the documentation.
const char* OpUsage(OpKind kind);

}  // namespace crashsim
