#include "cli/output_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

namespace crashsim {
namespace {

namespace fs = std::filesystem;

// The path as the file system resolves it, as far as it exists; the rest as written, normalised.
fs::path Resolved(const std::string& path) {
  std::error_code error;
  fs::path absolute = fs::absolute(path, error);
  if (error) return fs::path(path).lexically_normal();
  fs::path resolved = fs::weakly_canonical(absolute, error);
  return error ? absolute.lexically_normal() : resolved;
}

std::string ErrnoText(int error) { return std::generic_category().message(error); }

}  // namespace

Status CheckOutputsDistinct(const std::vector<NamedPath>& outputs, const std::string& dot_dir,
                            const std::vector<NamedPath>& inputs) {
  std::vector<fs::path> resolved;
  for (const NamedPath& output : outputs) resolved.push_back(Resolved(output.path));
  for (size_t i = 0; i < outputs.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (resolved[i] == resolved[j]) {
        return Status::Error(fmt::format("{} '{}' and {} '{}' name one file: give each output its "
                                         "own file",
                                         outputs[j].option, outputs[j].path, outputs[i].option,
                                         outputs[i].path));
      }
    }
    for (const NamedPath& input : inputs) {
      if (resolved[i] == Resolved(input.path)) {
        return Status::Error(fmt::format("{} '{}' names {} it would overwrite: give the output "
                                         "another file",
                                         outputs[i].option, outputs[i].path, input.option));
      }
    }
    if (!dot_dir.empty()) {
      const fs::path dir = Resolved(dot_dir);
      if (resolved[i] == dir) {
        return Status::Error(fmt::format("{} '{}' and --dot '{}' name one path: give each output "
                                         "its own",
                                         outputs[i].option, outputs[i].path, dot_dir));
      }
      if (resolved[i].parent_path() == dir && resolved[i].extension() == ".dot") {
        return Status::Error(fmt::format("{} '{}' lies among the DOT files of --dot '{}': give it "
                                         "another name or directory",
                                         outputs[i].option, outputs[i].path, dot_dir));
      }
    }
  }
  return Status();
}

Status RemoveStaleOutputs(const std::vector<std::string>& paths) {
  for (const std::string& path : paths) {
    std::error_code error;
    if (!fs::is_regular_file(fs::symlink_status(path, error))) continue;
    if (!fs::remove(path, error) && error) {
      return Status::Error(fmt::format("cannot remove the report of an earlier run '{}': {}", path,
                                       error.message()));
    }
  }
  return Status();
}

Status WriteFileAtomically(const std::string& path, const std::string& text,
                           const std::string& what) {
  static std::atomic<unsigned> counter{0};
  const fs::path target(path);
  const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  // Hidden, in the target's directory (so the rename stays within one file system), unique to
  // this process and call.
  const fs::path temporary =
      dir / fmt::format(".{}.tmp-{}-{}", target.filename().string(), getpid(), counter++);
  const auto fail = [&](int error) {
    return Status::Error(fmt::format("cannot write the {} to '{}': {}", what, path, ErrnoText(error)));
  };
  const int fd = open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  if (fd < 0) return fail(errno);
  size_t written = 0;
  while (written < text.size()) {
    const ssize_t n = write(fd, text.data() + written, text.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int error = n < 0 ? errno : EIO;
      close(fd);
      unlink(temporary.c_str());
      return fail(error);
    }
    written += static_cast<size_t>(n);
  }
  if (close(fd) != 0) {
    const int error = errno;
    unlink(temporary.c_str());
    return fail(error);
  }
  if (rename(temporary.c_str(), path.c_str()) != 0) {
    const int error = errno;
    unlink(temporary.c_str());
    return fail(error);
  }
  return Status();
}

}  // namespace crashsim
