#include "sim/oracles/finding.h"

#include <fmt/format.h>

#include <algorithm>

namespace crashsim {

std::string RenderBytes(const std::vector<uint8_t>& bytes, const TextRuns& texts) {
  if (bytes.empty()) return "(no bytes)";
  const bool uniform = std::all_of(bytes.begin(), bytes.end(),
                                   [&](uint8_t b) { return b == bytes[0]; });
  const bool printable = std::all_of(bytes.begin(), bytes.end(),
                                     [](uint8_t b) { return b >= 0x20 && b < 0x7f && b != '\''; });
  if (uniform && bytes.size() > 1 && !(printable && bytes.size() <= texts[bytes[0]])) {
    return fmt::format("fill({:02x}, {})", bytes[0], bytes.size());
  }
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

std::vector<EventRef> LostEvents(const CrashContext& context, const CrashImage& image,
                                 const std::vector<AddressRange>& ranges) {
  const std::vector<int> relevant = context.space.CoveringEvents(ranges);
  const auto& events = context.space.graph().events();
  std::vector<EventRef> lost;
  for (int v : relevant) {
    if (!image.persisted.count(events[v].id)) lost.push_back({events[v].kind, events[v].id});
  }
  for (const PersistEvent* event : context.space.graph().Lost(image)) {
    if (event->kind == PersistEvent::Kind::kTransaction) {
      lost.push_back(EventRef{event->kind, event->id});
    }
  }
  return lost;
}

std::vector<LostEvent> RenderLost(const Machine& machine, const std::vector<EventRef>& lost) {
  std::vector<LostEvent> text;
  text.reserve(lost.size());
  for (const EventRef& event : lost) {
    text.push_back(LostEvent{event.kind == PersistEvent::Kind::kTransaction ? "journal"
                                                                            : "device-write",
                             DescribeEvent(machine, event)});
  }
  return text;
}

void SetWitness(const CrashContext& context, const CrashImage& image,
                const std::vector<AddressRange>& ranges, Finding* finding) {
  finding->lost = LostEvents(context, image, ranges);
  finding->witness = image;
  finding->has_witness = true;
}

}  // namespace crashsim
