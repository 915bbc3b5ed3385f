// An upper bound on the magnitudes in a float tensor, from its largest exponent: the Winograd
// variants' precondition (common/conv2d_winograd.h: no NaN or inf, and no overflow in the
// transforms), checked before each call.
#pragma once

#include "poolkit/tensor.h"

namespace poolkit::halide {

// A power of two greater than every |x| in |t| (2^-126 when all are zero or subnormal, 0 when
// |t| is empty), or +inf when |t| holds a NaN or an infinity.
double magnitude_bound(const Tensor& t);

}  // namespace poolkit::halide
