#include "sim/base/check.h"

#include <cxxabi.h>

#include <cstdlib>
#include <memory>
#include <new>
#include <typeinfo>
#include <utility>

namespace crashsim {
namespace {

// The readable name of a type ("std::out_of_range"), or its mangled name when that fails.
std::string TypeName(const std::type_info& type) {
  int status = 0;
  const std::unique_ptr<char, void (*)(void*)> name(
      abi::__cxa_demangle(type.name(), nullptr, nullptr, &status), std::free);
  return status == 0 && name != nullptr ? std::string(name.get()) : std::string(type.name());
}

}  // namespace

void CheckFailed(const char* condition, const char* file, int line, const std::string& detail) {
  throw InternalError(std::string("internal check failed: ") + condition + " at " + file + ":" +
                      std::to_string(line) + (detail.empty() ? "" : ": " + detail));
}

std::string DescribeCurrentException() {
  try {
    throw;
  } catch (const InternalError& error) {
    return error.failure();
  } catch (const std::bad_alloc&) {
    return "out of memory";
  } catch (const std::exception& error) {
    return TypeName(typeid(error)) + ": " + error.what();
  } catch (...) {
    return "an exception of unknown type";
  }
}

}  // namespace crashsim
