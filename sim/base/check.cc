#include "sim/base/check.h"

#include <cstdio>
#include <cstdlib>

namespace crashsim {
namespace {
thread_local std::string check_context;
}  // namespace

void SetCheckContext(std::string context) { check_context = std::move(context); }
const std::string& CheckContext() { return check_context; }

void CheckFailed(const char* condition, const char* file, int line, const std::string& detail) {
  std::fprintf(stderr, "crashsim: internal check failed: %s at %s:%d%s%s%s%s\n", condition, file,
               line, detail.empty() ? "" : ": ", detail.c_str(),
               check_context.empty() ? "" : " while ", check_context.c_str());
  std::fflush(stderr);
  std::abort();
}

}  // namespace crashsim
