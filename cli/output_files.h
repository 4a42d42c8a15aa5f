// The files a command writes: each named once, never also an input, and each written atomically.
//
// Promises: two outputs that name one file (after resolving `.`, `..` and symbolic links of the
// parts that exist), or an output that names an input (a scenario file, a shard report, the
// baseline it compares with), are refused before anything runs. A report is written to a
// temporary file in its own directory and renamed into place, so a reader sees the old file or
// the whole new one, never a part; and the reports a run will write are removed when it starts,
// so a run killed before it writes them leaves no report of an earlier run looking current.
#pragma once

#include <string>
#include <vector>

#include "sim/base/status.h"

namespace crashsim {

struct NamedPath {
  std::string option;  // e.g. "--json", or "a scenario file"
  std::string path;
};

// An error naming both options when two `outputs` are one file, when a file output is the
// directory output `dot_dir` (may be empty: none) or would be written among its DOT files, or
// when an output is one of `inputs`.
Status CheckOutputsDistinct(const std::vector<NamedPath>& outputs, const std::string& dot_dir,
                            const std::vector<NamedPath>& inputs);

// Removes each of `paths` that is a regular file (a report of an earlier run). Missing files are
// not an error; a file that cannot be removed is.
Status RemoveStaleOutputs(const std::vector<std::string>& paths);

// Writes `text` to `path` through a temporary file in the same directory, renamed over `path`.
// `what` names the output in the error line, e.g. "JSON report".
Status WriteFileAtomically(const std::string& path, const std::string& text,
                           const std::string& what);

}  // namespace crashsim
