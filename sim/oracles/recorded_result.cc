#include "sim/oracles/recorded_result.h"

#include <algorithm>

namespace crashsim {

std::optional<std::string> RecordedResult(const Scenario& scenario, const Machine& machine,
                                          const Expr& leaf) {
  const int p = scenario.ProcessIndex(leaf.process);
  if (p < 0) return std::nullopt;
  const auto& results = machine.processes[p].results;
  const auto found = results.find(leaf.result_op);
  if (found == results.end()) return std::nullopt;
  return found->second;
}

bool ResultLeafHolds(const Expr& leaf, const std::optional<std::string>& recorded) {
  const bool in = recorded.has_value() &&
                  std::find(leaf.results.begin(), leaf.results.end(), *recorded) !=
                      leaf.results.end();
  return leaf.kind == Expr::Kind::kResultNe ? !in : in;
}

}  // namespace crashsim
