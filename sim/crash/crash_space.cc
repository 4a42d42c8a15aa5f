#include "sim/crash/crash_space.h"

#include <algorithm>

#include "sim/base/check.h"

namespace crashsim {
namespace {

bool Covers(const PendingWrite& write, uint64_t address) {
  return address >= write.address && address < write.address + write.data.size();
}

}  // namespace

CrashSpace::CrashSpace(const Machine& machine) : machine_(machine), graph_(machine) {
  const auto& events = graph_.events();
  const uint64_t forced = machine.journal.forced_seq();
  journal_choices_.push_back(forced);
  for (const PersistEvent& event : events) {
    if (event.kind == PersistEvent::Kind::kTransaction) journal_choices_.push_back(event.id);
  }
  const auto& pending = machine.device.pending();
  for (size_t i = 0; i < pending.size(); ++i) {
    const PendingWrite& write = pending[i];
    CRASHSIM_CHECK(events[i].kind == PersistEvent::Kind::kDeviceWrite && events[i].id == write.id);
    for (uint64_t line = write.address / kLineBytes;
         line <= (write.address + write.data.size() - 1) / kLineBytes; ++line) {
      line_index_[line].push_back(static_cast<int>(i));
    }
  }
  ChooseJournal(forced);
}

std::vector<bool> CrashSpace::Ancestors(const std::vector<int>& roots) const {
  const auto& predecessors = graph_.predecessors();
  std::vector<bool> in(graph_.events().size(), false);
  std::vector<int> stack(roots.begin(), roots.end());
  while (!stack.empty()) {
    const int v = stack.back();
    stack.pop_back();
    if (in[v]) continue;
    in[v] = true;
    for (size_t p : predecessors[v]) {
      if (!in[p]) stack.push_back(static_cast<int>(p));
    }
  }
  return in;
}

CrashImage CrashSpace::ImageOf(const std::vector<bool>& in) const {
  CrashImage image;
  image.journal_prefix = prefix_;
  const auto& events = graph_.events();
  for (size_t v = 0; v < events.size(); ++v) {
    if (!in[v]) continue;
    if (events[v].kind == PersistEvent::Kind::kDeviceWrite) {
      image.persisted.insert(events[v].id);
    } else {
      CRASHSIM_CHECK(events[v].id <= prefix_);
    }
  }
  return image;
}

void CrashSpace::ChooseImage(const CrashImage& image) {
  fixed_ = true;
  prefix_ = image.journal_prefix;
  const auto& events = graph_.events();
  forced_.assign(events.size(), false);
  for (size_t v = 0; v < events.size(); ++v) {
    forced_[v] = events[v].kind == PersistEvent::Kind::kDeviceWrite
                     ? image.persisted.count(events[v].id) > 0
                     : events[v].id <= prefix_;
  }
  base_image_ = image;
}

void CrashSpace::ChooseJournal(uint64_t prefix) {
  fixed_ = false;
  prefix_ = prefix;
  std::vector<int> roots;
  const auto& events = graph_.events();
  for (size_t v = 0; v < events.size(); ++v) {
    if (events[v].kind == PersistEvent::Kind::kTransaction && events[v].id <= prefix) {
      roots.push_back(static_cast<int>(v));
    }
  }
  forced_ = Ancestors(roots);
  base_image_ = ImageOf(forced_);
}

std::vector<int> CrashSpace::CoveringEvents(uint64_t address) const {
  std::vector<int> covering;
  auto it = line_index_.find(address / kLineBytes);
  if (it == line_index_.end()) return covering;
  const auto& pending = machine_.device.pending();
  for (int v : it->second) {
    if (Covers(pending[v], address)) covering.push_back(v);
  }
  return covering;  // in id order: the order in which they became visible
}

std::vector<ByteOutcome> CrashSpace::Outcomes(uint64_t address) const {
  const std::vector<int> covering = CoveringEvents(address);
  const auto& pending = machine_.device.pending();
  int first = 0;
  for (size_t k = 0; k < covering.size(); ++k) {
    if (forced_[covering[k]]) first = static_cast<int>(k) + 1;
  }
  std::vector<ByteOutcome> outcomes;
  if (first == 0) {
    const Tagged media = machine_.device.media().Read(address, 1);
    outcomes.push_back(ByteOutcome{media.bytes[0], media.origins[0], -1});
  }
  const size_t last = fixed_ ? std::min<size_t>(first, covering.size()) : covering.size();
  for (size_t k = first == 0 ? 0 : first - 1; k < last; ++k) {
    const PendingWrite& write = pending[covering[k]];
    const uint64_t at = address - write.address;
    outcomes.push_back(ByteOutcome{write.data.bytes[at], write.data.origins[at], covering[k]});
  }
  return outcomes;
}

void CrashSpace::ForEachOutcome(uint64_t address, uint64_t length,
                                const std::function<bool(uint64_t, const ByteOutcome&)>& visit) const {
  if (length == 0) return;
  const Tagged media = machine_.device.media().Read(address, length);
  const auto& pending = machine_.device.pending();
  // The writes touching the range, in visibility order.
  std::vector<int> touching;
  for (uint64_t line = address / kLineBytes; line <= (address + length - 1) / kLineBytes; ++line) {
    auto it = line_index_.find(line);
    if (it == line_index_.end()) continue;
    touching.insert(touching.end(), it->second.begin(), it->second.end());
  }
  std::sort(touching.begin(), touching.end());
  touching.erase(std::unique(touching.begin(), touching.end()), touching.end());
  std::vector<int> covering;
  for (uint64_t pos = address; pos < address + length; ++pos) {
    covering.clear();
    for (int v : touching) {
      if (Covers(pending[v], pos)) covering.push_back(v);
    }
    size_t first = 0;
    for (size_t k = 0; k < covering.size(); ++k) {
      if (forced_[covering[k]]) first = k + 1;
    }
    if (first == 0) {
      const ByteOutcome outcome{media.bytes[pos - address], media.origins[pos - address], -1};
      if (!visit(pos, outcome)) return;
    }
    const size_t last = fixed_ ? std::min<size_t>(first, covering.size()) : covering.size();
    for (size_t k = first == 0 ? 0 : first - 1; k < last; ++k) {
      const PendingWrite& write = pending[covering[k]];
      const ByteOutcome outcome{write.data.bytes[pos - write.address],
                                write.data.origins[pos - write.address], covering[k]};
      if (!visit(pos, outcome)) return;
    }
  }
}

CrashImage CrashSpace::Witness(uint64_t, const ByteOutcome& outcome) const {
  if (outcome.event < 0 || fixed_) return base_image_;
  std::vector<bool> in = Ancestors({outcome.event});
  for (size_t v = 0; v < in.size(); ++v) in[v] = in[v] || forced_[v];
  return ImageOf(in);
}

bool CrashSpace::ForEachJointImage(const std::set<uint64_t>& addresses, uint64_t limit,
                                   const std::function<bool(const CrashImage&)>& visit) const {
  if (fixed_) {
    visit(base_image_);
    return true;
  }
  // The writes covering the addresses that the prefix does not force.
  std::set<int> involved_set;
  for (uint64_t address : addresses) {
    for (int v : CoveringEvents(address)) {
      if (!forced_[v]) involved_set.insert(v);
    }
  }
  const std::vector<int> involved(involved_set.begin(), involved_set.end());
  // The projected order: u before v when u is an ancestor of v.
  std::vector<std::vector<bool>> ancestors;
  ancestors.reserve(involved.size());
  for (int v : involved) ancestors.push_back(Ancestors({v}));
  std::vector<bool> chosen(involved.size(), false);
  uint64_t visited = 0;
  bool complete = true;
  std::function<bool(size_t)> walk = [&](size_t k) -> bool {
    if (k == involved.size()) {
      if (++visited > limit) {
        complete = false;
        return false;
      }
      std::vector<bool> in = forced_;
      for (size_t j = 0; j < involved.size(); ++j) {
        if (!chosen[j]) continue;
        for (size_t v = 0; v < in.size(); ++v) in[v] = in[v] || ancestors[j][v];
      }
      return visit(ImageOf(in));
    }
    // involved[k] lost: allowed only if no chosen later write depends on it (checked when the
    // later one is chosen); kept: every involved ancestor must be kept too.
    if (!walk(k + 1)) return false;
    bool allowed = true;
    for (size_t j = 0; j < k && allowed; ++j) {
      if (!chosen[j] && ancestors[k][involved[j]]) allowed = false;
    }
    if (!allowed) return true;
    chosen[k] = true;
    const bool go_on = walk(k + 1);
    chosen[k] = false;
    return go_on;
  };
  walk(0);
  return complete;
}

}  // namespace crashsim
