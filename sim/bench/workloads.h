// Generated workloads for the benchmark (issue #5's families), as scenario texts: persistent-memory
// traces of N stores over L lines (with or without flushes and fences), block traces of N
// unflushed sector writes with an fsync every F writes, and interleavings of P processes doing K
// buffered writes each to one file.
#pragma once

#include <string>

namespace crashsim {

std::string PmemTrace(int stores, int lines, bool flushes, int processes);
std::string BlockTrace(int writes, int flush_every);
std::string Interleaving(int processes, int ops);

}  // namespace crashsim
