// The outcome of running one scenario under one design: the verdict and its evidence.
//
// This is the value that reports render (text, JSON, ...). It holds only what does not depend on
// how the work was split (docs/architecture.md, "Reports"): counts of distinct states and images,
// and for each violated guarantee or assertion one canonical trace (the shortest, then the least in
// a fixed order), never "the first found".
#pragma once

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "models/config.h"

namespace crashsim {

// One step of a schedule as shown to a user.
struct TraceStep {
  std::string actor;  // process name, or "background" / "hardware"
  std::string text;   // e.g. "fsync fd: writeback submitted 1 page", "pwrite fd 0 'A' = 1 byte"
  std::string result; // "" or the result/errno, e.g. "0", "EOPNOTSUPP"
  bool operator==(const TraceStep&) const = default;
};

// A persist event that the crash image left out (it was pending and did not persist).
struct LostEvent {
  std::string kind;         // "sector-write", "pmem-line", "journal", "ntstore"
  std::string description;  // e.g. "sector 37 of /f block 0 (pwrite by P1 at 0+4096)"
  bool operator==(const LostEvent&) const = default;
};

// One pending persist event at the crash point, for drawing the persist graph of a violation.
struct PersistNode {
  std::string kind;         // "device-write" or "journal"
  std::string description;
  bool lost = false;        // the witness image left it out
  std::vector<int> after;   // indices of the nodes that must persist before this one
  bool operator==(const PersistNode&) const = default;
};

// One suggested remedy for a violation caused by a missing ordering (docs/architecture.md, "Fix
// suggestions"): the ops to insert into one process's program, why, and what re-running the
// scenario with them said. The design is not named here: it is the violation's own run's.
struct FixAttempt {
  std::string process;           // the process whose program gets the ops, e.g. "P1"
  uint64_t position = 0;         // 1-based: the first inserted op becomes this op of the process
  std::vector<std::string> ops;  // in scenario syntax, e.g. {"sfence"} or {"d = open / ro", "fsync d"}
  std::string missing;           // e.g. "no `sfence` between step 4 (P1: flush m+0 256) and step 5
                                 // (P1: store m+512 0x01): ..."
  enum class Outcome {
    kVerified,   // the re-run, exhaustive, no longer violates the name
    kNotEnough,  // the re-run still violates it
    kUndecided,  // the re-run was not exhaustive (budget, sampling, interrupt) or failed
  };
  Outcome outcome = Outcome::kUndecided;
  std::string note;  // for kUndecided: why, e.g. "the re-run's state budget ran out"
  bool operator==(const FixAttempt&) const = default;
};
// "verified", "not-enough", "undecided": the JSON report's spelling.
inline const char* FixOutcomeName(FixAttempt::Outcome outcome) {
  switch (outcome) {
    case FixAttempt::Outcome::kVerified: return "verified";
    case FixAttempt::Outcome::kNotEnough: return "not-enough";
    case FixAttempt::Outcome::kUndecided: return "undecided";
  }
  return "undecided";
}

struct Violation {
  std::string name;     // guarantee name (fsync, fdatasync, ...) or assertion name
  std::string promise;  // which op promised what, e.g. "P2.ms: msync m 4096 4096 sync returned 0"
  std::vector<TraceStep> schedule;  // the steps taken before the crash, in order
  std::string crash_point;          // e.g. "after step 7 (P2 msync returned)"
  std::vector<LostEvent> lost;      // the pending persist events the image dropped
  std::string observed;             // what the read returned, e.g. "/f[4096:4097] = 00"
  std::string expected;             // what was promised, e.g. "/f[4096:4097] = 'Y' (59)"
  std::vector<std::string> state;   // state of the involved lines, pages, extents, journal
  std::vector<PersistNode> persist_graph;  // the pending persist events at the crash point
  // The remedies tried, in order, at most kFixAttemptsMax; the list ends at the first verified
  // one. Empty when fixes were not asked for, or no single inserted op is a plausible remedy.
  std::vector<FixAttempt> fix;
  // Where the exploration found it: the choice taken at each step from the initial state (its
  // position among the steps enabled there, sim/explore/successors.h), one per step of the full
  // schedule, private steps cut from `schedule` included. Breadth-first order is the order of
  // these (sim/result/trace_order.h). Empty outside the exhaustive exploration. Reports leave it
  // out; a shard's report keeps it for the merge.
  std::vector<uint32_t> order;
  bool operator==(const Violation&) const = default;
};

// A state a shard walked below the depth where the sharded walk split (WalkSplit).
struct SplitState {
  uint64_t hash_high = 0, hash_low = 0;  // the state's hash (HashMachine)
  uint64_t images = 0;                   // the crash images its check counted
  auto operator<=>(const SplitState&) const = default;
};

// How a sharded run split its walk (docs/architecture.md, "Shards that split the walk"): every
// shard walks the same states down to the split depth (RunOptions::split_from_depth_percent),
// then only its own consecutive block of that depth and what those states reach. Blocks can reach
// a state in common, so the merge counts the shards' states as a union, by hash.
struct WalkSplit {
  uint64_t depth = 0;         // the depth whose states were shared out
  uint64_t states_above = 0;  // the states above it, which every shard walked
  std::vector<SplitState> states;  // the states this shard walked from `depth` on, by hash
  bool operator==(const WalkSplit&) const = default;
};

inline constexpr size_t kFixAttemptsMax = 3;

// How much of the space a run covered. Only kExhaustive and kSampled are passes; the others say
// why the run stopped short.
enum class Coverage {
  kExhaustive,
  kSampled,
  kBudgetExhausted,  // --max-states (or an image budget) cut the run
  kInterrupted,      // SIGINT or SIGTERM stopped it, or it never started (docs/architecture.md)
  kInternalError,    // crashsim itself failed in this run: see ModelResult::internal_error
};

// A run that crashsim could not finish because of a bug in crashsim (a failed internal check, or
// an exception escaping the core): what failed and where in the exploration. Not a verdict.
struct InternalFailure {
  std::string what;   // e.g. "internal check failed: x at models/kernel_io.cc:120: detail", or
                      // "std::out_of_range: map::at"
  std::string step;   // what the run was doing, e.g. "taking step 4 (P2: ftruncate fd 0)"
  std::vector<TraceStep> schedule;  // the steps before that, from the first
};

// A budget that ran out before the space was covered (coverage kBudgetExhausted): which one,
// where, and how far the run got. A state budget bounds the distinct machine states explored; an
// image budget bounds crash images: the run's (--max-images), or the cap on the joint images of
// one assertion at one crash point (kJointImagesMax, when the search could not decide it).
struct BudgetStop {
  enum class Kind { kStates, kImages };
  Kind kind = Kind::kStates;
  uint64_t limit = 0;       // the budget's size
  std::string assertion;    // the assertion that ran over the per-assertion cap; "" for the run's
  std::string crash_point;  // where: for states, the first state left out; for images, the crash
                            // point whose images ran over
  uint64_t depth = 0;       // that crash point's schedule length
  uint64_t reached = 0;     // how far: states explored, or images checked (the assertion's own,
                            // for its cap)
};
inline const char* BudgetKindName(BudgetStop::Kind kind) {
  return kind == BudgetStop::Kind::kStates ? "states" : "images";
}

// What one observed item read after some crash (`crashsim outcomes`): each distinct value once,
// with one witness (its `name` is the item, `observed` the value; the schedule, crash point and
// lost events show how a crash leaves it), chosen in the canonical trace order.
struct OutcomeValue {
  std::string value;
  Violation witness;
  bool operator==(const OutcomeValue&) const = default;
};

struct ItemOutcomes {
  std::string item;                  // e.g. "/f[0:8]", "size(/f)", "exists(/d/a)"
  std::string after;                 // "P.label", or "" for every crash point
  std::vector<std::string> read_by;  // "observe", "assertion NAME"
  std::vector<OutcomeValue> values;  // simplest first; at most kObservedValuesMax
  // Why the list may be incomplete, or "": more distinct values than are listed, or too many
  // crash images to read, at the crash point named.
  std::string cut;
  bool operator==(const ItemOutcomes&) const = default;
};

struct ModelResult {
  Design design = Design::kKernelTracked;
  std::set<std::string> violated;       // the verdict: names violated in some reachable state
  std::set<std::string> expected;       // the scenario's `expect` for this design
  // A run that failed has no verdict, so it never matches.
  bool matches_expect() const {
    return coverage != Coverage::kInternalError && violated == expected;
  }
  // A budget-cut run that found only violations `expect` names, but not all of them: the missing
  // ones were not reached before the budget ran out, which says nothing about whether they can
  // happen. Exit 3 ("expected violation not reached within the budget"), never 0 and not 1.
  bool expected_not_reached() const {
    return coverage == Coverage::kBudgetExhausted && violated != expected &&
           std::includes(expected.begin(), expected.end(), violated.begin(), violated.end());
  }
  // The verdict contradicts `expect`: a violation it does not name, or one it names that an
  // exhaustive (or sampled) run did not find.
  bool differs_from_expect() const {
    return coverage != Coverage::kInternalError && !matches_expect() && !expected_not_reached();
  }
  // The names of `expect` this run did not find (what expected_not_reached is about).
  std::set<std::string> expected_missing() const {
    std::set<std::string> missing;
    std::set_difference(expected.begin(), expected.end(), violated.begin(), violated.end(),
                        std::inserter(missing, missing.end()));
    return missing;
  }
  Coverage coverage = Coverage::kExhaustive;
  uint64_t sample_seed = 0;             // meaningful when coverage == kSampled
  uint64_t distinct_states = 0;         // distinct machine states (crash points)
  uint64_t distinct_images = 0;         // distinct persistent images recovered and checked
  // A shard's part of a split walk (a shard's report only; the merge turns it into the counts).
  std::optional<WalkSplit> split;
  // Set exactly when coverage is kBudgetExhausted: each budget that ran out (at most one of each
  // kind, the state budget first), at the first place it did in the canonical order.
  std::vector<BudgetStop> budget_stops;
  std::vector<Violation> violations;    // one per name in `violated`, sorted by name
  // With RunOptions::observe: per listed item (sim/oracles/observations.h), in that order, the
  // values a crash leaves. Empty otherwise.
  std::vector<ItemOutcomes> outcomes;
  // Set when the scenario uses an op whose model is not built: the run is invalid (exit 2). Every
  // op of format version 1 is modelled; this stays for ops a later format version adds.
  std::string not_modelled;             // e.g. "/processes/P1/2: not modelled yet: reflink"
  // Set exactly when coverage is kInternalError; `violated` and `violations` are then empty (what
  // the run found before it failed is not a verdict).
  std::optional<InternalFailure> internal_error;
};

struct ScenarioResult {
  std::string path;  // the scenario file as given on the command line
  std::string name;
  std::string doc;
  std::string config_summary;  // e.g. "platform=adr fs=xfs device_cache=volatile-fua ..."
  std::vector<ModelResult> models;  // in kAllDesigns order
};

}  // namespace crashsim
