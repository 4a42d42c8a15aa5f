// `crashsim kernel-check FILE... [--fs xfs|ext4-ordered|ext4-writeback] [--json FILE]
// [--md FILE] [--known-misses FILE]`: runs scenarios on Linux 6.1 under QEMU and compares with
// the model (kcheck/kernel_check.h). Loads every file first (a file that does not load is one
// line naming the file and JSON pointer, exit 2), expands directories as `check` does, prints the
// text report, writes the JSON and Markdown reports asked for.
//
// Exit status: 0 when every state and result Linux produced is one the model allows (misses the
// known-misses list names excepted, when every listed one still misses); 1 on any other miss, a
// scenario that failed to run on the guest, or a stale known-misses entry; 2 on invalid input or
// when the machine cannot run (no kernel cache, no QEMU).
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace crashsim {

// `args` are the arguments after "kernel-check"; `program` is argv[0] (to find the guest runner
// in the binary's runfiles).
int RunKernelCheckCommand(const std::vector<std::string>& args, const std::string& program,
                          std::ostream& out, std::ostream& err);

}  // namespace crashsim
