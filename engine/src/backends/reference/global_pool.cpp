// Global max, average and Lp pooling: each (n, c) plane — everything after the first two axes,
// for [N, C, H, W] and [N, C, L] inputs alike — reduces to one value (output N×C×1×1 or N×C×1).
#include <cmath>
#include <cstdint>
#include <limits>
#include <span>
#include <string>

#include "backends/reference/kernels.h"
#include "backends/reference/planes.h"

namespace poolkit::reference {
namespace {

// The (N·C) planes of a global pool's input, each of |spatial| contiguous elements.
struct GlobalPlanes {
  int64_t count = 0;
  int64_t spatial = 0;
};
GlobalPlanes global_planes(const Tensor& x, const Tensor& y, const std::string& op) {
  const Shape& s = x.shape();
  if (s.rank() < 3) fail_internal(op, "input of shape " + s.str() + " has no spatial axes");
  const int64_t count = s[0] * s[1];
  if (y.numel() != count) {
    fail_internal(op, "output of shape " + y.shape().str() + " for input " + s.str());
  }
  return {count, count == 0 ? 0 : x.numel() / count};
}

}  // namespace

void run(const GlobalMaxPoolAttrs&, const Inputs& inputs, const Outputs& outputs) {
  const GlobalPlanes g = global_planes(*inputs.at(0), *outputs.at(0), "global_max_pool");
  const std::span<const float> x = inputs[0]->data<float>();
  const std::span<float> y = outputs[0]->data<float>();
  for (int64_t p = 0; p < g.count; ++p) {
    // max_pool2d's update rule: a NaN anywhere in the plane makes the result NaN.
    float best = -std::numeric_limits<float>::infinity();
    for (int64_t i = 0; i < g.spatial; ++i) {
      const float v = x[static_cast<size_t>(p * g.spatial + i)];
      if (v > best || std::isnan(v)) best = v;
    }
    y[static_cast<size_t>(p)] = best;
  }
}

void run(const GlobalAvgPoolAttrs&, const Inputs& inputs, const Outputs& outputs) {
  const GlobalPlanes g = global_planes(*inputs.at(0), *outputs.at(0), "global_avg_pool");
  const std::span<const float> x = inputs[0]->data<float>();
  const std::span<float> y = outputs[0]->data<float>();
  for (int64_t p = 0; p < g.count; ++p) {
    double sum = 0;
    for (int64_t i = 0; i < g.spatial; ++i) sum += x[static_cast<size_t>(p * g.spatial + i)];
    y[static_cast<size_t>(p)] = static_cast<float>(sum / static_cast<double>(g.spatial));
  }
}

void run(const GlobalLpPoolAttrs& a, const Inputs& inputs, const Outputs& outputs) {
  const GlobalPlanes g = global_planes(*inputs.at(0), *outputs.at(0), "global_lp_pool");
  const std::span<const float> x = inputs[0]->data<float>();
  const std::span<float> y = outputs[0]->data<float>();
  for (int64_t p = 0; p < g.count; ++p) {
    double sum = 0;
    for (int64_t i = 0; i < g.spatial; ++i) {
      sum += std::pow(std::fabs(static_cast<double>(x[static_cast<size_t>(p * g.spatial + i)])),
                      a.norm_type);
    }
    y[static_cast<size_t>(p)] = static_cast<float>(std::pow(sum, 1.0 / a.norm_type));
  }
}

}  // namespace poolkit::reference
