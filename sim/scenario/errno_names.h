// The errno names an assertion may compare an op's result with (docs/scenario-format.md,
// "Expressions"; docs/semantics.md 2.9).
//
// Names are spelled as the Linux kernel spells them (include/uapi/asm-generic/errno-base.h and
// errno.h, the x86-64 numbering): every one of them is accepted, so an assertion may name an
// errno the model never returns (it then never holds). The aliases that only userspace or a second
// #define spells (ENOTSUP, EWOULDBLOCK, EDEADLOCK) are refused with the kernel's own name, because
// a result is recorded under the kernel's name and an alias would never match it.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace crashsim {

// Every errno name of the kernel, in errno order (EPERM, ENOENT, ..., EHWPOISON).
const std::vector<std::string>& KernelErrnoNames();
bool IsKernelErrnoName(const std::string& name);

// The errno names crashsim's modelled system calls return today, in name order. Kept equal to
// the errno strings under models/ by errno_names_test.
const std::vector<std::string>& ModelledErrnoNames();

// Why `word` is not an errno name, with the nearest spelling when there is one: "unknown errno
// name 'EOPNOTSUP'; did you mean 'EOPNOTSUPP'? (crashsim's ops return: EACCES, ...)".
// nullopt when `word` is an errno name.
std::optional<std::string> ErrnoNameError(const std::string& word);

}  // namespace crashsim
