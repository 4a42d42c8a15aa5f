#include "sim/oracles/assertion_search.h"

#include <algorithm>
#include <map>
#include <vector>

#include "sim/base/check.h"
#include "sim/oracles/expr_eval.h"

namespace crashsim {
namespace {

enum class Truth : uint8_t { kFalse, kTrue, kUnknown };
enum class Fate : uint8_t { kUndecided, kKept, kLost };
constexpr uint32_t kNoVariable = UINT32_MAX;

Truth Not(Truth t) {
  return t == Truth::kUnknown ? t : (t == Truth::kTrue ? Truth::kFalse : Truth::kTrue);
}

bool IsRange(const Expr& e) {
  return e.kind == Expr::Kind::kRangeEq || e.kind == Expr::Kind::kRangeNe ||
         e.kind == Expr::Kind::kRangeIn;
}

bool IsConnective(const Expr& e) {
  return e.kind == Expr::Kind::kNot || e.kind == Expr::Kind::kAnd || e.kind == Expr::Kind::kOr ||
         e.kind == Expr::Kind::kImplies;
}

class Search {
 public:
  Search(const CrashContext& c, const Expr& check) : c_(c), check_(check) {
    Prepare(check);
    BuildOrder();
  }

  SearchOutcome Run(uint64_t max_steps) {
    max_steps_ = max_steps;
    fate_.assign(events_.size(), Fate::kUndecided);
    SearchOutcome out;
    out.variables = events_.size();
    switch (Branch()) {
      case Step::kHolds:
        out.kind = SearchOutcome::Kind::kHolds;
        break;
      case Step::kViolated:
        out.kind = SearchOutcome::Kind::kViolated;
        out.witness = std::move(witness_);
        break;
      case Step::kGaveUp:
        out.kind = SearchOutcome::Kind::kGaveUp;
        break;
    }
    out.steps = steps_;
    return out;
  }

 private:
  // Bytes of a leaf that the same undecided-able writes cover.
  struct Segment {
    uint32_t offset = 0;   // of its first byte within the leaf's range
    uint32_t length = 0;
    uint64_t address = 0;  // device address of its first byte
    // The variables covering it, in visibility order: Leaf::writes[first_write, end_write).
    uint32_t first_write = 0;
    uint32_t end_write = 0;
  };
  struct Leaf {
    bool constant = true;
    Truth value = Truth::kUnknown;  // when constant
    bool negate = false;            // `!=`
    std::vector<uint8_t> base;      // the bytes when every variable is lost
    std::vector<std::vector<uint8_t>> candidates;
    std::vector<char> outside_matches;  // per candidate: the bytes no segment covers match it
    std::vector<Segment> segments;
    std::vector<uint32_t> writes;  // the segments' variables, one after another
  };
  enum class Step { kHolds, kViolated, kGaveUp };

  void Prepare(const Expr& e) {
    if (IsConnective(e)) {
      for (const Expr& child : e.children) Prepare(child);
      return;
    }
    Leaf leaf;
    if (IsRange(e)) BuildRange(e, &leaf);
    // A leaf's value is read only when no pending write can change it.
    if (leaf.constant) {
      ExprEvaluator evaluator(c_, c_.recovered);
      leaf.value = evaluator.Eval(e) ? Truth::kTrue : Truth::kFalse;
    }
    leaf_of_[&e] = leaves_.size();
    leaves_.push_back(std::move(leaf));
  }

  // The metadata is the prefix's in every image (file sizes, extent maps), so the range resolves
  // once to device bytes, each covered by the same pending writes in every image.
  void BuildRange(const Expr& e, Leaf* leaf) {
    const auto value = c_.recovered.Read(e.path, e.start, e.end);
    if (!value) return;  // no value in any image: constant
    const RecoveredFile* file = c_.recovered.File(e.path);
    ExprEvaluator evaluator(c_, c_.recovered);
    leaf->negate = e.kind == Expr::Kind::kRangeNe;
    leaf->base = value->bytes;
    leaf->candidates = evaluator.CandidateValues(e, leaf->base.size());
    const uint64_t block = c_.machine.block_size();
    for (uint64_t offset = e.start; offset < e.end;) {
      const uint64_t next = std::min(e.end, (offset / block + 1) * block);
      if (auto address = c_.recovered.DeviceAddress(file->ino, offset)) {
        const uint64_t leaf_offset = offset - e.start;
        c_.space.ForEachRun(*address, next - offset, [&](const OutcomeRun& run) {
          Segment segment;
          segment.first_write = static_cast<uint32_t>(leaf->writes.size());
          for (int w : run.writes) {
            if (!c_.space.forced(w)) leaf->writes.push_back(VariableOf(w));
          }
          segment.end_write = static_cast<uint32_t>(leaf->writes.size());
          if (segment.end_write == segment.first_write) return true;
          segment.offset = static_cast<uint32_t>(leaf_offset + (run.address - *address));
          segment.length = static_cast<uint32_t>(run.length);
          segment.address = run.address;
          leaf->segments.push_back(std::move(segment));
          return true;
        });
      }
      offset = next;
    }
    if (leaf->segments.empty()) return;  // no pending write can change it: constant
    leaf->constant = false;
    std::vector<char> covered(leaf->base.size(), 0);
    for (const Segment& segment : leaf->segments) {
      std::fill_n(covered.begin() + segment.offset, segment.length, 1);
    }
    for (const auto& candidate : leaf->candidates) {
      bool matches = candidate.size() == leaf->base.size();
      for (size_t i = 0; matches && i < leaf->base.size(); ++i) {
        matches = covered[i] || candidate[i] == leaf->base[i];
      }
      leaf->outside_matches.push_back(matches);
    }
  }

