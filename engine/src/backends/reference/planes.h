// How the reference kernels see a tensor: a stack of independent planes.
//
// 2-D ops take [N, C, H, W] or unbatched [C, H, W]: every leading dimension is a plane index and
// the last two are the plane's rows and columns. 1-D ops take [N, C, L] or [C, L] and run as 2-D
// ops over planes of one row (H = 1, W = L), so one loop nest serves both.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

#include "poolkit/errors.h"
#include "poolkit/tensor.h"

namespace poolkit::reference {

struct Planes {
  int64_t count = 0;  // product of the leading dimensions
  int64_t h = 1;
  int64_t w = 1;
  int64_t size() const { return h * w; }
};

// A mismatch here is a bug in shape inference or the dispatcher, not in the user's input.
[[noreturn]] inline void fail_internal(const std::string& op, const std::string& what) {
  fail_runtime("reference " + op + ": internal error: " + what);
}

inline Planes planes_2d(const Shape& s, const std::string& op) {
  if (s.rank() < 2) fail_internal(op, "tensor of shape " + s.str() + " has no H, W axes");
  Planes p{1, s[s.rank() - 2], s[s.rank() - 1]};
  for (int i = 0; i < s.rank() - 2; ++i) p.count *= s[i];
  return p;
}

inline Planes planes_1d(const Shape& s, const std::string& op) {
  if (s.rank() < 1) fail_internal(op, "tensor of shape " + s.str() + " has no L axis");
  Planes p{1, 1, s.back()};
  for (int i = 0; i < s.rank() - 1; ++i) p.count *= s[i];
  return p;
}

// The (n, c) pair of plane |plane| for the counter-based generator: [N, C, ...] planes are
// numbered n*C + c; an unbatched [C, H, W] tensor has n = 0.
struct PlaneKey {
  uint32_t n = 0;
  uint32_t c = 0;
};
inline PlaneKey plane_key(const Shape& s, int64_t plane) {
  if (s.rank() >= 4) {
    const int64_t channels = s[1];
    return {static_cast<uint32_t>(plane / channels), static_cast<uint32_t>(plane % channels)};
  }
  return {0, static_cast<uint32_t>(plane)};
}

inline void expect_same_planes(const Planes& in, const Planes& out, const std::string& op) {
  if (in.count != out.count) {
    fail_internal(op, "input has " + std::to_string(in.count) + " planes, output " +
                          std::to_string(out.count));
  }
}

// Max over the rectangle [h0, h1) x [w0, w1) of one plane with max_pool2d's update rule (a tap
// takes over when larger or NaN: NaN wins and the last NaN's index is kept). An all -inf window
// reports its first element, as PyTorch does. Index = h * W + w within the plane.
struct PlaneMax {
  float value;
  int64_t index;
};
inline PlaneMax max_over_rect(const float* plane, const Planes& in, int64_t h0, int64_t h1, int64_t w0, int64_t w1) {
  PlaneMax best{-std::numeric_limits<float>::infinity(), h0 * in.w + w0};
  for (int64_t ih = h0; ih < h1; ++ih) {
    for (int64_t iw = w0; iw < w1; ++iw) {
      const float v = plane[ih * in.w + iw];
      if (v > best.value || std::isnan(v)) best = {v, ih * in.w + iw};
    }
  }
  return best;
}

}  // namespace poolkit::reference
