#include "sim/explore/crash_memo.h"

namespace crashsim {

std::shared_ptr<const CrashChecks> CrashMemo::Find(const Hash128& key) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = entries_.find(key);
  if (it == entries_.end()) return nullptr;
  ++hits_;
  return it->second;
}

std::shared_ptr<const CrashChecks> CrashMemo::Insert(const Hash128& key, CrashChecks checks) {
  auto stored = std::make_shared<const CrashChecks>(std::move(checks));
  std::lock_guard<std::mutex> lock(mutex_);
  return entries_.emplace(key, std::move(stored)).first->second;
}

uint64_t CrashMemo::hits() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return hits_;
}

}  // namespace crashsim