  uint32_t VariableOf(int event) {
    auto [it, added] = variable_of_.emplace(event, static_cast<uint32_t>(events_.size()));
    if (added) events_.push_back(event);
    return it->second;
  }

  // The projected order: per variable, every variable that must persist before it and every one
  // that must persist after it, through any path of the persist graph.
  void BuildOrder() {
    const auto& predecessors = c_.space.graph().predecessors();
    before_.assign(events_.size(), {});
    after_.assign(events_.size(), {});
    std::vector<uint32_t> seen(predecessors.size(), 0);
    std::vector<size_t> stack;
    for (uint32_t v = 0; v < events_.size(); ++v) {
      const uint32_t round = v + 1;
      stack.assign(predecessors[events_[v]].begin(), predecessors[events_[v]].end());
      while (!stack.empty()) {
        const size_t u = stack.back();
        stack.pop_back();
        if (seen[u] == round) continue;
        seen[u] = round;
        auto it = variable_of_.find(static_cast<int>(u));
        if (it != variable_of_.end()) before_[v].push_back(it->second);
        stack.insert(stack.end(), predecessors[u].begin(), predecessors[u].end());
      }
      for (uint32_t u : before_[v]) after_[u].push_back(v);
    }
    by_event_.resize(events_.size());
    for (uint32_t v = 0; v < events_.size(); ++v) by_event_[v] = v;
    std::sort(by_event_.begin(), by_event_.end(),
              [&](uint32_t a, uint32_t b) { return events_[a] < events_[b]; });
  }

  void Decide(uint32_t v, Fate fate) {
    fate_[v] = fate;
    trail_.push_back(v);
    for (uint32_t u : fate == Fate::kKept ? before_[v] : after_[v]) {
      if (fate_[u] == Fate::kUndecided) {
        fate_[u] = fate;
        trail_.push_back(u);
      }
      CRASHSIM_CHECK_MSG(fate_[u] == fate, "a partial choice of pending writes left their order");
    }
  }

  void Undo(size_t mark) {
    while (trail_.size() > mark) {
      fate_[trail_.back()] = Fate::kUndecided;
      trail_.pop_back();
    }
  }

  Step Branch() {
    if (steps_ >= max_steps_) return Step::kGaveUp;
    ++steps_;
    uint32_t branch = kNoVariable;
    const Truth truth = Eval(check_, &branch);
    if (truth == Truth::kTrue) return Step::kHolds;
    if (truth == Truth::kFalse) {
      witness_ = Complete();
      return Step::kViolated;
    }
    CRASHSIM_CHECK(branch != kNoVariable && fate_[branch] == Fate::kUndecided);
    const size_t mark = trail_.size();
    for (Fate fate : {Fate::kLost, Fate::kKept}) {
      Decide(branch, fate);
      const Step step = Branch();
      Undo(mark);
      if (step != Step::kHolds) return step;
    }
    return Step::kHolds;
  }

  // Sets *branch to a variable that decides more of `e` when the result is unknown.
  Truth Eval(const Expr& e, uint32_t* branch) {
    switch (e.kind) {
      case Expr::Kind::kNot:
        return Not(Eval(e.children[0], branch));
      case Expr::Kind::kAnd:
        return Junction(e, /*is_or=*/false, branch);
      case Expr::Kind::kOr:
      case Expr::Kind::kImplies:  // c1 -> ... -> cn is !c1 || ... || !c(n-1) || cn
        return Junction(e, /*is_or=*/true, branch);
      default:
        return EvalLeaf(leaves_[leaf_of_.at(&e)], branch);
    }
  }

