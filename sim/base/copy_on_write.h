// CopyOnWrite<T>: a value of T whose copies share it until one of them changes it.
//
// For the parts of a Machine that most steps leave alone: every successor state starts as a copy
// of its parent, so sharing what the step does not change saves copying it. `mut()` gives the
// caller a private T first when any other copy still shares it, so no copy sees another's change.
// Thread-safe as a shared_ptr is: copies may be read and copied from several threads, and each
// copy is changed by one thread at a time.
#pragma once

#include <memory>

namespace crashsim {

template <class T>
class CopyOnWrite {
 public:
  CopyOnWrite() = default;
  explicit CopyOnWrite(T value) : value_(std::make_shared<T>(std::move(value))) {}

  const T& get() const { return value_ ? *value_ : Empty(); }
  const T& operator*() const { return get(); }
  const T* operator->() const { return &get(); }

  // Replaces the value of this copy alone (the others keep sharing the old one): for a change
  // that builds the new value whole, without first copying the old one.
  void Set(T value) { value_ = std::make_shared<T>(std::move(value)); }
  // Replaces the value of this copy alone by one that others may hold as well (a result computed
  // once for several copies): mut() copies it before any change, as it does any shared value.
  void Share(std::shared_ptr<T> value) { value_ = std::move(value); }

  // The value to change, no longer shared with any other copy.
  T& mut() {
    if (!value_) {
      value_ = std::make_shared<T>();
    } else if (value_.use_count() > 1) {
      value_ = std::make_shared<T>(*value_);
    }
    return *value_;
  }

 private:
  static const T& Empty() {
    static const T empty{};
    return empty;
  }
  std::shared_ptr<T> value_;  // null: a default T, not yet allocated
};

}  // namespace crashsim
