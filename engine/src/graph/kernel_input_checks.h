// Checks on the *values* of kernel inputs that act as parameters (fractional pooling's samples,
// unpooling's indices): shape inference cannot see them, so each backend checks them before its
// kernel runs. One definition of each rule and its message, so that every backend reports the
// same bad_input error for the same tensor.
#pragma once

#include <cstdint>
#include <string>

#include "poolkit/errors.h"

namespace poolkit {

// A fractional_max_pool2d sample outside [0, 1) (or NaN) would place windows outside the input.
// |plane| is n*C + c, |axis| 0 for the width sample and 1 for the height sample.
inline void check_fractional_sample(float u, int64_t plane, int axis) {
  if (!(u >= 0.0f && u < 1.0f)) {
    fail_bad_input("input 'samples': value " + std::to_string(u) + " at plane " + std::to_string(plane) +
                   ", axis " + std::to_string(axis) + ": must be in [0, 1)");
  }
}

// A max_unpool2d index must name a position of its own output plane (out_h x out_w). Indices
// are run-time data, so a bad one is the caller's input error, not a bug.
inline void check_unpool_index(int64_t index, int64_t out_h, int64_t out_w) {
  if (index < 0 || index >= out_h * out_w) {
    fail_bad_input("input 'indices': index " + std::to_string(index) + " out of range for output plane " +
                   std::to_string(out_h) + "x" + std::to_string(out_w));
  }
}

}  // namespace poolkit
