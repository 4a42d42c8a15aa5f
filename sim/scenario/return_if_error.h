// RETURN_IF_ERROR: early return of a failed Status, for the loader's many small checks.
#pragma once

#include "sim/base/status.h"

#define RETURN_IF_ERROR(expr)            \
  do {                                   \
    ::crashsim::Status status_ = (expr); \
    if (!status_.ok()) return status_;   \
  } while (false)
