#include "sim/oracles/finding.h"

#include <fmt/format.h>

#include <algorithm>

namespace crashsim {

std::string RenderBytes(const std::vector<uint8_t>& bytes) {
  if (bytes.empty()) return "(no bytes)";
  const bool uniform = std::all_of(bytes.begin(), bytes.end(),
                                   [&](uint8_t b) { return b == bytes[0]; });
  if (uniform && bytes.size() > 1) {
    return fmt::format("fill({:02x}, {})", bytes[0], bytes.size());
  }
  const bool printable = std::all_of(bytes.begin(), bytes.end(),
                                     [](uint8_t b) { return b >= 0x20 && b < 0x7f && b != '\''; });
  const size_t shown = std::min<size_t>(bytes.size(), 32);
  std::string text;
  if (printable) {
    text = "'" + std::string(bytes.begin(), bytes.begin() + shown) + "'";
  } else {
    text = "0x";
    for (size_t i = 0; i < shown; ++i) text += fmt::format("{:02x}", bytes[i]);
  }
  if (shown < bytes.size()) text += fmt::format("... ({} bytes)", bytes.size());
  return text;
}

std::vector<LostEvent> LostEvents(const CrashContext& context) {
  std::vector<LostEvent> lost;
  for (const PersistEvent* event : context.graph.Lost(context.image)) {
    lost.push_back(LostEvent{
        event->kind == PersistEvent::Kind::kTransaction ? "journal" : "device-write",
        event->description});
  }
  return lost;
}

}  // namespace crashsim
