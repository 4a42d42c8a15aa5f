// The kernel's errno names, and the hint for a name that is none of them.
#include "sim/scenario/errno_names.h"

#include <algorithm>
#include <cctype>
#include <map>

#include "sim/base/nearest_name.h"
#include "sim/scenario/syntax.h"

namespace crashsim {
namespace {

std::string Join(const std::vector<std::string>& names) {
  std::string text;
  for (const std::string& name : names) text += (text.empty() ? "" : ", ") + name;
  return text;
}

std::string Upper(std::string word) {
  for (char& c : word) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return word;
}

}  // namespace

const std::vector<std::string>& KernelErrnoNames() {
  // asm-generic/errno-base.h (1-34), then asm-generic/errno.h (35-133; 41 and 58 are unused).
  static const std::vector<std::string> names = {
      "EPERM", "ENOENT", "ESRCH", "EINTR", "EIO", "ENXIO", "E2BIG", "ENOEXEC", "EBADF", "ECHILD",
      "EAGAIN", "ENOMEM", "EACCES", "EFAULT", "ENOTBLK", "EBUSY", "EEXIST", "EXDEV", "ENODEV",
      "ENOTDIR", "EISDIR", "EINVAL", "ENFILE", "EMFILE", "ENOTTY", "ETXTBSY", "EFBIG", "ENOSPC",
      "ESPIPE", "EROFS", "EMLINK", "EPIPE", "EDOM", "ERANGE",
      "EDEADLK", "ENAMETOOLONG", "ENOLCK", "ENOSYS", "ENOTEMPTY", "ELOOP", "ENOMSG", "EIDRM",
      "ECHRNG", "EL2NSYNC", "EL3HLT", "EL3RST", "ELNRNG", "EUNATCH", "ENOCSI", "EL2HLT", "EBADE",
      "EBADR", "EXFULL", "ENOANO", "EBADRQC", "EBADSLT", "EBFONT", "ENOSTR", "ENODATA", "ETIME",
      "ENOSR", "ENONET", "ENOPKG", "EREMOTE", "ENOLINK", "EADV", "ESRMNT", "ECOMM", "EPROTO",
      "EMULTIHOP", "EDOTDOT", "EBADMSG", "EOVERFLOW", "ENOTUNIQ", "EBADFD", "EREMCHG", "ELIBACC",
      "ELIBBAD", "ELIBSCN", "ELIBMAX", "ELIBEXEC", "EILSEQ", "ERESTART", "ESTRPIPE", "EUSERS",
      "ENOTSOCK", "EDESTADDRREQ", "EMSGSIZE", "EPROTOTYPE", "ENOPROTOOPT", "EPROTONOSUPPORT",
      "ESOCKTNOSUPPORT", "EOPNOTSUPP", "EPFNOSUPPORT", "EAFNOSUPPORT", "EADDRINUSE",
      "EADDRNOTAVAIL", "ENETDOWN", "ENETUNREACH", "ENETRESET", "ECONNABORTED", "ECONNRESET",
      "ENOBUFS", "EISCONN", "ENOTCONN", "ESHUTDOWN", "ETOOMANYREFS", "ETIMEDOUT", "ECONNREFUSED",
      "EHOSTDOWN", "EHOSTUNREACH", "EALREADY", "EINPROGRESS", "ESTALE", "EUCLEAN", "ENOTNAM",
      "ENAVAIL", "EISNAM", "EREMOTEIO", "EDQUOT", "ENOMEDIUM", "EMEDIUMTYPE", "ECANCELED",
      "ENOKEY", "EKEYEXPIRED", "EKEYREVOKED", "EKEYREJECTED", "EOWNERDEAD", "ENOTRECOVERABLE",
      "ERFKILL", "EHWPOISON",
  };
  return names;
}

bool IsKernelErrnoName(const std::string& name) {
  const auto& names = KernelErrnoNames();
  return std::find(names.begin(), names.end(), name) != names.end();
}

const std::vector<std::string>& ModelledErrnoNames() {
  static const std::vector<std::string> names = {
      "EACCES", "EBADF",   "EBUSY",     "EEXIST", "EINVAL", "EISDIR",     "ELOOP", "ENODEV",
      "ENOENT", "ENOMEM",  "ENOSPC",    "ENOTDIR", "ENOTEMPTY", "ENOTTY", "ENXIO", "EOPNOTSUPP",
      "EPERM",
  };
  return names;
}

std::optional<std::string> ErrnoNameError(const std::string& word) {
  if (IsKernelErrnoName(word)) return std::nullopt;
  const std::string modelled = " (crashsim's ops return: " + Join(ModelledErrnoNames()) +
                               "; any other kernel errno name is accepted too)";
  // Second names of one errno: the result is recorded under the kernel's first name.
  static const std::map<std::string, std::string> aliases = {
      {"ENOTSUP", "EOPNOTSUPP"}, {"EWOULDBLOCK", "EAGAIN"}, {"EDEADLOCK", "EDEADLK"}};
  const auto alias = aliases.find(Upper(word));
  if (alias != aliases.end()) {
    return Quote(word) + " is another name of " + alias->second + "; results are recorded as " +
           "the kernel spells them, so write " + Quote(alias->second);
  }
  if (IsKernelErrnoName(Upper(word))) {
    return "unknown errno name " + Quote(word) + "; errno names are upper case: did you mean " +
           Quote(Upper(word)) + "?";
  }
  const std::optional<std::string> nearest = NearestName(Upper(word), KernelErrnoNames());
  return "unknown errno name " + Quote(word) +
         (nearest ? "; did you mean " + Quote(*nearest) + "?" : std::string()) + modelled;
}

}  // namespace crashsim
