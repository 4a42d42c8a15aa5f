// Symbolic link targets as paths: a target joined to the directory of its link and normalised
// ('.' dropped, '..' taking the previous name off, never above the root), the form in which the
// model's recovered views and the kernel-check runner both show a link, so that an absolute target
// and the relative one the runner stores for it compare equal.
#pragma once

#include <string>

namespace crashsim {

// The path `target` names for a link at `link_path` (absolute, normalised): "/d/l" with target
// "../x" is "/x"; with "/y/./z", "/y/z".
std::string LinkTargetAsPath(const std::string& link_path, const std::string& target);

// A target that names the same path as the absolute `target` from a link at `link_path`, written
// relative to the link's directory ("/d/l" with "/x/y" is "../x/y"): it resolves alike wherever
// the file system is mounted.
std::string RelativeLinkTarget(const std::string& link_path, const std::string& target);

}  // namespace crashsim
