// Status and StatusOr: how bad user input travels to the edge (the CLI) as a value.
//
// The core never throws. A Status carries one line of text meant for the user, already naming the
// file and JSON pointer where that applies (docs/scenario-format.md, "Errors": every error names
// both).
#pragma once

#include <optional>
#include <string>
#include <utility>

#include "sim/base/check.h"

namespace crashsim {

class Status {
 public:
  Status() = default;  // ok
  static Status Error(std::string message) { return Status(std::move(message)); }

  bool ok() const { return !message_.has_value(); }
  const std::string& message() const {
    CRASHSIM_CHECK(!ok());
    return *message_;
  }

 private:
  explicit Status(std::string message) : message_(std::move(message)) {}
  std::optional<std::string> message_;
};

template <typename T>
class StatusOr {
 public:
  StatusOr(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  StatusOr(Status status) : status_(std::move(status)) { CRASHSIM_CHECK(!status_.ok()); }

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }
  const T& value() const& {
    CRASHSIM_CHECK(ok());
    return *value_;
  }
  T&& value() && {
    CRASHSIM_CHECK(ok());
    return std::move(*value_);
  }
  const T& operator*() const& { return value(); }
  const T* operator->() const { return &value(); }

 private:
  Status status_;
  std::optional<T> value_;
};

}  // namespace crashsim
