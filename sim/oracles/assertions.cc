#include "sim/oracles/assertions.h"

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "sim/base/check.h"
#include "sim/oracles/assertion_search.h"
#include "sim/oracles/byte_runs.h"
#include "sim/oracles/expr_eval.h"

namespace crashsim {
namespace {

// The search holds each range leaf's bytes in memory; an expression with a longer range goes to
// the enumeration, which reads ranges as runs (a range over a huge hole costs its pieces).
constexpr uint64_t kSearchRangeBytesMax = uint64_t{1} << 20;

bool RangesFitSearch(const Expr& e) {
  if (e.kind == Expr::Kind::kRangeEq || e.kind == Expr::Kind::kRangeNe ||
      e.kind == Expr::Kind::kRangeIn) {
    return e.end - e.start <= kSearchRangeBytesMax;
  }
  for (const Expr& child : e.children) {
    if (!RangesFitSearch(child)) return false;
  }
  return true;
}

// The device bytes an expression reads under the recovered metadata (FileRangeAddresses).
void CollectAddresses(const Expr& e, const RecoveredState& state, uint64_t block_size,
                      std::vector<AddressRange>* out) {
  if (e.kind == Expr::Kind::kRangeEq || e.kind == Expr::Kind::kRangeNe ||
      e.kind == Expr::Kind::kRangeIn) {
    FileRangeAddresses(state, e.path, e.start, e.end, block_size, out);
  }
  for (const Expr& child : e.children) CollectAddresses(child, state, block_size, out);
}

// The finding of `assertion` violated in `image`, or nullopt when it holds there.
std::optional<Finding> Violated(const CrashContext& c, const Assertion& assertion,
                                const CrashImage& image, const std::vector<AddressRange>& ranges) {
  const RecoveredState state(c.machine, image);
  ExprEvaluator evaluator(c, state);
  if (evaluator.Eval(assertion.check)) return std::nullopt;
  Finding finding;
  finding.name = assertion.name;
  finding.promise = "assertion " + assertion.name +
                    (assertion.after ? " (after " + assertion.after->first + "." +
                                           assertion.after->second + ")"
                                     : "");
  // What each leaf read, in order; a leaf read twice (`/f[0:1] == 'A' || /f[0:1] == 'B'`) once.
  std::vector<std::string> notes;
  for (const std::string& note : evaluator.notes()) {
    if (std::find(notes.begin(), notes.end(), note) == notes.end()) notes.push_back(note);
  }
  finding.observed = fmt::format("{}", fmt::join(notes, "; "));
  finding.expected = assertion.text;
  SetWitness(c, image, ranges, &finding);
  return finding;
}

// The first violating combination in enumeration order; false when the space was cut short.
bool Enumerate(const CrashContext& c, const Assertion& assertion,
               const std::vector<AddressRange>& ranges, std::optional<Finding>* found,
               uint64_t* visited) {
  return c.space.ForEachJointImage(ranges, kJointImagesMax, [&](const CrashImage& image) {
    ++*visited;
    *found = Violated(c, assertion, image, ranges);
    return !found->has_value();
  });
}

}  // namespace

bool CheckAssertions(const CrashContext& c, bool search, std::vector<Finding>* findings,
                     std::optional<AssertionCut>* cut) {
  bool complete = true;
  for (const Assertion& assertion : c.scenario.assertions) {
    {
      ExprEvaluator probe(c, c.recovered);
      if (assertion.after && !probe.Done(assertion.after->first, assertion.after->second)) {
        continue;
      }
    }
    std::vector<AddressRange> addresses;
    CollectAddresses(assertion.check, c.recovered, c.machine.block_size(), &addresses);
    std::optional<Finding> found;
    uint64_t visited = 0;
    if (search && !c.space.whole_image() && RangesFitSearch(assertion.check)) {
      const SearchOutcome outcome = SearchAssertion(c, assertion.check, kSearchStepsMax);
      if (outcome.kind == SearchOutcome::Kind::kHolds) continue;
      if (outcome.kind == SearchOutcome::Kind::kViolated) {
        if (outcome.variables <= kEnumeratedWitnessWritesMax) {
          CRASHSIM_CHECK_MSG(Enumerate(c, assertion, addresses, &found, &visited) && found,
                             "the assertion search found a violation the enumeration does not");
        } else {
          found = Violated(c, assertion, outcome.witness, addresses);
          CRASHSIM_CHECK_MSG(found.has_value(),
                             "the assertion search's witness does not violate the assertion");
        }
        findings->push_back(std::move(*found));
        continue;
      }
    }
    // The search gave up, or is switched off: enumerate.
    if (!Enumerate(c, assertion, addresses, &found, &visited)) {
      if (complete && cut != nullptr) *cut = AssertionCut{assertion.name, visited};
      complete = false;
    }
    if (found) findings->push_back(std::move(*found));
  }
  return complete;
}

}  // namespace crashsim
