// Where fractional max pooling's windows start: PyTorch's `_random_samples` rule (Graham 2014,
// "pseudo-random" sequence), one pure function of the window index so that the Halide and GLSL
// backends can mirror it element by element.
//
// For |out| windows of |pool| elements over an axis of |in| elements and a sample u in [0, 1):
//   alpha    = (in - pool) / (out - 1)                       (float division)
//   start(i) = int((i + u) * alpha) - int(u * alpha)        for i < out - 1
//   start(out - 1) = in - pool                               (the last window ends at the edge)
// and when out == 1 the only window starts at in - pool. All arithmetic is float32, as PyTorch's
// CPU kernel does for float32 input (scalar_t = float): a double version picks different starts
// for some samples, so mirrors must stay in float and truncate toward zero (int(), not floor —
// the same here since every operand is >= 0). (i + u) * alpha is an add then a multiply: there is
// no multiply-add for a compiler to fuse.
//
// In a plane's [w-sample, h-sample] pair, sample 0 drives the width axis and sample 1 the height
// axis (checked against torch 1.13: F.fractional_max_pool2d on a 10×10 ramp, kernel 2, output
// 4×4, samples [0.9, 0.1] gives column starts 0, 3, 5, 8 and row starts 0, 2, 5, 8).
#pragma once

#include <cstdint>

namespace poolkit {

inline int64_t fractional_start(int64_t i, float sample, int64_t in, int64_t out, int64_t pool) {
  if (out == 1 || i == out - 1) return in - pool;
  const float alpha = static_cast<float>(in - pool) / static_cast<float>(out - 1);
  return static_cast<int64_t>(static_cast<int>((static_cast<float>(i) + sample) * alpha) -
                              static_cast<int>(sample * alpha));
}

}  // namespace poolkit
