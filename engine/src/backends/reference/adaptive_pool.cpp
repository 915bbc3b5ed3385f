// Adaptive max and average pooling (PyTorch 1.13 CPU semantics): output cell (oh, ow) covers rows
// [adaptive_start(oh), adaptive_end(oh)) and the same for columns — the helpers shape inference
// uses, so windows and output sizes cannot disagree. Windows are never empty (OH <= H is enforced
// by validation, and even OH > H gives every cell at least one row).
#include <cmath>
#include <cstdint>
#include <limits>
#include <span>

#include "backends/reference/kernels.h"
#include "backends/reference/planes.h"
#include "graph/pool_geometry.h"

namespace poolkit::reference {
namespace {

struct Span1d {
  int64_t begin, end;
};
Span1d adaptive_span(int64_t o, int64_t in, int64_t out) {
  return {adaptive_start(o, in, out), adaptive_end(o, in, out)};
}

}  // namespace

void run(const AdaptiveMaxPool2dAttrs&, const Inputs& inputs, const Outputs& outputs) {
  const Planes in = planes_2d(inputs.at(0)->shape(), "adaptive_max_pool2d");
  const Planes out = planes_2d(outputs.at(0)->shape(), "adaptive_max_pool2d");
  expect_same_planes(in, out, "adaptive_max_pool2d");
  const std::span<const float> x = inputs[0]->data<float>();
  const std::span<float> y = outputs[0]->data<float>();
  const std::span<int64_t> indices =
      outputs.size() > 1 ? outputs[1]->data<int64_t>() : std::span<int64_t>{};
  for (int64_t p = 0; p < out.count; ++p) {
    const float* plane = x.data() + p * in.size();
    for (int64_t oh = 0; oh < out.h; ++oh) {
      const Span1d rows = adaptive_span(oh, in.h, out.h);
      for (int64_t ow = 0; ow < out.w; ++ow) {
        const Span1d cols = adaptive_span(ow, in.w, out.w);
        const PlaneMax best = max_over_rect(plane, in, rows.begin, rows.end, cols.begin, cols.end);
        const size_t o = static_cast<size_t>(p * out.size() + oh * out.w + ow);
        y[o] = best.value;
        if (!indices.empty()) indices[o] = best.index;
      }
    }
  }
}

void run(const AdaptiveAvgPool2dAttrs&, const Inputs& inputs, const Outputs& outputs) {
  const Planes in = planes_2d(inputs.at(0)->shape(), "adaptive_avg_pool2d");
  const Planes out = planes_2d(outputs.at(0)->shape(), "adaptive_avg_pool2d");
  expect_same_planes(in, out, "adaptive_avg_pool2d");
  const std::span<const float> x = inputs[0]->data<float>();
  const std::span<float> y = outputs[0]->data<float>();
  for (int64_t p = 0; p < out.count; ++p) {
    const float* plane = x.data() + p * in.size();
    for (int64_t oh = 0; oh < out.h; ++oh) {
      const Span1d rows = adaptive_span(oh, in.h, out.h);
      for (int64_t ow = 0; ow < out.w; ++ow) {
        const Span1d cols = adaptive_span(ow, in.w, out.w);
        double sum = 0;
        for (int64_t ih = rows.begin; ih < rows.end; ++ih) {
          for (int64_t iw = cols.begin; iw < cols.end; ++iw) sum += plane[ih * in.w + iw];
        }
        const double count = static_cast<double>((rows.end - rows.begin) * (cols.end - cols.begin));
        y[static_cast<size_t>(p * out.size() + oh * out.w + ow)] = static_cast<float>(sum / count);
      }
    }
  }
}

}  // namespace poolkit::reference
