#include "sim/crash/persist_graph.h"

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/topological_sort.hpp>
#include <boost/graph/transitive_reduction.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "sim/base/check.h"

namespace crashsim {
namespace {

using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS>;

const char* LineState(const PendingWrite& write, LineFlush flush) {
  if (write.kernel_copy) return "kernel copy, awaiting a device flush";
  switch (flush) {
    case LineFlush::kVisible:
      return write.nontemporal ? "non-temporal, not fenced" : "visible, not flushed";
    case LineFlush::kFlushedNotFenced:
      return write.nontemporal ? "non-temporal, not fenced" : "flushed, not fenced";
    case LineFlush::kInWpq:
      return "in the write-pending queue, awaiting a flush hint";
    case LineFlush::kKernelWrittenBack:
      return "written back by the kernel, awaiting a device flush";
  }
  return "";
}

// Persists at the next device flush (a log write's PREFLUSH included).
bool Flushable(const PendingWrite& write, LineFlush flush) {
  if (write.unit_kind == UnitKind::kSector) return write.completed;
  return write.kernel_copy || flush == LineFlush::kInWpq || flush == LineFlush::kKernelWrittenBack;
}

std::string DescribeWrite(const PendingWrite& write, LineFlush flush) {
  const char* unit = write.unit_kind == UnitKind::kSector ? "sector" : "pmem line";
  std::string state = write.unit_kind == UnitKind::kLine
                          ? LineState(write, flush)
                          : (write.completed ? "completed, in the volatile write cache"
                                             : "in flight");
  return fmt::format("{} {} bytes {}+{} ({}): {}", unit, write.unit, write.address,
                     write.data().size(), state, write.what());
}

std::string DescribeTransaction(const Machine& m, uint64_t seq) {
  return fmt::format("journal transaction {} (committed in memory, not forced): {}", seq,
                     m.journal.txn(seq).what);
}

}  // namespace

std::string DescribeEvent(const Machine& machine, const EventRef& event) {
  if (event.kind == PersistEvent::Kind::kTransaction) return DescribeTransaction(machine, event.id);
  const auto& pending = machine.device.pending();
  const auto it = std::lower_bound(
      pending.begin(), pending.end(), event.id,
      [](const PendingWrite& write, uint64_t id) { return write.id < id; });
  CRASHSIM_CHECK_MSG(it != pending.end() && it->id == event.id, "a lost write is not pending");
  return DescribeWrite(*it, machine.device.flush_marks()[it - pending.begin()]);
}

PersistGraph::PersistGraph(const Machine& m) {
  forced_seq_ = m.journal.forced_seq();
  const auto& pending = m.device.pending();
  const auto& marks = m.device.flush_marks();
  for (size_t i = 0; i < pending.size(); ++i) {
    events_.push_back(
        {PersistEvent::Kind::kDeviceWrite, pending[i].id, DescribeWrite(pending[i], marks[i])});
  }
  const bool push = m.config->background == Background::kExplore;
  const size_t first_txn = events_.size();
  for (uint64_t seq = forced_seq_ + 1; seq <= m.journal.committed_seq(); ++seq) {
    PersistEvent txn{PersistEvent::Kind::kTransaction, seq, DescribeTransaction(m, seq)};
    // Without background pushes nothing but a log force writes the log: these are simply lost.
    (push ? events_ : unpushed_).push_back(std::move(txn));
  }
  Graph graph(events_.size());
  // Chains per sector / pmem line, by runs of one group.
  std::map<std::pair<int, uint64_t>, std::vector<size_t>> units;
  for (size_t i = 0; i < pending.size(); ++i) {
    for (uint64_t u = 0; u < pending[i].unit_count; ++u) {
      units[{static_cast<int>(pending[i].unit_kind), pending[i].unit + u}].push_back(i);
    }
  }
  for (const auto& [unit, members] : units) {
    std::vector<size_t> previous_run, run;
    for (size_t k = 0; k < members.size(); ++k) {
      const size_t i = members[k];
      if (!run.empty() && pending[run.back()].group != pending[i].group) {
        previous_run = run;
        run.clear();
      }
      for (size_t p : previous_run) boost::add_edge(p, i, graph);
      run.push_back(i);
    }
  }
  if (push) {
    for (size_t t = first_txn + 1; t < events_.size(); ++t) boost::add_edge(t - 1, t, graph);
    for (size_t i = 0; i < pending.size(); ++i) {
      const PendingWrite& write = pending[i];
      if (!Flushable(write, marks[i])) continue;
      for (size_t t = first_txn; t < events_.size(); ++t) {
        if (m.journal.txn(events_[t].id).committed_tick > write.completed_tick) {
          boost::add_edge(i, t, graph);
          break;
        }
      }
    }
    for (size_t t = first_txn; t < events_.size(); ++t) {
      for (uint64_t group : m.journal.txn(events_[t].id).ordered_groups) {
        for (size_t i = 0; i < pending.size(); ++i) {
          if (pending[i].group == group) boost::add_edge(i, t, graph);
        }
      }
    }
  }
  std::vector<Graph::vertex_descriptor> reversed;
  boost::topological_sort(graph, std::back_inserter(reversed));
  order_.assign(reversed.rbegin(), reversed.rend());
  // Reduced once: an edge implied by a path adds nothing to the order, yet every downset test
  // and every drawn graph would pay for it (a log write's PREFLUSH edges repeat what the sector
  // chains already say).
  predecessors_.resize(events_.size());
  // Only events with an edge take part in the reduction: an isolated one (most pieces of a wide
  // store, each alone on its line's chain) has no path through it, and Boost's
  // transitive_reduction costs the square of the vertices it is given. Boost also indexes element
  // 0 of its work arrays, which an empty graph does not have; with no edge nothing is reduced.
  std::vector<size_t> linked;  // events with an edge, in event order
  std::vector<size_t> to_linked(events_.size(), 0);
  for (size_t v = 0; v < events_.size(); ++v) {
    if (boost::in_degree(v, graph) + boost::out_degree(v, graph) == 0) continue;
    to_linked[v] = linked.size();
    linked.push_back(v);
  }
  if (linked.empty()) return;
  Graph dense(linked.size());
  for (auto [it, end] = boost::edges(graph); it != end; ++it) {
    boost::add_edge(to_linked[boost::source(*it, graph)], to_linked[boost::target(*it, graph)],
                    dense);
  }
  Graph reduced;
  std::vector<Graph::vertex_descriptor> to_reduced(boost::num_vertices(dense));
  boost::transitive_reduction(
      dense, reduced,
      boost::make_iterator_property_map(to_reduced.begin(), boost::get(boost::vertex_index, dense)),
      boost::get(boost::vertex_index, dense));
  std::vector<size_t> from_reduced(boost::num_vertices(reduced));
  for (size_t d = 0; d < to_reduced.size(); ++d) from_reduced[to_reduced[d]] = linked[d];
  for (size_t d = 0; d < linked.size(); ++d) {
    std::vector<size_t>& predecessors = predecessors_[linked[d]];
    for (auto [it, end] = boost::in_edges(to_reduced[d], reduced); it != end; ++it) {
      predecessors.push_back(from_reduced[boost::source(*it, reduced)]);
    }
    std::sort(predecessors.begin(), predecessors.end());
    predecessors.erase(std::unique(predecessors.begin(), predecessors.end()), predecessors.end());
  }
}

uint64_t PersistGraph::ForEachImage(const std::function<bool(const CrashImage&)>& visit) const {
  std::vector<bool> in(events_.size(), false);
  uint64_t visited = 0;
  bool stop = false;
  std::function<void(size_t)> walk = [&](size_t position) {
    if (stop) return;
    if (position == order_.size()) {
      ++visited;
      if (!visit(ImageOf(in))) stop = true;
      return;
    }
    const size_t v = order_[position];
    walk(position + 1);  // v lost
    bool allowed = true;
    for (size_t p : predecessors_[v]) allowed = allowed && in[p];
    if (allowed) {
      in[v] = true;
      walk(position + 1);  // v persisted
      in[v] = false;
    }
  };
  walk(0);
  return visited;
}

uint64_t PersistGraph::ForEachSubsetImage(
    const std::function<bool(const CrashImage&)>& visit) const {
  const size_t n = events_.size();
  CRASHSIM_CHECK_MSG(n <= kSubsetEventsMax, "too many pending events for subset enumeration");
  uint64_t visited = 0;
  std::vector<bool> in(n);
  for (uint64_t mask = 0; mask < (uint64_t{1} << n); ++mask) {
    for (size_t v = 0; v < n; ++v) in[v] = mask >> v & 1;
    if (!IsDownset(in)) continue;
    ++visited;
    if (!visit(ImageOf(in))) break;
  }
  return visited;
}

CrashImage PersistGraph::ImageOf(const std::vector<bool>& in) const {
  CrashImage image;
  image.journal_prefix = forced_seq_;
  for (size_t v = 0; v < events_.size(); ++v) {
    if (!in[v]) continue;
    if (events_[v].kind == PersistEvent::Kind::kDeviceWrite) {
      image.persisted.insert(events_[v].id);
    } else {
      image.journal_prefix = std::max(image.journal_prefix, events_[v].id);
    }
  }
  return image;
}

std::vector<bool> PersistGraph::Kept(const CrashImage& image) const {
  std::vector<bool> in(events_.size());
  for (size_t v = 0; v < events_.size(); ++v) {
    in[v] = events_[v].kind == PersistEvent::Kind::kDeviceWrite
                ? image.persisted.count(events_[v].id) > 0
                : events_[v].id <= image.journal_prefix;
  }
  return in;
}

bool PersistGraph::IsDownset(const std::vector<bool>& in) const {
  for (size_t v = 0; v < events_.size(); ++v) {
    if (!in[v]) continue;
    for (size_t p : predecessors_[v]) {
      if (!in[p]) return false;
    }
  }
  return true;
}

CrashImage PersistGraph::DrawImage(const std::function<bool()>& keep) const {
  std::vector<bool> in(events_.size(), false);
  for (size_t v : order_) {
    bool allowed = true;
    for (size_t p : predecessors_[v]) allowed = allowed && in[p];
    in[v] = allowed && keep();
  }
  return ImageOf(in);
}

std::vector<const PersistEvent*> PersistGraph::Lost(const CrashImage& image) const {
  std::vector<const PersistEvent*> lost;
  for (const PersistEvent& event : events_) {
    const bool kept = event.kind == PersistEvent::Kind::kDeviceWrite
                          ? image.persisted.count(event.id) > 0
                          : event.id <= image.journal_prefix;
    if (!kept) lost.push_back(&event);
  }
  for (const PersistEvent& event : unpushed_) lost.push_back(&event);
  return lost;
}

}  // namespace crashsim
