// The reference backend on cases small enough to work out by hand (or pinned to what
// torch 1.13 returned, where the case is about PyTorch's corner-case behaviour). Every case
// runs through the public API: Graph::add + Session(graph, "reference").run.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "poolkit/poolkit.h"
#include "support/compare.h"
#include "support/run_node.h"

namespace {

using namespace poolkit;
using test::compare_tensors;
using test::kDefaultTolerance;
using test::kExact;

constexpr float kInf = std::numeric_limits<float>::infinity();
const float kNaN = std::numeric_limits<float>::quiet_NaN();

using test::run_node;

Tensor floats(Shape shape, std::vector<float> values) { return Tensor::from_vector(std::move(shape), values); }
Tensor ints(Shape shape, std::vector<int64_t> values) { return Tensor::from_vector(std::move(shape), values); }

// 1, 2, ..., n in the given shape.
Tensor ramp(Shape shape) {
  std::vector<float> v(static_cast<size_t>(shape.numel()));
  for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<float>(i + 1);
  return floats(std::move(shape), v);
}

// The worked window of the issue: [[5, 6], [7, 9]].
Tensor window_5679() { return floats({1, 1, 2, 2}, {5, 6, 7, 9}); }

}  // namespace

TEST_CASE("one 2x2 window 5 6 7 9: max 9 at index 3, avg 6.75, L2 sqrt(191), L1 27",
          "[reference]") {
  const auto max = run_node(MaxPool2dAttrs{.kernel_size = {2, 2}, .return_indices = true}, {window_5679()});
  CHECK(compare_tensors(max[0], floats({1, 1, 1, 1}, {9}), kExact) == "");
  CHECK(compare_tensors(max[1], ints({1, 1, 1, 1}, {3}), kExact) == "");

  const auto avg = run_node(AvgPool2dAttrs{.kernel_size = {2, 2}}, {window_5679()});
  CHECK(compare_tensors(avg[0], floats({1, 1, 1, 1}, {6.75f}), kDefaultTolerance) == "");

  const auto l2 = run_node(LpPool2dAttrs{.norm_type = 2, .kernel_size = {2, 2}}, {window_5679()});
  CHECK(compare_tensors(l2[0], floats({1, 1, 1, 1}, {static_cast<float>(std::sqrt(191.0))}),
                        kDefaultTolerance) == "");

  const auto l1 = run_node(LpPool2dAttrs{.norm_type = 1, .kernel_size = {2, 2}}, {window_5679()});
  CHECK(compare_tensors(l1[0], floats({1, 1, 1, 1}, {27}), kDefaultTolerance) == "");
}

TEST_CASE("the same window as a 1-D signal 5 6 7 9 with kernel 4", "[reference]") {
  const Tensor x = floats({1, 1, 4}, {5, 6, 7, 9});
  const auto max = run_node(MaxPool1dAttrs{.kernel_size = 4, .return_indices = true}, {x});
  CHECK(compare_tensors(max[0], floats({1, 1, 1}, {9}), kExact) == "");
  CHECK(compare_tensors(max[1], ints({1, 1, 1}, {3}), kExact) == "");
  CHECK(compare_tensors(run_node(AvgPool1dAttrs{.kernel_size = 4}, {x})[0], floats({1, 1, 1}, {6.75f}),
                        kDefaultTolerance) == "");
  CHECK(compare_tensors(run_node(LpPool1dAttrs{.norm_type = 2, .kernel_size = 4}, {x})[0],
                        floats({1, 1, 1}, {static_cast<float>(std::sqrt(191.0))}), kDefaultTolerance) == "");
}

