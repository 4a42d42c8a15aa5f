#include "sim/program/setup.h"

#include <algorithm>
#include <set>

#include "models/design_policy.h"

namespace crashsim {
namespace {

// Every directory above `path` but the root.
void AddParents(const std::string& path, std::set<std::string>* directories) {
  for (size_t slash = path.find('/', 1); slash != std::string::npos;
       slash = path.find('/', slash + 1)) {
    directories->insert(path.substr(0, slash));
  }
}

}  // namespace

Machine BuildInitialMachine(const Scenario& scenario, Design design) {
  const Config& config = scenario.config;
  const uint32_t bs = config.block_size;
  auto initial = std::make_shared<InitialImage>();
  initial->block_size = bs;
  if (scenario.stale_fill) {
    initial->free_fill = *scenario.stale_fill;
    initial->free_origin = kOriginStale;
  }
  auto base = std::make_shared<BaseState>();
  uint64_t next_block = 0;
  uint32_t ino = 1;
  bool any_dax = false;
  for (const FileSpec& file : scenario.files) {
    InodeCore core;
    core.size_bytes = file.size_bytes;
    core.dax = file.dax;
    // The designs without a seal have no such flag and ignore it (docs/scenario-format.md, "Files
    // and directories").
    core.sealed = file.sealed && DesignHasSeal(design);
    for (const FilePiece& piece : file.pieces) {
      if (piece.layout == Layout::kHole) continue;
      // One run of blocks per piece, whatever its length: cost follows pieces, not size.
      const uint64_t first = piece.offset_bytes / bs;
      const uint64_t count = piece.length_bytes / bs;
      if (count == 0) continue;
      const uint64_t physical = next_block;
      next_block += count;
      if (piece.layout == Layout::kWritten) {
        initial->file_runs[physical] =
            InitialImage::FileRun{ino, first, count, piece.fill, file.size_bytes};
        core.extents.SetRun(first, count, Extent{physical, ExtentState::kWritten, false});
      } else {
        core.extents.SetRun(first, count, Extent{physical, ExtentState::kUnwritten, false});
      }
    }
    any_dax = any_dax || file.dax;
    base->cores[ino] = core;
    base->names[file.path] = ino;
    AddParents(file.path, &base->tree.directories);
    ++ino;
  }
  for (const std::string& dir : scenario.dirs) {
    base->tree.directories.insert(dir);
    AddParents(dir, &base->tree.directories);
  }
  Device device(Media(initial), any_dax, config);
  Machine machine(config, design, std::move(device), base);
  machine.allocator = Allocator(next_block, config.free_blocks);
  for (const auto& [number, core] : base->cores) {
    Inode inode;
    inode.ino = number;
    inode.core = core;
    inode.size_bytes = core.size_bytes;
    machine.inodes[number] = std::move(inode);
  }
  machine.names = base->names;
  machine.durable_names = base->names;
  machine.tree = base->tree;
  machine.durable_tree = base->tree;
  for (const auto& [number, core] : base->cores) {
    // A file that starts sealed is under O7 from the first step.
    if (core.sealed) {
      machine.ghost.seals.push_back(SealRecord{number, core.extents, "sealed before the first step", true});
    }
  }
  machine.next_ino = ino;
  machine.processes.resize(scenario.processes.size());
  machine.open_times_read = std::any_of(
      scenario.processes.begin(), scenario.processes.end(), [](const Process& process) {
        return std::any_of(process.program.begin(), process.program.end(),
                           [](const Op& op) { return op.kind == OpKind::kSwapext; });
      });
  machine.ghost.clocks.assign(scenario.processes.size(),
                              VectorClock(scenario.processes.size(), 0));
  // The initial contents count as written before everything (process -1).
  for (const FileSpec& file : scenario.files) {
    const uint32_t number = base->names.at(file.path);
    for (const FilePiece& piece : file.pieces) {
      if (piece.layout != Layout::kWritten) continue;
      const uint64_t end = std::min(file.size_bytes, piece.offset_bytes + piece.length_bytes);
      if (end <= piece.offset_bytes) continue;
      WriteRecord record;
      record.ino = number;
      record.offset = piece.offset_bytes;
      record.fill_length = end - piece.offset_bytes;
      record.fill = piece.fill;
      record.process = -1;
      record.what = "initial contents of " + file.path;
      machine.ghost.RecordWrite(std::move(record));
    }
  }
  return machine;
}

std::optional<std::vector<uint8_t>> InitialContents(const Scenario& scenario,
                                                    const std::string& path, uint64_t begin,
                                                    uint64_t end) {
  for (const FileSpec& file : scenario.files) {
    if (file.path != path) continue;
    if (end > file.size_bytes) return std::nullopt;
    std::vector<uint8_t> bytes(end - begin, 0);
    for (const FilePiece& piece : file.pieces) {
      if (piece.layout != Layout::kWritten) continue;
      for (uint64_t pos = std::max(begin, piece.offset_bytes);
           pos < std::min(end, piece.offset_bytes + piece.length_bytes); ++pos) {
        bytes[pos - begin] = piece.fill;
      }
    }
    return bytes;
  }
  return std::nullopt;
}

}  // namespace crashsim
