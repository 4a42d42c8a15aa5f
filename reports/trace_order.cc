#include "reports/trace_order.h"

namespace crashsim {

std::string CanonicalTraceKey(const Violation& violation) {
  std::string key;
  for (const TraceStep& step : violation.schedule) {
    key += step.actor + "\x1f" + step.text + "\x1e";
  }
  return key + "\x1d" + violation.crash_point + "\x1d" + violation.observed;
}

bool PreferredTrace(const Violation& a, const Violation& b) {
  // A shorter schedule is the easier trace to read, and fewer lost events the smaller image.
  if (a.schedule.size() != b.schedule.size()) return a.schedule.size() < b.schedule.size();
  if (a.lost.size() != b.lost.size()) return a.lost.size() < b.lost.size();
  return CanonicalTraceKey(a) < CanonicalTraceKey(b);
}

}  // namespace crashsim
