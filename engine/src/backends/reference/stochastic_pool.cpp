// Stochastic pooling (Zeiler & Fergus 2013), written so every backend can reproduce it bit for
// bit (see StochasticPool2dAttrs in ops.h):
//   - a window's taps are its non-padding positions in row-major order; tap i weighs
//     w_i = max(a_i, 0);
//   - training: total = Σ w_i summed in float in tap order; a window with total <= 0 gives 0.
//     Otherwise u = rng::uniform(seed, n, c, oh*OW + ow), threshold = u * total (float), and the
//     pick is the first tap whose running float sum of weights exceeds threshold — or, should
//     rounding leave none, the last tap with w_i > 0. The output is that tap's activation.
//     Float (not double) sums are part of the contract: a GPU mirrors them exactly.
//   - inference: Σ w_i·a_i / Σ w_i (double), 0 when Σ w_i = 0.
//   - a window holding a NaN gives NaN in both modes (NaN propagates, as in max pooling; a NaN
//     weight would otherwise make the pick depend on comparison details).
// For an unbatched [C, H, W] input, n = 0.
#include <cmath>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "backends/reference/kernels.h"
#include "backends/reference/planes.h"
#include "graph/pool_geometry.h"
#include "random/counter_rng.h"

namespace poolkit::reference {
namespace {

// The activations of window (oh, ow), padding taps left out, in row-major order.
void gather_window(const float* plane, const Planes& in, const Window2d& win, int64_t oh,
                   int64_t ow, std::vector<float>& taps) {
  taps.clear();
  // Only the taps inside the input (a huge kernel with matching padding costs nothing extra).
  const TapRange rows = valid_taps(oh, in.h, win.h);
  const TapRange cols = valid_taps(ow, in.w, win.w);
  for (int64_t kh = rows.begin; kh < rows.end; ++kh) {
    const int64_t ih = oh * win.h.stride - win.h.pad + kh;
    for (int64_t kw = cols.begin; kw < cols.end; ++kw) {
      const int64_t iw = ow * win.w.stride - win.w.pad + kw;
      taps.push_back(plane[ih * in.w + iw]);
    }
  }
}

float weight(float a) { return a > 0.0f ? a : 0.0f; }

bool has_nan(const std::vector<float>& taps) {
  for (float a : taps) {
    if (std::isnan(a)) return true;
  }
  return false;
}

float sample_window(const std::vector<float>& taps, float u) {
  float total = 0.0f;
  for (float a : taps) total += weight(a);
  if (!(total > 0.0f)) return 0.0f;
  const float threshold = u * total;
  float running = 0.0f;
  for (float a : taps) {
    running += weight(a);
    if (running > threshold) return a;
  }
  // Rounding made threshold reach the total: take the last tap that carries weight.
  for (auto it = taps.rbegin(); it != taps.rend(); ++it) {
    if (weight(*it) > 0.0f) return *it;
  }
  return 0.0f;  // unreachable: total > 0 means some tap has weight
}

float expected_window(const std::vector<float>& taps) {
  double weighted = 0;
  double total = 0;
  for (float a : taps) {
    weighted += static_cast<double>(weight(a)) * a;
    total += weight(a);
  }
  return total > 0 ? static_cast<float>(weighted / total) : 0.0f;
}

}  // namespace

void run(const StochasticPool2dAttrs& a, const Inputs& inputs, const Outputs& outputs) {
  const Shape& x_shape = inputs.at(0)->shape();
  const Planes in = planes_2d(x_shape, "stochastic_pool2d");
  const Planes out = planes_2d(outputs.at(0)->shape(), "stochastic_pool2d");
  expect_same_planes(in, out, "stochastic_pool2d");
  const Window2d win = window_of(a);
  const std::span<const float> x = inputs[0]->data<float>();
  const std::span<float> y = outputs[0]->data<float>();
  std::vector<float> taps;
  for (int64_t p = 0; p < out.count; ++p) {
    const PlaneKey key = plane_key(x_shape, p);
    const float* plane = x.data() + p * in.size();
    for (int64_t oh = 0; oh < out.h; ++oh) {
      for (int64_t ow = 0; ow < out.w; ++ow) {
        gather_window(plane, in, win, oh, ow, taps);
        const uint32_t window = static_cast<uint32_t>(oh * out.w + ow);
        float result;
        if (has_nan(taps)) {
          result = std::numeric_limits<float>::quiet_NaN();
        } else if (a.training) {
          result = sample_window(taps, rng::uniform(a.seed, key.n, key.c, window));
        } else {
          result = expected_window(taps);
        }
        y[static_cast<size_t>(p * out.size() + oh * out.w + ow)] = result;
      }
    }
  }
}

}  // namespace poolkit::reference