  Truth Junction(const Expr& e, bool is_or, uint32_t* branch) {
    bool unknown = false;
    for (size_t i = 0; i < e.children.size(); ++i) {
      uint32_t child_branch = kNoVariable;
      Truth t = Eval(e.children[i], &child_branch);
      if (e.kind == Expr::Kind::kImplies && i + 1 < e.children.size()) t = Not(t);
      if (t == Truth::kUnknown) {
        if (!unknown) *branch = child_branch;
        unknown = true;
      } else if ((t == Truth::kTrue) == is_or) {
        return t;
      }
    }
    if (unknown) return Truth::kUnknown;
    return is_or ? Truth::kFalse : Truth::kTrue;
  }

  Truth EvalLeaf(const Leaf& leaf, uint32_t* branch) {
    if (leaf.constant) return leaf.value;
    const auto& pending = c_.machine.device.pending();
    const size_t n = leaf.candidates.size();
    possible_.assign(leaf.outside_matches.begin(), leaf.outside_matches.end());
    sure_.assign(possible_.begin(), possible_.end());
    uint32_t first_undecided = kNoVariable;
    for (const Segment& segment : leaf.segments) {
      for (uint32_t k = 0; k < segment.length; ++k) {
        const uint64_t address = segment.address + k;
        const size_t at = segment.offset + k;
        // The values the byte may read: the latest write that is not lost, back to the latest
        // kept one; the base value when none is kept.
        values_.clear();
        bool decided = true, kept = false;
        uint32_t latest_undecided = kNoVariable;
        for (size_t j = segment.end_write; j-- > segment.first_write;) {
          const uint32_t v = leaf.writes[j];
          if (fate_[v] == Fate::kLost) continue;
          const PendingWrite& write = pending[events_[v]];
          values_.push_back(write.data().bytes[address - write.address]);
          if (fate_[v] == Fate::kKept) {
            kept = true;
            break;
          }
          if (decided) latest_undecided = v;
          decided = false;
        }
        if (!kept) values_.push_back(leaf.base[at]);
        bool any_possible = false;
        for (size_t i = 0; i < n; ++i) {
          if (!possible_[i]) continue;
          if (std::find(values_.begin(), values_.end(), leaf.candidates[i][at]) == values_.end()) {
            possible_[i] = sure_[i] = 0;
            continue;
          }
          any_possible = true;
          if (!decided) sure_[i] = 0;
        }
        if (!any_possible) return leaf.negate ? Truth::kTrue : Truth::kFalse;
        if (!decided && first_undecided == kNoVariable) first_undecided = latest_undecided;
      }
    }
    Truth in = Truth::kUnknown;
    if (std::find(sure_.begin(), sure_.end(), 1) != sure_.end()) {
      in = Truth::kTrue;
    } else {
      CRASHSIM_CHECK(first_undecided != kNoVariable);
      *branch = first_undecided;
    }
    return leaf.negate ? Not(in) : in;
  }

  // The decided choice completed: every undecided write kept when what precedes it is kept.
  CrashImage Complete() const {
    std::vector<Fate> fate = fate_;
    std::vector<int> kept;
    for (uint32_t v : by_event_) {
      if (fate[v] == Fate::kUndecided) {
        bool allowed = true;
        for (uint32_t u : before_[v]) allowed = allowed && fate[u] == Fate::kKept;
        fate[v] = allowed ? Fate::kKept : Fate::kLost;
      }
      if (fate[v] == Fate::kKept) kept.push_back(events_[v]);
    }
    return c_.space.ImageKeeping(kept);
  }

  const CrashContext& c_;
  const Expr& check_;
  std::vector<Leaf> leaves_;
  std::map<const Expr*, size_t> leaf_of_;  // looked up only, never iterated
  std::vector<int> events_;                // per variable, its event
  std::map<int, uint32_t> variable_of_;
  std::vector<std::vector<uint32_t>> before_, after_;
  std::vector<uint32_t> by_event_;         // the variables in event (visibility) order
  std::vector<Fate> fate_;
  std::vector<uint32_t> trail_;
  uint64_t steps_ = 0, max_steps_ = 0;
  CrashImage witness_;
  std::vector<char> possible_, sure_;
  std::vector<uint8_t> values_;
};

}  // namespace

SearchOutcome SearchAssertion(const CrashContext& context, const Expr& check, uint64_t max_steps) {
  CRASHSIM_CHECK(!context.space.whole_image());
  return Search(context, check).Run(max_steps);
}

}  // namespace crashsim
