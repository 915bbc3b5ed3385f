// Whether a float tensor holds no NaN and no infinity: the Winograd variants' precondition
// (common/conv2d_winograd.h), checked before each call.
#pragma once

#include "poolkit/tensor.h"

namespace poolkit::halide {

bool all_finite(const Tensor& t);

}  // namespace poolkit::halide
