// Parses one op string into an Op: the words, then one argument shape per op.
#include "sim/scenario/op_parser.h"

#include <cctype>
#include <optional>
#include <set>

#include <fmt/format.h>

#include "sim/base/check.h"
#include "sim/base/nearest_name.h"
#include "sim/scenario/return_if_error.h"
#include "sim/scenario/syntax.h"

namespace crashsim {
namespace {

// "unknown op 'write'; did you mean 'pwrite'? (ops: open, close, ...)"
std::string UnknownOpText(const std::string& name) {
  const std::vector<std::string> names = OpKindNames();
  std::string lower = name;  // op names are lower case: "FSYNC" means fsync
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const std::optional<std::string> nearest = NearestName(lower, names);
  return fmt::format("unknown op {}{} (ops: {})", Quote(name),
                     nearest ? fmt::format("; did you mean {}?", Quote(*nearest)) : std::string(),
                     fmt::join(names, ", "));
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string Plural(size_t count, const char* word) {
  return std::to_string(count) + " " + word + (count == 1 ? "" : "s");
}

// Reads the arguments of one op, each error prefixed with the op's name.
class ArgReader {
 public:
  ArgReader(OpKind kind, const std::vector<std::string>& args) : kind_(kind), args_(args) {}

  size_t size() const { return args_.size(); }
  const std::string& at(size_t i) const { return args_[i]; }

  Status Error(const std::string& message) const {
    return Status::Error(std::string(OpKindName(kind_)) + ": " + message);
  }

  Status Count(size_t count) const {
    if (args_.size() == count) return Status();
    return Status::Error(std::string(OpKindName(kind_)) + " takes " + Plural(count, "argument") +
                         ", got " + std::to_string(args_.size()) + " (usage: " + OpUsage(kind_) +
                         ")");
  }

  Status AtLeast(size_t count) const {
    if (args_.size() >= count) return Status();
    return Status::Error(std::string(OpKindName(kind_)) + " takes at least " +
                         Plural(count, "argument") + ", got " + std::to_string(args_.size()) +
                         " (usage: " + OpUsage(kind_) + ")");
  }

  Status Name(size_t i, const char* what, std::string* out) const {
    if (!IsIdentifier(args_[i])) {
      return Error("bad " + std::string(what) + " name " + Quote(args_[i]) + " (names match " +
                   kIdentifierRule + ")");
    }
    *out = args_[i];
    return Status();
  }

  Status Number(size_t i, const char* what, uint64_t* out) const {
    StatusOr<uint64_t> value = ParseNumber(args_[i]);
    if (!value.ok()) return Error("bad " + std::string(what) + ": " + value.status().message());
    *out = *value;
    return Status();
  }

  // A number with an optional leading '-' (lseek's OFFSET), of magnitude at most 2^63 - 1.
  Status SignedNumber(size_t i, const char* what, int64_t* out) const {
    const std::string& arg = args_[i];
    const bool negative = !arg.empty() && arg[0] == '-';
    StatusOr<uint64_t> value = ParseNumber(negative ? arg.substr(1) : arg);
    if (!value.ok() && negative) {
      return Error("bad " + std::string(what) + ": " + Quote(arg) +
                   " is not a number (an optional '-', then decimal or 0x hex)");
    }
    if (!value.ok()) return Error("bad " + std::string(what) + ": " + value.status().message());
    if (*value > kMaxFileOffset) {
      return Error("bad " + std::string(what) + ": " + Quote(arg) + " is beyond 2^63 - 1");
    }
    *out = negative ? -static_cast<int64_t>(*value) : static_cast<int64_t>(*value);
    return Status();
  }

  Status Target(size_t i, std::string* out) const {
    Status status = CheckSymlinkTarget(args_[i]);
    if (!status.ok()) return Error(status.message());
    *out = args_[i];
    return Status();
  }

  // `m+OFFSET`.
  Status Address(size_t i, std::string* mapping, uint64_t* offset) const {
    const std::string& arg = args_[i];
    const size_t plus = arg.find('+');
    const std::string usage = " (expected MAPPING+OFFSET, e.g. m+0)";
    if (plus == std::string::npos) return Error("bad address " + Quote(arg) + usage);
    const std::string name = arg.substr(0, plus);
    if (!IsIdentifier(name)) {
      return Error("bad address " + Quote(arg) + ": mapping name " + Quote(name) +
                   " does not match " + kIdentifierRule);
    }
    StatusOr<uint64_t> value = ParseNumber(arg.substr(plus + 1));
    if (!value.ok()) {
      return Error("bad address " + Quote(arg) + ": offset " + value.status().message());
    }
    *mapping = name;
    *offset = *value;
    return Status();
  }

  Status Data(size_t i, Bytes* out) const {
    StatusOr<Bytes> value = ParseDataLiteral(args_[i]);
    if (!value.ok()) return Error(value.status().message());
    *out = std::move(value).value();
    return Status();
  }

  Status Path(size_t i, std::string* out) const {
    Status status = CheckPath(args_[i]);
    if (!status.ok()) return Error(status.message());
    *out = args_[i];
    return Status();
  }

  Status Range(uint64_t offset, uint64_t length) const {
    return CheckFileRange(offset, length, OpKindName(kind_));
  }

 private:
  OpKind kind_;
  const std::vector<std::string>& args_;
};

Status ParseOpen(const ArgReader& args, Op* op) {
  RETURN_IF_ERROR(args.AtLeast(2));
  RETURN_IF_ERROR(args.Path(0, &op->path));
  std::set<std::string> seen;
  bool access_given = false;
  for (size_t i = 1; i < args.size(); ++i) {
    const std::string& flag = args.at(i);
    if (!seen.insert(flag).second) return args.Error("flag " + Quote(flag) + " given twice");
    if (flag == "rw" || flag == "ro" || flag == "wo") {
      if (access_given) return args.Error("more than one of 'rw', 'ro' and 'wo' given");
      access_given = true;
      op->open_read = flag != "wo";
      op->open_write = flag != "ro";
    } else if (flag == "direct") {
      op->direct = true;
    } else if (flag == "dsync") {
      op->dsync = true;
    } else if (flag == "sync") {
      op->osync = true;
    } else if (flag == "creat") {
      op->creat = true;
    } else if (flag == "excl") {
      op->excl = true;
    } else if (flag == "append") {
      op->append = true;
    } else if (flag == "trunc") {
      op->trunc = true;
    } else {
      return args.Error("unknown flag " + Quote(flag) +
                        " (expected rw|ro|wo [direct] [dsync] [sync] [creat] [excl] [append] "
                        "[trunc])");
    }
  }
  if (!access_given) return args.Error("missing access mode 'rw', 'ro' or 'wo'");
  if (op->excl && !op->creat) {
    return args.Error("'excl' (O_EXCL) takes effect only with 'creat' (O_CREAT)");
  }
  return Status();
}

// The DATA arguments from `first` on, each a buffer of writev or pwritev; `data` joins them.
Status ParseBuffers(const ArgReader& args, size_t first, Op* op) {
  for (size_t i = first; i < args.size(); ++i) {
    Bytes buffer;
    RETURN_IF_ERROR(args.Data(i, &buffer));
    if (op->data.size() + buffer.size() > kMaxDataBytes) {
      return args.Error("the buffers hold more than " + std::to_string(kMaxDataBytes) +
                        " bytes together");
    }
    op->data.insert(op->data.end(), buffer.begin(), buffer.end());
    op->buffers.push_back(std::move(buffer));
  }
  return Status();
}

// sync_file_range's flags: any of wait_before, write, wait_after, each at most once.
Status ParseRangeFlags(const ArgReader& args, size_t first, Op* op) {
  for (size_t i = first; i < args.size(); ++i) {
    const std::string& flag = args.at(i);
    uint8_t bit = 0;
    if (flag == "wait_before") bit = kRangeWaitBefore;
    if (flag == "write") bit = kRangeWrite;
    if (flag == "wait_after") bit = kRangeWaitAfter;
    if (bit == 0) {
      return args.Error("unknown flag " + Quote(flag) +
                        " (expected any of wait_before, write, wait_after)");
    }
    if (op->range_flags & bit) return args.Error("flag " + Quote(flag) + " given twice");
    op->range_flags |= bit;
  }
  return Status();
}

Status ParseMmap(const ArgReader& args, Op* op) {
  RETURN_IF_ERROR(args.AtLeast(4));
  RETURN_IF_ERROR(args.Name(0, "file descriptor", &op->fd));
  RETURN_IF_ERROR(args.Number(1, "offset", &op->offset));
  RETURN_IF_ERROR(args.Number(2, "length", &op->length));
  RETURN_IF_ERROR(args.Range(op->offset, op->length));
  std::set<std::string> seen;
  bool type_given = false;
  for (size_t i = 3; i < args.size(); ++i) {
    const std::string& flag = args.at(i);
    if (!seen.insert(flag).second) return args.Error("flag " + Quote(flag) + " given twice");
    if (flag == "shared" || flag == "private") {
      if (type_given) return args.Error("both 'shared' and 'private' given");
      type_given = true;
      op->shared = flag == "shared";
    } else if (flag == "validate") {
      op->validate = true;
    } else if (flag == "sync") {
      op->map_sync = true;
    } else {
      return args.Error("unknown flag " + Quote(flag) +
                        " (expected shared|private [validate] [sync])");
    }
  }
  if (!type_given) return args.Error("missing mapping type 'shared' or 'private'");
  if (op->validate && !op->shared) {
    return args.Error(
        "'validate' (MAP_SHARED_VALIDATE) is a shared mapping type and cannot be 'private'");
  }
  return Status();
}

Status ParseArgs(const ArgReader& args, Op* op) {
  switch (op->kind) {
    case OpKind::kOpen: return ParseOpen(args, op);
    case OpKind::kMmap: return ParseMmap(args, op);
    case OpKind::kClose:
    case OpKind::kFsync:
    case OpKind::kFdatasync:
    case OpKind::kSyncfs:
    case OpKind::kSeal:
    case OpKind::kUnseal:
      RETURN_IF_ERROR(args.Count(1));
      return args.Name(0, "file descriptor", &op->fd);
    case OpKind::kMunmap:
      RETURN_IF_ERROR(args.Count(1));
      return args.Name(0, "mapping", &op->mapping);
    case OpKind::kStore:
    case OpKind::kNtStore:
      RETURN_IF_ERROR(args.Count(2));
      RETURN_IF_ERROR(args.Address(0, &op->mapping, &op->offset));
      RETURN_IF_ERROR(args.Data(1, &op->data));
      if (op->data.empty()) return args.Error("empty data (a store writes at least one byte)");
      return args.Range(op->offset, op->data.size());
    case OpKind::kLoad:
    case OpKind::kFlush:
    case OpKind::kPersist:
      RETURN_IF_ERROR(args.Count(2));
      RETURN_IF_ERROR(args.Address(0, &op->mapping, &op->offset));
      RETURN_IF_ERROR(args.Number(1, "length", &op->length));
      return args.Range(op->offset, op->length);
    case OpKind::kClwb:
    case OpKind::kClflushopt:
    case OpKind::kClflush:
      RETURN_IF_ERROR(args.Count(1));
      RETURN_IF_ERROR(args.Address(0, &op->mapping, &op->offset));
      return args.Range(op->offset, 1);
    case OpKind::kSfence:
    case OpKind::kMfence:
    case OpKind::kSync: return args.Count(0);
    case OpKind::kPwrite:
      RETURN_IF_ERROR(args.Count(3));
      RETURN_IF_ERROR(args.Name(0, "file descriptor", &op->fd));
      RETURN_IF_ERROR(args.Number(1, "offset", &op->offset));
      RETURN_IF_ERROR(args.Data(2, &op->data));
      return args.Range(op->offset, op->data.size());
    case OpKind::kWrite:
      RETURN_IF_ERROR(args.Count(2));
      RETURN_IF_ERROR(args.Name(0, "file descriptor", &op->fd));
      return args.Data(1, &op->data);
    case OpKind::kWritev:
      RETURN_IF_ERROR(args.AtLeast(2));
      RETURN_IF_ERROR(args.Name(0, "file descriptor", &op->fd));
      return ParseBuffers(args, 1, op);
    case OpKind::kPwritev:
      RETURN_IF_ERROR(args.AtLeast(3));
      RETURN_IF_ERROR(args.Name(0, "file descriptor", &op->fd));
      RETURN_IF_ERROR(args.Number(1, "offset", &op->offset));
      RETURN_IF_ERROR(ParseBuffers(args, 2, op));
      return args.Range(op->offset, op->data.size());
    case OpKind::kLseek:
      RETURN_IF_ERROR(args.Count(3));
      RETURN_IF_ERROR(args.Name(0, "file descriptor", &op->fd));
      RETURN_IF_ERROR(args.SignedNumber(1, "offset", &op->seek_offset));
      if (!ParseWhence(args.at(2), &op->whence)) {
        return args.Error("unknown whence " + Quote(args.at(2)) +
                          " (expected set, cur, end, data or hole)");
      }
      return Status();
    case OpKind::kSyncFileRange:
      RETURN_IF_ERROR(args.AtLeast(3));
      RETURN_IF_ERROR(args.Name(0, "file descriptor", &op->fd));
      RETURN_IF_ERROR(args.Number(1, "offset", &op->offset));
      RETURN_IF_ERROR(args.Number(2, "length", &op->length));
      RETURN_IF_ERROR(args.Range(op->offset, op->length));
      return ParseRangeFlags(args, 3, op);
    case OpKind::kPread:
      RETURN_IF_ERROR(args.Count(3));
      RETURN_IF_ERROR(args.Name(0, "file descriptor", &op->fd));
      RETURN_IF_ERROR(args.Number(1, "offset", &op->offset));
      RETURN_IF_ERROR(args.Number(2, "length", &op->length));
      return args.Range(op->offset, op->length);
    case OpKind::kMsync:
      RETURN_IF_ERROR(args.Count(4));
      RETURN_IF_ERROR(args.Name(0, "mapping", &op->mapping));
      RETURN_IF_ERROR(args.Number(1, "offset", &op->offset));
      RETURN_IF_ERROR(args.Number(2, "length", &op->length));
      RETURN_IF_ERROR(args.Range(op->offset, op->length));
      if (args.at(3) != "sync" && args.at(3) != "async") {
        return args.Error("expected 'sync' or 'async', got " + Quote(args.at(3)));
      }
      op->msync_sync = args.at(3) == "sync";
      return Status();
    case OpKind::kFallocate:
      RETURN_IF_ERROR(args.Count(4));
      RETURN_IF_ERROR(args.Name(0, "file descriptor", &op->fd));
      if (!ParseFallocMode(args.at(1), &op->falloc_mode)) {
        return args.Error("unknown mode " + Quote(args.at(1)) +
                          " (expected alloc, keep-size, punch-hole, zero-range, collapse-range, "
                          "insert-range, unshare-range or write-zeroes)");
      }
      RETURN_IF_ERROR(args.Number(2, "offset", &op->offset));
      RETURN_IF_ERROR(args.Number(3, "length", &op->length));
      return args.Range(op->offset, op->length);
    case OpKind::kFtruncate:
      RETURN_IF_ERROR(args.Count(2));
      RETURN_IF_ERROR(args.Name(0, "file descriptor", &op->fd));
      RETURN_IF_ERROR(args.Number(1, "length", &op->length));
      return args.Range(0, op->length);
    case OpKind::kReflink:
    case OpKind::kDedupe:
      RETURN_IF_ERROR(args.Count(5));
      RETURN_IF_ERROR(args.Name(0, "file descriptor", &op->fd));
      RETURN_IF_ERROR(args.Number(1, "offset", &op->offset));
      RETURN_IF_ERROR(args.Name(2, "file descriptor", &op->fd2));
      RETURN_IF_ERROR(args.Number(3, "offset", &op->offset2));
      RETURN_IF_ERROR(args.Number(4, "length", &op->length));
      RETURN_IF_ERROR(args.Range(op->offset, op->length));
      return args.Range(op->offset2, op->length);
    case OpKind::kSwapext:
      RETURN_IF_ERROR(args.Count(2));
      RETURN_IF_ERROR(args.Name(0, "file descriptor", &op->fd));
      return args.Name(1, "file descriptor", &op->fd2);
    case OpKind::kCreat:
    case OpKind::kUnlink:
    case OpKind::kMkdir:
    case OpKind::kRmdir: RETURN_IF_ERROR(args.Count(1)); return args.Path(0, &op->path);
    case OpKind::kRename:
      RETURN_IF_ERROR(args.AtLeast(2));
      if (args.size() > 3) RETURN_IF_ERROR(args.Count(3));
      RETURN_IF_ERROR(args.Path(0, &op->path));
      RETURN_IF_ERROR(args.Path(1, &op->path2));
      if (args.size() == 3) {
        if (args.at(2) != "noreplace" && args.at(2) != "exchange") {
          return args.Error("unknown flag " + Quote(args.at(2)) +
                            " (expected noreplace or exchange)");
        }
        op->noreplace = args.at(2) == "noreplace";
        op->exchange = args.at(2) == "exchange";
      }
      return Status();
    case OpKind::kLink:
      RETURN_IF_ERROR(args.Count(2));
      RETURN_IF_ERROR(args.Path(0, &op->path));
      return args.Path(1, &op->path2);
    case OpKind::kSymlink:
      RETURN_IF_ERROR(args.Count(2));
      RETURN_IF_ERROR(args.Target(0, &op->target));
      return args.Path(1, &op->path);
    case OpKind::kTruncate:
      RETURN_IF_ERROR(args.Count(2));
      RETURN_IF_ERROR(args.Path(0, &op->path));
      RETURN_IF_ERROR(args.Number(1, "length", &op->length));
      return args.Range(0, op->length);
    case OpKind::kBarrier:
      RETURN_IF_ERROR(args.Count(1));
      return args.Name(0, "barrier", &op->barrier);
  }
  CRASHSIM_CHECK_MSG(false, "an op kind without an argument parser");
  return Status();
}

}  // namespace

const char* OpUsage(OpKind kind) {
  switch (kind) {
    case OpKind::kOpen:
      return "fd = open PATH rw|ro|wo [direct] [dsync] [sync] [creat] [excl] [append] [trunc]";
    case OpKind::kClose: return "close FD";
    case OpKind::kMmap: return "m = mmap FD OFFSET LENGTH shared|private [validate] [sync]";
    case OpKind::kMunmap: return "munmap M";
    case OpKind::kStore: return "store M+OFFSET DATA";
    case OpKind::kNtStore: return "ntstore M+OFFSET DATA";
    case OpKind::kLoad: return "x = load M+OFFSET LENGTH";
    case OpKind::kClwb: return "clwb M+OFFSET";
    case OpKind::kClflushopt: return "clflushopt M+OFFSET";
    case OpKind::kClflush: return "clflush M+OFFSET";
    case OpKind::kFlush: return "flush M+OFFSET LENGTH";
    case OpKind::kPersist: return "persist M+OFFSET LENGTH";
    case OpKind::kSfence: return "sfence";
    case OpKind::kMfence: return "mfence";
    case OpKind::kPwrite: return "pwrite FD OFFSET DATA";
    case OpKind::kWrite: return "write FD DATA";
    case OpKind::kWritev: return "writev FD DATA DATA...";
    case OpKind::kPwritev: return "pwritev FD OFFSET DATA DATA...";
    case OpKind::kPread: return "x = pread FD OFFSET LENGTH";
    case OpKind::kLseek: return "lseek FD OFFSET set|cur|end|data|hole";
    case OpKind::kFsync: return "fsync FD";
    case OpKind::kFdatasync: return "fdatasync FD";
    case OpKind::kMsync: return "msync M OFFSET LENGTH sync|async";
    case OpKind::kSync: return "sync";
    case OpKind::kSyncfs: return "syncfs FD";
    case OpKind::kSyncFileRange:
      return "sync_file_range FD OFFSET LENGTH [wait_before] [write] [wait_after]";
    case OpKind::kFallocate: return "fallocate FD MODE OFFSET LENGTH";
    case OpKind::kSeal: return "seal FD";
    case OpKind::kUnseal: return "unseal FD";
    case OpKind::kFtruncate: return "ftruncate FD LENGTH";
    case OpKind::kTruncate: return "truncate PATH LENGTH";
    case OpKind::kReflink: return "reflink FD OFFSET FD2 OFFSET2 LENGTH";
    case OpKind::kDedupe: return "dedupe FD OFFSET FD2 OFFSET2 LENGTH";
    case OpKind::kSwapext: return "swapext FD FD2";
    case OpKind::kCreat: return "creat PATH";
    case OpKind::kUnlink: return "unlink PATH";
    case OpKind::kRename: return "rename PATH PATH2 [noreplace|exchange]";
    case OpKind::kLink: return "link PATH PATH2";
    case OpKind::kSymlink: return "symlink TARGET PATH";
    case OpKind::kMkdir: return "mkdir PATH";
    case OpKind::kRmdir: return "rmdir PATH";
    case OpKind::kBarrier: return "barrier NAME";
  }
  return "?";
}

StatusOr<std::vector<std::string>> SplitOpWords(std::string_view text) {
  std::vector<std::string> words;
  size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (IsSpace(c)) {
      ++i;
      continue;
    }
    if (c == ':' || c == '=') {
      words.emplace_back(1, c);
      ++i;
      continue;
    }
    std::string word;
    int depth = 0;
    while (i < text.size()) {
      const char d = text[i];
      if (depth == 0 && (IsSpace(d) || d == ':' || d == '=')) break;
      if (d == '\'') {
        const size_t open = i;
        word += d;
        ++i;
        while (i < text.size() && text[i] != '\'') {
          if (text[i] == '\\' && i + 1 < text.size()) word += text[i++];
          word += text[i++];
        }
        if (i == text.size()) {
          return Status::Error("unterminated quote in " + Quote(text.substr(open)));
        }
        word += text[i++];
        continue;
      }
      if (d == '(') ++depth;
      if (d == ')' && --depth < 0) return Status::Error("unbalanced ')' in " + Quote(text));
      word += d;
      ++i;
    }
    if (depth > 0) return Status::Error("unbalanced '(' in " + Quote(text));
    words.push_back(std::move(word));
  }
  return words;
}

StatusOr<Op> ParseOp(const std::string& text) {
  StatusOr<std::vector<std::string>> split = SplitOpWords(text);
  if (!split.ok()) return split.status();
  const std::vector<std::string>& words = *split;
  Op op;
  op.text = text;
  size_t next = 0;
  if (words.size() >= 2 && words[1] == ":") {
    if (!IsIdentifier(words[0])) {
      return Status::Error("bad label " + Quote(words[0]) + " (labels match " + kIdentifierRule +
                           ")");
    }
    op.label = words[0];
    next = 2;
  }
  if (words.size() >= next + 2 && words[next + 1] == "=") {
    if (!IsIdentifier(words[next])) {
      return Status::Error("bad name " + Quote(words[next]) + " (names match " + kIdentifierRule +
                           ")");
    }
    op.result_name = words[next];
    next += 2;
  }
  if (next == words.size()) return Status::Error("missing op in " + Quote(text));
  const std::string& name = words[next];
  if (name == ":" || name == "=") {
    return Status::Error("unexpected " + Quote(name) + " in " + Quote(text) +
                         " (expected [label:] [name =] op args...)");
  }
  if (!ParseOpKind(name, &op.kind)) return Status::Error(UnknownOpText(name));
  std::vector<std::string> args(words.begin() + static_cast<std::ptrdiff_t>(next) + 1, words.end());
  for (const std::string& arg : args) {
    if (arg == ":" || arg == "=") {
      return Status::Error("unexpected " + Quote(arg) + " in " + Quote(text) +
                           " (expected [label:] [name =] op args...)");
    }
  }
  Status status = ParseArgs(ArgReader(op.kind, args), &op);
  if (!status.ok()) return status;
  return op;
}

}  // namespace crashsim
