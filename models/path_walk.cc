#include "models/path_walk.h"

#include <vector>

namespace crashsim {
namespace {

constexpr int kMaxSymlinks = 40;  // MAXSYMLINKS

// The names of `path`, '.' dropped and '..' taking the previous one off ("/.." is "/").
std::vector<std::string> Components(const std::string& path) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    const std::string name = path.substr(start, end - start);
    if (name == "..") {
      if (!out.empty()) out.pop_back();
    } else if (!name.empty() && name != ".") {
      out.push_back(name);
    }
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
  std::vector<std::string> names = Components(path);
  int links = 0;
  size_t i = 0;  // names[0, i) are directories with no link among them
  while (i < names.size()) {
    const bool last = i + 1 == names.size();
    const std::string here = Join(names, i + 1);
    const EntryKind kind = EntryAt(m, here);
    if (kind == EntryKind::kSymlink && (!last || follow_last)) {
      if (++links > kMaxSymlinks) return WalkResult{"", "ELOOP"};
      // The target replaces the link: from the root when absolute, else from the link's
      // directory; the names after the link follow it.
      const std::string& target = m.tree.symlinks.at(here);
      std::string rest = target[0] == '/' ? target : Join(names, i) + "/" + target;
      for (size_t j = i + 1; j < names.size(); ++j) rest += "/" + names[j];
      names = Components(rest);
      i = 0;
      continue;
    }
    if (last) break;
    if (kind == EntryKind::kNone) return WalkResult{"", "ENOENT"};
    if (kind != EntryKind::kDirectory) return WalkResult{"", "ENOTDIR"};
    ++i;
  }
  return WalkResult{Join(names, names.size()), ""};
}

}  // namespace crashsim