TEST_CASE("max_pool2d 2x2/s2 on a 4x4 ramp: values and per-plane indices h*W+w", "[reference]") {
  // 1  2  3  4
  // 5  6  7  8
  // 9 10 11 12
  // 13 14 15 16   — each window's max is its bottom-right element.
  const auto out = run_node(MaxPool2dAttrs{.kernel_size = {2, 2}, .return_indices = true}, {ramp({1, 2, 4, 4})});
  CHECK(compare_tensors(out[0], floats({1, 2, 2, 2}, {6, 8, 14, 16, 22, 24, 30, 32}), kExact) == "");
  // Indices are per plane: the second channel repeats the first channel's positions.
  CHECK(compare_tensors(out[1], ints({1, 2, 2, 2}, {5, 7, 13, 15, 5, 7, 13, 15}), kExact) == "");
}

TEST_CASE("unbatched C x H x W input pools each channel as a plane", "[reference]") {
  const auto out = run_node(MaxPool2dAttrs{.kernel_size = {2, 2}, .return_indices = true}, {ramp({2, 2, 2})});
  CHECK(compare_tensors(out[0], floats({2, 1, 1}, {4, 8}), kExact) == "");
  CHECK(compare_tensors(out[1], ints({2, 1, 1}, {3, 3}), kExact) == "");
}

TEST_CASE("max pool padding never wins, even over negative values", "[reference]") {
  // 3x3 of -1..-9, kernel 3, stride 1, padding 1: a zero pad would win every window if counted.
  std::vector<float> v(9);
  for (int i = 0; i < 9; ++i) v[static_cast<size_t>(i)] = -static_cast<float>(i + 1);
  const auto out = run_node(
      MaxPool2dAttrs{.kernel_size = {3, 3}, .stride = Pair{1, 1}, .padding = {1, 1}, .return_indices = true},
      {floats({1, 1, 3, 3}, v)});
  // Each output is the top-left valid tap: -1 -1 -2 / -1 -1 -2 / -4 -4 -5.
  CHECK(compare_tensors(out[0], floats({1, 1, 3, 3}, {-1, -1, -2, -1, -1, -2, -4, -4, -5}), kExact) == "");
  CHECK(compare_tensors(out[1], ints({1, 1, 3, 3}, {0, 0, 1, 0, 0, 1, 3, 3, 4}), kExact) == "");
}

TEST_CASE("ceil mode keeps the partial last window", "[reference]") {
  // 5x5 ramp, 2x2/s2: floor mode gives 2x2, ceil mode 3x3 whose last row/column hold 1-wide windows.
  const auto max = run_node(MaxPool2dAttrs{.kernel_size = {2, 2}, .ceil_mode = true, .return_indices = true},
                            {ramp({1, 1, 5, 5})});
  CHECK(compare_tensors(max[0], floats({1, 1, 3, 3}, {7, 9, 10, 17, 19, 20, 22, 24, 25}), kExact) == "");
  CHECK(compare_tensors(max[1], ints({1, 1, 3, 3}, {6, 8, 9, 16, 18, 19, 21, 23, 24}), kExact) == "");
  // The overhang is not padding: count_include_pad=true still divides the corner by 1
  // (torch: [[4, 6, 7.5], [14, 16, 17.5], [21.5, 23.5, 25]]).
  const auto avg = run_node(AvgPool2dAttrs{.kernel_size = {2, 2}, .ceil_mode = true, .count_include_pad = true},
                            {ramp({1, 1, 5, 5})});
  CHECK(compare_tensors(avg[0], floats({1, 1, 3, 3}, {4, 6, 7.5f, 14, 16, 17.5f, 21.5f, 23.5f, 25}),
                        kDefaultTolerance) == "");
}

TEST_CASE("ceil mode drops a last window that would start in the right padding", "[reference]") {
  // L=5, kernel 2, stride 2, padding 1: ceil((5+2-2)/2)+1 = 4 windows by the formula, but the 4th
  // would start at position 5, in the right padding, so it is dropped.
  // Windows {pad,1} {2,3} {4,5} → torch: [1, 3, 5].
  const auto out = run_node(MaxPool1dAttrs{.kernel_size = 2, .stride = 2, .padding = 1, .ceil_mode = true},
                            {ramp({1, 1, 5})});
  CHECK(compare_tensors(out[0], floats({1, 1, 3}, {1, 3, 5}), kExact) == "");
}

