// Setting up a scenario's file system inside the guest: make it (mkfs.xfs or mke2fs, as the
// scenario's `fs` says, 4 KiB blocks), mount it with the options that match the model's config
// (ext4 data mode; background writeback and journal commits held back when the scenario says
// `background: none`; per-file DAX), and create the scenario's directories and files with their
// layouts (written pieces hold the fill, unwritten pieces are preallocated, holes take no block).
// Everything is then made durable and the file system mounted afresh, so that the first op finds
// what the model's initial state says: every file durable and clean, nothing cached.
#pragma once

#include <string>

#include "kcheck/protocol.h"

namespace crashsim::kcheck {

bool MakeFileSystem(const JobScenario& scenario, const std::string& device, std::string* error);
std::string MountOptions(const JobScenario& scenario);
bool MountFileSystem(const JobScenario& scenario, const std::string& device,
                     const std::string& target, std::string* error);
bool CreateFiles(const JobScenario& scenario, const std::string& root, std::string* error);
// The kernel's periodic writeback and journal work, on or held back as the scenario says.
bool SetBackground(const JobScenario& scenario, std::string* error);
// Whether the kernel serves `path` through DAX (statx STATX_ATTR_DAX).
bool IsDax(const std::string& path, bool* dax, std::string* error);

}  // namespace crashsim::kcheck
