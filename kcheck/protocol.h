// The protocol between the host side of `crashsim kernel-check` and the runner inside the guest
// (docs/architecture.md, "Checked against Linux"): a job the host writes (each scenario's files,
// the paths to read back and its canonical ops as a flat list the runner interprets; no code is
// generated) and the results the runner writes back (each op's result and bytes read, and the
// files as recovered at each replay point of the dm-log-writes log).
//
// Both are line-oriented text: tokens separated by single spaces, bytes as EncodeBytes gives
// them, paths without spaces (the scenario format allows none). Written and parsed here only,
// so host and guest cannot disagree. Depends on the C++ standard library alone: the guest runner
// links it statically.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace crashsim::kcheck {

// Bytes as text: runs of at least 8 equal bytes as HH*N, other bytes as hex, pieces joined by
// '.'; "-" for no bytes. DecodeBytes returns nullopt for text EncodeBytes never writes.
std::string EncodeBytes(const std::vector<uint8_t>& bytes);
std::optional<std::vector<uint8_t>> DecodeBytes(const std::string& text);

struct JobPiece {
  uint64_t offset_bytes = 0, length_bytes = 0;
  std::string layout;  // "written", "unwritten", "hole"
  uint8_t fill = 0;
};

struct JobFile {
  std::string path;
  uint64_t size_bytes = 0;
  bool dax = false;
  std::vector<JobPiece> pieces;
};

// One op as the runner runs it: a kind and its arguments. Names of fds and mappings are
// qualified by process ("P1.fd"), so one runner process can hold every process's.
//   open FD PATH FLAGS (comma list of rw|ro|wo, direct, dsync, sync, creat, excl, append, trunc)
//   close FD | fsync FD | fdatasync FD | syncfs FD | sync
//   sync_file_range FD OFFSET LENGTH FLAGS (comma list of wait_before, write, wait_after; "-"
//   for none)
//   mmap M FD OFFSET LENGTH shared|private VALIDATE(0|1) SYNC(0|1) | munmap M
//   store M OFFSET DATA | ntstore M OFFSET DATA | load M OFFSET LENGTH
//   clwb M OFFSET | clflushopt M OFFSET | clflush M OFFSET | flush M OFFSET LENGTH
//   persist M OFFSET LENGTH | sfence | mfence
//   pwrite FD OFFSET DATA | pread FD OFFSET LENGTH | write FD DATA
//   writev FD DATA DATA... | pwritev FD OFFSET DATA DATA...
//   lseek FD OFFSET set|cur|end|data|hole (OFFSET may have a leading '-')
//   msync M OFFSET LENGTH sync|async
//   fallocate FD MODE OFFSET LENGTH | ftruncate FD LENGTH
//   reflink FD OFFSET FD2 OFFSET2 LENGTH | dedupe FD OFFSET FD2 OFFSET2 LENGTH
//   creat PATH | unlink PATH | rename PATH PATH2 [noreplace|exchange]
//   mkdir PATH | rmdir PATH | link PATH PATH2 | symlink TARGET PATH | truncate PATH LENGTH
//   skip RESULT: an op Linux has no call for, whose model result has no effect (seal, unseal
//   under map-sync) or that only orders processes (barrier); the runner reports RESULT.
struct JobOp {
  std::string kind;
  std::vector<std::string> args;
};

struct JobScenario {
  std::string name;
  std::string fs;          // "xfs", "ext4-ordered", "ext4-writeback"
  bool pmem = false;       // the device is persistent memory (some file is DAX)
  bool background = true;  // background writeback and log pushes allowed
  bool crash_check = false;
  std::vector<std::string> dirs;
  std::vector<JobFile> files;
  std::vector<std::string> view_paths;
  std::vector<JobOp> ops;
};

struct Job {
  std::vector<JobScenario> scenarios;
};

std::string WriteJob(const Job& job);
// Returns false, with `error` set, for text WriteJob never writes.
bool ParseJob(const std::string& text, Job* job, std::string* error);

struct ResultFile {
  std::string path;
  bool exists = false;  // a regular file
  uint64_t size_bytes = 0;
  std::vector<uint8_t> bytes;
  // A name that is no regular file: "dir", or "link:TARGET" for a symbolic link; "" otherwise.
  std::string special = {};
};

// One replay point: the log replayed through entry `entry` (a FLUSH, a FUA or a mark), in
// segment `segment` of the canonical schedule (sim/reach/reachable_views.h).
struct ReplayPoint {
  size_t segment = 0;
  uint64_t entry = 0;
  std::string kind;           // "flush", "fua", "flush+fua", "mark:NAME"
  std::string mount_error;    // set when the replayed image did not mount
  std::vector<ResultFile> files;
};

struct OpResult {
  std::string result;  // "0", a count, an errno name, "SIGBUS", "SIGSEGV"
  std::optional<std::vector<uint8_t>> read;
};

struct ScenarioResult {
  std::string name;
  std::string setup_error;  // set when the scenario could not be set up or run
  std::vector<std::pair<std::string, bool>> dax;  // per DAX file: its statx DAX attribute
  std::vector<OpResult> ops;
  std::vector<ReplayPoint> points;
  uint64_t log_entries = 0;
};

struct Results {
  std::vector<ScenarioResult> scenarios;
};

std::string WriteScenarioResult(const ScenarioResult& result);
bool ParseResults(const std::string& text, Results* results, std::string* error);

}  // namespace crashsim::kcheck