TEST_CASE("avg pool: count_include_pad both ways and divisor_override", "[reference]") {
  // 5x5 ramp, 3x3/s2/p1, ceil mode. The corner window holds 1, 2, 6, 7 (sum 16) and five pads.
  const Tensor x = ramp({1, 1, 5, 5});
  const AvgPool2dAttrs base{.kernel_size = {3, 3}, .stride = Pair{2, 2}, .padding = {1, 1}, .ceil_mode = true};

  AvgPool2dAttrs include = base;
  include.count_include_pad = true;
  // Divisors: 9 everywhere (explicit padding counts; the windows end at H + pad exactly).
  // Sums: row 0: 16, 33, 28; row 1: 69, 117, 87; row 2: 76, 123, 88 — as torch returns.
  CHECK(compare_tensors(run_node(include, {x})[0],
                        floats({1, 1, 3, 3}, {16 / 9.f, 33 / 9.f, 28 / 9.f, 69 / 9.f, 13, 87 / 9.f, 76 / 9.f,
                                              123 / 9.f, 88 / 9.f}),
                        kDefaultTolerance) == "");

  AvgPool2dAttrs exclude = base;
  exclude.count_include_pad = false;
  // Divisors = valid taps: corners 4, edges 6, centre 9.
  CHECK(compare_tensors(run_node(exclude, {x})[0],
                        floats({1, 1, 3, 3}, {4, 5.5f, 7, 11.5f, 13, 14.5f, 19, 20.5f, 22}),
                        kDefaultTolerance) == "");

  AvgPool2dAttrs override_two = base;
  override_two.divisor_override = 2;
  CHECK(compare_tensors(run_node(override_two, {x})[0],
                        floats({1, 1, 3, 3}, {8, 16.5f, 14, 34.5f, 58.5f, 43.5f, 38, 61.5f, 44}),
                        kDefaultTolerance) == "");
}

TEST_CASE("avg_pool1d with padding and ceil mode (torch: 0.5, 2.5, 4.5)", "[reference]") {
  // [1 2 3 4 5], kernel 2, stride 2, padding 1: windows {pad,1}, {2,3}, {4,5}, each divided by 2.
  const auto out = run_node(AvgPool1dAttrs{.kernel_size = 2, .stride = 2, .padding = 1, .ceil_mode = true},
                            {ramp({1, 1, 5})});
  CHECK(compare_tensors(out[0], floats({1, 1, 3}, {0.5f, 2.5f, 4.5f}), kDefaultTolerance) == "");
}

TEST_CASE("max pool dilation picks every d-th element", "[reference]") {
  // 4x4 ramp, kernel 2, dilation 2, stride 1: window (0,0) reads (0,0) (0,2) (2,0) (2,2) = 1 3 9 11.
  const auto out = run_node(
      MaxPool2dAttrs{.kernel_size = {2, 2}, .stride = Pair{1, 1}, .dilation = {2, 2}, .return_indices = true},
      {ramp({1, 1, 4, 4})});
  CHECK(compare_tensors(out[0], floats({1, 1, 2, 2}, {11, 12, 15, 16}), kExact) == "");
  CHECK(compare_tensors(out[1], ints({1, 1, 2, 2}, {10, 11, 14, 15}), kExact) == "");
}

TEST_CASE("a dilated window holding no input element: -inf and PyTorch's index", "[reference]") {
  // [1, 2], kernel 2, dilation 3, padding 1: the one window's taps are at -1 and 2, both outside.
  // torch 1.13 returns (-inf, 2): its starting index steps -1 forward by the dilation to 2.
  const auto out = run_node(
      MaxPool1dAttrs{.kernel_size = 2, .stride = 1, .padding = 1, .dilation = 3, .return_indices = true},
      {floats({1, 1, 2}, {1, 2})});
  CHECK(compare_tensors(out[0], floats({1, 1, 1}, {-kInf}), kExact) == "");
  CHECK(compare_tensors(out[1], ints({1, 1, 1}, {2}), kExact) == "");
  // The 2-D version: 2x2 input, same window on both axes: torch gives index 2*2 + 2 = 6.
  const auto out2 = run_node(MaxPool2dAttrs{.kernel_size = {2, 2}, .stride = Pair{1, 1}, .padding = {1, 1},
                                            .dilation = {3, 3}, .return_indices = true},
                             {ramp({1, 1, 2, 2})});
  CHECK(compare_tensors(out2[1], ints({1, 1, 1, 1}, {6}), kExact) == "");
}

