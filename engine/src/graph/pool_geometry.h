// Window geometry shared by shape inference and every backend: one definition of PyTorch's
// pooling output-size rule, so no backend can disagree with the shape the graph promised.
#pragma once

#include <algorithm>
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

// Every window parameter (kernel, stride, padding, dilation), every input extent and every
// extent derived from them (in + 2*pad, dilation*(kernel-1) + 1) must be at most kMaxExtent.
// Shape inference rejects anything larger (axis_fits), which keeps all index arithmetic — here,
// in o*stride - pad + k*dilation and in the window ends of every backend — far inside int64
// (the largest such value is below 2^62). 2^60 elements along one axis is beyond any memory.
inline constexpr int64_t kMaxExtent = int64_t{1} << 60;

// True when |a| over an axis of |in| elements stays within kMaxExtent (see above).
inline bool axis_fits(int64_t in, const Axis& a) {
  constexpr int64_t m = kMaxExtent;
  if (in < 0 || in > m || a.kernel < 1 || a.kernel > m || a.stride < 1 || a.stride > m) return false;
  if (a.pad < 0 || a.pad > m || a.dilation < 1 || a.dilation > m) return false;
  if (in + 2 * a.pad > m) return false;                        // each term <= 2^60: no overflow
  if ((a.kernel - 1) > (m - 1) / a.dilation) return false;     // dilation*(kernel-1) + 1 <= m
  return true;
}

// PyTorch's pooling_output_shape: floor/ceil((in + 2p - d(k-1) - 1) / s) + 1, and in ceil mode a
// last window that would start inside the right padding is dropped. May return < 1 (the caller
// reports that as an error). Requires axis_fits(in, a).
inline int64_t pooled_size(int64_t in, const Axis& a) {
  const int64_t span = in + 2 * a.pad - a.dilation * (a.kernel - 1) - 1;
  const int64_t numer = span + (a.ceil_mode ? a.stride - 1 : 0);
  // Floor division (numer may be negative for windows larger than the padded input).
  int64_t out = (numer >= 0 ? numer / a.stride : -((-numer + a.stride - 1) / a.stride)) + 1;
  if (a.ceil_mode && (out - 1) * a.stride >= in + a.pad) --out;
  return out;
}

// The taps k in [begin, end) of output position |o| whose input position
// o*stride - pad + k*dilation lies inside [0, in). Kernels loop over these only, so a window far
// larger than the input (a huge kernel_size with matching padding) costs no more than the input.
// |first_nonneg| is the first tap position >= 0, even when it lies past the end (PyTorch's
// starting guess for an empty max window's index). Requires axis_fits(in, a) and o < the
// pooled size.
struct TapRange {
  int64_t begin = 0;
  int64_t end = 0;
  int64_t first_nonneg = 0;
};
inline TapRange valid_taps(int64_t o, int64_t in, const Axis& a) {
  const int64_t base = o * a.stride - a.pad;
  TapRange r;
  r.begin = base >= 0 ? 0 : (-base + a.dilation - 1) / a.dilation;
  r.first_nonneg = base + r.begin * a.dilation;
  const int64_t past = in - base;  // taps with k*dilation < past are before the end
  r.end = past <= 0 ? 0 : std::min(a.kernel, (past + a.dilation - 1) / a.dilation);
  if (r.end < r.begin) r.end = r.begin;
  return r;
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

// Adaptive pooling's window on one axis: [floor(i*in/out), ceil((i+1)*in/out)). Shape inference
// requires in * out <= kMaxExtent (adaptive_fits), so (i + 1) * in cannot overflow.
inline bool adaptive_fits(int64_t in, int64_t out) {
  return in >= 0 && out >= 1 && in <= kMaxExtent && out <= kMaxExtent && (in == 0 || out <= kMaxExtent / in);
}
inline int64_t adaptive_start(int64_t i, int64_t in, int64_t out) { return (i * in) / out; }
inline int64_t adaptive_end(int64_t i, int64_t in, int64_t out) {
  return ((i + 1) * in + out - 1) / out;
}

}  // namespace poolkit
