#include "sim/crash/image_walk.h"

#include <algorithm>
#include <cstring>
#include <functional>
#include <limits>
#include <map>
#include <queue>
#include <set>

#include "sim/base/check.h"

namespace crashsim {
namespace {

// A topological order of the events: Kahn's algorithm, the smallest ready index first, so the
// order depends on nothing but the graph.
std::vector<uint32_t> TopologicalOrder(const std::vector<std::vector<size_t>>& predecessors) {
  const size_t n = predecessors.size();
  std::vector<std::vector<uint32_t>> successors(n);
  std::vector<size_t> waiting(n, 0);
  for (size_t v = 0; v < n; ++v) {
    waiting[v] = predecessors[v].size();
    for (size_t p : predecessors[v]) successors[p].push_back(static_cast<uint32_t>(v));
  }
  std::priority_queue<uint32_t, std::vector<uint32_t>, std::greater<>> ready;
  for (size_t v = 0; v < n; ++v) {
    if (waiting[v] == 0) ready.push(static_cast<uint32_t>(v));
  }
  std::vector<uint32_t> order;
  order.reserve(n);
  while (!ready.empty()) {
    const uint32_t v = ready.top();
    ready.pop();
    order.push_back(v);
    for (uint32_t s : successors[v]) {
      if (--waiting[s] == 0) ready.push(s);
    }
  }
  CRASHSIM_CHECK_MSG(order.size() == n, "the persist graph has a cycle");
  return order;
}

// The weakly connected components of the DAG, each as its events in topological order; the
// components ordered by their first event's index. Events of different components are never
// related, so the downsets of the whole graph are the products of the components' downsets.
std::vector<std::vector<uint32_t>> Components(
    const std::vector<std::vector<size_t>>& predecessors) {
  const size_t n = predecessors.size();
  std::vector<uint32_t> parent(n);
  for (size_t v = 0; v < n; ++v) parent[v] = static_cast<uint32_t>(v);
  auto root = [&](uint32_t v) {
    while (parent[v] != v) v = parent[v] = parent[parent[v]];
    return v;
  };
  for (size_t v = 0; v < n; ++v) {
    for (size_t p : predecessors[v]) {
      const uint32_t a = root(static_cast<uint32_t>(v)), b = root(static_cast<uint32_t>(p));
      if (a != b) parent[std::max(a, b)] = std::min(a, b);  // the smallest index is the root
    }
  }
  std::vector<int64_t> component_of_root(n, -1);
  std::vector<std::vector<uint32_t>> components;
  for (size_t v = 0; v < n; ++v) {  // roots are their component's smallest index: visited first
    const uint32_t r = root(static_cast<uint32_t>(v));
    if (component_of_root[r] < 0) {
      component_of_root[r] = static_cast<int64_t>(components.size());
      components.emplace_back();
    }
  }
  for (uint32_t v : TopologicalOrder(predecessors)) {
    components[component_of_root[root(v)]].push_back(v);
  }
  return components;
}

// The downsets of one component in walk order, as membership flags over its events (in the
// component's topological order). The order is the binary reflected Gray code over the events,
// the first event the fastest-changing bit, with every set that is not a downset left out: for a
// chain that is its prefixes in order, each one event from the next. Deciding the events from
// the last to the first, "out" is refused for an event with a successor already in, and "in" is
// always completable (by putting every earlier event in), so no branch is a dead end: the work is
// at most the component's size per downset. Returns false, `out` partial, beyond `limit` of them.
bool ListDownsets(const std::vector<uint32_t>& events,
                  const std::vector<std::vector<size_t>>& predecessors, uint64_t limit,
                  std::vector<std::vector<uint8_t>>* out) {
  const size_t n = events.size();
  std::vector<uint32_t> local(predecessors.size(), 0);
  for (size_t k = 0; k < n; ++k) local[events[k]] = static_cast<uint32_t>(k);
  std::vector<std::vector<uint32_t>> successors(n);
  for (size_t k = 0; k < n; ++k) {
    for (size_t p : predecessors[events[k]]) {
      successors[local[p]].push_back(static_cast<uint32_t>(k));
    }
  }
  std::vector<uint8_t> in(n, 0);
  bool within = true;
  // Decides event k (and every earlier one); `reflected`: this subtree's Gray order reversed.
  std::function<void(size_t, bool)> decide = [&](size_t k, bool reflected) {
    if (!within) return;
    if (k == 0) {
      if (out->size() >= limit) {
        within = false;
        return;
      }
      out->push_back(in);
      return;
    }
    const size_t v = k - 1;
    bool out_allowed = true;
    for (uint32_t s : successors[v]) out_allowed = out_allowed && !in[s];
    // Reflected Gray code: G(k) = 0 G(k-1), 1 G(k-1)^R; G(k)^R = 1 G(k-1), 0 G(k-1)^R.
    const uint8_t first = reflected ? 1 : 0;
    for (uint8_t bit : {first, static_cast<uint8_t>(1 - first)}) {
      if (bit == 0 && !out_allowed) continue;
      in[v] = bit;
      decide(v, /*reflected=*/bit != first);
      in[v] = 0;
    }
  };
  decide(n, false);
  return within;
}

uint64_t SaturatingProduct(uint64_t a, uint64_t b) {
  if (a != 0 && b > std::numeric_limits<uint64_t>::max() / a) {
    return std::numeric_limits<uint64_t>::max();
  }
  return a * b;
}

// True if `ancestor` is reachable from `v` backwards along the "persists before" edges.
bool IsAncestor(const std::vector<std::vector<size_t>>& predecessors, size_t ancestor, size_t v,
                std::vector<uint32_t>* stamp, uint32_t mark) {
  std::vector<size_t> stack(predecessors[v].begin(), predecessors[v].end());
  while (!stack.empty()) {
    const size_t u = stack.back();
    stack.pop_back();
    if (u == ancestor) return true;
    if ((*stamp)[u] == mark) continue;
    (*stamp)[u] = mark;
    stack.insert(stack.end(), predecessors[u].begin(), predecessors[u].end());
  }
  return false;
}

}  // namespace

std::optional<std::string> ImageWalk::WhyNotApplicable(const Machine& machine,
                                                       const PersistGraph& graph) {
  if (!machine.device.is_pmem()) return "the device is not persistent memory";
  const auto& pending = machine.device.pending();
  const auto& events = graph.events();
  if (events.size() != pending.size()) {
    return "journal transactions may persist, so the recovered metadata differs between images";
  }
  for (size_t i = 0; i < pending.size(); ++i) {
    CRASHSIM_CHECK(events[i].kind == PersistEvent::Kind::kDeviceWrite &&
                   events[i].id == pending[i].id);
    if (pending[i].unit_kind != UnitKind::kLine) return "a pending write is not a line store";
    if (pending[i].data().size() == 0) return "a pending write is empty";
  }
  // Two stores sharing a byte must be ordered, the earlier one (in visibility) first.
  std::map<uint64_t, std::vector<size_t>> by_line;
  for (size_t i = 0; i < pending.size(); ++i) {
    const uint64_t end = pending[i].address + pending[i].data().size();
    for (uint64_t line = pending[i].address / kLineBytes; line <= (end - 1) / kLineBytes; ++line) {
      by_line[line].push_back(i);
    }
  }
  std::vector<uint32_t> stamp(pending.size(), 0);
  uint32_t mark = 0;
  for (const auto& [line, members] : by_line) {
    for (size_t a = 0; a < members.size(); ++a) {
      for (size_t b = a + 1; b < members.size(); ++b) {
        const PendingWrite& earlier = pending[members[a]];
        const PendingWrite& later = pending[members[b]];
        const bool overlap = earlier.address < later.address + later.data().size() &&
                             later.address < earlier.address + earlier.data().size();
        if (!overlap) continue;
        if (!IsAncestor(graph.predecessors(), members[a], members[b], &stamp, ++mark)) {
          return "two pending stores share a byte but may persist in either order";
        }
      }
    }
  }
  // The ordering oracle reads the image when a durable transaction records a pending write's
  // completion; the compiled checks do not cover it.
  if (machine.config->fs == FsKind::kXfs) {
    for (uint64_t seq = 1; seq <= machine.journal.forced_seq(); ++seq) {
      for (uint64_t group : machine.journal.txn(seq).completes_groups) {
        for (const PendingWrite& write : pending) {
          if (write.group == group) {
            return "a durable transaction records the completion of a pending write";
          }
        }
      }
    }
  }
  for (const std::vector<uint32_t>& component : Components(graph.predecessors())) {
    std::vector<std::vector<uint8_t>> downsets;
    if (!ListDownsets(component, graph.predecessors(), kComponentImagesMax, &downsets)) {
      return "a component of the persist graph has too many downsets to list";
    }
  }
  return std::nullopt;
}

ImageWalk::ImageWalk(const Machine& machine, const PersistGraph& graph) {
  const auto& pending = machine.device.pending();
  journal_prefix_ = machine.journal.forced_seq();
  std::set<uint64_t> lines;
  for (const PendingWrite& write : pending) {
    const uint64_t end = write.address + write.data().size();
    for (uint64_t line = write.address / kLineBytes; line <= (end - 1) / kLineBytes; ++line) {
      lines.insert(line);
    }
  }
  lines_.assign(lines.begin(), lines.end());
  image_.reserve(lines_.size() * kLineBytes);
  for (uint64_t line : lines_) {
    const Tagged media = machine.device.media().Read(line * kLineBytes, kLineBytes);
    image_.insert(image_.end(), media.bytes.begin(), media.bytes.end());
  }
  // An event's lines are consecutive device lines, all tracked, so its bytes are contiguous in
  // the packed image.
  for (const PendingWrite& write : pending) {
    EventBytes geometry;
    const uint64_t end = write.address + write.data().size();
    auto line_index = [&](uint64_t address) {
      const auto it = std::lower_bound(lines_.begin(), lines_.end(), address / kLineBytes);
      return static_cast<uint32_t>(it - lines_.begin());
    };
    geometry.first_line = line_index(write.address);
    geometry.last_line = line_index(end - 1);
    geometry.image_offset =
        static_cast<uint32_t>(geometry.first_line * kLineBytes + write.address % kLineBytes);
    geometry.length = static_cast<uint32_t>(write.data().size());
    CRASHSIM_CHECK(geometry.image_offset + geometry.length <= image_.size());
    events_.push_back(geometry);
    data_offset_.push_back(static_cast<uint32_t>(data_.size()));
    data_.insert(data_.end(), write.data().bytes.begin(), write.data().bytes.end());
    ids_.push_back(write.id);
  }
  undo_.assign(data_.size(), 0);
  in_.assign(events_.size(), 0);
  BuildComponents(graph);
  // Algorithm H, step H1: every digit 0 (each component's empty downset), foci at themselves.
  digit_.assign(radix_.size(), 0);
  direction_.assign(radix_.size(), 1);
  focus_.resize(radix_.size() + 1);
  for (size_t j = 0; j <= radix_.size(); ++j) focus_[j] = static_cast<uint32_t>(j);
}

void ImageWalk::BuildComponents(const PersistGraph& graph) {
  for (const std::vector<uint32_t>& component : Components(graph.predecessors())) {
    std::vector<std::vector<uint8_t>> downsets;
    CRASHSIM_CHECK(ListDownsets(component, graph.predecessors(), kComponentImagesMax, &downsets));
    CRASHSIM_CHECK(downsets.size() >= 2);  // at least the empty one and the whole component
    radix_.push_back(static_cast<uint32_t>(downsets.size()));
    start_.push_back(static_cast<uint32_t>(forward_.size()));
    image_count_ = SaturatingProduct(image_count_, downsets.size());
    for (size_t i = 0; i + 1 < downsets.size(); ++i) {
      forward_.push_back(static_cast<uint32_t>(changes_.size()));
      const std::vector<uint8_t>& from = downsets[i];
      const std::vector<uint8_t>& to = downsets[i + 1];
      // Leaving events go latest first and entering ones earliest first, so every intermediate
      // set is a downset too and each store is the top writer of its bytes when it moves.
      const size_t begin = changes_.size();
      for (size_t k = component.size(); k-- > 0;) {
        if (from[k] && !to[k]) changes_.push_back({component[k], false});
      }
      for (size_t k = 0; k < component.size(); ++k) {
        if (!from[k] && to[k]) changes_.push_back({component[k], true});
      }
      // The way back: the same changes undone in reverse order.
      for (size_t c = changes_.size(); c-- > begin;) {
        backward_changes_.push_back({changes_[c].event, !changes_[c].enters});
      }
    }
    forward_.push_back(static_cast<uint32_t>(changes_.size()));
  }
}

bool ImageWalk::Next() {
  if (done_) return false;
  // Algorithm H, steps H3 to H5.
  const uint32_t j = focus_[0];
  focus_[0] = 0;
  const size_t n = radix_.size();
  if (j == n) {
    done_ = true;
    last_changes_ = {};
    return false;
  }
  const uint32_t from = digit_[j];
  const uint32_t step = direction_[j] > 0 ? from : from - 1;  // the transition step -> step + 1
  const uint32_t begin = forward_[start_[j] + step], end = forward_[start_[j] + step + 1];
  const EventChange* changes =
      direction_[j] > 0 ? changes_.data() + begin : backward_changes_.data() + begin;
  last_changes_ = std::span<const EventChange>(changes, end - begin);
  digit_[j] = direction_[j] > 0 ? from + 1 : from - 1;
  if (digit_[j] == 0 || digit_[j] == radix_[j] - 1) {
    direction_[j] = static_cast<int8_t>(-direction_[j]);
    focus_[j] = focus_[j + 1];
    focus_[j + 1] = j + 1;
  }
  for (const EventChange& change : last_changes_) Apply(change);
  return true;
}

void ImageWalk::Apply(const EventChange& change) {
  const EventBytes& e = events_[change.event];
  uint8_t* at = image_.data() + e.image_offset;
  uint8_t* saved = undo_.data() + data_offset_[change.event];
  if (change.enters) {
    std::memcpy(saved, at, e.length);
    std::memcpy(at, data_.data() + data_offset_[change.event], e.length);
    in_[change.event] = 1;
  } else {
    std::memcpy(at, saved, e.length);
    in_[change.event] = 0;
  }
}

CrashImage ImageWalk::Image() const {
  CrashImage image;
  image.journal_prefix = journal_prefix_;
  for (size_t v = 0; v < events_.size(); ++v) {
    if (in_[v]) image.persisted.insert(ids_[v]);
  }
  return image;
}

std::optional<uint32_t> ImageWalk::ImageOffset(uint64_t address) const {
  const uint64_t line = address / kLineBytes;
  auto it = std::lower_bound(lines_.begin(), lines_.end(), line);
  if (it == lines_.end() || *it != line) return std::nullopt;
  return static_cast<uint32_t>((it - lines_.begin()) * kLineBytes + address % kLineBytes);
}

size_t ImageWalk::footprint_bytes() const {
  return events_.capacity() * sizeof(EventBytes) + data_offset_.capacity() * sizeof(uint32_t) +
         data_.capacity() + undo_.capacity() + in_.capacity() +
         ids_.capacity() * sizeof(uint64_t) + lines_.capacity() * sizeof(uint64_t) +
         image_.capacity() +
         (radix_.capacity() + start_.capacity() + forward_.capacity() + digit_.capacity() +
          focus_.capacity()) * sizeof(uint32_t) +
         (changes_.capacity() + backward_changes_.capacity()) * sizeof(EventChange) +
         direction_.capacity();
}

}  // namespace crashsim
