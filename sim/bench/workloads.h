// Generated workloads for the benchmark (issue #5's families), as scenario texts: persistent-memory
// traces of N stores over L lines (with or without flushes and fences), block traces of N
// unflushed sector writes with an fsync every F writes, and interleavings of P processes doing K
// buffered writes each to one file. PmemWalkTrace is the pmem family as the enumerator figure
// walks it: every store left pending at the last crash point.
#pragma once

#include <string>

namespace crashsim {

std::string PmemTrace(int stores, int lines, bool flushes, int processes);
std::string BlockTrace(int writes, int flush_every);
std::string Interleaving(int processes, int ops);
// One process, `stores` stores of `store_bytes` (8: one failure-atomic word; 16: two words that
// may tear) round-robin over `lines` lines of a written DAX file, never flushed, with an assertion
// relating the first two lines. `synced`: the file is sealed and the trace ends with an msync of
// the whole mapping under daxfile-untracked, which writes back nothing, so every stored byte is
// also covered by the returned msync promise and checked in every image.
std::string PmemWalkTrace(int stores, int lines, int store_bytes, bool synced);

// The commit-store idiom (PMDK's pmem_memcpy_persist, then a flag): `bytes` stored at offset 0 of a
// written DAX file, then a one-byte flag stored and persisted after them, under map-sync, with the
// assertion that a durable flag implies the data. The variants differ in what happens to the data
// before the flag's store.
enum class CommitStore {
  kPersist,          // store, then persist (clwb of every line, sfence): correct
  kFlushNoFence,     // store, then flush without a fence: buggy
  kNoFlush,          // store only: buggy
  kNtstoreSfence,    // non-temporal store, then sfence: correct
  kNtstoreNoSfence,  // non-temporal store only: buggy
};
const char* CommitStoreName(CommitStore variant);  // "persist", "flush, no fence", ...
bool CommitStoreCorrect(CommitStore variant);
std::string CommitStoreTrace(uint64_t bytes, CommitStore variant);
// `stores` 8-byte stores round-robin over `lines` lines, each followed by a clwb of its line,
// and one sfence at the end, with the assertion relating the first two lines.
std::string PmemFlushedOneFence(int stores, int lines);

// Issue #16's families: `processes` processes with independent work each, to see how the states
// grow with the number of processes.
enum class Concurrent {
  kBufferedFsyncOwnFiles,  // `ops` buffered writes to its own file, then fsync
  kBufferedFsyncOneFile,   // the same to its own block of one shared file
  kDirectOwnFiles,         // `ops` direct sector writes to its own file
  kPmemPersisted,          // `ops` stores to its own lines of one DAX file, each clwb + sfence
  kPmemUnfenced,           // `ops` stores to its own lines, never flushed
};
const char* ConcurrentName(Concurrent family);  // "buffered writes + fsync, own files", ...
std::string ConcurrentTrace(Concurrent family, int processes, int ops);

}  // namespace crashsim
