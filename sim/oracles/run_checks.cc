#include "sim/oracles/run_checks.h"

#include "models/recovery.h"
#include "sim/oracles/durability.h"
#include "sim/oracles/immutable.h"
#include "sim/oracles/map_sync.h"
#include "sim/oracles/ordering.h"
#include "sim/oracles/stale_data.h"

namespace crashsim {

std::vector<Finding> CheckChosen(const Scenario& scenario, const Machine& machine,
                                 const CrashSpace& space, bool assertion_search, bool* cut,
                                 std::optional<AssertionCut>* assertion_cut,
                                 const std::vector<ListedItem>* observe,
                                 Observations* observed) {
  const RecoveredState recovered(machine, space.base_image());
  const CrashContext context{scenario, machine, space, recovered};
  std::vector<Finding> findings;
  CheckDurability(context, &findings);
  CheckNoStaleData(context, &findings);
  CheckOrdering(context, &findings);
  CheckMapSync(context, &findings);
  CheckImmutable(context, &findings);
  if (!CheckAssertions(context, assertion_search, &findings, assertion_cut)) *cut = true;
  if (observe != nullptr) ObserveItems(context, *observe, observed);
  return findings;
}

std::vector<Finding> CheckWholeImage(const Scenario& scenario, const Machine& machine,
                                     CrashSpace& space, const CrashImage& image, bool* cut,
                                     const std::vector<ListedItem>* observe,
                                     Observations* observed) {
  space.ChooseImage(image);
  return CheckChosen(scenario, machine, space, /*assertion_search=*/true, cut, nullptr, observe,
                     observed);
}

}  // namespace crashsim
