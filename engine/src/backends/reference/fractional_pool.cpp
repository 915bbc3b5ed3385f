// Fractional max pooling (Graham 2014) with PyTorch 1.13's interval rule
// (graph/fractional_intervals.h). Each (n, c) plane has its own pair of samples:
//   - from the optional second input `samples`, shape [N, C, 2] ([1, C, 2] for an unbatched
//     [C, H, W] input), as PyTorch's `_random_samples`: [..., 0] is the width sample and
//     [..., 1] the height sample;
//   - otherwise from the counter-based generator: rng::uniform(seed, n, c, axis) with axis 0 the
//     width sample and axis 1 the height sample (the same order as the tensor's last axis).
// The output size is the output tensor's (shape inference resolved output_size/output_ratio).
#include <cmath>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "backends/reference/kernels.h"
#include "backends/reference/planes.h"
#include "graph/fractional_intervals.h"
#include "graph/kernel_input_checks.h"
#include "random/counter_rng.h"

namespace poolkit::reference {
namespace {

struct Samples {
  float w, h;
};

Samples samples_for(const FractionalMaxPool2dAttrs& a, const Inputs& inputs, const Shape& x_shape,
                    int64_t plane) {
  if (inputs.size() > 1 && inputs[1] != nullptr) {
    // [N, C, 2] row-major: plane p's pair sits at 2p, 2p + 1 (n*C + c = p).
    const std::span<const float> s = inputs[1]->data<float>();
    if (static_cast<int64_t>(s.size()) <= 2 * plane + 1) {
      fail_internal("fractional_max_pool2d", "samples of shape " + inputs[1]->shape().str() +
                                                 " for input " + x_shape.str());
    }
    const Samples pair{s[static_cast<size_t>(2 * plane)], s[static_cast<size_t>(2 * plane + 1)]};
    // A sample outside [0, 1) (or NaN) would place windows outside the input.
    check_fractional_sample(pair.w, plane, 0);
    check_fractional_sample(pair.h, plane, 1);
    return pair;
  }
  const PlaneKey key = plane_key(x_shape, plane);
  return {rng::uniform(a.seed, key.n, key.c, 0), rng::uniform(a.seed, key.n, key.c, 1)};
}

std::vector<int64_t> starts(float sample, int64_t in, int64_t out, int64_t pool) {
  std::vector<int64_t> result(static_cast<size_t>(out));
  for (int64_t i = 0; i < out; ++i) {
    const int64_t start = fractional_start(i, sample, in, out, pool);
    // Holds for every sample in [0, 1) when out + pool - 1 <= in (validation's rule).
    if (start < 0 || start + pool > in) {
      fail_internal("fractional_max_pool2d", "window " + std::to_string(i) + " starts at " +
                                                 std::to_string(start) + " on an axis of " +
                                                 std::to_string(in));
    }
    result[static_cast<size_t>(i)] = start;
  }
  return result;
}

}  // namespace

void run(const FractionalMaxPool2dAttrs& a, const Inputs& inputs, const Outputs& outputs) {
  const Shape& x_shape = inputs.at(0)->shape();
  const Planes in = planes_2d(x_shape, "fractional_max_pool2d");
  const Planes out = planes_2d(outputs.at(0)->shape(), "fractional_max_pool2d");
  expect_same_planes(in, out, "fractional_max_pool2d");
  const std::span<const float> x = inputs[0]->data<float>();
  const std::span<float> y = outputs[0]->data<float>();
  const std::span<int64_t> indices =
      outputs.size() > 1 ? outputs[1]->data<int64_t>() : std::span<int64_t>{};
  const Pair pool = a.kernel_size;
  for (int64_t p = 0; p < out.count; ++p) {
    const Samples s = samples_for(a, inputs, x_shape, p);
    const std::vector<int64_t> row_starts = starts(s.h, in.h, out.h, pool.h);
    const std::vector<int64_t> col_starts = starts(s.w, in.w, out.w, pool.w);
    const float* plane = x.data() + p * in.size();
    for (int64_t oh = 0; oh < out.h; ++oh) {
      const int64_t h0 = row_starts[static_cast<size_t>(oh)];
      for (int64_t ow = 0; ow < out.w; ++ow) {
        const int64_t w0 = col_starts[static_cast<size_t>(ow)];
        const PlaneMax best = max_over_rect(plane, in, h0, h0 + pool.h, w0, w0 + pool.w);
        const size_t o = static_cast<size_t>(p * out.size() + oh * out.w + ow);
        y[o] = best.value;
        if (!indices.empty()) indices[o] = best.index;
      }
    }
  }
}

}  // namespace poolkit::reference
