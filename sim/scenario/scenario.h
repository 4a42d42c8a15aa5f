// A scenario, parsed and validated (format version 1, docs/scenario-format.md).
//
// This is the only typed form of a scenario file: no JSON is read past sim/scenario. Every value
// here has already been checked by the loader (names resolve, offsets are in range, labels are
// unique, data lengths match their ranges), so the engine may rely on it without re-checking.
// Each op and assertion keeps the JSON pointer it came from, so later errors (an op not modelled
// yet) can still name the place in the file.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "models/config.h"

namespace crashsim {

using Bytes = std::vector<uint8_t>;

// Per byte value, the longest run of it inside one of a scenario's quoted texts (its `'...'` DATA
// literals): Scenario::text_runs.
using TextRuns = std::array<uint64_t, 256>;

enum class OpKind {
  kOpen, kClose, kMmap, kMunmap,
  kStore, kNtStore, kLoad, kClwb, kClflushopt, kClflush, kFlush, kPersist, kSfence, kMfence,
  kPwrite, kPread, kFsync, kFdatasync, kMsync, kSync, kSyncfs,
  kFallocate, kSeal, kUnseal, kFtruncate, kReflink, kDedupe, kSwapext,
  kCreat, kUnlink, kRename, kBarrier,
  kWrite, kWritev, kPwritev, kLseek, kSyncFileRange,
  kMkdir, kRmdir, kLink, kSymlink, kTruncate,
};
const char* OpKindName(OpKind kind);  // the op's spelling in a scenario: "open", "clwb", ...
// The inverse of OpKindName; false (and *kind untouched) for a name that is no op.
bool ParseOpKind(const std::string& name, OpKind* kind);
// Every op name, in the order the format lists them.
std::vector<std::string> OpKindNames();
// A CPU instruction on a mapping: a load, a store, a cache-line flush or a fence (it enters the
// kernel only to fault its own page in).
bool IsCpuInstruction(OpKind kind);

// The guarantees checked in every run are models/guarantee.h's. Assertion names share their
// namespace and must differ from them.
bool IsGuaranteeName(const std::string& name);

enum class FallocMode {
  kAlloc, kKeepSize, kPunchHole, kZeroRange, kCollapseRange, kInsertRange, kUnshareRange,
  kWriteZeroes,
};
const char* FallocModeName(FallocMode mode);  // "alloc", "keep-size", ...
bool ParseFallocMode(const std::string& name, FallocMode* mode);

// lseek's WHENCE: SEEK_SET, SEEK_CUR, SEEK_END, SEEK_DATA, SEEK_HOLE.
enum class Whence { kSet, kCur, kEnd, kData, kHole };
const char* WhenceName(Whence whence);  // "set", "cur", "end", "data", "hole"
bool ParseWhence(const std::string& name, Whence* whence);

// sync_file_range's flags (SYNC_FILE_RANGE_WAIT_BEFORE, _WRITE, _WAIT_AFTER), as bits.
inline constexpr uint8_t kRangeWaitBefore = 1;
inline constexpr uint8_t kRangeWrite = 2;
inline constexpr uint8_t kRangeWaitAfter = 4;

// One op of a process's program. Which argument fields are meaningful depends on `kind`; the
// others keep their defaults.
//   open:      result_name = fd name, path, open_read, open_write, direct, dsync, osync, creat,
//              excl, append, trunc
//   close/fsync/fdatasync/syncfs: fd
//   mmap:      result_name = mapping name, fd, offset, length, shared, validate, map_sync
//   munmap:    mapping
//   store/ntstore: mapping, offset (relative to the mapping), data
//   load:      mapping, offset, length (result_name names the value, may be empty)
//   clwb/clflushopt/clflush: mapping, offset
//   flush/persist: mapping, offset, length
//   pwrite:    fd, offset, data            pread: fd, offset, length
//   write:     fd, data                    lseek: fd, seek_offset, whence
//   writev:    fd, buffers, data (the buffers joined)
//   pwritev:   fd, offset, buffers, data (the buffers joined)
//   sync_file_range: fd, offset, length, range_flags
//   msync:     mapping, offset, length, msync_sync
//   fallocate: fd, falloc_mode, offset, length
//   seal/unseal: fd                        ftruncate: fd, length
//   reflink/dedupe: fd, offset, fd2, offset2, length
//   swapext:   fd, fd2
//   creat/unlink/mkdir/rmdir: path         rename: path, path2, noreplace, exchange
//   link:      path (the existing name), path2 (the new one)
//   symlink:   target, path (the new link) truncate: path, length
//   barrier:   barrier
struct Op {
  OpKind kind = OpKind::kSfence;
  std::string label;        // "" when the op has no `label:`
  std::string result_name;  // "" when the op has no `name =`
  std::string text;         // the op string as written in the file
  std::string pointer;      // JSON pointer of the op string, e.g. "/processes/P2/3"

