#include "sim/base/link_target.h"

#include <vector>

namespace crashsim {
namespace {

void AppendNames(const std::string& path, std::vector<std::string>* names) {
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    const std::string name = path.substr(start, end - start);
    if (name == "..") {
      if (!names->empty()) names->pop_back();
    } else if (!name.empty() && name != ".") {
      names->push_back(name);
    }
    start = end + 1;
  }
}

std::string Directory(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? "/" : path.substr(0, slash);
}

}  // namespace

std::string LinkTargetAsPath(const std::string& link_path, const std::string& target) {
  std::vector<std::string> names;
  if (target.empty() || target[0] != '/') AppendNames(Directory(link_path), &names);
  AppendNames(target, &names);
  std::string path;
  for (const std::string& name : names) path += "/" + name;
  return path.empty() ? "/" : path;
}

std::string RelativeLinkTarget(const std::string& link_path, const std::string& target) {
  std::vector<std::string> directory;
  AppendNames(Directory(link_path), &directory);
  std::string relative;
  for (size_t i = 0; i < directory.size(); ++i) relative += "../";
  relative += target.substr(target.find_first_not_of('/') == std::string::npos
                                ? target.size()
                                : target.find_first_not_of('/'));
  if (relative.empty()) return ".";
  if (relative.back() == '/') relative.pop_back();
  return relative;
}

}  // namespace crashsim
