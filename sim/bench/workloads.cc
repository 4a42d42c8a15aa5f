#include "sim/bench/workloads.h"

#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <vector>

namespace crashsim {
namespace {

std::string Program(const std::vector<std::string>& ops) {
  std::string text = "[";
  for (size_t i = 0; i < ops.size(); ++i) text += (i ? ", \"" : "\"") + ops[i] + "\"";
  return text + "]";
}

}  // namespace

std::string PmemTrace(int stores, int lines, bool flushes, int processes) {
  // Each process stores to its own lines of one written DAX file; an assertion relates the
  // first two lines (the second durable implies the first).
  std::string procs;
  for (int p = 0; p < processes; ++p) {
    std::vector<std::string> ops{"fd = open /f rw", fmt::format("m = mmap fd 0 {} shared", 4096)};
    for (int i = 0; i < stores / processes; ++i) {
      const int line = (p * lines / processes + i % std::max(1, lines / processes)) % 64;
      ops.push_back(fmt::format("store m+{} 0x{:02x}{:02x}{:02x}{:02x}{:02x}{:02x}{:02x}{:02x}",
                                line * 64, i + 1, p + 1, 1, 1, 1, 1, 1, 1));
      if (flushes && i % 4 == 3) {
        ops.push_back(fmt::format("clwb m+{}", line * 64));
        ops.push_back("sfence");
      }
    }
    procs += fmt::format("{}\"P{}\": {}", p ? ", " : "", p + 1, Program(ops));
  }
  return fmt::format(R"({{"crashsim": 1, "name": "pmem-trace", "models": ["kernel-tracked"],
    "config": {{"background": "none"}},
    "files": {{"/f": {{"size": 4096, "layout": "written", "fill": "00", "dax": true}}}},
    "processes": {{{}}},
    "assert": [{{"name": "second-implies-first",
                 "check": "/f[64:65] != 0x00 -> /f[0:1] != 0x00"}}],
    "expect": {{"*": ["second-implies-first"]}}}})",
                     procs);
}

std::string BlockTrace(int writes, int flush_every) {
  std::vector<std::string> ops{"fd = open /f rw direct"};
  for (int i = 0; i < writes; ++i) {
    ops.push_back(fmt::format("pwrite fd {} fill({:02x}, 512)", (i % 16) * 512, i % 255 + 1));
    if (flush_every > 0 && i % flush_every == flush_every - 1) ops.push_back("fdatasync fd");
  }
  return fmt::format(R"({{"crashsim": 1, "name": "block-trace", "models": ["kernel-tracked"],
    "config": {{"sector_bytes": 512, "background": "none"}},
    "files": {{"/f": {{"size": 8192, "layout": "written", "fill": "00"}}}},
    "processes": {{"P1": {}}}}})",
                     Program(ops));
}

std::string Interleaving(int processes, int ops_each) {
  std::string procs;
  for (int p = 0; p < processes; ++p) {
    std::vector<std::string> ops{"fd = open /f rw"};
    for (int k = 0; k < ops_each; ++k) ops.push_back(fmt::format("pwrite fd {} 'x'", p * 4096 + k));
    procs += fmt::format("{}\"P{}\": {}", p ? ", " : "", p + 1, Program(ops));
  }
  return fmt::format(R"({{"crashsim": 1, "name": "interleaving", "models": ["kernel-tracked"],
    "config": {{"background": "none"}},
    "files": {{"/f": {{"size": {}, "layout": "written", "fill": "00"}}}},
    "processes": {{{}}}}})",
                     processes * 4096, procs);
}

std::string PmemWalkTrace(int stores, int lines, int store_bytes, bool synced) {
  std::vector<std::string> ops{"fd = open /f rw"};
  if (synced) ops.push_back("seal fd");
  ops.push_back("m = mmap fd 0 4096 shared");
  for (int i = 0; i < stores; ++i) {
    const int line = i % lines;
    const int slot = (i / lines) % 8;  // the n-th store to a line writes its n-th word
    const int offset = store_bytes == 16 ? line * 64 + (slot % 4) * 16 : line * 64 + slot * 8;
    ops.push_back(fmt::format("store m+{} fill({:02x}, {})", offset, i % 255 + 1, store_bytes));
  }
  if (synced) ops.push_back("ms: msync m 0 4096 sync");
  return fmt::format(R"({{"crashsim": 1, "name": "pmem-walk-trace",
    "models": ["{}"],
    "config": {{"background": "none"}},
    "files": {{"/f": {{"size": 4096, "layout": "written", "fill": "00", "dax": true}}}},
    "processes": {{"P1": {}}},
    "assert": [{{"name": "second-implies-first",
                 "check": "/f[64:65] != 0x00 -> /f[0:1] != 0x00"}}]}})",
                     synced ? "daxfile-untracked" : "kernel-tracked", Program(ops));
}

const char* CommitStoreName(CommitStore variant) {
  switch (variant) {
    case CommitStore::kPersist:
      return "persist";
    case CommitStore::kFlushNoFence:
      return "flush, no fence";
    case CommitStore::kNoFlush:
      return "no flush";
    case CommitStore::kNtstoreSfence:
      return "ntstore + sfence";
    case CommitStore::kNtstoreNoSfence:
      return "ntstore, no sfence";
  }
  return "?";
}

bool CommitStoreCorrect(CommitStore variant) {
  return variant == CommitStore::kPersist || variant == CommitStore::kNtstoreSfence;
}

