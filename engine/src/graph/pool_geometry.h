// Window geometry shared by shape inference and every backend: one definition of PyTorch's
// pooling output-size rule, so no backend can disagree with the shape the graph promised.
#pragma once

#include <cstdint>

#include "poolkit/ops.h"

namespace poolkit {

// One spatial axis of a sliding window.
struct Axis {
  int64_t kernel = 1;
  int64_t stride = 1;
  int64_t pad = 0;  // explicit padding at both ends
  int64_t dilation = 1;
  bool ceil_mode = false;
};

// PyTorch's pooling_output_shape: floor/ceil((in + 2p - d(k-1) - 1) / s) + 1, and in ceil mode a
// last window that would start inside the right padding is dropped. May return < 1 (the caller
// reports that as an error).
inline int64_t pooled_size(int64_t in, const Axis& a) {
  const int64_t span = in + 2 * a.pad - a.dilation * (a.kernel - 1) - 1;
  const int64_t numer = span + (a.ceil_mode ? a.stride - 1 : 0);
  // Floor division (numer may be negative for windows larger than the padded input).
  int64_t out = (numer >= 0 ? numer / a.stride : -((-numer + a.stride - 1) / a.stride)) + 1;
  if (a.ceil_mode && (out - 1) * a.stride >= in + a.pad) --out;
  return out;
}

// A 2-D window: the H axis and the W axis.
struct Window2d {
  Axis h, w;
};

inline Window2d window_of(const MaxPool2dAttrs& a) {
  const Pair s = a.stride.value_or(a.kernel_size);
  return {{a.kernel_size.h, s.h, a.padding.h, a.dilation.h, a.ceil_mode},
          {a.kernel_size.w, s.w, a.padding.w, a.dilation.w, a.ceil_mode}};
}
inline Window2d window_of(const AvgPool2dAttrs& a) {
  const Pair s = a.stride.value_or(a.kernel_size);
  return {{a.kernel_size.h, s.h, a.padding.h, 1, a.ceil_mode},
          {a.kernel_size.w, s.w, a.padding.w, 1, a.ceil_mode}};
}
inline Window2d window_of(const LpPool2dAttrs& a) {
  const Pair s = a.stride.value_or(a.kernel_size);
  return {{a.kernel_size.h, s.h, 0, 1, a.ceil_mode}, {a.kernel_size.w, s.w, 0, 1, a.ceil_mode}};
}
inline Window2d window_of(const StochasticPool2dAttrs& a) {
  const Pair s = a.stride.value_or(a.kernel_size);
  return {{a.kernel_size.h, s.h, a.padding.h, 1, false}, {a.kernel_size.w, s.w, a.padding.w, 1, false}};
}
// 1-D ops are 2-D ops over a 1-row plane: H axis is the trivial window.
inline Window2d window_of(const MaxPool1dAttrs& a) {
  return {{}, {a.kernel_size, a.stride.value_or(a.kernel_size), a.padding, a.dilation, a.ceil_mode}};
}
inline Window2d window_of(const AvgPool1dAttrs& a) {
  return {{}, {a.kernel_size, a.stride.value_or(a.kernel_size), a.padding, 1, a.ceil_mode}};
}
inline Window2d window_of(const LpPool1dAttrs& a) {
  return {{}, {a.kernel_size, a.stride.value_or(a.kernel_size), 0, 1, a.ceil_mode}};
}

// Adaptive pooling's window on one axis: [floor(i*in/out), ceil((i+1)*in/out)).
inline int64_t adaptive_start(int64_t i, int64_t in, int64_t out) { return (i * in) / out; }
inline int64_t adaptive_end(int64_t i, int64_t in, int64_t out) {
  return ((i + 1) * in + out - 1) / out;
}

}  // namespace poolkit
