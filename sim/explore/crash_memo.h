// CrashMemo: the crash checks of one run memoised by what they read (docs/architecture.md,
// "Reductions and their switches": memoisation). Two machine states with equal HashCrashChecks
// (models/machine.h: HashCrashInputs, whose comment is the contract of what that covers, less the
// flush marks that only a lost event's text reads) get the same findings from the crash checks,
// their lost events named by id and rendered for each state, so states that differ only in what
// no crash can see (program counters, page-table entries, store buffers, page-cache tags, ...)
// are recovered and checked once. Shared
// by the threads of one run; the first result stored for a key is the one every later lookup gets,
// and since it is the same whoever computes it, the reports do not depend on which thread got there
// first.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "sim/base/hasher.h"
#include "sim/oracles/assertions.h"
#include "sim/oracles/finding.h"
#include "sim/oracles/observations.h"

namespace crashsim {

// Everything the crash checks of one state found, in the order found.
struct CrashChecks {
  std::vector<Finding> findings;
  uint64_t images = 0;  // crash images (or journal prefixes) checked
  bool cut = false;     // some space was cut short
  // Why, when cut: an assertion's joint images ran over their cap, or the state's image budget
  // (else: too many pending events to enumerate subsets, with the downsets reduction off).
  std::optional<AssertionCut> assertion_cut;
  bool images_cut = false;
  Observations observed;  // with RunOptions::observe: the observed items' values
};

class CrashMemo {
 public:
  // The stored checks for `key`, or null.
  std::shared_ptr<const CrashChecks> Find(const Hash128& key) const;
  // Stores `checks` under `key` unless something is stored already; returns what is stored.
  std::shared_ptr<const CrashChecks> Insert(const Hash128& key, CrashChecks checks);
  uint64_t hits() const;

 private:
  mutable std::mutex mutex_;
  std::map<Hash128, std::shared_ptr<const CrashChecks>> entries_;
  mutable uint64_t hits_ = 0;
};

}  // namespace crashsim
