// Small wrappers over Linux calls that the guest runner uses: run a program and capture what it
// printed, errno names, directories, whole-file reads, /proc/sys settings, loop devices, mounts.
// Each reports failure as a value with a message; nothing throws.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace crashsim::kcheck {

// "EINVAL" for EINVAL; the number for an errno without a name.
std::string ErrnoName(int error_number);

// Runs `argv` (argv[0] a path) and waits; true when it exits 0. `output` gets stdout and stderr.
bool RunProgram(const std::vector<std::string>& argv, std::string* output);

// mkdir -p.
bool MakeDirectories(const std::string& path, std::string* error);

// Writes `value` to a /proc/sys file.
bool WriteSetting(const std::string& path, const std::string& value, std::string* error);

// The file's bytes (regular files only). False when it cannot be read.
bool ReadWholeFile(const std::string& path, std::vector<uint8_t>* bytes, std::string* error);

// A loop device bound to an image file, then unbound.
class LoopDevice {
 public:
  bool Attach(const std::string& image, std::string* error);
  bool Detach(std::string* error);
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  int fd_ = -1;
};

// Copies a sparse file, data regions only (SEEK_DATA / SEEK_HOLE), to a new sparse file.
bool CopySparse(const std::string& from, const std::string& to, std::string* error);

}  // namespace crashsim::kcheck
