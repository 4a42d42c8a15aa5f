// Renderings of a kernel-check report (kcheck/result.h): the text for the terminal (a table with
// one row per scenario and file system, then every miss with its step, replay point and
// difference, then everything not checked with its reason), the same table as Markdown (the
// README's "Checked against Linux"), and JSON ("crashsim_kernel_check": 1). Deterministic: the
// same report gives the same bytes.
#pragma once

#include <string>

#include "kcheck/result.h"

namespace crashsim {

std::string KernelCheckText(const kcheck::KernelCheckReport& report);
std::string KernelCheckMarkdown(const kcheck::KernelCheckReport& report);
std::string KernelCheckJson(const kcheck::KernelCheckReport& report);

}  // namespace crashsim
