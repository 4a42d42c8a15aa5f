#include "sim/reach/recovered_view.h"

#include <optional>
#include <set>

#include "sim/base/link_target.h"

namespace crashsim {
namespace {

void AddParents(const std::string& path, std::set<std::string>* directories) {
  for (size_t slash = path.find('/', 1); slash != std::string::npos;
       slash = path.find('/', slash + 1)) {
    directories->insert(path.substr(0, slash));
  }
}

// A symbolic link target that names a path as the format writes paths: absolute, without '.' or
// '..' names (the loader has checked the rest).
bool IsPlainAbsolute(const std::string& target) {
  if (target.size() < 2 || target[0] != '/') return false;
  const std::string padded = target + "/";
  return padded.find("/./") == std::string::npos && padded.find("/../") == std::string::npos;
}

}  // namespace

std::vector<std::string> ViewPaths(const Scenario& scenario) {
  std::set<std::string> paths;
  std::set<std::string> named;  // named by an op that may make or remove a directory
  std::set<std::string> directories(scenario.dirs.begin(), scenario.dirs.end());
  for (const FileSpec& file : scenario.files) {
    paths.insert(file.path);
    AddParents(file.path, &directories);
  }
  for (const std::string& dir : scenario.dirs) AddParents(dir, &directories);
  auto add = [&](const std::string& path, bool names_directory) {
    paths.insert(path);
    AddParents(path, &directories);
    if (names_directory) named.insert(path);
  };
  for (const Process& process : scenario.processes) {
    for (const Op& op : process.program) {
      switch (op.kind) {
        case OpKind::kOpen:
        case OpKind::kCreat:
        case OpKind::kUnlink:
        case OpKind::kTruncate:
          add(op.path, false);
          break;
        case OpKind::kMkdir:
        case OpKind::kRmdir:
          add(op.path, true);
          break;
        case OpKind::kRename:
        case OpKind::kLink:
          add(op.path, true);
          add(op.path2, true);
          break;
        case OpKind::kSymlink:
          add(op.path, true);
          if (IsPlainAbsolute(op.target)) add(op.target, false);
          break;
        default:
          break;
      }
    }
  }
  std::vector<std::string> files;
  for (const std::string& path : paths) {
    if (!directories.count(path) || named.count(path)) files.push_back(path);
  }
  return files;
}

std::vector<uint8_t> ViewBytes(const Tagged& tagged) {
  std::vector<uint8_t> bytes = tagged.bytes;
  for (size_t i = 0; i < bytes.size(); ++i) {
    if (tagged.origins[i] == kOriginStale) bytes[i] = 0;
  }
  return bytes;
}

RecoveredView ViewOf(const RecoveredState& state, const std::vector<std::string>& paths) {
  RecoveredView view;
  for (const std::string& path : paths) {
    FileView file;
    if (const RecoveredFile* recovered = state.File(path)) {
      file.exists = true;
      file.size_bytes = recovered->core.size_bytes;
      file.bytes = ViewBytes(state.ReadIno(recovered->ino, 0, file.size_bytes));
    } else if (state.IsDirectory(path)) {
      file.special = "dir";
    } else if (const std::optional<std::string> target = state.SymlinkTarget(path)) {
      file.special = "link:" + LinkTargetAsPath(path, *target);
    }
    view[path] = std::move(file);
  }
  return view;
}

}  // namespace crashsim
