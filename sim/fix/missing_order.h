// MissingOrder: the op a violation's missing ordering calls for (docs/architecture.md, "Fix
// suggestions"), read off the mechanism at the crash point, never from a table of answers.
//
// At the crash point every effect the program made on the files the assertion reads is either
// kept or lost by the witness image: pending device writes (pmem lines, sectors) and journal
// transactions that change a size, a mapping or a flag, from the persist graph; kept by every
// crash, data already durable (no pending write carries it, no dirty page holds it); lost by every
// crash, data still only in the page cache and, under `namespace: posix-minimal`, names not yet
// made durable. Each effect has the op that made it (sim/fix/schedule_replay.h). A lost effect of op i of process P is a missing ordering when
// the witness kept an effect of a later op j of P (in a downset no path leads from a lost event to
// a kept one, so nothing ordered them), or when the assertion is checked once P's op j has
// returned (`after`). The remedy goes between op i and op j, as late as the names it uses allow
// (before a `close` of its fd or a `munmap` of its mapping), and depends on how far the lost
// effect had gone:
//   a pmem line flushed but not fenced, or a non-temporal store not fenced -> `sfence`
//     (then, should that not be enough, a flush and fence of the store's range);
//   a pmem line only visible -> `persist M+OFF LEN` of the store's range;
//   a sector, a pmem line awaiting a device flush, data only in the page cache -> `fdatasync FD`
//     (then `fsync FD`) of the file the op wrote;
//   a journal transaction -> `fsync FD` (then `fdatasync FD`); `sync` when the op used no fd;
//   a name, or a transaction that changed the namespace -> `fsync` of the parent directory,
//     opened read-only first when the process holds no fd of it (then `sync`; only `sync` for
//     the root directory, which no scenario can open).
// A lost effect made by the same op as every kept one (a torn store or bio), by another process,
// or with no later op to order it before, gets no remedy: no single inserted op is plausible.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "models/recovery.h"
#include "sim/fix/schedule_replay.h"
#include "sim/result/result.h"
#include "sim/scenario/scenario.h"

namespace crashsim {

struct FixCandidate {
  int pid = 0;
  size_t position = 0;           // 0-based index in the program where the first op goes
  std::vector<std::string> ops;  // in scenario syntax
  std::string missing;           // what is missing where, and why it matters
  bool operator==(const FixCandidate&) const = default;
};

// The candidates for a violation of `assertion` whose crash point is `replay`'s and whose witness
// is `witness`, in the order to try them, without repeats. `schedule` is the violation's (for
// naming steps).
std::vector<FixCandidate> FindFixCandidates(const Scenario& scenario, const ScheduleReplay& replay,
                                            const CrashImage& witness, const Assertion& assertion,
                                            const std::vector<TraceStep>& schedule);

// The same for a violation as a run reports it: replays its schedule from `initial`, takes the
// witness from its persist graph, and finds the candidates. Nothing for a violation that is not of
// an assertion, has no crash witness, or whose schedule does not replay.
std::vector<FixCandidate> SuggestFixes(const Scenario& scenario, const Machine& initial,
                                       const Violation& violation);

}  // namespace crashsim
