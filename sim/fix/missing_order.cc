#include "sim/fix/missing_order.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <utility>

#include "sim/crash/persist_graph.h"

namespace crashsim {
namespace {

// How far a lost effect had gone, which decides the op that would have made it durable in time.
enum class Remedy {
  kFence,       // flushed (or non-temporal) but not fenced: sfence
  kFlushFence,  // a visible pmem store: flush and fence its range
  kDataSync,    // data awaiting a writeback or a device flush: fdatasync, then fsync
  kMetaSync,    // a journal transaction: fsync, then fdatasync
  kDirSync,     // a namespace change: fsync of the parent directory
};

struct Effect {
  OpRef op;
  Remedy remedy = Remedy::kDataSync;
  std::string what;  // e.g. "pmem line 8 written by `store m+512 0x01` (op 5 of P1)"
  std::string directory;  // kDirSync: the directory whose entries changed
  bool durable = false;   // kept: it persisted before the crash point, so every crash keeps it
};

std::string OpName(const Scenario& s, OpRef op) {
  return fmt::format("`{}` (op {} of {})", s.processes[op.pid].program[op.index].text,
                     op.index + 1, s.processes[op.pid].name);
}

bool WritesData(OpKind kind) {
  return kind == OpKind::kPwrite || kind == OpKind::kWrite || kind == OpKind::kPwritev ||
         kind == OpKind::kWritev || kind == OpKind::kStore || kind == OpKind::kNtStore;
}

void AssertedPaths(const Expr& expr, std::set<std::string>* paths) {
  if (!expr.path.empty()) paths->insert(expr.path);
  for (const Expr& child : expr.children) AssertedPaths(child, paths);
}

std::string ParentDirectory(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == 0 || slash == std::string::npos ? "/" : path.substr(0, slash);
}

// The op of the latest write by a process that covers byte `offset` of `ino`.
OpRef LatestWriter(const ScheduleReplay& replay, uint32_t ino, uint64_t offset) {
  const auto& writes = replay.crash.ghost.writes;
  for (auto it = writes.rbegin(); it != writes.rend(); ++it) {
    const WriteRecord& record = **it;
    if (record.process < 0 || record.size_cut || record.ino != ino) continue;
    if (offset < record.offset || offset >= record.offset + record.length()) continue;
    auto origin = replay.record_origin.find(record.id);
    return origin == replay.record_origin.end() ? OpRef{} : origin->second;
  }
  return OpRef{};
}

// The op a pending write carries the effect of: the op that wrote its data, unless the step that
// made it did (a writeback started by a sync call, a close, a rename or the background carries an
// earlier write's data).
OpRef WriteOrigin(const Scenario& s, const ScheduleReplay& replay, const PendingWrite& write) {
  auto made = replay.write_origin.find(write.id);
  if (made != replay.write_origin.end() &&
      WritesData(s.processes[made->second.pid].program[made->second.index].kind)) {
    return made->second;
  }
  for (Origin origin : write.data().origins) {
    if (!IsDataOrigin(origin)) continue;
    const OpRef writer = LatestWriter(replay, OriginIno(origin), OriginOffset(origin));
    if (writer.valid()) return writer;
    break;
  }
  return made != replay.write_origin.end() ? made->second : OpRef{};
}

Remedy WriteRemedy(const PendingWrite& write, LineFlush flush) {
  if (write.unit_kind == UnitKind::kSector || write.kernel_copy) return Remedy::kDataSync;
  switch (flush) {
    case LineFlush::kVisible:
      return write.nontemporal ? Remedy::kFence : Remedy::kFlushFence;
    case LineFlush::kFlushedNotFenced:
      return Remedy::kFence;
    case LineFlush::kInWpq:
    case LineFlush::kKernelWrittenBack:
      return Remedy::kDataSync;
  }
  return Remedy::kDataSync;
}

std::string WriteWhat(const Scenario& s, const PendingWrite& write, OpRef op) {
  const char* unit = write.unit_kind == UnitKind::kSector ? "sector" : "pmem line";
  return fmt::format("{} {} written by {}", unit, write.unit, OpName(s, op));
}

// Whether a logged change of an inode is one an assertion can read after recovery: its size, its
// data's mapping, its flags (timestamps are never read).
bool ReadableChange(const InodeCore& before, const InodeCore& after) {
  return before.size_bytes != after.size_bytes || !(before.extents == after.extents) ||
         before.sealed != after.sealed || before.dax != after.dax;
}

struct Effects {
  std::vector<Effect> kept, lost;
};

// Every effect at the crash point that has an op, kept or lost by `witness`.
Effects CollectEffects(const Scenario& s, const ScheduleReplay& replay, const CrashImage& witness,
                       const std::set<std::string>& paths) {
  const Machine& m = replay.crash;
  Effects effects;
  std::set<uint32_t> inodes;
  for (const std::string& path : paths) {
    auto it = m.names.find(path);
    if (it != m.names.end()) inodes.insert(it->second);
  }
  // Pending device writes, in the persist graph's order. Every lost one matters (the witness is
  // minimal: losing one fewer no longer shows the violation); a kept one when it carries data of
  // an asserted file.
  const auto& pending = m.device.pending();
  for (size_t i = 0; i < pending.size(); ++i) {
    const PendingWrite& write = pending[i];
    const OpRef op = WriteOrigin(s, replay, write);
    if (!op.valid()) continue;
    Effect effect{op, WriteRemedy(write, m.device.flush_marks()[i]), WriteWhat(s, write, op), ""};
    if (!witness.persisted.count(write.id)) {
      effects.lost.push_back(effect);
      continue;
    }
    const auto& origins = write.data().origins;
    if (std::any_of(origins.begin(), origins.end(), [&](Origin origin) {
          return IsDataOrigin(origin) && inodes.count(OriginIno(origin)) > 0;
        })) {
      effects.kept.push_back(effect);
    }
  }
  // Data of the asserted files that left the volatile domain before the crash: a write by an op
  // whose bytes no pending write carries and no dirty page holds. Every crash keeps it.
  std::set<std::pair<uint32_t, uint64_t>> volatile_bytes;
  for (const PendingWrite& write : m.device.pending()) {
    for (Origin origin : write.data().origins) {
      if (IsDataOrigin(origin) && inodes.count(OriginIno(origin))) {
        volatile_bytes.insert({OriginIno(origin), OriginOffset(origin)});
      }
    }
  }
  for (const auto& record : m.ghost.writes) {
    if (record->process < 0 || record->size_cut || inodes.count(record->ino) == 0) continue;
    auto origin = replay.record_origin.find(record->id);
    if (origin == replay.record_origin.end()) continue;
    const Inode& inode = m.inode(record->ino);
    bool durable = record->length() > 0;
    for (uint64_t at = record->offset; durable && at < record->offset + record->length(); ++at) {
      auto page = inode.tree.find(at / m.block_size());
      durable = volatile_bytes.count({record->ino, at}) == 0 &&
                (page == inode.tree.end() || page->second.dax || !page->second.dirty);
    }
    if (durable) {
      effects.kept.push_back(Effect{origin->second, Remedy::kDataSync,
                                    "the data written by " + OpName(s, origin->second), "",
                                    true});
    }
  }
  // Committed transactions past the forced prefix that change what the assertion reads.
  std::map<uint32_t, InodeCore> logged = m.base->cores;  // each inode as the log leaves it so far
  for (uint64_t seq = 1; seq <= m.journal.committed_seq(); ++seq) {
    const Transaction& txn = m.journal.txn(seq);
    bool relevant = false;
    for (const auto& [ino, core] : txn.inodes) {
      relevant = relevant || (inodes.count(ino) > 0 && ReadableChange(logged[ino], core));
      logged[ino] = core;
    }
    auto origin = replay.txn_origin.find(seq);
    if (seq <= m.journal.forced_seq() || origin == replay.txn_origin.end()) continue;
    Effect effect{origin->second, Remedy::kMetaSync,
                  fmt::format("journal transaction {} of {}", seq, OpName(s, origin->second)), ""};
    if (txn.names) {
      for (const std::string& path : paths) {
        auto was = replay.name_origin.find(path);
        if (was == replay.name_origin.end() || was->second != origin->second) continue;
        relevant = true;
        effect.remedy = Remedy::kDirSync;
        effect.directory = ParentDirectory(path);
      }
    }
    if (!relevant) continue;
    (seq <= witness.journal_prefix ? effects.kept : effects.lost).push_back(effect);
  }
  // Data of the asserted files still only in the page cache: every crash loses it. Per dirty
  // page, each op whose write is the latest for some byte of it, the latest first.
  const uint64_t block = m.block_size();
  for (uint32_t ino : inodes) {
    std::vector<const WriteRecord*> records;  // the processes' writes to it, latest first
    for (auto it = m.ghost.writes.rbegin(); it != m.ghost.writes.rend(); ++it) {
      const WriteRecord& record = **it;
      if (record.process >= 0 && !record.size_cut && record.ino == ino) records.push_back(&record);
    }
    for (const auto& [page, entry] : m.inode(ino).tree) {
      if (entry.dax || !entry.dirty) continue;
      const uint64_t begin = page * block, end = begin + block;
      std::vector<bool> covered(block, false);
      std::set<OpRef> writers;
      for (const WriteRecord* record : records) {
        bool latest = false;
        for (uint64_t at = std::max(begin, record->offset);
             at < std::min(end, record->offset + record->length()); ++at) {
          latest = latest || !covered[at - begin];
          covered[at - begin] = true;
        }
        auto origin = replay.record_origin.find(record->id);
        if (!latest || origin == replay.record_origin.end() ||
            !writers.insert(origin->second).second) {
          continue;
        }
        effects.lost.push_back(Effect{
            origin->second, Remedy::kDataSync,
            fmt::format("page {} of {} written by {} (only in the page cache)", page,
                        m.PathOf(ino), OpName(s, origin->second)),
            ""});
      }
    }
  }
  // Names of the asserted paths that no directory fsync, sync or writeback made durable.
  if (m.config->name_space == Namespace::kPosixMinimal) {
    for (const std::string& path : paths) {
      auto now = m.names.find(path);
      auto durable = m.durable_names.find(path);
      const bool same = (now == m.names.end()) == (durable == m.durable_names.end()) &&
                        (now == m.names.end() || now->second == durable->second);
      auto origin = replay.name_origin.find(path);
      if (same || origin == replay.name_origin.end()) continue;
      effects.lost.push_back(Effect{origin->second, Remedy::kDirSync,
                                    fmt::format("the entry of {} changed by {}", path,
                                                OpName(s, origin->second)),
                                    ParentDirectory(path)});
    }
  }
  return effects;
}

// Every name the program binds or uses, so that a new one differs from all of them.
std::set<std::string> NamesOf(const Process& process) {
  std::set<std::string> names;
  for (const Op& op : process.program) {
    for (const std::string* name : {&op.result_name, &op.fd, &op.fd2, &op.mapping}) {
      if (!name->empty()) names.insert(*name);
    }
  }
  return names;
}

// The fd that op `index` wrote through: its own, or the one its mapping was made from.
std::string FdOf(const Process& process, size_t index) {
  const Op& op = process.program[index];
  if (!op.fd.empty()) return op.fd;
  if (op.mapping.empty()) return "";
  for (size_t k = index; k-- > 0;) {
    const Op& earlier = process.program[k];
    if (earlier.kind == OpKind::kMmap && earlier.result_name == op.mapping) return earlier.fd;
  }
  return "";
}

// The latest position in (from, to] where `name` is still bound as it was at op `from`: before
// the first op in between that closes, unmaps or rebinds it.
size_t StillBound(const Process& process, size_t from, size_t to, const std::string& name) {
  for (size_t k = from + 1; k < to; ++k) {
    const Op& op = process.program[k];
    const bool closes = (op.kind == OpKind::kClose && op.fd == name) ||
                        (op.kind == OpKind::kMunmap && op.mapping == name);
    if (closes || op.result_name == name) return k;
  }
  return to;
}

// A directory fd of `directory` bound before `position` and not closed since, or "".
std::string DirectoryFd(const Process& process, size_t position, const std::string& directory) {
  std::string fd;
  for (size_t k = 0; k < position; ++k) {
    const Op& op = process.program[k];
    if (op.kind == OpKind::kOpen && op.path == directory) {
      fd = op.result_name;
    } else if (!fd.empty() && ((op.kind == OpKind::kClose && op.fd == fd) ||
                               op.result_name == fd)) {
      fd.clear();
    }
  }
  return fd;
}

std::string FreshName(const Process& process, const std::string& stem) {
  const std::set<std::string> taken = NamesOf(process);
  std::string name = stem;
  for (int n = 2; taken.count(name) > 0; ++n) name = stem + std::to_string(n);
  return name;
}

// The remedies for a lost effect of op `lost.op.index`, to go in at `position` at the latest.
std::vector<FixCandidate> Remedies(const Scenario& s, const Effect& lost, size_t position) {
  const Process& process = s.processes[lost.op.pid];
  const size_t from = lost.op.index;
  const Op& op = process.program[from];
  std::vector<FixCandidate> out;
  auto add = [&](size_t at, std::vector<std::string> ops) {
    if (at > from) out.push_back(FixCandidate{lost.op.pid, at, std::move(ops), ""});
  };
  auto flush_fence = [&] {
    if ((op.kind != OpKind::kStore && op.kind != OpKind::kNtStore) || op.data.empty()) return;
    add(StillBound(process, from, position, op.mapping),
        {fmt::format("persist {}+{} {}", op.mapping, op.offset, op.data.size())});
  };
  auto syncs = [&](bool data_first) {
    const std::string fd = FdOf(process, from);
    if (fd.empty()) {
      add(position, {"sync"});
      return;
    }
    const size_t at = StillBound(process, from, position, fd);
    const std::string data = "fdatasync " + fd, all = "fsync " + fd;
    add(at, {data_first ? data : all});
    add(at, {data_first ? all : data});
  };
  switch (lost.remedy) {
    case Remedy::kFence:
      add(position, {"sfence"});
      flush_fence();
      break;
    case Remedy::kFlushFence:
      flush_fence();
      break;
    case Remedy::kDataSync:
      syncs(true);
      break;
    case Remedy::kMetaSync:
      syncs(false);
      break;
    case Remedy::kDirSync: {
      // A scenario cannot open the root directory: its entries are made durable by `sync`.
      const std::string fd = DirectoryFd(process, position, lost.directory);
      if (!fd.empty()) {
        add(position, {"fsync " + fd});
      } else if (lost.directory != "/") {
        const std::string name = FreshName(process, "dir");
        add(position, {fmt::format("{} = open {} ro", name, lost.directory), "fsync " + name});
      }
      add(position, {"sync"});
      break;
    }
  }
  return out;
}

std::string StepName(const std::vector<TraceStep>& schedule, size_t number) {
  const TraceStep& step = schedule[number - 1];
  return fmt::format("step {} ({}: {})", number, step.actor, step.text);
}

// "no `OPS` between step A (...) and step B (...)", naming the steps of the ops on either side.
std::string Where(const Scenario& s, const ScheduleReplay& replay, const FixCandidate& candidate,
                  const std::vector<TraceStep>& schedule) {
  std::string ops;
  for (const std::string& op : candidate.ops) ops += (ops.empty() ? "`" : "; `") + op + "`";
  auto before = replay.steps.find(OpRef{candidate.pid, candidate.position - 1});
  auto after = replay.steps.find(OpRef{candidate.pid, candidate.position});
  if (before == replay.steps.end() || after == replay.steps.end()) {
    return fmt::format("no {} before op {} of {}", ops, candidate.position + 1,
                       s.processes[candidate.pid].name);
  }
  return fmt::format("no {} between {} and {}", ops, StepName(schedule, before->second.last),
                     StepName(schedule, after->second.first));
}

}  // namespace

std::vector<FixCandidate> FindFixCandidates(const Scenario& scenario, const ScheduleReplay& replay,
                                            const CrashImage& witness, const Assertion& assertion,
                                            const std::vector<TraceStep>& schedule) {
  std::set<std::string> paths;
  AssertedPaths(assertion.check, &paths);
  const Effects effects = CollectEffects(scenario, replay, witness, paths);
  // The op after which the assertion is checked, when it has an `after`.
  std::optional<OpRef> anchor;
  if (assertion.after) {
    const int pid = scenario.ProcessIndex(assertion.after->first);
    const auto& program = scenario.processes[pid].program;
    for (size_t k = 0; k < program.size(); ++k) {
      if (program[k].label == assertion.after->second) anchor = OpRef{pid, k};
    }
  }
  std::vector<FixCandidate> candidates;
  for (const Effect& lost : effects.lost) {
    // The earliest later op of the same process whose effect the witness kept.
    const Effect* first_kept = nullptr;
    for (const Effect& kept : effects.kept) {
      if (kept.op.pid != lost.op.pid || kept.op.index <= lost.op.index) continue;
      if (first_kept == nullptr || kept.op.index < first_kept->op.index) first_kept = &kept;
    }
    const bool anchored =
        anchor && anchor->pid == lost.op.pid && anchor->index > lost.op.index &&
        (first_kept == nullptr || anchor->index <= first_kept->op.index);
    if (first_kept == nullptr && !anchored) continue;
    const size_t position = anchored ? anchor->index : first_kept->op.index;
    for (FixCandidate candidate : Remedies(scenario, lost, position)) {
      const std::string why =
          anchored ? fmt::format("{} may still be lost when {} has returned, after which `{}` "
                                 "is checked",
                                 lost.what, OpName(scenario, *anchor), assertion.name)
                   : first_kept->durable
                       ? fmt::format("{} is already durable while {} can still be lost",
                                     first_kept->what, lost.what)
                       : fmt::format("{} can persist before {}", first_kept->what, lost.what);
      candidate.missing = Where(scenario, replay, candidate, schedule) + ": " + why;
      const bool seen = std::any_of(candidates.begin(), candidates.end(), [&](const auto& c) {
        return c.pid == candidate.pid && c.position == candidate.position && c.ops == candidate.ops;
      });
      if (!seen) candidates.push_back(std::move(candidate));
    }
  }
  return candidates;
}

std::vector<FixCandidate> SuggestFixes(const Scenario& scenario, const Machine& initial,
                                       const Violation& violation) {
  const Assertion* assertion = nullptr;
  for (const Assertion& a : scenario.assertions) {
    if (a.name == violation.name) assertion = &a;
  }
  // Only an assertion states an order the program meant; a broken guarantee is the kernel's.
  // Without a crash there is no persist order to complete.
  if (assertion == nullptr || violation.crash_point.rfind("after step", 0) != 0) return {};
  std::optional<ScheduleReplay> replay = ReplaySchedule(scenario, initial, violation.schedule);
  if (!replay) return {};
  const PersistGraph graph(replay->crash);
  const auto& events = graph.events();
  if (events.size() != violation.persist_graph.size()) return {};
  std::vector<bool> in(events.size());
  for (size_t v = 0; v < events.size(); ++v) {
    if (events[v].description != violation.persist_graph[v].description) return {};
    in[v] = !violation.persist_graph[v].lost;
  }
  return FindFixCandidates(scenario, *replay, graph.ImageOf(in), *assertion, violation.schedule);
}

}  // namespace crashsim