TEST_CASE("NaN propagates through max pooling, the last NaN's index wins", "[reference]") {
  const Tensor x = floats({1, 1, 5}, {1, kNaN, 3, kNaN, 2});
  const auto out = run_node(MaxPool1dAttrs{.kernel_size = 5, .return_indices = true}, {x});
  CHECK(std::isnan(out[0].data<float>()[0]));
  CHECK(compare_tensors(out[1], ints({1, 1, 1}, {3}), kExact) == "");

  const auto adaptive = run_node(AdaptiveMaxPool2dAttrs{.output_size = {1, 1}, .return_indices = true},
                                 {floats({1, 1, 2, 3}, {1, kNaN, 3, kNaN, 2, 5})});
  CHECK(std::isnan(adaptive[0].data<float>()[0]));
  CHECK(compare_tensors(adaptive[1], ints({1, 1, 1, 1}, {3}), kExact) == "");

  const auto global = run_node(GlobalMaxPoolAttrs{}, {floats({1, 1, 2, 2}, {1, kNaN, 9, 2})});
  CHECK(std::isnan(global[0].data<float>()[0]));
}

TEST_CASE("an all -inf window gives -inf at its first valid tap", "[reference]") {
  // torch: 3x3 of -inf, kernel 2, stride 2, padding 1, ceil mode → indices [[0, 1], [3, 4]].
  const Tensor x = floats({1, 1, 3, 3}, std::vector<float>(9, -kInf));
  const auto out = run_node(MaxPool2dAttrs{.kernel_size = {2, 2}, .stride = Pair{2, 2}, .padding = {1, 1},
                                           .ceil_mode = true, .return_indices = true},
                            {x});
  CHECK(compare_tensors(out[0], floats({1, 1, 2, 2}, {-kInf, -kInf, -kInf, -kInf}), kExact) == "");
  CHECK(compare_tensors(out[1], ints({1, 1, 2, 2}, {0, 1, 3, 4}), kExact) == "");
}

TEST_CASE("Lp pooling over a ceil-mode overhang uses the valid taps only", "[reference]") {
  // [3, 4, 12], kernel 2, ceil mode: windows {3, 4} → 5 and {12} → 12.
  const auto out = run_node(LpPool1dAttrs{.norm_type = 2, .kernel_size = 2, .ceil_mode = true},
                            {floats({1, 1, 3}, {3, 4, 12})});
  CHECK(compare_tensors(out[0], floats({1, 1, 2}, {5, 12}), kDefaultTolerance) == "");
}

TEST_CASE("adaptive pooling windows floor(i*H/OH) to ceil((i+1)*H/OH)", "[reference]") {
  // 3x3 ramp to 2x2: rows {0,1} and {1,2}, columns likewise — overlapping windows.
  const Tensor x = ramp({1, 1, 3, 3});
  const auto max = run_node(AdaptiveMaxPool2dAttrs{.output_size = {2, 2}, .return_indices = true}, {x});
  CHECK(compare_tensors(max[0], floats({1, 1, 2, 2}, {5, 6, 8, 9}), kExact) == "");
  CHECK(compare_tensors(max[1], ints({1, 1, 2, 2}, {4, 5, 7, 8}), kExact) == "");
  const auto avg = run_node(AdaptiveAvgPool2dAttrs{.output_size = {2, 2}}, {x});
  CHECK(compare_tensors(avg[0], floats({1, 1, 2, 2}, {3, 4, 6, 7}), kDefaultTolerance) == "");
  // 1x5 row to width 3: [0,2) [1,4) [3,5) → means 1.5, 3, 4.5.
  const auto row = run_node(AdaptiveAvgPool2dAttrs{.output_size = {1, 3}}, {ramp({1, 1, 1, 5})});
  CHECK(compare_tensors(row[0], floats({1, 1, 1, 3}, {1.5f, 3, 4.5f}), kDefaultTolerance) == "");
}

