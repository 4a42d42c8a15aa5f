#include "kcheck/plan.h"

#include <set>

#include "models/design_policy.h"

namespace crashsim::kcheck {
namespace {

bool HasDax(const Scenario& scenario) {
  for (const FileSpec& file : scenario.files) {
    if (file.dax) return true;
  }
  return false;
}

std::string Qualified(const Scenario& scenario, int pid, const std::string& name) {
  return scenario.processes[pid].name + "." + name;
}

std::string Layout(Layout layout) {
  switch (layout) {
    case Layout::kWritten: return "written";
    case Layout::kUnwritten: return "unwritten";
    case Layout::kHole: return "hole";
  }
  return "hole";
}

// The paths a scenario's directories have, or may have: its `dirs`, every parent of its files and
// dirs, and every path a mkdir names.
std::set<std::string> DirectoryPaths(const Scenario& scenario) {
  std::set<std::string> dirs(scenario.dirs.begin(), scenario.dirs.end());
  auto add_parents = [&](const std::string& path) {
    for (size_t slash = path.find('/', 1); slash != std::string::npos;
         slash = path.find('/', slash + 1)) {
      dirs.insert(path.substr(0, slash));
    }
  };
  for (const FileSpec& file : scenario.files) add_parents(file.path);
  for (const std::string& dir : scenario.dirs) add_parents(dir);
  for (const Process& process : scenario.processes) {
    for (const Op& op : process.program) {
      if (op.kind == OpKind::kMkdir) dirs.insert(op.path);
    }
  }
  return dirs;
}

// An lseek to the end, or for data or a hole, through a descriptor that an open of a directory
// bound: a directory's size and positions belong to its on-disk format, which the model does not
// hold (docs/semantics.md 6). Returns the op's pointer, or "".
std::string DirectorySeek(const Scenario& scenario) {
  const std::set<std::string> dirs = DirectoryPaths(scenario);
  for (const Process& process : scenario.processes) {
    std::set<std::string> dir_fds;
    for (const Op& op : process.program) {
      if (op.kind == OpKind::kOpen) {
        if (dirs.count(op.path)) {
          dir_fds.insert(op.result_name);
        } else {
          dir_fds.erase(op.result_name);
        }
      }
      if (op.kind == OpKind::kLseek && dir_fds.count(op.fd) && op.whence != Whence::kSet &&
          op.whence != Whence::kCur) {
        return op.pointer;
      }
    }
  }
  return "";
}

}  // namespace

Plan PlanScenario(const Scenario& scenario, const CanonicalRun& run) {
  Plan plan;
  const bool dax = HasDax(scenario);
  bool seal = false, sealed_file = false;
  for (const FileSpec& file : scenario.files) sealed_file = sealed_file || file.sealed;
  for (const Process& process : scenario.processes) {
    for (const Op& op : process.program) {
      if (op.kind == OpKind::kSwapext && plan.blocked.empty()) {
        plan.blocked = "swapext: Linux 6.1 has no call that exchanges two files' data forks as the "
                       "model's swapext does (" + op.pointer + ")";
      }
      if (op.kind == OpKind::kFallocate && op.falloc_mode == FallocMode::kWriteZeroes &&
          plan.blocked.empty()) {
        plan.blocked = "fallocate write-zeroes: not in Linux 6.1 (" + op.pointer + ")";
      }
      seal = seal || op.kind == OpKind::kSeal || op.kind == OpKind::kUnseal;
    }
  }
  const std::string directory_seek = DirectorySeek(scenario);
  if (!directory_seek.empty() && plan.blocked.empty()) {
    plan.blocked = "lseek end, data or hole on a directory: the model does not hold a "
                   "directory's size (" + directory_seek + ")";
  }
  if (scenario.config.free_blocks != Config{}.free_blocks && plan.blocked.empty()) {
    plan.blocked = "config free_blocks " + std::to_string(scenario.config.free_blocks) +
                   ": the guest's file system has free space of its own, so where the model "
                   "runs out of space Linux does not";
  }
  if (run.stuck && plan.blocked.empty()) {
    plan.blocked = "the canonical schedule cannot pass a barrier";
  }
  if (dax) {
    plan.not_checked.push_back(
        "designs kernel-tracked, daxfile-untracked, daxfile-tracked, per-vma: Linux 6.1 "
        "implements map-sync");
  }
  if (scenario.order == Order::kInterleave && scenario.processes.size() > 1) {
    plan.not_checked.push_back("interleavings other than the canonical schedule (each process "
                               "in key order until it ends or waits at a barrier)");
  }
  if (seal) {
    plan.not_checked.push_back("seal, unseal: no such call in Linux 6.1; the model's map-sync "
                               "result (EOPNOTSUPP, no effect) is taken as given");
  }
  if (sealed_file) {
    plan.not_checked.push_back("sealed files: no such flag in Linux 6.1 (map-sync ignores it)");
  }
  if (dax) {
    plan.not_checked.push_back(
        "crashes: the device is persistent memory, and QEMU's emulated pmem loses nothing at "
        "power-off (volatile check only); platform " +
        std::string(PlatformName(scenario.config.platform)) + " not checked");
  } else if (scenario.config.device_cache != DeviceCache::kVolatileFua) {
    plan.not_checked.push_back(std::string("crashes: device_cache ") +
                               DeviceCacheName(scenario.config.device_cache) +
                               " cannot be given (dm-log-writes advertises a volatile cache "
                               "with FUA whatever the device has)");
  }
  plan.runs = plan.blocked.empty();
  plan.crash_check = plan.runs && !dax && scenario.config.device_cache == DeviceCache::kVolatileFua;
  if (scenario.stale_fill) {
    plan.not_checked.push_back("stale fill: a fresh file system's free space is zeroes, so the "
                               "model's stale bytes are compared as zeroes");
  }
  return plan;
}

JobScenario BuildJob(const Scenario& scenario, const CanonicalRun& run, const Plan& plan,
                     const std::vector<std::string>& view_paths) {
  JobScenario job;
  job.name = scenario.name;
  job.fs = FsKindName(scenario.config.fs);
  job.pmem = HasDax(scenario);
  job.background = scenario.config.background == Background::kExplore;
  job.crash_check = plan.crash_check;
  job.dirs = scenario.dirs;
  for (const FileSpec& file : scenario.files) {
    JobFile out{file.path, file.size_bytes, file.dax, {}};
    for (const FilePiece& piece : file.pieces) {
      out.pieces.push_back(
          JobPiece{piece.offset_bytes, piece.length_bytes, Layout(piece.layout), piece.fill});
    }
    job.files.push_back(std::move(out));
  }
  job.view_paths = view_paths;
  for (const CanonicalOp& canonical : run.ops) {
    const int pid = canonical.pid;
    const Op& op = scenario.processes[pid].program[canonical.op_index];
    auto q = [&](const std::string& name) { return Qualified(scenario, pid, name); };
    auto n = [](uint64_t value) { return std::to_string(value); };
    JobOp out;
    out.kind = OpKindName(op.kind);
    switch (op.kind) {
      case OpKind::kOpen: {
        std::string flags = !op.open_read ? "wo" : op.open_write ? "rw" : "ro";
        if (op.direct) flags += ",direct";
        if (op.dsync) flags += ",dsync";
        if (op.osync) flags += ",sync";
        if (op.creat) flags += ",creat";
        if (op.excl) flags += ",excl";
        if (op.append) flags += ",append";
        if (op.trunc) flags += ",trunc";
        out.args = {q(op.result_name), op.path, flags};
        break;
      }
      case OpKind::kClose:
      case OpKind::kFsync:
      case OpKind::kFdatasync:
      case OpKind::kSyncfs:
        out.args = {q(op.fd)};
        break;
      case OpKind::kMmap:
        out.args = {q(op.result_name), q(op.fd), n(op.offset), n(op.length),
                    op.shared ? "shared" : "private", op.validate ? "1" : "0",
                    op.map_sync ? "1" : "0"};
        break;
      case OpKind::kMunmap:
        out.args = {q(op.mapping)};
        break;
      case OpKind::kStore:
      case OpKind::kNtStore:
        out.args = {q(op.mapping), n(op.offset), EncodeBytes(op.data)};
        break;
      case OpKind::kLoad:
      case OpKind::kFlush:
      case OpKind::kPersist:
        out.args = {q(op.mapping), n(op.offset), n(op.length)};
        break;
      case OpKind::kClwb:
      case OpKind::kClflushopt:
      case OpKind::kClflush:
        out.args = {q(op.mapping), n(op.offset)};
        break;
      case OpKind::kPwrite:
        out.args = {q(op.fd), n(op.offset), EncodeBytes(op.data)};
        break;
      case OpKind::kWrite:
        out.args = {q(op.fd), EncodeBytes(op.data)};
        break;
      case OpKind::kWritev:
      case OpKind::kPwritev:
        out.args = {q(op.fd)};
        if (op.kind == OpKind::kPwritev) out.args.push_back(n(op.offset));
        for (const Bytes& buffer : op.buffers) out.args.push_back(EncodeBytes(buffer));
        break;
      case OpKind::kLseek:
        out.args = {q(op.fd), std::to_string(op.seek_offset), WhenceName(op.whence)};
        break;
      case OpKind::kSyncFileRange: {
        std::string flags;
        auto add = [&](uint8_t bit, const char* name) {
          if (op.range_flags & bit) flags += (flags.empty() ? "" : ",") + std::string(name);
        };
        add(kRangeWaitBefore, "wait_before");
        add(kRangeWrite, "write");
        add(kRangeWaitAfter, "wait_after");
        out.args = {q(op.fd), n(op.offset), n(op.length), flags.empty() ? "-" : flags};
        break;
      }
      case OpKind::kPread:
        out.args = {q(op.fd), n(op.offset), n(op.length)};
        break;
      case OpKind::kMsync:
        out.args = {q(op.mapping), n(op.offset), n(op.length), op.msync_sync ? "sync" : "async"};
        break;
      case OpKind::kFallocate:
        out.args = {q(op.fd), FallocModeName(op.falloc_mode), n(op.offset), n(op.length)};
        break;
      case OpKind::kFtruncate:
        out.args = {q(op.fd), n(op.length)};
        break;
      case OpKind::kReflink:
      case OpKind::kDedupe:
        out.args = {q(op.fd), n(op.offset), q(op.fd2), n(op.offset2), n(op.length)};
        break;
      case OpKind::kCreat:
      case OpKind::kUnlink:
      case OpKind::kMkdir:
      case OpKind::kRmdir:
        out.args = {op.path};
        break;
      case OpKind::kRename:
        out.args = {op.path, op.path2};
        if (op.noreplace) out.args.push_back("noreplace");
        if (op.exchange) out.args.push_back("exchange");
        break;
      case OpKind::kLink:
        out.args = {op.path, op.path2};
        break;
      case OpKind::kSymlink:
        out.args = {op.target, op.path};
        break;
      case OpKind::kTruncate:
        out.args = {op.path, n(op.length)};
        break;
      case OpKind::kSfence:
      case OpKind::kMfence:
      case OpKind::kSync:
        break;
      case OpKind::kSeal:
      case OpKind::kUnseal:
      case OpKind::kBarrier:
      case OpKind::kSwapext:
        out.kind = "skip";
        out.args = {canonical.result.empty() ? "0" : canonical.result};
        break;
    }
    job.ops.push_back(std::move(out));
  }
  return job;
}

std::string DescribeOp(const Scenario& scenario, const CanonicalRun& run, size_t index) {
  const CanonicalOp& canonical = run.ops[index];
  return "op " + std::to_string(index + 1) + " (" + scenario.processes[canonical.pid].name +
         ": " + scenario.processes[canonical.pid].program[canonical.op_index].text + ")";
}

}  // namespace crashsim::kcheck
