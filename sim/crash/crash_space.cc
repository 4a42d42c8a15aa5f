#include "sim/crash/crash_space.h"

#include <algorithm>

#include "sim/base/check.h"

namespace crashsim {
namespace {

bool Covers(const PendingWrite& write, uint64_t address) {
  return address >= write.address && address < write.address + write.data().size();
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
         line <= (write.address + write.data().size() - 1) / kLineBytes; ++line) {
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
  return CoveringEvents({{address, address + 1}});
}

std::vector<int> CrashSpace::CoveringEvents(const std::vector<AddressRange>& ranges) const {
  const auto& pending = machine_.device.pending();
  std::vector<int> covering;
  for (const AddressRange& range : ranges) {
    if (range.begin >= range.end) continue;
    for (int v : Touching(range.begin, range.end)) {
      const PendingWrite& write = pending[v];
      if (write.address < range.end && range.begin < write.address + write.data().size()) {
        covering.push_back(v);
      }
    }
  }
  std::sort(covering.begin(), covering.end());
  covering.erase(std::unique(covering.begin(), covering.end()), covering.end());
  return covering;  // in id order: the order in which they became visible
}

void CrashSpace::ChooseOutcomes(const std::vector<int>& covering, bool* media,
                                std::vector<int>* writes) const {
  // The last persisted covering write is the latest forced one or any later one; with a whole
  // image fixed, it is exactly the latest one the image holds.
  size_t first = 0;
  for (size_t k = 0; k < covering.size(); ++k) {
    if (forced_[covering[k]]) first = k + 1;
  }
  *media = first == 0;
  const size_t last = fixed_ ? first : covering.size();
  writes->assign(covering.begin() + (first == 0 ? 0 : first - 1), covering.begin() + last);
}

std::vector<ByteOutcome> CrashSpace::Outcomes(uint64_t address) const {
  std::vector<ByteOutcome> outcomes;
  ForEachOutcome(address, 1, [&](uint64_t, const ByteOutcome& outcome) {
    outcomes.push_back(outcome);
    return true;
  });
  return outcomes;
}

std::vector<int> CrashSpace::Touching(uint64_t begin, uint64_t end) const {
  std::vector<int> touching;
  for (auto it = line_index_.lower_bound(begin / kLineBytes);
       it != line_index_.end() && it->first <= (end - 1) / kLineBytes; ++it) {
    touching.insert(touching.end(), it->second.begin(), it->second.end());
  }
  // Usually sorted already (a wide store's pieces line after line): no sort then.
  if (!std::is_sorted(touching.begin(), touching.end())) {
    std::sort(touching.begin(), touching.end());
  }
  touching.erase(std::unique(touching.begin(), touching.end()), touching.end());
  return touching;
}

bool CrashSpace::ForEachRun(uint64_t address, uint64_t length,
                            const std::function<bool(const OutcomeRun&)>& visit) const {
  if (length == 0) return true;
  const Media& media = machine_.device.media();
  const uint64_t bs = media.block_size();
  const uint64_t end = address + length;
  const auto& pending = machine_.device.pending();
  // A sweep over the touching writes by start address, keeping those that cover the current
  // byte, so that a range under thousands of torn pieces costs one pass, not a pass per run.
  std::vector<int> by_start = Touching(address, end);
  const auto by_address = [&](int a, int b) { return pending[a].address < pending[b].address; };
  if (!std::is_sorted(by_start.begin(), by_start.end(), by_address)) {
    std::stable_sort(by_start.begin(), by_start.end(), by_address);
  }
  size_t next = 0;
  std::vector<int> active, covering;
  OutcomeRun run;
  for (uint64_t pos = address; pos < end; pos += run.length) {
    while (next < by_start.size() && pending[by_start[next]].address <= pos) {
      const int v = by_start[next++];
      if (Covers(pending[v], pos)) active.push_back(v);
    }
    active.erase(std::remove_if(active.begin(), active.end(),
                                [&](int v) { return !Covers(pending[v], pos); }),
                 active.end());
    // The run ends at the block's end or where a touching write begins or ends.
    uint64_t run_end = std::min(end, (pos / bs + 1) * bs);
    if (next < by_start.size()) run_end = std::min(run_end, pending[by_start[next]].address);
    for (int v : active) {
      run_end = std::min<uint64_t>(run_end, pending[v].address + pending[v].data().size());
    }
    covering = active;
    std::sort(covering.begin(), covering.end());  // id order: the order they became visible
    run.address = pos;
    run.length = run_end - pos;
    if (pos == address || pos % bs == 0) run.block = media.View(pos / bs);
    run.in_block = pos % bs;
    ChooseOutcomes(covering, &run.media, &run.writes);
    if (!visit(run)) return false;
  }
  return true;
}

CrashImage CrashSpace::ImageKeeping(const std::vector<int>& events) const {
  std::vector<bool> in = Ancestors(events);
  for (size_t v = 0; v < in.size(); ++v) in[v] = in[v] || forced_[v];
  return ImageOf(in);
}

CrashImage CrashSpace::Witness(uint64_t, const ByteOutcome& outcome) const {
  if (outcome.event < 0 || fixed_) return base_image_;
  std::vector<bool> in = Ancestors({outcome.event});
  for (size_t v = 0; v < in.size(); ++v) in[v] = in[v] || forced_[v];
  return ImageOf(in);
}

bool CrashSpace::ForEachJointImage(const std::set<uint64_t>& addresses, uint64_t limit,
                                   const std::function<bool(const CrashImage&)>& visit) const {
  std::vector<AddressRange> ranges;
  for (uint64_t address : addresses) ranges.push_back({address, address + 1});
  return ForEachJointImage(ranges, limit, visit);
}

bool CrashSpace::ForEachJointImage(const std::vector<AddressRange>& ranges, uint64_t limit,
                                   const std::function<bool(const CrashImage&)>& visit) const {
  if (fixed_) {
    visit(base_image_);
    return true;
  }
  // The writes covering the ranges that the prefix does not force.
  std::vector<int> involved;
  for (int v : CoveringEvents(ranges)) {
    if (!forced_[v]) involved.push_back(v);
  }
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
