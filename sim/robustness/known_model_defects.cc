#include "sim/robustness/known_model_defects.h"

#include <algorithm>

namespace crashsim {
namespace {

uint64_t ExprReach(const Expr& expr) {
  uint64_t reach = expr.end;
  for (const Expr& child : expr.children) reach = std::max(reach, ExprReach(child));
  return reach;
}

}  // namespace

const std::vector<KnownModelDefect>& KnownModelDefects() {
  // None known: running out of space is ENOSPC on every allocating path.
  static const std::vector<KnownModelDefect> defects = {};
  return defects;
}

const KnownModelDefect* KnownDefectOf(const InternalFailure& failure, Design design) {
  for (const KnownModelDefect& defect : KnownModelDefects()) {
    if (failure.what.find(defect.what) == std::string::npos) continue;
    if (failure.step.find(defect.step) == std::string::npos) continue;
    if (!defect.designs.empty() &&
        std::find(defect.designs.begin(), defect.designs.end(), design) == defect.designs.end()) {
      continue;
    }
    return &defect;
  }
  return nullptr;
}

bool TouchesMoreThan(const Scenario& scenario, uint64_t limit) {
  for (const FileSpec& file : scenario.files) {
    if (file.size_bytes > limit) return true;
  }
  for (const Process& process : scenario.processes) {
    for (const Op& op : process.program) {
      const uint64_t data = op.data.size();
      if (op.offset > limit || op.offset2 > limit || op.length > limit || data > limit ||
          op.offset + std::max(op.length, data) > limit) {
        return true;
      }
    }
  }
  for (const Assertion& assertion : scenario.assertions) {
    if (ExprReach(assertion.check) > limit) return true;
  }
  return false;
}

}  // namespace crashsim
