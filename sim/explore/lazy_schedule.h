// LazySchedule: a state's schedule as the checks of the state see it: its length and crash point
// at once, its steps only when a trace needs them (built once, on first use).
//
// Most states of a deep exploration report nothing new (their findings are settled by a shorter
// schedule, or there are none), and building a schedule thousands of steps deep copies every step.
// Not shared between threads: one check of one state holds it.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sim/result/result.h"

namespace crashsim {

class LazySchedule {
 public:
  // `build` returns the `size` steps, the last of them `last` (null when `size` is 0).
  LazySchedule(size_t size, const TraceStep* last,
               std::function<std::vector<TraceStep>()> build)
      : size_(size), crash_point_(CrashPointAt(size, last)), build_(std::move(build)) {}
  // A schedule already built; `steps` must outlive this.
  explicit LazySchedule(const std::vector<TraceStep>& steps)
      : size_(steps.size()),
        crash_point_(CrashPointAt(steps.size(), steps.empty() ? nullptr : &steps.back())),
        given_(&steps) {}

  size_t size() const { return size_; }
  // "after step N (ACTOR: TEXT)", or "before the first step".
  const std::string& crash_point() const { return crash_point_; }
  const std::vector<TraceStep>& steps() const {
    if (given_ != nullptr) return *given_;
    if (!built_) built_ = build_();
    return *built_;
  }

  static std::string CrashPointAt(size_t size, const TraceStep* last) {
    if (size == 0) return "before the first step";
    return "after step " + std::to_string(size) + " (" + last->actor + ": " + last->text + ")";
  }

 private:
  size_t size_;
  std::string crash_point_;
  std::function<std::vector<TraceStep>()> build_;
  const std::vector<TraceStep>* given_ = nullptr;
  mutable std::optional<std::vector<TraceStep>> built_;
};

}  // namespace crashsim
