// How much work a node is for the reference backend's plain loops, so that a valid graph whose
// run would take minutes or hours is refused up front (Error{unsupported}, exit 2, naming the
// node) instead of appearing to hang.
//
// The unit is one visited tap (one input element read for one output element). Kernels visit only
// the taps inside the input (valid_taps), so a window counts at most min(kernel, input) taps per
// axis. Each output element also costs a fixed kPerOutput units (allocation, zero fill, loop and
// index overhead, writing it out). Measured on the development machine: about 1.5e9 taps per
// second for a 7x7 max pool, about 13 ns per output element for adaptive pooling. The limit,
// 2^34 ≈ 1.7e10 units, is therefore some ten seconds of loops: about 30 times the largest
// canonical workload (P6, 32x64x224x224 max 2x2: 5e8 units), and it refuses what fuzzing found
// (adaptive_max_pool2d to [2^31, 1] from a 4x4 input: 29 s and 8 GB; a 100x100 window over a
// 40000x40000 input: 1.6e13 taps, hours). Estimates are in double: they may exceed int64.
#pragma once

#include <algorithm>
#include <cstdint>
#include <variant>

#include "poolkit/graph.h"

namespace poolkit::reference {

inline constexpr double kReferenceMaxWork = 17179869184.0;  // 2^34
inline constexpr double kPerOutput = 16;

namespace work_detail {

inline double numel(const Shape& s) {
  double n = 1;
  for (int64_t d : s.dims()) n *= static_cast<double>(d);
  return n;
}
inline double axis_taps(int64_t kernel, int64_t in) { return static_cast<double>(std::max<int64_t>(1, std::min(kernel, in))); }

}  // namespace work_detail

inline double estimated_work(const Node& node, const Graph& graph) {
  using work_detail::axis_taps;
  using work_detail::numel;
  const Shape& in = graph.value(node.inputs.at(0)).shape;
  const Shape& out = graph.value(node.outputs.at(0)).shape;
  const double out_n = numel(out);
  const double in_n = numel(in);
  const int r = in.rank();
  const int64_t ih = r >= 2 ? in[r - 2] : 1, iw = r >= 1 ? in[r - 1] : 1;
  const auto window2d = [&](Pair k) { return out_n * axis_taps(k.h, ih) * axis_taps(k.w, iw); };
  const auto window1d = [&](int64_t k) { return out_n * axis_taps(k, iw); };
  const double work = std::visit(
      [&](const auto& a) -> double {
        using A = std::decay_t<decltype(a)>;
        if constexpr (std::is_same_v<A, MaxPool2dAttrs> || std::is_same_v<A, AvgPool2dAttrs> ||
                      std::is_same_v<A, LpPool2dAttrs> || std::is_same_v<A, StochasticPool2dAttrs> ||
                      std::is_same_v<A, FractionalMaxPool2dAttrs>) {
          return window2d(a.kernel_size);
        } else if constexpr (std::is_same_v<A, MaxPool1dAttrs> || std::is_same_v<A, AvgPool1dAttrs> ||
                             std::is_same_v<A, LpPool1dAttrs>) {
          return window1d(a.kernel_size);
        } else if constexpr (std::is_same_v<A, AdaptiveMaxPool2dAttrs> || std::is_same_v<A, AdaptiveAvgPool2dAttrs>) {
          // Windows overlap by at most one row/column: per plane about (IH + OH) x (IW + OW).
          const int ro = out.rank();
          const double planes = out_n / (static_cast<double>(out[ro - 2]) * static_cast<double>(out[ro - 1]));
          return planes * static_cast<double>(ih + out[ro - 2]) * static_cast<double>(iw + out[ro - 1]);
        } else if constexpr (std::is_same_v<A, Conv2dAttrs>) {
          const Shape& w = graph.value(node.inputs.at(1)).shape;
          return out_n * static_cast<double>(w[1]) * static_cast<double>(w[2]) * static_cast<double>(w[3]);
        } else {  // global pools, unpool, relu: one pass over input and output
          return in_n + out_n;
        }
      },
      node.attrs);
  return std::max(work, in_n + out_n) + kPerOutput * out_n;
}

}  // namespace poolkit::reference
