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

}  // namespace crashsim
