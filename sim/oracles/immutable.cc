#include "sim/oracles/immutable.h"

#include <fmt/format.h>

#include <algorithm>

#include "models/guarantee.h"

namespace crashsim {
namespace {

// The first difference between a map and the seal-time snapshot, or "". Run by run: within one
// run of each map both are linear in the file block, so one comparison decides a whole overlap.
std::string MapDifference(const ExtentMap& snapshot, const ExtentMap& now) {
  for (const auto& [first, run] : snapshot.runs()) {
    for (uint64_t block = first; block < run.end();) {
      const ExtentMap::Run* current = now.RunAt(block);
      if (current == nullptr) return fmt::format("block {} is now a hole", block);
      const Extent was = run.At(block);
      const Extent is = current->At(block);
      if (is.physical_block != was.physical_block) {
        return fmt::format("block {} moved from device block {} to {}", block, was.physical_block,
                           is.physical_block);
      }
      if (is.state != was.state) {
        return fmt::format("block {} is now {}", block,
                           is.state == ExtentState::kUnwritten ? "unwritten" : "written");
      }
      block = std::min(run.end(), current->end());
    }
  }
  for (const auto& [first, run] : now.runs()) {
    for (uint64_t block = first; block < run.end();) {
      const ExtentMap::Run* before = snapshot.RunAt(block);
      if (before == nullptr) {
        return fmt::format("block {} is newly mapped to device block {}", block,
                           run.At(block).physical_block);
      }
      block = std::min(run.end(), before->end());
    }
  }
  return "";
}

Finding ImmutableFinding(const SealRecord& seal, const std::string& path, std::string observed) {
  Finding finding;
  finding.name = GuaranteeName(Guarantee::kImmutable);
  finding.promise = "O7: " + seal.op + " returned: the extent map of " + path +
                    " is frozen until an unseal returns";
  finding.observed = std::move(observed);
  finding.expected = fmt::format("{} sealed, with the {} block(s) it had when sealed", path,
                                 seal.snapshot.block_count());
  return finding;
}

}  // namespace

void CheckImmutable(const CrashContext& c, std::vector<Finding>* findings) {
  for (const SealRecord& seal : c.machine.ghost.seals) {
    if (!seal.active) continue;
    const std::string path = c.machine.PathOf(seal.ino);
    const RecoveredFile* file = c.recovered.FileByIno(seal.ino);
    std::string observed;
    if (file == nullptr) {
      observed = path + " does not exist after recovery";
    } else if (!file->core.sealed) {
      observed = path + " is not sealed after recovery: the seal was not durable";
    } else {
      const std::string difference = MapDifference(seal.snapshot, file->core.extents);
      if (difference.empty()) continue;
      observed = "after recovery, " + path + " " + difference;
    }
    Finding finding = ImmutableFinding(seal, path, observed);
    SetWitness(c, c.space.base_image(), {}, &finding);
    findings->push_back(std::move(finding));
    return;
  }
  const uint32_t bs = c.machine.block_size();
  for (const auto& [path, file] : c.recovered.files()) {
    if (!file.core.sealed) continue;
    // Run by run: a sealed file is checked in the number of its runs, not of its blocks.
    for (uint64_t block = 0; block * bs < file.core.size_bytes;) {
      const ExtentMap::Run* run = file.core.extents.RunAt(block);
      std::string problem;
      if (run == nullptr) {
        problem = "a hole";
      } else if (run->start.state != ExtentState::kWritten) {
        problem = "an unwritten extent";
      } else if (run->start.shared) {
        problem = "a shared extent";
      } else {
        block = run->end();
        continue;
      }
      Finding finding;
      finding.name = GuaranteeName(Guarantee::kImmutable);
      finding.promise = "O7: a sealed file is fully written and unshared";
      finding.observed = fmt::format("after recovery {} is sealed with {} at block {}", path,
                                     problem, block);
      finding.expected = path + " unsealed with its old map, or sealed and fully written";
      SetWitness(c, c.space.base_image(), {}, &finding);
      findings->push_back(std::move(finding));
      return;
    }
  }
}

void CheckImmutableVolatile(const Machine& m, std::vector<Finding>* findings) {
  for (const SealRecord& seal : m.ghost.seals) {
    if (!seal.active) continue;
    const auto inode = m.inodes.find(seal.ino);
    if (inode == m.inodes.end()) continue;
    const std::string path = m.PathOf(seal.ino);
    std::string observed;
    if (!inode->second.core.sealed) {
      observed = path + " is no longer sealed in memory";
    } else {
      const std::string difference = MapDifference(seal.snapshot, inode->second.core.extents);
      if (difference.empty()) continue;
      observed = "in the running system, " + path + " " + difference;
    }
    findings->push_back(ImmutableFinding(seal, path, observed));
    return;
  }
}

}  // namespace crashsim
