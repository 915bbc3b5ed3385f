// Sliding-window max, average and Lp pooling, 2-D and 1-D (PyTorch 1.13 CPU semantics).
//
// 1-D ops run the 2-D code over planes of one row: window_of() maps their attributes to a 2-D
// window whose H axis is trivial (kernel 1, stride 1, no padding), so an index h*W + w is simply
// the position along L.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>

#include "backends/reference/kernels.h"
#include "backends/reference/planes.h"
#include "graph/pool_geometry.h"

namespace poolkit::reference {
namespace {

// Row or column of tap |k| of output position |o| along |a| (may lie in the padding).
int64_t tap(int64_t o, int64_t k, const Axis& a) { return o * a.stride - a.pad + k * a.dilation; }

// Max pooling of one window. Padding taps are skipped, so padding never wins. A tap replaces the
// running maximum when it is larger or NaN, so NaN propagates and the last NaN's index is kept.
// When no tap is taken (every tap -inf, or a dilated window that holds no input element) the
// value is -inf and the index is PyTorch's starting guess: the first tap row and column that are
// >= 0, even if that position lies past the end of the plane.
struct MaxResult {
  float value;
  int64_t index;
};
MaxResult max_window(const float* plane, const Planes& in, const Window2d& win, int64_t oh,
                     int64_t ow) {
  // Only the taps inside the input are visited (valid_taps), so a kernel far larger than the
  // input costs no more than the input itself.
  const TapRange rows = valid_taps(oh, in.h, win.h);
  const TapRange cols = valid_taps(ow, in.w, win.w);
  MaxResult best{-std::numeric_limits<float>::infinity(), rows.first_nonneg * in.w + cols.first_nonneg};
  for (int64_t kh = rows.begin; kh < rows.end; ++kh) {
    const int64_t ih = tap(oh, kh, win.h);
    for (int64_t kw = cols.begin; kw < cols.end; ++kw) {
      const int64_t iw = tap(ow, kw, win.w);
      const float v = plane[ih * in.w + iw];
      if (v > best.value || std::isnan(v)) best = {v, ih * in.w + iw};
    }
  }
  return best;
}

// Average of one window, as PyTorch's CPU kernel: the window is first cut at the far edge of
// the explicit padding (so the ceil-mode overhang is never counted), its size there is the
// count_include_pad divisor; then it is clipped to the input for the sum and the valid count.
float avg_window(const float* plane, const Planes& in, const Window2d& win, int64_t oh, int64_t ow,
                 bool count_include_pad, std::optional<int64_t> divisor_override) {
  int64_t h0 = oh * win.h.stride - win.h.pad;
  int64_t w0 = ow * win.w.stride - win.w.pad;
  int64_t h1 = std::min(h0 + win.h.kernel, in.h + win.h.pad);
  int64_t w1 = std::min(w0 + win.w.kernel, in.w + win.w.pad);
  // In double: a window far larger than the input (huge kernel and padding) has a padded size
  // beyond int64, and the mean over it is still well defined (close to 0).
  const double padded_size = static_cast<double>(h1 - h0) * static_cast<double>(w1 - w0);
  h0 = std::max<int64_t>(h0, 0);
  w0 = std::max<int64_t>(w0, 0);
  h1 = std::min(h1, in.h);
  w1 = std::min(w1, in.w);
  if (h0 >= h1 || w0 >= w1) return 0.0f;  // the window holds no input element
  double sum = 0;
  for (int64_t ih = h0; ih < h1; ++ih) {
    for (int64_t iw = w0; iw < w1; ++iw) sum += plane[ih * in.w + iw];
  }
  const double divisor = divisor_override ? static_cast<double>(*divisor_override)
                         : count_include_pad ? padded_size
                                             : static_cast<double>((h1 - h0) * (w1 - w0));
  return static_cast<float>(sum / divisor);
}

// (Σ|x|^p)^(1/p) over the window's taps inside the input (Lp pooling has no padding; a ceil-mode
// window hanging over the edge keeps only its taps inside).
float lp_window(const float* plane, const Planes& in, const Window2d& win, int64_t oh, int64_t ow,
                double p) {
  double sum = 0;
  const TapRange rows = valid_taps(oh, in.h, win.h);
  const TapRange cols = valid_taps(ow, in.w, win.w);
  for (int64_t kh = rows.begin; kh < rows.end; ++kh) {
    const int64_t ih = tap(oh, kh, win.h);
    for (int64_t kw = cols.begin; kw < cols.end; ++kw) {
      const int64_t iw = tap(ow, kw, win.w);
      sum += std::pow(std::fabs(static_cast<double>(plane[ih * in.w + iw])), p);
    }
  }
  return static_cast<float>(std::pow(sum, 1.0 / p));
}

// Calls |fn(in_plane, out_offset, oh, ow)| for every output element, plane by plane.
template <class Fn>
void for_each_window(const Planes& in, const Planes& out, const float* x, Fn&& fn) {
  for (int64_t p = 0; p < out.count; ++p) {
    const float* plane = x + p * in.size();
    for (int64_t oh = 0; oh < out.h; ++oh) {
      for (int64_t ow = 0; ow < out.w; ++ow) fn(plane, p * out.size() + oh * out.w + ow, oh, ow);
    }
  }
}

using PlanesOf = Planes (*)(const Shape&, const std::string&);

void max_pool(const Window2d& win, PlanesOf planes_of, const std::string& op, const Inputs& inputs,
              const Outputs& outputs) {
  const Planes in = planes_of(inputs.at(0)->shape(), op);
  const Planes out = planes_of(outputs.at(0)->shape(), op);
  expect_same_planes(in, out, op);
  const std::span<const float> x = inputs[0]->data<float>();
  const std::span<float> y = outputs[0]->data<float>();
  const std::span<int64_t> indices =
      outputs.size() > 1 ? outputs[1]->data<int64_t>() : std::span<int64_t>{};
  for_each_window(in, out, x.data(), [&](const float* plane, int64_t o, int64_t oh, int64_t ow) {
    const MaxResult r = max_window(plane, in, win, oh, ow);
    y[static_cast<size_t>(o)] = r.value;
    if (!indices.empty()) indices[static_cast<size_t>(o)] = r.index;
  });
}

void avg_pool(const Window2d& win, bool count_include_pad, std::optional<int64_t> divisor_override,
              PlanesOf planes_of, const std::string& op, const Inputs& inputs,
              const Outputs& outputs) {
  const Planes in = planes_of(inputs.at(0)->shape(), op);
  const Planes out = planes_of(outputs.at(0)->shape(), op);
  expect_same_planes(in, out, op);
  const std::span<const float> x = inputs[0]->data<float>();
  const std::span<float> y = outputs[0]->data<float>();
  for_each_window(in, out, x.data(), [&](const float* plane, int64_t o, int64_t oh, int64_t ow) {
    y[static_cast<size_t>(o)] =
        avg_window(plane, in, win, oh, ow, count_include_pad, divisor_override);
  });
}

void lp_pool(const Window2d& win, double norm_type, PlanesOf planes_of, const std::string& op,
             const Inputs& inputs, const Outputs& outputs) {
  const Planes in = planes_of(inputs.at(0)->shape(), op);
  const Planes out = planes_of(outputs.at(0)->shape(), op);
  expect_same_planes(in, out, op);
  const std::span<const float> x = inputs[0]->data<float>();
  const std::span<float> y = outputs[0]->data<float>();
  for_each_window(in, out, x.data(), [&](const float* plane, int64_t o, int64_t oh, int64_t ow) {
    y[static_cast<size_t>(o)] = lp_window(plane, in, win, oh, ow, norm_type);
  });
}

}  // namespace

void run(const MaxPool2dAttrs& a, const Inputs& inputs, const Outputs& outputs) {
  max_pool(window_of(a), planes_2d, "max_pool2d", inputs, outputs);
}
void run(const AvgPool2dAttrs& a, const Inputs& inputs, const Outputs& outputs) {
  avg_pool(window_of(a), a.count_include_pad, a.divisor_override, planes_2d, "avg_pool2d", inputs,
           outputs);
}
void run(const LpPool2dAttrs& a, const Inputs& inputs, const Outputs& outputs) {
  lp_pool(window_of(a), a.norm_type, planes_2d, "lp_pool2d", inputs, outputs);
}
void run(const MaxPool1dAttrs& a, const Inputs& inputs, const Outputs& outputs) {
  max_pool(window_of(a), planes_1d, "max_pool1d", inputs, outputs);
}
void run(const AvgPool1dAttrs& a, const Inputs& inputs, const Outputs& outputs) {
  avg_pool(window_of(a), a.count_include_pad, std::nullopt, planes_1d, "avg_pool1d", inputs,
           outputs);
}
void run(const LpPool1dAttrs& a, const Inputs& inputs, const Outputs& outputs) {
  lp_pool(window_of(a), a.norm_type, planes_1d, "lp_pool1d", inputs, outputs);
}

}  // namespace poolkit::reference