  std::string fd, fd2, mapping, path, path2, barrier, target;
  uint64_t offset = 0, offset2 = 0, length = 0;
  int64_t seek_offset = 0;  // lseek's OFFSET, which may be negative
  Whence whence = Whence::kSet;
  Bytes data;
  std::vector<Bytes> buffers;  // writev, pwritev: each DATA; `data` holds them joined
  bool open_read = false, open_write = false, direct = false, dsync = false, osync = false;
  bool creat = false, excl = false, append = false, trunc = false;
  bool noreplace = false, exchange = false;  // rename: RENAME_NOREPLACE, RENAME_EXCHANGE
  uint8_t range_flags = 0;                   // sync_file_range: kRange* bits
  bool shared = false, validate = false, map_sync = false;
  bool msync_sync = false;
  FallocMode falloc_mode = FallocMode::kAlloc;

  // Set by the loader when an assertion compares this op's result (`P.label == EBUSY`): the
  // program stepper records the result only then, so ops no assertion reads add no state.
  bool result_read = false;
};

struct Process {
  std::string name;
  std::vector<Op> program;
};

enum class Layout { kWritten, kUnwritten, kHole };

struct FilePiece {
  uint64_t offset_bytes = 0;
  uint64_t length_bytes = 0;  // a multiple of block_size; pieces cover [0, round_up(size))
  Layout layout = Layout::kHole;
  uint8_t fill = 0;  // meaningful for kWritten
};

struct FileSpec {
  std::string path;
  uint64_t size_bytes = 0;
  std::vector<FilePiece> pieces;  // in offset order, never empty when size_bytes > 0
  bool dax = false;
  bool sealed = false;
};

// DATA in an assertion: literal bytes, or `zero` / `old` of the compared range's length.
struct DataValue {
  enum class Kind { kBytes, kZero, kOld };
  Kind kind = Kind::kBytes;
  Bytes bytes;  // for kBytes
};

struct Expr {
  enum class Kind {
    kRangeEq, kRangeNe, kRangeIn,  // /path[start:end] == DATA | != DATA | in { DATA, ... }
    kValueEq, kValueNe, kValueIn,  // P.x == DATA ...
    kResultEq, kResultNe, kResultIn,  // P.x == RESULT ...: an op's return value
    kSizeEq,                       // size(/path) == N
    kSealed, kExists,              // sealed(/path), exists(/path)
    kDone,                         // done(P.label)
    kNot, kAnd, kOr, kImplies,
  };
  Kind kind = Kind::kDone;
  std::string path;
  uint64_t start = 0, end = 0;  // byte range for kRange*
  uint64_t size = 0;            // for kSizeEq
  std::string process, name;    // P.x for kValue* and kResult*, P.label for kDone
  uint64_t value_length = 0;    // for kValue*: LEN of the load/pread that binds P.x
  std::vector<DataValue> values;  // one for ==/!=, one or more for `in`
  // For kResult*: the results compared with, each a decimal count ("4096") or an errno name as
  // the kernel spells it ("EOPNOTSUPP"), in the form the program stepper records them; and the
  // index in P's program of the op whose result P.x is (resolved by the loader).
  std::vector<std::string> results;
  size_t result_op = 0;
  // kNot: 1; kAnd, kOr, kImplies: 2 or more, in the order written (a chain of one operator is
  // one node). kImplies of c1..cn is c1 -> (c2 -> (... -> cn)): true when some ci before the
  // last is false, or the last is true.
  std::vector<Expr> children;
};

struct Assertion {
  std::string name;
  std::optional<std::pair<std::string, std::string>> after;  // (process, label)
  Expr check;
  std::string text;     // the check as written
  std::string pointer;  // e.g. "/assert/0"
};

// One item whose recovered values `crashsim outcomes` lists (docs/scenario-format.md,
// "Observations"): a file range, a file's size, or whether a path names a file.
struct ObservedItem {
  enum class Kind { kRange, kSize, kExists };
  Kind kind = Kind::kRange;
  std::string path;
  uint64_t start = 0, end = 0;  // kRange: bytes [start, end)
  std::optional<std::pair<std::string, std::string>> after;  // (process, label)
  std::string text;     // the item in its canonical form: "/f[0:8]", "size(/f)", "exists(/f)"
  std::string pointer;  // where it was written, e.g. "/observe/0"
};

enum class Order { kInterleave, kSequential };

struct Scenario {
  std::string source_path;  // the file it was loaded from, as given
  std::string name;
  std::string doc;
  std::vector<Design> designs;  // in the order of kAllDesigns, deduplicated
  Config config;
  std::vector<FileSpec> files;  // sorted by path
  std::vector<std::string> dirs;
  std::vector<Process> processes;  // in the file's key order
  Order order = Order::kInterleave;
  std::optional<uint8_t> stale_fill;  // the device's free-space byte, if any file names one
  std::vector<Assertion> assertions;
  std::vector<ObservedItem> observations;  // `observe`, in the order written
  // Expected violated names per design, resolved: every design in `designs` has an entry (the
  // `"*"` default or the empty set when the scenario has no `expect`).
  std::map<Design, std::set<std::string>> expect;
  // Set by the loader from the op and assertion texts. Reports show a run of one printable byte
  // as text when the scenario wrote as many of it in a text ('XXXXXXXX', not fill(58, 8)).
  TextRuns text_runs{};

  // The index of the process named `process_name` in `processes`, or -1.
  int ProcessIndex(const std::string& process_name) const {
    for (size_t i = 0; i < processes.size(); ++i) {
      if (processes[i].name == process_name) return static_cast<int>(i);
    }
    return -1;
  }
};

}  // namespace crashsim
