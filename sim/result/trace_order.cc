#include "sim/result/trace_order.h"

#include <tuple>

namespace crashsim {
namespace {

// Compares step by step, field by field, so no separator character can make two different
// schedules compare equal.
int CompareSchedules(const std::vector<TraceStep>& a, const std::vector<TraceStep>& b) {
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
    const auto ka = std::tie(a[i].actor, a[i].text, a[i].result);
    const auto kb = std::tie(b[i].actor, b[i].text, b[i].result);
    if (ka != kb) return ka < kb ? -1 : 1;
  }
  return a.size() == b.size() ? 0 : (a.size() < b.size() ? -1 : 1);
}

}  // namespace

bool PreferredTrace(const Violation& a, const Violation& b) {
  if (a.schedule.size() != b.schedule.size()) return a.schedule.size() < b.schedule.size();
  if (a.order.size() != b.order.size()) return a.order.size() < b.order.size();
  if (a.order != b.order) return a.order < b.order;
  if (const int order = CompareSchedules(a.schedule, b.schedule); order != 0) return order < 0;
  if (a.crash_point != b.crash_point) return a.crash_point < b.crash_point;
  if (a.lost.size() != b.lost.size()) return a.lost.size() < b.lost.size();
  return std::tie(a.observed, a.expected, a.promise) < std::tie(b.observed, b.expected, b.promise);
}

}  // namespace crashsim