TEST_CASE("global pooling reduces each (n, c) plane to one value", "[reference]") {
  const Tensor x = floats({1, 2, 2, 2}, {5, 6, 7, 9, -1, -2, -3, -4});
  CHECK(compare_tensors(run_node(GlobalMaxPoolAttrs{}, {x})[0], floats({1, 2, 1, 1}, {9, -1}), kExact) == "");
  CHECK(compare_tensors(run_node(GlobalAvgPoolAttrs{}, {x})[0], floats({1, 2, 1, 1}, {6.75f, -2.5f}),
                        kDefaultTolerance) == "");
  CHECK(compare_tensors(run_node(GlobalLpPoolAttrs{.norm_type = 2}, {x})[0],
                        floats({1, 2, 1, 1}, {static_cast<float>(std::sqrt(191.0)),
                                              static_cast<float>(std::sqrt(30.0))}),
                        kDefaultTolerance) == "");
  // [N, C, L] input: the plane is the L axis.
  CHECK(compare_tensors(run_node(GlobalAvgPoolAttrs{}, {floats({1, 1, 4}, {1, 2, 3, 6})})[0],
                        floats({1, 1, 1}, {3}), kDefaultTolerance) == "");
}

TEST_CASE("fractional max pool with given samples matches torch's windows", "[reference]") {
  // torch 1.13, 10x10 ramp 0..99, kernel 2, output 4x4, _random_samples [[[0.9, 0.1]]]:
  // sample 0 (0.9) drives columns: starts 0, 3, 5, 8; sample 1 (0.1) drives rows: 0, 2, 5, 8.
  std::vector<float> v(100);
  for (int i = 0; i < 100; ++i) v[static_cast<size_t>(i)] = static_cast<float>(i);
  const auto out = run_node(
      FractionalMaxPool2dAttrs{.kernel_size = {2, 2}, .output_size = Pair{4, 4}, .return_indices = true},
      {floats({1, 1, 10, 10}, v), floats({1, 1, 2}, {0.9f, 0.1f})});
  const std::vector<int64_t> want = {11, 14, 16, 19, 31, 34, 36, 39, 61, 64, 66, 69, 91, 94, 96, 99};
  CHECK(compare_tensors(out[1], ints({1, 1, 4, 4}, want), kExact) == "");
  CHECK(compare_tensors(out[0], floats({1, 1, 4, 4}, std::vector<float>(want.begin(), want.end())), kExact) == "");
}

TEST_CASE("fractional max pool: one output window starts at in - pool", "[reference]") {
  // torch: 5x5 ramp 0..24, kernel 2, output 1x1 → the window at rows/cols 3..4, max 24.
  std::vector<float> v(25);
  for (int i = 0; i < 25; ++i) v[static_cast<size_t>(i)] = static_cast<float>(24 - i);  // max top-left
  const auto out = run_node(
      FractionalMaxPool2dAttrs{.kernel_size = {2, 2}, .output_size = Pair{1, 1}, .return_indices = true},
      {floats({1, 5, 5}, v), floats({1, 1, 2}, {0.5f, 0.5f})});
  CHECK(compare_tensors(out[0], floats({1, 1, 1}, {6}), kExact) == "");  // element (3, 3)
  CHECK(compare_tensors(out[1], ints({1, 1, 1}, {18}), kExact) == "");
}

