#include "sim/oracles/image_walk_checks.h"

#include <algorithm>
#include <optional>

#include "models/recovery.h"
#include "sim/base/check.h"
#include "sim/oracles/image_walk_byte_rules.h"

namespace crashsim {

uint32_t ImageChecks::NameId(const std::string& name) {
  for (size_t i = 0; i < names_.size(); ++i) {
    if (names_[i] == name) return static_cast<uint32_t>(i);
  }
  names_.push_back(name);
  constant_failing_.push_back(0);
  dynamic_failing_.push_back(0);
  return static_cast<uint32_t>(names_.size() - 1);
}

void ImageChecks::FailConstant(uint32_t name) {
  if (constant_failing_[name]) return;
  constant_failing_[name] = 1;
  if (dynamic_failing_[name] == 0) ++failing_names_;
}

size_t ImageChecks::constant_failures() const {
  return static_cast<size_t>(std::count(constant_failing_.begin(), constant_failing_.end(), 1));
}

ImageChecks::ImageChecks(const Scenario& scenario, const Machine& machine, const ImageWalk& walk)
    : bytes_(walk.bytes()) {
  for (size_t v = 0; v < walk.event_count(); ++v) CRASHSIM_CHECK(!walk.persisted(v));
  // The metadata every image recovers to (no transaction is a persist event).
  CrashImage base;
  base.journal_prefix = machine.journal.forced_seq();
  const RecoveredState recovered(machine, base);

  std::vector<std::vector<uint32_t>> readers(walk.tracked_lines().size());
  for (const Assertion& assertion : scenario.assertions) {
    std::optional<CompiledAssertion> compiled =
        CompiledAssertion::Compile(assertion, scenario, machine, recovered, walk);
    if (!compiled) continue;
    const uint32_t name = NameId(assertion.name);
    if (compiled->constant()) {
      if (!compiled->constant_value()) FailConstant(name);
      continue;
    }
    for (uint32_t line : compiled->lines_read()) {
      readers[line].push_back(static_cast<uint32_t>(assertions_.size()));
    }
    assertions_.push_back(std::move(*compiled));
    assertion_name_.push_back(name);
    assertion_failing_.push_back(0);
  }
  line_assertion_begin_.push_back(0);
  for (const auto& line_readers : readers) {
    line_assertions_.insert(line_assertions_.end(), line_readers.begin(), line_readers.end());
    line_assertion_begin_.push_back(static_cast<uint32_t>(line_assertions_.size()));
  }
  assertion_stamp_.assign(assertions_.size(), 0);
  for (size_t a = 0; a < assertions_.size(); ++a) SetAssertion(a, !assertions_[a].Holds(bytes_));

  CompileByteGuarantees(machine, recovered, walk);
}

void ImageChecks::CompileByteGuarantees(const Machine& m, const RecoveredState& recovered,
                                        const ImageWalk& walk) {
  const ByteRules rules = CompileByteRules(m, recovered);
  for (const std::string& name : rules.failing_regardless) FailConstant(NameId(name));
  const size_t line_count = walk.tracked_lines().size();
  const auto& pending = m.device.pending();
  std::vector<std::vector<uint64_t>> media_masks, event_masks;  // per kind
  for (const auto& [name, by_address] : rules.by_name) {
    const uint32_t id = NameId(name);
    // Bytes no pending store touches read the media in every image: decided now.
    std::vector<const ByteRule*> at_offset(walk.byte_count(), nullptr);
    bool any_tracked = false;
    for (const auto& [address, rule] : by_address) {
      if (const std::optional<uint32_t> at = walk.ImageOffset(address)) {
        at_offset[*at] = &rule;
        any_tracked = true;
        continue;
      }
      const Tagged media = m.device.media().Read(address, 1);
      if (Breaks(m, rule, media.bytes[0], media.origins[0])) FailConstant(id);
    }
    if (!any_tracked) continue;
    bool can_fail = false;
    std::vector<uint64_t> media_mask(line_count, 0);
    for (size_t c = 0; c < line_count; ++c) {
      const Tagged media = m.device.media().Read(walk.tracked_lines()[c] * kLineBytes, kLineBytes);
      for (size_t b = 0; b < kLineBytes; ++b) {
        const ByteRule* rule = at_offset[c * kLineBytes + b];
        if (rule && Breaks(m, *rule, media.bytes[b], media.origins[b])) {
          media_mask[c] |= uint64_t{1} << b;
        }
      }
      can_fail = can_fail || media_mask[c] != 0;
    }
    std::vector<uint64_t> masks;  // per event, per line it touches
    for (size_t v = 0; v < walk.event_count(); ++v) {
      const ImageWalk::EventBytes& e = walk.event_bytes(v);
      for (uint32_t c = e.first_line; c <= e.last_line; ++c) {
        uint64_t mask = 0;
        for (size_t b = 0; b < kLineBytes; ++b) {
          const size_t at = c * kLineBytes + b;
          if (at < e.image_offset || at >= e.image_offset + e.length) continue;
          const ByteRule* rule = at_offset[at];
          const size_t k = at - e.image_offset;
          if (rule && Breaks(m, *rule, pending[v].data().bytes[k], pending[v].data().origins[k])) {
            mask |= uint64_t{1} << b;
          }
        }
        masks.push_back(mask);
        can_fail = can_fail || mask != 0;
      }
    }
    if (!can_fail) continue;
    kind_name_.push_back(id);
    media_masks.push_back(std::move(media_mask));
    event_masks.push_back(std::move(masks));
  }
  kinds_ = kind_name_.size();
  if (kinds_ == 0) return;
  touch_begin_.push_back(0);
  for (size_t v = 0; v < walk.event_count(); ++v) {
    const ImageWalk::EventBytes& e = walk.event_bytes(v);
    for (uint32_t c = e.first_line; c <= e.last_line; ++c) {
      const size_t lo = std::max<size_t>(e.image_offset, c * kLineBytes);
      const size_t hi = std::min<size_t>(e.image_offset + e.length, (c + 1) * kLineBytes);
      uint64_t covered = 0;
      for (size_t at = lo; at < hi; ++at) covered |= uint64_t{1} << (at % kLineBytes);
      touch_line_.push_back(c);
      touch_covered_.push_back(covered);
    }
    touch_begin_.push_back(static_cast<uint32_t>(touch_line_.size()));
  }
  touch_bad_.assign(touch_line_.size() * kinds_, 0);
  touch_saved_.assign(touch_line_.size() * kinds_, 0);
  for (size_t k = 0; k < kinds_; ++k) {
    for (size_t t = 0; t < touch_line_.size(); ++t) touch_bad_[t * kinds_ + k] = event_masks[k][t];
  }
  line_bad_.assign(line_count * kinds_, 0);
  bad_lines_.assign(kinds_, 0);
  for (size_t c = 0; c < line_count; ++c) {
    for (size_t k = 0; k < kinds_; ++k) {
      line_bad_[c * kinds_ + k] = media_masks[k][c];
      if (media_masks[k][c] != 0) SetKindBad(k, true);
    }
  }
}

void ImageChecks::SetNameDynamic(uint32_t name, bool up) {
  if (up) {
    if (dynamic_failing_[name]++ == 0 && !constant_failing_[name]) ++failing_names_;
  } else {
    if (--dynamic_failing_[name] == 0 && !constant_failing_[name]) --failing_names_;
  }
}

void ImageChecks::SetKindBad(size_t kind, bool bad) {
  if (bad) {
    if (bad_lines_[kind]++ == 0) SetNameDynamic(kind_name_[kind], true);
  } else {
    if (--bad_lines_[kind] == 0) SetNameDynamic(kind_name_[kind], false);
  }
}

void ImageChecks::SetAssertion(size_t assertion, bool failing) {
  if (assertion_failing_[assertion] == failing) return;
  assertion_failing_[assertion] = failing;
  SetNameDynamic(assertion_name_[assertion], failing);
}

void ImageChecks::Update(const ImageWalk& walk) {
  const bool assertions = !assertions_.empty();
  for (const EventChange& change : walk.last_changes()) {
    if (kinds_ > 0) {
      for (uint32_t t = touch_begin_[change.event]; t < touch_begin_[change.event + 1]; ++t) {
        const uint64_t covered = touch_covered_[t];
        uint64_t* line = &line_bad_[touch_line_[t] * kinds_];
        for (size_t k = 0; k < kinds_; ++k) {
          const uint64_t old = line[k];
          uint64_t now;
          if (change.enters) {
            touch_saved_[t * kinds_ + k] = old & covered;
            now = (old & ~covered) | touch_bad_[t * kinds_ + k];
          } else {
            now = (old & ~covered) | touch_saved_[t * kinds_ + k];
          }
          line[k] = now;
          if ((old != 0) != (now != 0)) SetKindBad(k, now != 0);
        }
      }
    }
    if (assertions) {
      const ImageWalk::EventBytes& e = walk.event_bytes(change.event);
      for (uint32_t c = e.first_line; c <= e.last_line; ++c) {
        for (uint32_t r = line_assertion_begin_[c]; r < line_assertion_begin_[c + 1]; ++r) {
          const uint32_t a = line_assertions_[r];
          if (assertion_stamp_[a] == stamp_) continue;
          assertion_stamp_[a] = stamp_;
          dirty_.push_back(a);
        }
      }
    }
  }
  for (uint32_t a : dirty_) SetAssertion(a, !assertions_[a].Holds(bytes_));
  dirty_.clear();
  ++stamp_;
}

std::vector<std::string> ImageChecks::FailingNames() const {
  std::vector<std::string> failing;
  for (size_t n = 0; n < names_.size(); ++n) {
    if (constant_failing_[n] || dynamic_failing_[n] > 0) failing.push_back(names_[n]);
  }
  std::sort(failing.begin(), failing.end());
  return failing;
}

ImageCheckTotals CheckImages(
    ImageWalk& walk, ImageChecks& checks, uint64_t limit,
    const std::function<bool(const ImageWalk&, const ImageChecks&)>& visit) {
  ImageCheckTotals totals;
  if (limit == 0) return totals;
  while (true) {
    ++totals.images;
    if (checks.any_failing()) ++totals.failing_images;
    if (visit && !visit(walk, checks)) return totals;
    if (totals.images >= limit) {
      totals.complete = totals.images == walk.image_count();
      return totals;
    }
    if (!walk.Next()) break;
    checks.Update(walk);
  }
  totals.complete = true;
  return totals;
}

}  // namespace crashsim
