// OnceCache<V>: a value computed from its owner's contents on first use and kept until the owner
// changes them, for what a CopyOnWrite value shares with every copy (a digest of the device's
// pending writes, hashed by every state that holds them).
//
// Get(compute) returns the kept value, computing it first when there is none; it may be called from
// several threads at once (one computes, the others wait for it). Reset() drops the value: the
// owner calls it whenever it changes what the value is computed from, and only while no other
// thread can read the owner (CopyOnWrite::mut() gives such a private instance); Keep(value) stores
// a value known from elsewhere under the same rule. A copy starts
// empty, so a copy made to be changed never carries a value computed from contents it then loses.
//
// LastByKey<K, V>: the same for a function of the owner's contents and an argument: the value
// computed last, with the argument it was computed for (many states that share a pending list
// take the same fence over it). Find and Remember may be called from several threads at once;
// Reset follows OnceCache's rule.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>

namespace crashsim {

template <class V>
class OnceCache {
 public:
  OnceCache() = default;
  OnceCache(const OnceCache&) {}
  OnceCache& operator=(const OnceCache&) {
    Reset();
    return *this;
  }

  template <class Compute>
  const V& Get(Compute compute) const {
    if (ready_.load(std::memory_order_acquire)) return value_;
    std::lock_guard<std::mutex> lock(mutex_);
    if (!ready_.load(std::memory_order_relaxed)) {
      value_ = compute();
      ready_.store(true, std::memory_order_release);
    }
    return value_;
  }
  bool ready() const { return ready_.load(std::memory_order_acquire); }
  // The value when computed or kept, else null.
  const V* value() const { return ready() ? &value_ : nullptr; }
  void Reset() { ready_.store(false, std::memory_order_release); }
  // Keeps `value` as computed: for an owner that knows it from another instance with the same
  // contents (a copy made to change something the value does not cover). Same rules as Reset.
  void Keep(const V& value) {
    value_ = value;
    ready_.store(true, std::memory_order_release);
  }

 private:
  mutable std::mutex mutex_;
  mutable std::atomic<bool> ready_{false};
  mutable V value_{};
};

template <class K, class V>
class LastByKey {
 public:
  LastByKey() = default;
  LastByKey(const LastByKey&) {}
  LastByKey& operator=(const LastByKey&) {
    Reset();
    return *this;
  }

  // The value remembered for `key`, or null.
  std::shared_ptr<const V> Find(const K& key) const {
    std::lock_guard<std::mutex> lock(mutex_);
    if (value_ && key_ == key) return value_;
    return nullptr;
  }
  // Remembers `value` as computed for `key`, in place of what was remembered before.
  void Remember(K key, std::shared_ptr<const V> value) const {
    std::lock_guard<std::mutex> lock(mutex_);
    key_ = std::move(key);
    value_ = std::move(value);
  }
  void Reset() {
    std::lock_guard<std::mutex> lock(mutex_);
    value_.reset();
  }

 private:
  mutable std::mutex mutex_;
  mutable K key_{};
  mutable std::shared_ptr<const V> value_;
};

}  // namespace crashsim
