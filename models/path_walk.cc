#include "models/path_walk.h"

#include <deque>
#include <utility>
#include <vector>

namespace crashsim {
namespace {

constexpr int kMaxSymlinks = 40;  // MAXSYMLINKS

// The names of `path` as written, empty names dropped. '.' and '..' stay: the walk resolves them
// where it has got to (handle_dots, follow_dotdot), so "/l/.." is the parent of l's target, not
// "/", and the name before either is not the last one: it must be a directory, reached through
// any link it is.
std::vector<std::string> RawNames(const std::string& path) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    std::string name = path.substr(start, end - start);
    if (!name.empty()) out.push_back(std::move(name));
    start = end + 1;
  }
  return out;
}

std::string Join(const std::vector<std::string>& names, size_t count) {
  if (count == 0) return "/";
  std::string path;
  for (size_t i = 0; i < count; ++i) path += "/" + names[i];
  return path;
}

}  // namespace

EntryKind EntryAt(const Machine& m, const std::string& path) {
  if (path == "/" || m.tree.directories.count(path) > 0) return EntryKind::kDirectory;
  if (m.names.count(path) > 0) return EntryKind::kFile;
  if (m.tree.symlinks.count(path) > 0) return EntryKind::kSymlink;
  return EntryKind::kNone;
}

std::string ParentOf(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == 0 || slash == std::string::npos ? "/" : path.substr(0, slash);
}

bool HasEntriesUnder(const Machine& m, const std::string& dir) {
  const std::string prefix = dir == "/" ? "/" : dir + "/";
  auto under = [&](const auto& sorted) {
    auto it = sorted.lower_bound(prefix);
    return it != sorted.end() && it->first.compare(0, prefix.size(), prefix) == 0;
  };
  auto it = m.tree.directories.lower_bound(prefix);
  const bool dirs = it != m.tree.directories.end() && it->compare(0, prefix.size(), prefix) == 0;
  return dirs || under(m.names) || under(m.tree.symlinks);
}

WalkResult WalkPath(const Machine& m, const std::string& path, bool follow_last) {
  const std::vector<std::string> written = RawNames(path);
  std::deque<std::string> pending(written.begin(), written.end());
  std::vector<std::string> reached;  // the directories walked through, no link among them
  int links = 0;
  while (!pending.empty()) {
    const std::string name = std::move(pending.front());
    pending.pop_front();
    const bool last = pending.empty();
    if (name == ".") continue;  // the directory reached
    if (name == "..") {          // its parent; the root's is the root
      if (!reached.empty()) reached.pop_back();
      continue;
    }
    reached.push_back(name);
    const std::string here = Join(reached, reached.size());
    const EntryKind kind = EntryAt(m, here);
    if (kind == EntryKind::kSymlink && (!last || follow_last)) {
      if (++links > kMaxSymlinks) return WalkResult{"", "ELOOP"};
      // The target replaces the link: from the root when absolute, else from the link's
      // directory; the names after the link follow it.
      const std::string& target = m.tree.symlinks.at(here);
      reached.pop_back();
      if (!target.empty() && target[0] == '/') reached.clear();
      const std::vector<std::string> names = RawNames(target);
      pending.insert(pending.begin(), names.begin(), names.end());
      continue;
    }
    if (last) break;
    if (kind == EntryKind::kNone) return WalkResult{"", "ENOENT"};
    if (kind != EntryKind::kDirectory) return WalkResult{"", "ENOTDIR"};
  }
  return WalkResult{Join(reached, reached.size()), ""};
}

}  // namespace crashsim
