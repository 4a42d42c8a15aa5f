// RecoveredView: what a user sees of a recovered file system through a fixed list of paths: for
// each path whether a regular file exists there, its size and its bytes, or else whether the name
// is a directory or a symbolic link (and its target). This is the part of a
// crash state that the real kernel can be compared on (`crashsim kernel-check`, docs/architecture.md,
// "Checked against Linux"): contents, sizes and names; not timestamps, not the block layout.
//
// Bytes whose origin is the device's stale free-space fill read as zero in a view: the fill is a
// marker the model uses to recognise exposed old contents, and a freshly made real file system's
// free space is zeroes, so a view states what the same mechanism shows on that device.
#pragma once

#include <compare>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "models/recovery.h"
#include "sim/scenario/scenario.h"

namespace crashsim {

struct FileView {
  bool exists = false;  // a regular file
  uint64_t size_bytes = 0;
  std::vector<uint8_t> bytes;  // the whole file, size_bytes long; empty when !exists
  // When the name is no regular file: "dir" for a directory, "link:TARGET" for a symbolic link
  // (its target as a path, sim/base/link_target.h), "" for nothing (also "" for a regular file).
  std::string special = {};
  auto operator<=>(const FileView&) const = default;
};

// Path -> view, over the same ordered list of paths for every view of one scenario.
using RecoveredView = std::map<std::string, FileView>;

// The paths a scenario's views cover, sorted: its files, every path its ops name (open, creat,
// unlink, rename, link, symlink, mkdir, rmdir, truncate) and every absolute symbolic link target,
// less the directories that no op names but open (the scenario's `dirs` and every path's parents).
std::vector<std::string> ViewPaths(const Scenario& scenario);

// The view of `state` over `paths`.
RecoveredView ViewOf(const RecoveredState& state, const std::vector<std::string>& paths);

// Bytes as a view shows them: stale free-space bytes read as zero.
std::vector<uint8_t> ViewBytes(const Tagged& tagged);

}  // namespace crashsim
