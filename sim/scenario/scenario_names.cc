// Spellings of op kinds, fallocate modes and guarantees, as written in scenario files and shown in
// reports.
#include <array>
#include <utility>

#include "models/guarantee.h"
#include "sim/scenario/scenario.h"

#include "sim/base/name_table.h"

namespace crashsim {
namespace {

constexpr std::array<std::pair<OpKind, const char*>, 42> kOpKindNames{{
    {OpKind::kOpen, "open"},
    {OpKind::kClose, "close"},
    {OpKind::kMmap, "mmap"},
    {OpKind::kMunmap, "munmap"},
    {OpKind::kStore, "store"},
    {OpKind::kNtStore, "ntstore"},
    {OpKind::kLoad, "load"},
    {OpKind::kClwb, "clwb"},
    {OpKind::kClflushopt, "clflushopt"},
    {OpKind::kClflush, "clflush"},
    {OpKind::kFlush, "flush"},
    {OpKind::kPersist, "persist"},
    {OpKind::kSfence, "sfence"},
    {OpKind::kMfence, "mfence"},
    {OpKind::kPwrite, "pwrite"},
    {OpKind::kWrite, "write"},
    {OpKind::kPwritev, "pwritev"},
    {OpKind::kWritev, "writev"},
    {OpKind::kPread, "pread"},
    {OpKind::kLseek, "lseek"},
    {OpKind::kFsync, "fsync"},
    {OpKind::kFdatasync, "fdatasync"},
    {OpKind::kMsync, "msync"},
    {OpKind::kSync, "sync"},
    {OpKind::kSyncfs, "syncfs"},
    {OpKind::kSyncFileRange, "sync_file_range"},
    {OpKind::kFallocate, "fallocate"},
    {OpKind::kSeal, "seal"},
    {OpKind::kUnseal, "unseal"},
    {OpKind::kFtruncate, "ftruncate"},
    {OpKind::kTruncate, "truncate"},
    {OpKind::kReflink, "reflink"},
    {OpKind::kDedupe, "dedupe"},
    {OpKind::kSwapext, "swapext"},
    {OpKind::kCreat, "creat"},
    {OpKind::kUnlink, "unlink"},
    {OpKind::kRename, "rename"},
    {OpKind::kLink, "link"},
    {OpKind::kSymlink, "symlink"},
    {OpKind::kMkdir, "mkdir"},
    {OpKind::kRmdir, "rmdir"},
    {OpKind::kBarrier, "barrier"},
}};

constexpr std::array<std::pair<FallocMode, const char*>, 8> kFallocModeNames{{
    {FallocMode::kAlloc, "alloc"},
    {FallocMode::kKeepSize, "keep-size"},
    {FallocMode::kPunchHole, "punch-hole"},
    {FallocMode::kZeroRange, "zero-range"},
    {FallocMode::kCollapseRange, "collapse-range"},
    {FallocMode::kInsertRange, "insert-range"},
    {FallocMode::kUnshareRange, "unshare-range"},
    {FallocMode::kWriteZeroes, "write-zeroes"},
}};

constexpr std::array<std::pair<Whence, const char*>, 5> kWhenceNames{{
    {Whence::kSet, "set"},
    {Whence::kCur, "cur"},
    {Whence::kEnd, "end"},
    {Whence::kData, "data"},
    {Whence::kHole, "hole"},
}};

}  // namespace

bool IsGuaranteeName(const std::string& name) {
  Guarantee unused;
  return ParseGuarantee(name, &unused);
}

const char* OpKindName(OpKind kind) { return NameOf(kOpKindNames, kind); }

bool IsCpuInstruction(OpKind kind) {
  switch (kind) {
    case OpKind::kStore:
    case OpKind::kNtStore:
    case OpKind::kLoad:
    case OpKind::kClwb:
    case OpKind::kClflushopt:
    case OpKind::kClflush:
    case OpKind::kFlush:
    case OpKind::kPersist:
    case OpKind::kSfence:
    case OpKind::kMfence:
      return true;
    default:
      return false;
  }
}
std::vector<std::string> OpKindNames() {
  std::vector<std::string> names;
  for (const auto& [kind, name] : kOpKindNames) names.emplace_back(name);
  return names;
}

bool ParseOpKind(const std::string& name, OpKind* kind) {
  return ParseFrom(kOpKindNames, name, kind);
}
const char* FallocModeName(FallocMode mode) { return NameOf(kFallocModeNames, mode); }
bool ParseFallocMode(const std::string& name, FallocMode* mode) {
  return ParseFrom(kFallocModeNames, name, mode);
}
const char* WhenceName(Whence whence) { return NameOf(kWhenceNames, whence); }
bool ParseWhence(const std::string& name, Whence* whence) {
  return ParseFrom(kWhenceNames, name, whence);
}

}  // namespace crashsim
