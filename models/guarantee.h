// Guarantee: the promises crashsim checks, as one enum for every layer. A promise in the ghost
// ledger names the guarantee it was made under (models/ghost.h); the scenario reserves their
// names, which assertions may not take; the oracles and the compiled image checks name the one a
// finding breaks. Spelled as docs/scenario-format.md ("Guarantees") spells them, in its order.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <utility>

namespace crashsim {

enum class Guarantee : uint8_t {
  kFsync,
  kFdatasync,
  kSyncWrite,
  kMsync,
  kSync,
  kMapSync,
  kImmutable,
  kNoStaleData,
  kCoherence,
  kOrdering,
};

inline constexpr std::array<std::pair<Guarantee, const char*>, 10> kGuarantees = {{
    {Guarantee::kFsync, "fsync"},
    {Guarantee::kFdatasync, "fdatasync"},
    {Guarantee::kSyncWrite, "sync-write"},
    {Guarantee::kMsync, "msync"},
    {Guarantee::kSync, "sync"},
    {Guarantee::kMapSync, "map-sync"},
    {Guarantee::kImmutable, "immutable"},
    {Guarantee::kNoStaleData, "no-stale-data"},
    {Guarantee::kCoherence, "coherence"},
    {Guarantee::kOrdering, "ordering"},
}};

inline const char* GuaranteeName(Guarantee guarantee) {
  for (const auto& [entry, name] : kGuarantees) {
    if (entry == guarantee) return name;
  }
  return "?";
}
// False (and *guarantee untouched) for a name that is no guarantee.
inline bool ParseGuarantee(const std::string& name, Guarantee* guarantee) {
  for (const auto& [entry, spelling] : kGuarantees) {
    if (name == spelling) {
      *guarantee = entry;
      return true;
    }
  }
  return false;
}

}  // namespace crashsim
