// Name lookup in the modelled namespace (docs/semantics.md 2.11), after link_path_walk and
// walk_component in Linux 6.1 fs/namei.c: every component but the last must be a directory,
// reached through any symbolic links on the way (a relative target resolved against the link's
// directory); the last component is followed when it is a symbolic link only where the call asks
// for it (open without O_CREAT | O_EXCL, creat, truncate), never by the calls that create,
// remove or rename the name itself. At most 40 links are followed in one walk (MAXSYMLINKS).
//
// A walk reads the in-core namespace and changes nothing: the returned path names the entry the
// call acts on, with no symbolic link left in its directories.
#pragma once

#include <string>

#include "models/machine.h"

namespace crashsim {

enum class EntryKind { kNone, kFile, kDirectory, kSymlink };

// What the name `path` is in the in-core namespace; the root "/" is a directory.
EntryKind EntryAt(const Machine& m, const std::string& path);

// The directory that holds `path` ("/" for a name in the root).
std::string ParentOf(const std::string& path);

// Whether the directory `dir` holds any name (a file, a directory or a symbolic link).
bool HasEntriesUnder(const Machine& m, const std::string& dir);

struct WalkResult {
  std::string path;   // the entry the call acts on (it may not exist yet)
  std::string error;  // "" on success, else ENOENT, ENOTDIR or ELOOP
  bool ok() const { return error.empty(); }
};

// Walks `path` as the kernel does for a call that follows the last component when `follow_last`.
// ENOENT: a directory on the way does not exist (or a followed link's target, when it is not the
// last component); ENOTDIR: a component on the way is a file; ELOOP: more than 40 links.
WalkResult WalkPath(const Machine& m, const std::string& path, bool follow_last);

}  // namespace crashsim
