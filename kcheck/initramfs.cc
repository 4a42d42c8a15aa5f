#include "kcheck/initramfs.h"

#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <sstream>

namespace crashsim::kcheck {
namespace {

std::optional<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// A newc archive written entry by entry.
class Cpio {
 public:
  explicit Cpio(std::ofstream* out) : out_(out) {}
  void Directory(const std::string& path) {
    if (!directories_.insert(path).second) return;
    Entry(path, 040755, "", 0, 0);
  }
  void File(const std::string& path, const std::string& data, bool executable) {
    Parents(path);
    Entry(path, executable ? 0100755 : 0100644, data, 0, 0);
  }
  void CharDevice(const std::string& path, unsigned major, unsigned minor) {
    Parents(path);
    Entry(path, 020600, "", major, minor);
  }
  void Finish() { Entry("TRAILER!!!", 0, "", 0, 0); }

 private:
  void Parents(const std::string& path) {
    for (size_t slash = path.find('/'); slash != std::string::npos;
         slash = path.find('/', slash + 1)) {
      Directory(path.substr(0, slash));
    }
  }
  void Entry(const std::string& name, unsigned mode, const std::string& data, unsigned major,
             unsigned minor) {
    char header[111];
    std::snprintf(header, sizeof header,
                  "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X", ++inode_, mode, 0,
                  0, 1, 0, static_cast<unsigned>(data.size()), 0, 0, major, minor,
                  static_cast<unsigned>(name.size() + 1), 0);
    out_->write(header, 110);
    out_->write(name.c_str(), static_cast<std::streamsize>(name.size() + 1));
    Pad(110 + name.size() + 1);
    out_->write(data.data(), static_cast<std::streamsize>(data.size()));
    Pad(data.size());
  }
  void Pad(size_t written) {
    static const char zeros[4] = {0, 0, 0, 0};
    out_->write(zeros, static_cast<std::streamsize>((4 - written % 4) % 4));
  }

  std::ofstream* out_;
  unsigned inode_ = 0;
  std::set<std::string> directories_;
};

// The shared libraries `binary` loads, as `ldd` prints them (resolved paths, loader included).
bool SharedLibraries(const std::string& binary, std::vector<std::string>* libraries,
                     std::string* error) {
  FILE* pipe = popen(("ldd '" + binary + "' 2>&1").c_str(), "r");
  if (pipe == nullptr) {
    *error = "cannot run ldd";
    return false;
  }
  std::string output;
  char buffer[4096];
  for (size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) output.append(buffer, n);
  if (pclose(pipe) != 0) {
    *error = "ldd " + binary + ": " + output;
    return false;
  }
  std::istringstream lines(output);
  for (std::string line; std::getline(lines, line);) {
    std::istringstream words(line);
    std::string word, path;
    while (words >> word) {
      if (!word.empty() && word[0] == '/') {
        path = word;
        break;
      }
    }
    if (!path.empty()) libraries->push_back(path);
  }
  return true;
}

}  // namespace

std::string KernelCacheDir() {
  const char* dir = std::getenv("CRASHSIM_KERNEL_DIR");
  return dir != nullptr && *dir != '\0' ? dir : "/var/cache/crashsim/linux-6.1";
}

bool ModuleLoadOrder(const std::string& modules_dep, std::vector<std::string>* order,
                     std::string* error) {
  const auto text = ReadFile(modules_dep);
  if (!text) {
    *error = "cannot read " + modules_dep;
    return false;
  }
  std::map<std::string, std::vector<std::string>> depends;
  std::istringstream lines(*text);
  for (std::string line; std::getline(lines, line);) {
    const size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::istringstream words(line.substr(colon + 1));
    std::vector<std::string> dependencies;
    for (std::string word; words >> word;) dependencies.push_back(word);
    depends[line.substr(0, colon)] = std::move(dependencies);
  }
  std::set<std::string> placed;
  std::function<bool(const std::string&)> place = [&](const std::string& module) {
    if (placed.count(module)) return true;
    auto it = depends.find(module);
    if (it == depends.end()) {
      *error = modules_dep + " names " + module + " but has no line for it";
      return false;
    }
    placed.insert(module);
    for (const std::string& dependency : it->second) {
      if (!place(dependency)) return false;
    }
    order->push_back(module);
    return true;
  };
  for (bool crypto : {true, false}) {
    for (const auto& [module, dependencies] : depends) {
      const bool is_crypto = module.find("/crypto/") != std::string::npos;
      if (is_crypto == crypto && !place(module)) return false;
    }
  }
  return true;
}

bool BuildInitramfs(const InitramfsInputs& inputs, const std::string& output, std::string* error) {
  std::ofstream out(output, std::ios::binary | std::ios::trunc);
  if (!out) {
    *error = "cannot write " + output;
    return false;
  }
  Cpio cpio(&out);
  for (const char* dir : {"dev", "proc", "sys", "tmp", "mnt", "check", "bin", "sbin", "etc"}) {
    cpio.Directory(dir);
  }
  cpio.CharDevice("dev/console", 5, 1);
  cpio.CharDevice("dev/null", 1, 3);
  auto add = [&](const std::string& from, const std::string& to, bool executable) {
    const auto data = ReadFile(from);
    if (!data) {
      *error = "cannot read " + from;
      return false;
    }
    cpio.File(to, *data, executable);
    return true;
  };
  if (!add("/bin/busybox", "bin/busybox", true) || !add(inputs.init, "init", true) ||
      !add(inputs.runner, "kcheck-runner", true)) {
    return false;
  }
  std::set<std::string> libraries;
  for (const char* tool : {"/sbin/mkfs.xfs", "/sbin/mke2fs"}) {
    if (!add(tool, std::string(tool).substr(1), true)) return false;
    std::vector<std::string> found;
    if (!SharedLibraries(tool, &found, error)) return false;
    libraries.insert(found.begin(), found.end());
  }
  for (const std::string& library : libraries) {
    if (!add(library, library.substr(1), true)) return false;
  }
  if (!add("/etc/mke2fs.conf", "etc/mke2fs.conf", false)) return false;
  std::vector<std::string> modules;
  if (!ModuleLoadOrder(inputs.kernel_dir + "/modules.dep", &modules, error)) return false;
  std::string load;
  for (const std::string& module : modules) {
    if (!add(inputs.kernel_dir + "/modules/" + module, "lib/modules/" + module, false)) {
      return false;
    }
    load += module + "\n";
  }
  cpio.File("modules.load", load, false);
  cpio.Finish();
  out.close();
  if (!out) {
    *error = "cannot write " + output;
    return false;
  }
  return true;
}

}  // namespace crashsim::kcheck
