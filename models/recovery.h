// Recovery after a crash (docs/semantics.md 2.7): the persistent image a crash left (durable media
// plus the pending persist events it chose to keep) and the durable journal prefix, replayed over
// the initial durable metadata. Holes and unwritten extents read as zero; in-memory-only state is
// gone.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>

#include "models/machine.h"

namespace crashsim {

// What a crash left: which pending device writes persisted, and how long the durable journal is.
struct CrashImage {
  std::set<uint64_t> persisted;  // ids of pending writes that reached the media
  uint64_t journal_prefix = 0;   // transactions 1..journal_prefix are durable
};

struct RecoveredFile {
  uint32_t ino = 0;
  InodeCore core;
};

class RecoveredState {
 public:
  RecoveredState(const Machine& machine, const CrashImage& image);

  // Whether a file, a directory or a symbolic link has the name (the name itself: a link is not
  // followed).
  bool Exists(const std::string& path) const {
    return files_.count(path) > 0 || directories_.count(path) > 0 || symlinks_.count(path) > 0;
  }
  bool IsDirectory(const std::string& path) const { return directories_.count(path) > 0; }
  // The target of the symbolic link `path`, or nullopt when it is none.
  std::optional<std::string> SymlinkTarget(const std::string& path) const {
    auto it = symlinks_.find(path);
    return it == symlinks_.end() ? std::nullopt : std::optional<std::string>(it->second);
  }
  const RecoveredFile* File(const std::string& path) const;
  const RecoveredFile* FileByIno(uint32_t ino) const;
  std::optional<std::string> PathOfIno(uint32_t ino) const;
  // Bytes [begin, end) of the file, with origins; nullopt when the file is missing or the range
  // reaches past its size (docs/scenario-format.md, "Expressions": bytes past the end of a file
  // have no value).
  std::optional<Tagged> Read(const std::string& path, uint64_t begin, uint64_t end) const;
  Tagged ReadIno(uint32_t ino, uint64_t begin, uint64_t end) const;  // REQUIRES: within size
  // The device address holding byte `offset` of the file, or nullopt for a hole or an unwritten
  // extent (which read as zero).
  std::optional<uint64_t> DeviceAddress(uint32_t ino, uint64_t offset) const;
  const std::map<std::string, RecoveredFile>& files() const { return files_; }
  // The recovered directories and symbolic links.
  DirectoryTree tree() const { return DirectoryTree{directories_, symlinks_}; }

 private:
  Tagged ReadDevice(uint64_t address, uint64_t length) const;

  uint32_t block_size_;
  const Device* device_;
  std::set<uint64_t> persisted_;
  std::map<std::string, RecoveredFile> files_;
  std::set<std::string> directories_;               // every directory but the root
  std::map<std::string, std::string> symlinks_;     // path -> target
};

}  // namespace crashsim