TEST_CASE("stochastic pool: inference is sum(a^2)/sum(a) over non-negative weights", "[reference]") {
  // Window [1, 2, 3, 0]: (1 + 4 + 9) / 6. Window [-5, 2, 2, 0]: -5 weighs 0 → (4 + 4) / 4 = 2.
  const Tensor x = floats({2, 2, 2}, {1, 2, 3, 0, -5, 2, 2, 0});
  const auto out = run_node(StochasticPool2dAttrs{.kernel_size = {2, 2}, .training = false}, {x});
  CHECK(compare_tensors(out[0], floats({2, 1, 1}, {14.f / 6.f, 2}), kDefaultTolerance) == "");
}

TEST_CASE("stochastic pool: a window with one positive activation always picks it", "[reference]") {
  const Tensor x = floats({1, 1, 2, 2}, {-1, 0, 3, -7});
  for (uint64_t seed = 0; seed < 20; ++seed) {
    const auto out = run_node(StochasticPool2dAttrs{.kernel_size = {2, 2}, .seed = seed}, {x});
    CHECK(out[0].data<float>()[0] == 3.0f);
  }
}

TEST_CASE("stochastic pool: padding taps are not part of the window", "[reference]") {
  // 1x1 input, kernel 3, padding 1: the window is the single element in both modes.
  const Tensor x = floats({1, 1, 1, 1}, {4});
  CHECK(run_node(StochasticPool2dAttrs{.kernel_size = {3, 3}, .stride = Pair{1, 1}, .padding = {1, 1}},
                 {x})[0].data<float>()[0] == 4.0f);
  CHECK(run_node(StochasticPool2dAttrs{.kernel_size = {3, 3}, .stride = Pair{1, 1}, .padding = {1, 1},
                                       .training = false},
                 {x})[0].data<float>()[0] == 4.0f);
}

TEST_CASE("max_unpool2d puts each maximum back where max_pool2d found it", "[reference]") {
  const Tensor x = floats({1, 1, 4, 4}, {1, 8, 2, 0, 3, 4, 5, 9, 7, 6, 1, 1, 2, 0, 3, 4});
  const auto pooled = run_node(MaxPool2dAttrs{.kernel_size = {2, 2}, .return_indices = true}, {x});
  CHECK(compare_tensors(pooled[0], floats({1, 1, 2, 2}, {8, 9, 7, 4}), kExact) == "");
  CHECK(compare_tensors(pooled[1], ints({1, 1, 2, 2}, {1, 7, 8, 15}), kExact) == "");
  const auto unpooled = run_node(MaxUnpool2dAttrs{.kernel_size = {2, 2}}, {pooled[0], pooled[1]});
  CHECK(compare_tensors(unpooled[0],
                        floats({1, 1, 4, 4}, {0, 8, 0, 0, 0, 0, 0, 9, 7, 0, 0, 0, 0, 0, 0, 4}), kExact) == "");
}

TEST_CASE("max_unpool2d: a duplicate index keeps the last value in row-major order", "[reference]") {
  const auto out = run_node(MaxUnpool2dAttrs{.kernel_size = {2, 2}},
                            {floats({1, 1, 1, 2}, {1, 2}), ints({1, 1, 1, 2}, {3, 3})});
  CHECK(compare_tensors(out[0], floats({1, 1, 2, 4}, {0, 0, 0, 2, 0, 0, 0, 0}), kExact) == "");
}

TEST_CASE("max_unpool2d rejects an index outside the output plane", "[reference]") {
  try {
    run_node(MaxUnpool2dAttrs{.kernel_size = {2, 2}, .stride = Pair{2, 2}},
             {floats({1, 1, 4, 4}, std::vector<float>(16, 1)), ints({1, 1, 4, 4}, std::vector<int64_t>(16, 999))});
    FAIL("no error thrown");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::bad_input);
    const std::string message = e.what();
    CHECK(message.find("index 999 out of range for output plane 8x8") != std::string::npos);
    CHECK(message.find("'node'") != std::string::npos);
    CHECK(message.find('\n') == std::string::npos);
  }
}

