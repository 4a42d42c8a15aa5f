// The errno names: the kernel's table is complete and without aliases, and the list of names
// crashsim's ops return (which loader errors quote) is exactly the set of errno strings the
// modelled kernel's sources return.
#include "sim/scenario/errno_names.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

namespace crashsim {
namespace {

TEST_CASE("the kernel's errno names: 131 of them, each once, each an E-word") {
  const auto& names = KernelErrnoNames();
  CHECK(names.size() == 131);  // 1..133 without the unused 41 and 58
  CHECK(std::set<std::string>(names.begin(), names.end()).size() == names.size());
  CHECK(names.front() == "EPERM");
  CHECK(names.back() == "EHWPOISON");
  for (const char* alias : {"ENOTSUP", "EWOULDBLOCK", "EDEADLOCK"}) {
    CHECK_FALSE(IsKernelErrnoName(alias));
    CHECK(ErrnoNameError(alias).has_value());
  }
  CHECK_FALSE(ErrnoNameError("ETXTBSY").has_value());
}

TEST_CASE("the errno names the ops return are the errno strings of the modelled kernel") {
  // The test runs in the workspace's runfiles, which hold models/*.cc (//models:kernel_sources).
  std::set<std::string> returned;
  size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator("models")) {
    if (entry.path().extension() != ".cc") continue;
    ++files;
    std::ifstream in(entry.path());
    std::stringstream text;
    text << in.rdbuf();
    const std::string source = text.str();
    // Every string literal "E[A-Z0-9]+" (a scan, not std::regex, whose libstdc++ code trips
    // -Werror=maybe-uninitialized in the sanitized build).
    for (size_t quote = source.find("\"E"); quote != std::string::npos;
         quote = source.find("\"E", quote + 1)) {
      size_t end = quote + 2;
      while (end < source.size() &&
             (std::isupper(static_cast<unsigned char>(source[end])) ||
              std::isdigit(static_cast<unsigned char>(source[end])))) {
        ++end;
      }
      if (end > quote + 2 && end < source.size() && source[end] == '"') {
        returned.insert(source.substr(quote + 1, end - quote - 1));
      }
    }
  }
  REQUIRE(files >= 10);
  for (const std::string& name : returned) CHECK_MESSAGE(IsKernelErrnoName(name), name);
  const auto& listed = ModelledErrnoNames();
  CHECK(std::set<std::string>(listed.begin(), listed.end()) == returned);
  CHECK(std::is_sorted(listed.begin(), listed.end()));
}

}  // namespace
}  // namespace crashsim
