#include "sim/explore/minimise.h"

#include <algorithm>
#include <vector>

#include "sim/oracles/run_checks.h"

namespace crashsim {
namespace {

// Delta debugging does at most a few passes over the set per halving; this bounds a pathological
// witness (hundreds of lost events) so that a report never waits on its own polishing.
constexpr uint64_t kMaxChecks = 2000;

class Minimiser {
 public:
  Minimiser(const Scenario& scenario, const Machine& machine, const std::string& name,
            const std::string& promise)
      : scenario_(scenario), machine_(machine), space_(machine), name_(name), promise_(promise) {
    const auto& predecessors = space_.graph().predecessors();
    successors_.resize(predecessors.size());
    for (size_t v = 0; v < predecessors.size(); ++v) {
      for (size_t p : predecessors[v]) successors_[p].push_back(v);
    }
  }

  const CrashSpace& space() const { return space_; }
  uint64_t checks() const { return checks_; }

  // Losing `events` and everything that must persist after them.
  std::vector<size_t> UpwardClosure(const std::vector<size_t>& events) const {
    std::vector<bool> in(successors_.size(), false);
    std::vector<size_t> stack(events.begin(), events.end());
    while (!stack.empty()) {
      const size_t v = stack.back();
      stack.pop_back();
      if (in[v]) continue;
      in[v] = true;
      for (size_t s : successors_[v]) stack.push_back(s);
    }
    std::vector<size_t> closed;
    for (size_t v = 0; v < in.size(); ++v) {
      if (in[v]) closed.push_back(v);
    }
    return closed;
  }

  // The violation as shown by the image that loses exactly `lost` (closed upwards).
  std::optional<Finding> Shows(const std::vector<size_t>& lost) {
    if (checks_ >= kMaxChecks) return std::nullopt;
    ++checks_;
    std::vector<bool> in(successors_.size(), true);
    for (size_t v : lost) in[v] = false;
    bool cut = false;
    std::vector<Finding> findings =
        CheckWholeImage(scenario_, machine_, space_, space_.graph().ImageOf(in), &cut);
    for (Finding& finding : findings) {
      if (finding.name == name_ && finding.promise == promise_) return std::move(finding);
    }
    return std::nullopt;
  }

  // Zeller's ddmin over `lost`, each candidate closed upwards.
  std::vector<size_t> Reduce(std::vector<size_t> lost, Finding* shown) {
    size_t granularity = 2;
    while (lost.size() >= 2) {
      bool reduced = false;
      const size_t chunk = (lost.size() + granularity - 1) / granularity;
      for (size_t start = 0; start < lost.size() && !reduced; start += chunk) {
        const size_t end = std::min(lost.size(), start + chunk);
        std::vector<size_t> subset(lost.begin() + start, lost.begin() + end);
        std::vector<size_t> complement(lost.begin(), lost.begin() + start);
        complement.insert(complement.end(), lost.begin() + end, lost.end());
        for (std::vector<size_t>* candidate : {&subset, &complement}) {
          if (candidate->empty()) continue;
          std::vector<size_t> closed = UpwardClosure(*candidate);
          if (closed.size() >= lost.size()) continue;
          if (auto finding = Shows(closed)) {
            lost = std::move(closed);
            *shown = std::move(*finding);
            granularity = std::max<size_t>(granularity - 1, 2);
            reduced = true;
            break;
          }
        }
      }
      if (reduced) continue;
      if (granularity >= lost.size()) break;
      granularity = std::min(granularity * 2, lost.size());
    }
    return lost;
  }

 private:
  const Scenario& scenario_;
  const Machine& machine_;
  CrashSpace space_;
  std::vector<std::vector<size_t>> successors_;
  const std::string& name_;
  const std::string& promise_;
  uint64_t checks_ = 0;
};

}  // namespace

std::optional<MinimisedWitness> MinimiseWitness(const Scenario& scenario, const Machine& machine,
                                                const CrashImage& witness, const std::string& name,
                                                const std::string& promise) {
  Minimiser minimiser(scenario, machine, name, promise);
  const std::vector<bool> kept = minimiser.space().graph().Kept(witness);
  std::vector<size_t> lost;
  for (size_t v = 0; v < kept.size(); ++v) {
    if (!kept[v]) lost.push_back(v);
  }
  std::optional<Finding> shown = minimiser.Shows(lost);
  if (!shown) return std::nullopt;
  minimiser.Reduce(std::move(lost), &*shown);
  return MinimisedWitness{std::move(*shown), minimiser.checks()};
}

}  // namespace crashsim