TEST_CASE("conv2d by hand: bias, padding, groups, dilation, 'same'", "[reference]") {
  const Tensor x = ramp({1, 1, 3, 3});  // 1..9
  const Tensor diag = floats({1, 1, 2, 2}, {1, 0, 0, -1});  // x[i][j] - x[i+1][j+1] = -4
  const Tensor bias = floats({1}, {10});

  SECTION("no padding: every output is -4 + 10") {
    const auto out = run_node(Conv2dAttrs{}, {x, diag, bias});
    CHECK(compare_tensors(out[0], floats({1, 1, 2, 2}, {6, 6, 6, 6}), kDefaultTolerance) == "");
  }
  SECTION("padding 1: border outputs see zeros") {
    const auto out = run_node(Conv2dAttrs{.padding = {.values = {1, 1}}}, {x, diag});
    // out[i][j] = x[i-1][j-1] - x[i][j] with x = 0 outside.
    CHECK(compare_tensors(out[0],
                          floats({1, 1, 4, 4}, {-1, -2, -3, 0, -4, -4, -4, 3, -7, -4, -4, 6, 0, 7, 8, 9}),
                          kDefaultTolerance) == "");
  }
  SECTION("dilation 2: the kernel's taps are two apart") {
    const auto out = run_node(Conv2dAttrs{.dilation = {2, 2}}, {x, diag});
    CHECK(compare_tensors(out[0], floats({1, 1, 1, 1}, {1 - 9}), kDefaultTolerance) == "");
  }
  SECTION("stride 2 with padding 1") {
    const auto out = run_node(Conv2dAttrs{.stride = {2, 2}, .padding = {.values = {1, 1}}}, {x, diag});
    CHECK(compare_tensors(out[0], floats({1, 1, 2, 2}, {-1, -3, -7, -4}), kDefaultTolerance) == "");
  }
  SECTION("'same' with an even kernel pads the extra row and column at the end") {
    // Total padding 1 per axis: 0 before, 1 after, so out[i][j] = x[i][j] - x[i+1][j+1].
    const auto out = run_node(Conv2dAttrs{.padding = {.mode = Conv2dPadding::Mode::same}}, {x, diag});
    CHECK(compare_tensors(out[0], floats({1, 1, 3, 3}, {-4, -4, 3, -4, -4, 6, 7, 8, 9}), kDefaultTolerance) == "");
  }
  SECTION("groups 2: each output channel reads its own input channel") {
    const Tensor x2 = ramp({1, 2, 1, 2});                  // channel 0: 1 2, channel 1: 3 4
    const Tensor w2 = floats({2, 1, 1, 1}, {2, 3});         // 1x1 kernels
    const auto out = run_node(Conv2dAttrs{.groups = 2}, {x2, w2, floats({2}, {0.5f, -1})});
    CHECK(compare_tensors(out[0], floats({1, 2, 1, 2}, {2.5f, 4.5f, 8, 11}), kDefaultTolerance) == "");
  }
  SECTION("several input channels are summed") {
    const Tensor x2 = ramp({2, 1, 2});                     // unbatched [Cin=2, 1, 2]
    const Tensor w2 = floats({1, 2, 1, 2}, {1, 1, 10, 10});
    const auto out = run_node(Conv2dAttrs{}, {x2, w2});
    CHECK(compare_tensors(out[0], floats({1, 1, 1}, {1 + 2 + 30 + 40}), kDefaultTolerance) == "");
  }
}

TEST_CASE("relu zeroes negatives and keeps NaN and -0 as torch.relu does", "[reference]") {
  const auto out = run_node(ReluAttrs{}, {floats({6}, {-1, 0, 2.5f, kNaN, -0.0f, -kInf})});
  const auto y = out[0].data<float>();
  CHECK(y[0] == 0.0f);
  CHECK(y[1] == 0.0f);
  CHECK(y[2] == 2.5f);
  CHECK(std::isnan(y[3]));
  CHECK((y[4] == 0.0f && std::signbit(y[4])));
  CHECK(y[5] == 0.0f);
}
