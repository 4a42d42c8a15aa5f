// What a run is asked to do and what it counted doing: the one options type (RunOptions) and the
// one work-counter type (RunStats) that pass unchanged from the command line through RunScenario
// to the explorer and its per-state checks, and the one Shard type that the command line, the
// explorer, the JSON report and the shard merge share.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <set>

namespace crashsim {

// Deliberately wrong models, for tests only: each turns one mechanism off so that a test can show
// that the scenarios catch it. Never reachable from the command line. ApplyMutations
// (sim/engine/engine.h) is the one place that maps them to the machine's Faults.
enum class Mutation {
  kFdatasyncSkipsCleanMapping,    // fdatasync returns early when no page is dirty
  kCompletedWriteIsDurable,       // a completed device write is durable without a flush
  kDaxFsyncSkipsLineWriteback,    // fsync on DAX skips the cache-line write-back
  kMapSyncFaultSkipsLogForce,     // a MAP_SYNC write fault does not force the log
  kSealFlagNotForced,             // the seal flag is only in the in-memory log when seal returns
  kPunchHoleIgnoresSeal,          // punch-hole is not refused on a sealed file
  kZeroRangeWithoutZeroing,       // zero-range frees blocks and reallocates them written, unzeroed
  kFlushUnmapSkipsDaxEntries,     // a map change drops dirty DAX entries without writing them back
  kDaxZeroingThroughFolio,        // DAX sub-block zeroing lands in a page-cache folio
  kNoEofZeroing,                  // XFS writes and truncates past EOF zero nothing
  kTruncateSkipsTailZeroing,      // a truncate, down or up, zeroes nothing past the new or old EOF
};

// The exploration's reductions (docs/architecture.md, "Reductions and their switches"), each
// switchable off so its effect can be measured and its exactness tested: switched off, the verdicts
// must not change.
struct Reductions {
  bool visited_states = true;  // explore each distinct machine state once (canonical hash)
  bool downsets = true;        // enumerate downsets of the persist DAG, not all subsets
  bool projection = true;      // per-byte outcomes and projected joint images per journal prefix,
                               // instead of recovering and checking every whole image
  bool memoise = true;         // check states with equal crash inputs (HashCrashChecks) once
  bool assertion_search = true;  // decide assertions by a search over partial choices of the
                                 // pending writes, not by enumerating their combinations
  bool partial_order = true;  // a process's private step alone stands for its orders with the
                              // other actors' steps (sim/explore/partial_order.h)
  bool independent_processes = true;  // processes that share nothing a check reads together run
                                      // one after another (sim/explore/independence.h)
  bool canonical_history = true;  // states that differ only in orders no step or check reads
                                  // (of commuting writes, promises) are one (HashMachine)
};

// Shard `index` of `count` (`--shard I/N`), numbered from 1 as the command line and the JSON
// report spell it: it checks the states whose hash is index - 1 mod count.
struct Shard {
  uint32_t index = 1;
  uint32_t count = 1;
  bool Owns(uint64_t hash) const { return count <= 1 || hash % count == index - 1; }
  bool operator==(const Shard&) const = default;
};

// Seeded random walks instead of the exhaustive exploration.
struct Sampling {
  uint64_t schedules = 0;  // walks from the initial state to the end of the programs
  uint64_t seed = 0;
};

// A fault injected into the explorer, for tests only (never reachable from the command line):
// checking any state at `depth` fails as a bug in crashsim would, so that a test can show the
// failure is contained in its run, on any thread.
struct InjectedFault {
  enum class Kind {
    kFailedCheck,  // a CRASHSIM_CHECK fails
    kOutOfRange,   // a container's at() throws std::out_of_range
  };
  Kind kind = Kind::kFailedCheck;
  uint64_t depth = 0;  // schedule length of the states where it fires
};

struct RunOptions {
  std::optional<uint64_t> max_states;  // budget of distinct machine states
  std::optional<uint64_t> max_images;  // budget of crash images checked
  Reductions reductions;
  bool minimise = true;                // minimise the lost events of each shown witness
  // Suggest the op a missing ordering calls for and verify it by re-running the scenario with it
  // (Violation::fix; docs/architecture.md, "Fix suggestions"). The re-runs are whole runs, never
  // sharded, so every shard and thread count reports the same.
  bool fix = false;
  // Also list what each observed item can read after a crash (`crashsim outcomes`,
  // ModelResult::outcomes); the verdict does not depend on it.
  bool observe = false;
  int jobs = 1;                        // threads; the result does not depend on it
  Shard shard;
  // A sharded walk splits at the first depth at least this share of the walk's depth down (in
  // percent; the walk's depth estimated by one schedule run on to its end from the first depth
  // wide enough) that holds at least `split_states_per_shard` states per shard
  // (docs/architecture.md, "Shards that split the walk"). The depth decides what the split costs:
  // the depths above it are walked by every shard, and the blocks of a shallower depth reach more
  // states in common. Past half way the two balance on the measured families. The width keeps
  // each shard's block from being a state or two. Tests lower both to split small walks early;
  // the command line keeps the defaults.
  uint32_t split_from_depth_percent = 55;
  uint64_t split_states_per_shard = 4;
  std::optional<Sampling> sample;
  std::set<Mutation> mutations;        // tests only
  std::optional<InjectedFault> fault;  // tests only
  // Polled while exploring: once it holds a non-zero value (the signal that asked to stop), the
  // run stops and is reported as interrupted. May be null.
  const std::atomic<int>* interrupt = nullptr;
};

// Work counters of one run: they depend on the split (jobs, shards) and never reach a report, only
// --stats and the benchmark (docs/architecture.md, "Reports").
struct RunStats {
  uint64_t steps = 0;            // successor states built (schedule edges walked)
  uint64_t revisits = 0;         // successors pruned as visited
  uint64_t states_checked = 0;   // states whose crash images this run checked
  uint64_t minimise_checks = 0;  // images checked while minimising witnesses
  uint64_t memo_hits = 0;        // states whose crash checks came from the memo
  uint64_t memo_images = 0;      // the crash images those hits stood for (not recovered again)
  uint64_t depth = 0;            // longest schedule
  uint64_t widest_layer = 0;     // most states held at one depth
  uint64_t private_steps = 0;    // states expanded by one private step alone (partial order)
  uint64_t independent_process_states = 0;  // states expanded by one independent process alone
  uint64_t replayed_steps = 0;   // steps taken again to rebuild the states of a depth
};

}  // namespace crashsim
