// RunScenario: the whole pipeline for one scenario under one design (DESIGN.md, "Data flow"):
// explore every schedule, enumerate the crash images at every distinct state, recover each, run
// the oracles and the scenario's assertions, and return the verdict with one canonical trace per
// violated name.
#pragma once

#include <cstdint>
#include <optional>
#include <set>

#include "models/machine.h"
#include "sim/engine/result.h"
#include "sim/scenario/scenario.h"

namespace crashsim {

// Deliberately wrong models, for tests only: each turns one mechanism off so that a test can show
// that the scenarios catch it. Never reachable from the command line.
enum class Mutation {
  kFdatasyncSkipsCleanMapping,    // fdatasync returns early when no page is dirty
  kCompletedWriteIsDurable,       // a completed device write is durable without a flush
  kDaxFsyncSkipsLineWriteback,    // fsync on DAX skips the cache-line write-back
  kMapSyncFaultSkipsLogForce,     // a MAP_SYNC write fault does not force the log
  kSealFlagNotForced,             // the seal flag is only in the in-memory log when seal returns
  kPunchHoleIgnoresSeal,          // punch-hole is not refused on a sealed file
  kZeroRangeWithoutZeroing,       // zero-range frees blocks and reallocates them written, unzeroed
  kTruncateSkipsTailZeroing,      // a shrinking ftruncate does not zero the new last block's tail
};

// The exploration's reductions (DESIGN.md, "Crash enumeration and reduction"), each switchable
// off so its effect can be measured and its exactness tested: switched off, the verdicts must
// not change.
struct Reductions {
  bool visited_states = true;  // explore each distinct machine state once (canonical hash)
  bool downsets = true;        // enumerate downsets of the persist DAG, not all subsets
  bool projection = true;      // per-byte outcomes and projected joint images per journal prefix,
                               // instead of recovering and checking every whole image
  bool memoise = true;         // check states with equal crash inputs (HashCrashInputs) once
};

// A part of the work: this run checks the states whose hash is `index` mod `count` (0-based).
struct Shard {
  uint32_t index = 0;
  uint32_t count = 1;
};

struct Sampling {
  uint64_t schedules = 0;  // seeded random walks instead of the exhaustive exploration
  uint64_t seed = 0;
};

struct RunOptions {
  std::optional<uint64_t> max_states;  // budget of distinct machine states
  std::optional<uint64_t> max_images;  // budget of crash images checked (reductions off)
  Reductions reductions;
  bool minimise = true;                // minimise the lost events of each shown witness
  int jobs = 1;                        // threads; the result does not depend on it
  Shard shard;
  std::optional<Sampling> sample;
  std::set<Mutation> mutations;        // tests only
};

// Work counters of one run (they depend on the split; for --stats and the benchmark only).
struct RunStats {
  uint64_t steps = 0;            // successor states built
  uint64_t revisits = 0;         // successors pruned as visited
  uint64_t states_checked = 0;   // states whose crash images this run checked
  uint64_t minimise_checks = 0;  // images checked while minimising witnesses
  uint64_t memo_hits = 0;        // states whose crash checks came from the memo
  uint64_t memo_images = 0;      // the crash images those hits stood for (not recovered again)
  uint64_t depth = 0;            // longest schedule
  uint64_t widest_layer = 0;     // most states held at one depth
};

// Switches the mutations on in `machine` (its Faults and its device); none is on by default.
void ApplyMutations(const std::set<Mutation>& mutations, Machine* machine);

ModelResult RunScenario(const Scenario& scenario, Design design, const RunOptions& options,
                        RunStats* stats = nullptr);

}  // namespace crashsim
