#include "cli/progress.h"

#include <fmt/format.h>

#include <chrono>
#include <utility>

namespace crashsim {
namespace {

// Carriage return to the line's start, and "erase to the end of the line" (ECMA-48 EL).
constexpr const char* kReturn = "\r";
constexpr const char* kEraseLine = "\x1b[K";
// Longer lines would wrap on a narrow terminal, and a carriage return cannot rewrite a wrapped line.
constexpr size_t kWidthMax = 79;

}  // namespace

double ProgressLine::SteadySeconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

ProgressLine::ProgressLine(std::ostream& out, Clock seconds)
    : out_(out), seconds_(std::move(seconds)), start_seconds_(seconds_()) {}

void ProgressLine::SetScenario(size_t index_from_1, size_t count, const std::string& name) {
  index_ = index_from_1;
  count_ = count;
  scenario_ = name;
}

void ProgressLine::StartModel(Design design) {
  const double elapsed = seconds_() - start_seconds_;
  const uint64_t rate =
      elapsed > 0 ? static_cast<uint64_t>(static_cast<double>(states_so_far_) / elapsed) : 0;
  const std::string counts =
      fmt::format("[{}/{}] {} states, {} states/s: ", index_, count_, states_so_far_, rate);
  const std::string model = fmt::format(" under {}", DesignName(design));
  // A long scenario name is what gets cut, never the counts or the model.
  std::string scenario = scenario_;
  const size_t room = kWidthMax > counts.size() + model.size() + 3
                          ? kWidthMax - counts.size() - model.size()
                          : 3;
  if (scenario.size() > room) scenario = scenario.substr(0, room - 3) + "...";
  Show(counts + scenario + model);
}

void ProgressLine::FinishModel(uint64_t distinct_states) { states_so_far_ += distinct_states; }

void ProgressLine::Clear() {
  if (!shown_) return;
  out_ << kReturn << kEraseLine << std::flush;
  shown_ = false;
}

void ProgressLine::Show(const std::string& text) {
  out_ << kReturn << text << kEraseLine << std::flush;
  shown_ = true;
}

}  // namespace crashsim
