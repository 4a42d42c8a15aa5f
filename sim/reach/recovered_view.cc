#include "sim/reach/recovered_view.h"

#include <set>

namespace crashsim {
namespace {

void AddParents(const std::string& path, std::set<std::string>* directories) {
  for (size_t slash = path.find('/', 1); slash != std::string::npos;
       slash = path.find('/', slash + 1)) {
    directories->insert(path.substr(0, slash));
  }
}

}  // namespace

std::vector<std::string> ViewPaths(const Scenario& scenario) {
  std::set<std::string> paths;
  std::set<std::string> directories(scenario.dirs.begin(), scenario.dirs.end());
  for (const FileSpec& file : scenario.files) {
    paths.insert(file.path);
    AddParents(file.path, &directories);
  }
  for (const std::string& dir : scenario.dirs) AddParents(dir, &directories);
  for (const Process& process : scenario.processes) {
    for (const Op& op : process.program) {
      switch (op.kind) {
        case OpKind::kOpen:
        case OpKind::kCreat:
        case OpKind::kUnlink:
          paths.insert(op.path);
          AddParents(op.path, &directories);
          break;
        case OpKind::kRename:
          paths.insert(op.path);
          paths.insert(op.path2);
          AddParents(op.path, &directories);
          AddParents(op.path2, &directories);
          break;
        default:
          break;
      }
    }
  }
  std::vector<std::string> files;
  for (const std::string& path : paths) {
    if (!directories.count(path)) files.push_back(path);
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
    }
    view[path] = std::move(file);
  }
  return view;
}

}  // namespace crashsim
