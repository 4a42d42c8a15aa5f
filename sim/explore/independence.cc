#include "sim/explore/independence.h"

#include <algorithm>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "models/device.h"
#include "sim/base/hasher.h"

namespace crashsim {
namespace {

// Ops whose effects the footprints below describe completely. Everything that changes the
// namespace, truncates, allocates on purpose, shares blocks, syncs every file, or waits for
// another process is left out.
bool Listed(const Op& op) {
  if (IsCpuInstruction(op.kind)) return true;
  switch (op.kind) {
    case OpKind::kOpen:
      return !op.creat && !op.excl && !op.trunc;
    case OpKind::kClose:
    case OpKind::kMmap:
    case OpKind::kMunmap:
    case OpKind::kPwrite:
    case OpKind::kPread:
    case OpKind::kWrite:
    case OpKind::kWritev:
    case OpKind::kPwritev:
    case OpKind::kLseek:
    case OpKind::kFsync:
    case OpKind::kFdatasync:
    case OpKind::kSyncFileRange:
    case OpKind::kMsync:
      return true;
    default:
      return false;
  }
}

// What the processes touch: per inode, the processes that use it whole (file I/O, syncs, seeks)
// and, per page, the processes that reach it through a mapping.
struct Footprints {
  std::map<uint32_t, std::set<int>> whole;
  std::map<uint32_t, std::map<uint64_t, std::set<int>>> pages;
};

struct Mapping {
  std::optional<uint32_t> ino;  // empty: the file did not open, so the mapping never exists
  uint64_t file_offset = 0;
};

std::optional<uint32_t> InodeAt(const Machine& initial, const std::string& path) {
  auto it = initial.names.find(path);
  if (it == initial.names.end()) return std::nullopt;
  return it->second;
}

void AddPages(uint32_t ino, uint64_t begin, uint64_t end, uint64_t page_bytes, int pid,
              Footprints* footprints) {
  if (end <= begin) end = begin + 1;
  for (uint64_t page = begin / page_bytes; page <= (end - 1) / page_bytes; ++page) {
    footprints->pages[ino][page].insert(pid);
  }
}

// Walks `pid`'s program, following which file each fd and mapping name stands for. Returns the
// reason when an op is not one the footprints describe.
std::optional<std::string> AddProcess(const Scenario& scenario, const Machine& initial, int pid,
                                      Footprints* footprints) {
  const Process& process = scenario.processes[pid];
  std::map<std::string, std::optional<uint32_t>> fds;
  std::map<std::string, Mapping> mappings;
  const uint64_t page_bytes = initial.block_size();
  for (const Op& op : process.program) {
    if (!Listed(op)) {
      return process.name + " runs '" + op.text + "', which this reduction does not describe";
    }
    const auto fd_inode = [&](const std::string& name) -> std::optional<uint32_t> {
      auto it = fds.find(name);
      return it == fds.end() ? std::nullopt : it->second;
    };
    if (IsCpuInstruction(op.kind)) {
      // Loads, stores and flushes reach the pages under their bytes or line; fences only the
      // process's own CPU.
      if (op.kind == OpKind::kSfence || op.kind == OpKind::kMfence) continue;
      const Mapping& mapping = mappings[op.mapping];
      if (!mapping.ino) continue;
      uint64_t length = op.length;
      if (op.kind == OpKind::kStore || op.kind == OpKind::kNtStore) length = op.data.size();
      if (op.kind == OpKind::kClwb || op.kind == OpKind::kClflushopt ||
          op.kind == OpKind::kClflush) {
        length = kLineBytes;
      }
      const uint64_t begin = mapping.file_offset + op.offset;
      AddPages(*mapping.ino, begin, begin + length, page_bytes, pid, footprints);
      continue;
    }
    switch (op.kind) {
      case OpKind::kOpen:
        fds[op.result_name] = InodeAt(initial, op.path);
        break;
      case OpKind::kClose:
        break;  // the open count only, which every order leaves the same
      case OpKind::kMmap:
        mappings[op.result_name] = Mapping{fd_inode(op.fd), op.offset};
        break;
      case OpKind::kMunmap:
        break;  // the process's own mapping
      case OpKind::kMsync: {
        const Mapping& mapping = mappings[op.mapping];
        if (mapping.ino) footprints->whole[*mapping.ino].insert(pid);
        break;
      }
      default:
        if (const std::optional<uint32_t> ino = fd_inode(op.fd)) {
          footprints->whole[*ino].insert(pid);
        }
        break;
    }
  }
  return std::nullopt;
}

// The processes whose footprint a check's read of `path` (bytes [begin, end), or the whole file
// when `whole`) meets.
void ReadersOf(const Footprints& footprints, const Machine& initial, const std::string& path,
               bool whole, uint64_t begin, uint64_t end, std::set<int>* owners) {
  const std::optional<uint32_t> ino = InodeAt(initial, path);
  if (!ino) return;  // no file there, and no listed op makes one: it reads the same always
  if (auto it = footprints.whole.find(*ino); it != footprints.whole.end()) {
    owners->insert(it->second.begin(), it->second.end());
  }
  auto pages = footprints.pages.find(*ino);
  if (pages == footprints.pages.end()) return;
  const uint64_t page_bytes = initial.block_size();
  for (const auto& [page, pids] : pages->second) {
    const bool read = whole || (page * page_bytes < std::max(end, begin + 1) &&
                                begin < (page + 1) * page_bytes);
    if (read) owners->insert(pids.begin(), pids.end());
  }
}

void ExprOwners(const Scenario& scenario, const Footprints& footprints, const Machine& initial,
                const Expr& expr, std::set<int>* owners) {
  switch (expr.kind) {
    case Expr::Kind::kRangeEq:
    case Expr::Kind::kRangeNe:
    case Expr::Kind::kRangeIn:
      ReadersOf(footprints, initial, expr.path, false, expr.start, expr.end, owners);
      break;
    case Expr::Kind::kSizeEq:
    case Expr::Kind::kSealed:
    case Expr::Kind::kExists:
      ReadersOf(footprints, initial, expr.path, true, 0, 0, owners);
      break;
    case Expr::Kind::kValueEq:
    case Expr::Kind::kValueNe:
    case Expr::Kind::kValueIn:
    case Expr::Kind::kResultEq:
    case Expr::Kind::kResultNe:
    case Expr::Kind::kResultIn:
    case Expr::Kind::kDone:
      owners->insert(scenario.ProcessIndex(expr.process));
      break;
    default:
      break;
  }
  for (const Expr& child : expr.children) {
    ExprOwners(scenario, footprints, initial, child, owners);
  }
}

std::string Names(const Scenario& scenario, const std::set<int>& pids) {
  std::string text;
  for (int pid : pids) text += (text.empty() ? "" : " and ") + scenario.processes[pid].name;
  return text;
}

// The first place two processes meet in the footprints, if any.
std::optional<std::string> Overlap(const Scenario& scenario, const Machine& initial,
                                   const Footprints& footprints) {
  for (const auto& [ino, pids] : footprints.whole) {
    std::set<int> users = pids;
    if (auto pages = footprints.pages.find(ino); pages != footprints.pages.end()) {
      for (const auto& [page, mappers] : pages->second) users.insert(mappers.begin(), mappers.end());
    }
    if (users.size() > 1) {
      return Names(scenario, users) + " both use " + initial.PathOf(ino);
    }
  }
  for (const auto& [ino, pages] : footprints.pages) {
    for (const auto& [page, pids] : pages) {
      if (pids.size() > 1) {
        return Names(scenario, pids) + " both reach page " + std::to_string(page) + " of " +
               initial.PathOf(ino);
      }
    }
  }
  return std::nullopt;
}

// The free space and the sharing of blocks: what an allocation changes.
Hash128 HashAllocation(const Machine& machine) {
  Hasher h;
  for (const Allocator::Range& range : machine.allocator.free_ranges()) {
    h.Add(range.begin);
    h.Add(range.end);
  }
  for (const auto& [begin, busy] : machine.allocator.busy_ranges()) {
    h.Add(begin);
    h.Add(busy.end);
  }
  for (const auto& [ino, inode] : machine.inodes) {
    h.Add(ino);
    h.Add(inode.delalloc.size());  // reserved blocks
  }
  for (const auto& [block, count] : machine.refcount) {
    h.Add(block);
    h.Add(count);
  }
  h.Add(machine.next_ino);
  return h.Finish();
}

// What several processes' steps on a shared inode could both read or change. Not its
// timestamps: a write fault updates them (file_update_time in the fault handler), in whatever
// order the processes fault, but only a promise that covers the inode's metadata reads them, and
// the ops that make one (fsync, msync, an O_SYNC write) use the inode whole, which no shared
// inode is used as.
Hash128 HashSharedInodes(const Machine& machine, const std::set<uint32_t>& shared) {
  Hasher h;
  for (uint32_t ino : shared) {
    auto it = machine.inodes.find(ino);
    if (it == machine.inodes.end()) continue;
    h.Add(ino);
    InodeCore core = it->second.core;
    core.mtime = core.ctime = 0;
    Journal::HashCore(core, h);
    h.Add(it->second.size_bytes);
    h.Add(static_cast<uint64_t>(it->second.locked_by + 1));
  }
  return h.Finish();
}

// Whether the log holds nothing another process's log force could make durable before the
// process that wrote it forces it itself, other than timestamps: every committed transaction
// not yet forced changes only the times of the inodes it logs (against the image before it), and
// no bio is in flight whose completion would log a conversion, a size or a remap. Under
// `background: none` nothing but a force makes a committed transaction durable, so an early
// force by another process is no longer just "more durable": it can keep a state the writer
// itself never makes durable (an unwritten extent converted and then overwritten before its own
// fsync). Timestamps alone it may force: only a promise on the inode reads them, and a promise
// asks for at least the times at its call.
bool QuietLog(const Machine& machine) {
  for (const auto& [group, bio] : machine.bios) {
    if (bio.convert_unwritten || bio.new_size > 0 || bio.cow) return false;
  }
  const Journal& journal = machine.journal;
  for (uint64_t seq = journal.forced_seq() + 1; seq <= journal.committed_seq(); ++seq) {
    const Transaction& txn = journal.txn(seq);
    if (txn.names || txn.tree) return false;
    for (const auto& [ino, core] : txn.inodes) {
      // The image of the inode before this transaction: the latest one logged, or the base.
      const InodeCore* before = nullptr;
      for (uint64_t earlier = seq - 1; earlier >= 1 && before == nullptr; --earlier) {
        auto it = journal.txn(earlier).inodes.find(ino);
        if (it != journal.txn(earlier).inodes.end()) before = &it->second;
      }
      if (before == nullptr) {
        auto it = machine.base->cores.find(ino);
        if (it == machine.base->cores.end()) return false;  // a new inode
        before = &it->second;
      }
      InodeCore was = *before, is = core;
      was.mtime = was.ctime = is.mtime = is.ctime = 0;
      if (!(was == is)) return false;
    }
  }
  return true;
}

}  // namespace

Independence AnalyseIndependence(const Scenario& scenario, const Machine& initial) {
  Independence result;
  const auto no = [&](std::string why) {
    result.why_not = std::move(why);
    return result;
  };
  if (scenario.processes.size() < 2) return no("one process");
  if (scenario.order == Order::kSequential) return no("the processes already run in sequence");
  if (scenario.config.background == Background::kExplore) {
    return no("the background writes back every file");
  }
  Footprints footprints;
  for (int pid = 0; pid < static_cast<int>(scenario.processes.size()); ++pid) {
    if (std::optional<std::string> why = AddProcess(scenario, initial, pid, &footprints)) {
      return no(*why);
    }
  }
  if (std::optional<std::string> why = Overlap(scenario, initial, footprints)) return no(*why);
  const auto local = [&](const std::set<int>& owners, const std::string& what) {
    if (owners.size() <= 1) return true;
    result.why_not = what + " reads what " + Names(scenario, owners) + " write";
    return false;
  };
  for (const Assertion& assertion : scenario.assertions) {
    std::set<int> owners;
    ExprOwners(scenario, footprints, initial, assertion.check, &owners);
    if (assertion.after) owners.insert(scenario.ProcessIndex(assertion.after->first));
    if (!local(owners, "assertion " + assertion.name)) return result;
  }
  for (const ObservedItem& item : scenario.observations) {
    std::set<int> owners;
    ReadersOf(footprints, initial, item.path, item.kind != ObservedItem::Kind::kRange,
              item.start, item.end, &owners);
    if (item.after) owners.insert(scenario.ProcessIndex(item.after->first));
    if (!local(owners, "observed item " + item.text)) return result;
  }
  for (const auto& [ino, pages] : footprints.pages) {
    std::set<int> mappers;
    for (const auto& [page, pids] : pages) mappers.insert(pids.begin(), pids.end());
    if (mappers.size() > 1) result.shared_inodes.insert(ino);
  }
  result.applies = true;
  return result;
}

bool KeepsIndependence(const Independence& independence, const Scenario& scenario,
                       const Machine& before, const Machine& after, int pid) {
  if (!independence.shared_inodes.empty() &&
      HashSharedInodes(before, independence.shared_inodes) !=
          HashSharedInodes(after, independence.shared_inodes)) {
    return false;
  }
  bool others_left = false;
  for (int other = 0; other < static_cast<int>(scenario.processes.size()); ++other) {
    if (other != pid && before.processes[other].pc < scenario.processes[other].program.size()) {
      others_left = true;
    }
  }
  // Free space and the log matter only while another process may still allocate or force.
  if (!others_left) return true;
  return HashAllocation(before) == HashAllocation(after) && QuietLog(before) && QuietLog(after);
}

}  // namespace crashsim