std::string CommitStoreTrace(uint64_t bytes, CommitStore variant) {
  const uint64_t flag = bytes + 512;
  const uint64_t size = (flag / 4096 + 1) * 4096;
  std::vector<std::string> ops{"fd = open /pool rw", fmt::format("m = mmap fd 0 {} shared", size)};
  const bool nt = variant == CommitStore::kNtstoreSfence || variant == CommitStore::kNtstoreNoSfence;
  ops.push_back(fmt::format("{} m+0 fill(44, {})", nt ? "ntstore" : "store", bytes));
  if (variant == CommitStore::kPersist) ops.push_back(fmt::format("persist m+0 {}", bytes));
  if (variant == CommitStore::kFlushNoFence) ops.push_back(fmt::format("flush m+0 {}", bytes));
  if (variant == CommitStore::kNtstoreSfence) ops.push_back("sfence");
  ops.push_back(fmt::format("store m+{} 0x01", flag));
  ops.push_back(fmt::format("persist m+{} 1", flag));
  return fmt::format(R"js({{"crashsim": 1, "name": "commit-store", "models": ["map-sync"],
    "files": {{"/pool": {{"size": {}, "layout": "written", "fill": "00", "dax": true}}}},
    "processes": {{"P1": {}}},
    "assert": [{{"name": "flag-implies-data",
                 "check": "/pool[{}:{}] == 0x01 -> /pool[0:{}] == fill(44, {})"}}],
    "expect": {{"*": [{}]}}}})js",
                     size, Program(ops), flag, flag + 1, bytes, bytes,
                     CommitStoreCorrect(variant) ? "" : "\"flag-implies-data\"");
}

std::string PmemFlushedOneFence(int stores, int lines) {
  std::vector<std::string> ops{"fd = open /f rw", "m = mmap fd 0 4096 shared"};
  for (int i = 0; i < stores; ++i) {
    const int line = i % lines;
    ops.push_back(fmt::format("store m+{} fill({:02x}, 8)", line * 64 + (i / lines % 8) * 8,
                              i % 255 + 1));
    ops.push_back(fmt::format("clwb m+{}", line * 64));
  }
  ops.push_back("sfence");
  return fmt::format(R"({{"crashsim": 1, "name": "pmem-flushed-one-fence", "models": ["kernel-tracked"],
    "config": {{"background": "none"}},
    "files": {{"/f": {{"size": 4096, "layout": "written", "fill": "00", "dax": true}}}},
    "processes": {{"P1": {}}},
    "assert": [{{"name": "second-implies-first",
                 "check": "/f[64:65] != 0x00 -> /f[0:1] != 0x00"}}]}})",
                     Program(ops));
}

const char* ConcurrentName(Concurrent family) {
  switch (family) {
    case Concurrent::kBufferedFsyncOwnFiles:
      return "buffered writes + fsync, own files";
    case Concurrent::kBufferedFsyncOneFile:
      return "buffered writes + fsync, own blocks of one file";
    case Concurrent::kDirectOwnFiles:
      return "direct writes, own files";
    case Concurrent::kPmemPersisted:
      return "pmem stores, each clwb + sfence, own lines";
    case Concurrent::kPmemUnfenced:
      return "pmem stores, never flushed, own lines";
  }
  return "?";
}

std::string ConcurrentTrace(Concurrent family, int processes, int ops) {
  const bool pmem = family == Concurrent::kPmemPersisted || family == Concurrent::kPmemUnfenced;
  const bool one_file = pmem || family == Concurrent::kBufferedFsyncOneFile;
  std::string files, procs;
  for (int p = 0; p < processes; ++p) {
    const std::string path = one_file ? "/f" : fmt::format("/f{}", p);
    const uint64_t base = one_file ? uint64_t(p) * 4096 : 0;
    std::vector<std::string> ops_of{fmt::format(
        "fd = open {} rw{}", path, family == Concurrent::kDirectOwnFiles ? " direct" : "")};
    if (pmem) ops_of.push_back(fmt::format("m = mmap fd 0 {} shared", processes * 4096));
    for (int i = 0; i < ops; ++i) {
      const uint64_t at = base + uint64_t(i) * (pmem ? 64 : 512);
      if (pmem) {
        ops_of.push_back(fmt::format("store m+{} 0x{:02x}", at, i + 1));
        if (family == Concurrent::kPmemPersisted) {
          ops_of.push_back(fmt::format("clwb m+{}", at));
          ops_of.push_back("sfence");
        }
      } else if (family == Concurrent::kDirectOwnFiles) {
        ops_of.push_back(fmt::format("pwrite fd {} fill({:02x}, 512)", at, i + 1));
      } else {
        ops_of.push_back(fmt::format("pwrite fd {} 'x'", at));
      }
    }
    if (family == Concurrent::kBufferedFsyncOwnFiles || family == Concurrent::kBufferedFsyncOneFile) {
      ops_of.push_back("fsync fd");
    }
    procs += fmt::format("{}\"P{}\": {}", p ? ", " : "", p + 1, Program(ops_of));
    if (!one_file) {
      files += fmt::format("{}\"{}\": {{\"size\": 4096, \"layout\": \"written\", \"fill\": \"00\"}}",
                           p ? ", " : "", path);
    }
  }
  if (one_file) {
    files = fmt::format(R"("/f": {{"size": {}, "layout": "written", "fill": "00"{}}})",
                        processes * 4096, pmem ? R"(, "dax": true)" : "");
  }
  return fmt::format(R"({{"crashsim": 1, "name": "concurrent", "models": ["kernel-tracked"],
    "config": {{"background": "none", "sector_bytes": 512}},
    "files": {{{}}},
    "processes": {{{}}}}})",
                     files, procs);
}

}  // namespace crashsim
