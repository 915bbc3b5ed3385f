// Properties the reference kernels must have whatever the data: orderings between pools, limits,
// shift equivariance, and the statistics of stochastic pooling. Data come from fixed seeds, so
// every test is deterministic (a statistical bound that holds once holds forever).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "graph/fractional_intervals.h"
#include "poolkit/poolkit.h"
#include "random/counter_rng.h"
#include "support/compare.h"
#include "support/run_node.h"

namespace {

using namespace poolkit;
using test::compare_tensors;
using test::kDefaultTolerance;
using test::kExact;

using test::run_node;

// Uniform values in [lo, hi) from a fixed seed.
Tensor random_tensor(Shape shape, uint32_t seed, float lo = -1, float hi = 1) {
  std::mt19937 gen(seed);
  std::uniform_real_distribution<float> dist(lo, hi);
  std::vector<float> v(static_cast<size_t>(shape.numel()));
  for (float& x : v) x = dist(gen);
  return Tensor::from_vector(std::move(shape), v);
}

Tensor negated(const Tensor& t) {
  Tensor r = t.clone();
  for (float& x : r.data<float>()) x = -x;
  return r;
}

}  // namespace

TEST_CASE("per window: max >= avg >= min", "[reference][property]") {
  const Tensor x = random_tensor({2, 3, 11, 9}, 1);
  for (const Pair k : {Pair{2, 2}, Pair{3, 2}, Pair{3, 3}}) {
    for (const bool ceil_mode : {false, true}) {
      // No padding and count_include_pad=false: the average is over exactly the max's taps.
      const MaxPool2dAttrs max_attrs{.kernel_size = k, .stride = Pair{2, 2}, .ceil_mode = ceil_mode};
      const AvgPool2dAttrs avg_attrs{
          .kernel_size = k, .stride = Pair{2, 2}, .ceil_mode = ceil_mode, .count_include_pad = false};
      // Keep the tensors alive: data() is a view into their buffers.
      const Tensor max_out = run_node(max_attrs, {x})[0];
      const Tensor avg_out = run_node(avg_attrs, {x})[0];
      const Tensor neg_min_out = run_node(max_attrs, {negated(x)})[0];  // -min per window
      const auto max = max_out.data<float>();
      const auto avg = avg_out.data<float>();
      const auto neg_min = neg_min_out.data<float>();
      REQUIRE(max.size() == avg.size());
      for (size_t i = 0; i < max.size(); ++i) {
        INFO("kernel " << k.h << "x" << k.w << ", ceil_mode " << ceil_mode << ", element " << i);
        CHECK(max[i] >= avg[i] - 1e-6f);
        CHECK(avg[i] >= -neg_min[i] - 1e-6f);
      }
    }
  }
}

TEST_CASE("Lp pooling decreases with p and approaches the max", "[reference][property]") {
  const Tensor x = random_tensor({1, 4, 8, 8}, 2, 0.5f, 2.0f);
  const Tensor max_out = run_node(MaxPool2dAttrs{.kernel_size = {2, 2}}, {x})[0];
  const auto max = max_out.data<float>();
  std::vector<float> previous(max.size(), std::numeric_limits<float>::infinity());
  for (const double p : {1.0, 2.0, 4.0, 16.0, 64.0}) {
    const Tensor lp_out = run_node(LpPool2dAttrs{.norm_type = p, .kernel_size = {2, 2}}, {x})[0];
    const auto lp = lp_out.data<float>();
    // For n = 4 taps: max <= Lp <= n^(1/p) * max.
    const float bound = static_cast<float>(std::pow(4.0, 1.0 / p));
    for (size_t i = 0; i < max.size(); ++i) {
      INFO("p " << p << ", element " << i);
      CHECK(lp[i] >= max[i] * (1 - 1e-6f));
      CHECK(lp[i] <= bound * max[i] * (1 + 1e-6f));
      CHECK(lp[i] <= previous[i] * (1 + 1e-6f));
      previous[i] = lp[i];
    }
  }
  // At p = 64 the gap is at most 4^(1/64) - 1 ≈ 2.2%.
  for (size_t i = 0; i < max.size(); ++i) CHECK(previous[i] <= max[i] * 1.022f);
}

TEST_CASE("shifting the input by a multiple of the stride shifts max-pool outputs",
          "[reference][property]") {
  // Crop the first m*stride rows and 2*m*stride columns: output (oh, ow) of the crop is output
  // (oh + m, ow + 2m) of the original, with the index moved by the same offset.
  const int64_t H = 13, W = 17, stride = 2, m = 1;
  const Tensor x = random_tensor({1, 2, H, W}, 3);
  const int64_t dh = m * stride, dw = 2 * m * stride;
  const int64_t Hc = H - dh, Wc = W - dw;
  std::vector<float> cropped;
  const auto xs = x.data<float>();
  for (int64_t c = 0; c < 2; ++c) {
    for (int64_t h = dh; h < H; ++h) {
      for (int64_t w = dw; w < W; ++w) cropped.push_back(xs[static_cast<size_t>((c * H + h) * W + w)]);
    }
  }
  const Tensor xc = Tensor::from_vector({1, 2, Hc, Wc}, cropped);
  const MaxPool2dAttrs attrs{.kernel_size = {3, 3}, .stride = Pair{stride, stride}, .return_indices = true};
  const auto full = run_node(attrs, {x});
  const auto crop = run_node(attrs, {xc});
  const Shape fs = full[0].shape(), cs = crop[0].shape();
  const auto fv = full[0].data<float>(), cv = crop[0].data<float>();
  const auto fi = full[1].data<int64_t>(), ci = crop[1].data<int64_t>();
  for (int64_t c = 0; c < 2; ++c) {
    for (int64_t oh = 0; oh < cs[2]; ++oh) {
      for (int64_t ow = 0; ow < cs[3]; ++ow) {
        const size_t a = static_cast<size_t>((c * cs[2] + oh) * cs[3] + ow);
        const size_t b = static_cast<size_t>((c * fs[2] + oh + m) * fs[3] + ow + 2 * m);
        INFO("channel " << c << ", output " << oh << ", " << ow);
        CHECK(cv[a] == fv[b]);
        const int64_t crop_h = ci[a] / Wc, crop_w = ci[a] % Wc;
        CHECK((crop_h + dh) * W + (crop_w + dw) == fi[b]);
      }
    }
  }
}

TEST_CASE("stochastic pool: a fixed seed gives identical picks, another seed differs",
          "[reference][property]") {
  const Tensor x = random_tensor({2, 3, 12, 12}, 4, 0.0f, 1.0f);
  const StochasticPool2dAttrs a{.kernel_size = {3, 3}, .stride = Pair{2, 2}, .padding = {1, 1}, .seed = 42};
  const Tensor first = run_node(a, {x})[0];
  CHECK(compare_tensors(run_node(a, {x})[0], first, kExact) == "");
  StochasticPool2dAttrs other = a;
  other.seed = 43;
  CHECK(compare_tensors(run_node(other, {x})[0], first, kExact) != "");
  // Every pick is one of the window's activations (here: an element of the input).
  const auto xs = x.data<float>();
  for (float v : first.data<float>()) CHECK(std::find(xs.begin(), xs.end(), v) != xs.end());
}

TEST_CASE("stochastic pool: pick frequencies are proportional to the activations",
          "[reference][property]") {
  // One 2x2 window [1, 2, 3, 4] (plus a negative tap that must never be drawn) repeated over
  // 2000 channels, for 5 seeds: 10000 draws with expected shares 1:2:3:4 of 10.
  const std::vector<float> window = {1, 2, -1, 3, 4, 0};  // 2x3: weights 1 2 0 / 3 4 0
  const int64_t channels = 2000;
  std::vector<float> v;
  for (int64_t c = 0; c < channels; ++c) v.insert(v.end(), window.begin(), window.end());
  const Tensor x = Tensor::from_vector({1, channels, 2, 3}, v);
  std::map<float, int64_t> counts;
  int64_t draws = 0;
  for (uint64_t seed = 1; seed <= 5; ++seed) {
    const Tensor out = run_node(StochasticPool2dAttrs{.kernel_size = {2, 3}, .seed = seed}, {x})[0];
    for (float pick : out.data<float>()) ++counts[pick];
    draws += out.numel();
  }
  CHECK(counts.count(-1.0f) == 0);
  CHECK(counts.count(0.0f) == 0);
  double chi_square = 0;
  for (const float value : {1.0f, 2.0f, 3.0f, 4.0f}) {
    const double expected = static_cast<double>(draws) * value / 10.0;
    const double d = static_cast<double>(counts[value]) - expected;
    chi_square += d * d / expected;
  }
  INFO("chi-square " << chi_square << " (3 degrees of freedom; 16.27 is the 0.1% tail)");
  CHECK(chi_square < 16.27);
}

TEST_CASE("stochastic pool inference equals sum(a^2)/sum(a) for positive windows",
          "[reference][property]") {
  const Tensor x = random_tensor({1, 2, 6, 6}, 5, 0.1f, 2.0f);
  const Tensor out = run_node(StochasticPool2dAttrs{.kernel_size = {3, 3}, .training = false}, {x})[0];
  const auto xs = x.data<float>();
  std::vector<float> want;
  for (int64_t c = 0; c < 2; ++c) {
    for (int64_t oh = 0; oh < 2; ++oh) {
      for (int64_t ow = 0; ow < 2; ++ow) {
        double squares = 0, sum = 0;
        for (int64_t kh = 0; kh < 3; ++kh) {
          for (int64_t kw = 0; kw < 3; ++kw) {
            const double a = xs[static_cast<size_t>((c * 6 + oh * 3 + kh) * 6 + ow * 3 + kw)];
            squares += a * a;
            sum += a;
          }
        }
        want.push_back(static_cast<float>(squares / sum));
      }
    }
  }
  CHECK(compare_tensors(out, Tensor::from_vector({1, 2, 2, 2}, want), kDefaultTolerance) == "");
}

TEST_CASE("stochastic pool: an all-zero or all-negative window gives 0", "[reference][property]") {
  const Tensor x = Tensor::from_vector({1, 2, 2, 2}, std::vector<float>{0, 0, 0, 0, -1, -2, -3, -0.5f});
  for (const bool training : {true, false}) {
    for (uint64_t seed = 0; seed < 4; ++seed) {
      const auto out = run_node(StochasticPool2dAttrs{.kernel_size = {2, 2}, .training = training, .seed = seed}, {x});
      CHECK(compare_tensors(out[0], Tensor::from_vector({1, 2, 1, 1}, std::vector<float>{0, 0}), kExact) == "");
    }
  }
}

TEST_CASE("fractional intervals start at 0, end at in - pool, and step by floor/ceil(alpha)",
          "[reference][property]") {
  for (const float u : {0.0f, 0.1f, 0.37f, 0.5f, 0.9f, 0.999f}) {
    for (int64_t in = 4; in <= 40; in += 3) {
      for (int64_t pool = 1; pool <= 3; ++pool) {
        for (int64_t out = 2; out + pool - 1 <= in; out += 2) {
          const double alpha = static_cast<double>(in - pool) / static_cast<double>(out - 1);
          INFO("u " << u << ", in " << in << ", pool " << pool << ", out " << out);
          CHECK(fractional_start(0, u, in, out, pool) == 0);
          CHECK(fractional_start(out - 1, u, in, out, pool) == in - pool);
          for (int64_t i = 0; i + 1 < out; ++i) {
            const int64_t step = fractional_start(i + 1, u, in, out, pool) - fractional_start(i, u, in, out, pool);
            CHECK(step >= static_cast<int64_t>(std::floor(alpha)) - 1);  // float rounding: one off at most
            CHECK(step <= static_cast<int64_t>(std::ceil(alpha)) + 1);
            CHECK(step >= 0);
          }
        }
      }
    }
  }
  // With alpha <= pool the windows cover every input element, as PyTorch's do.
  for (const float u : {0.05f, 0.5f, 0.95f}) {
    const int64_t in = 25, pool = 3, out = 12;  // alpha = 22/11 = 2
    std::vector<bool> covered(in, false);
    for (int64_t i = 0; i < out; ++i) {
      const int64_t s = fractional_start(i, u, in, out, pool);
      for (int64_t k = 0; k < pool; ++k) covered[static_cast<size_t>(s + k)] = true;
    }
    CHECK(std::all_of(covered.begin(), covered.end(), [](bool b) { return b; }));
  }
}

TEST_CASE("fractional max pool: the same samples give the same result, seed = rng samples",
          "[reference][property]") {
  const Tensor x = random_tensor({2, 3, 15, 13}, 6);
  const Tensor samples = random_tensor({2, 3, 2}, 7, 0.0f, 1.0f);
  const FractionalMaxPool2dAttrs given{.kernel_size = {2, 3}, .output_size = Pair{7, 5}, .return_indices = true};
  const auto first = run_node(given, {x, samples});
  const auto again = run_node(given, {x, samples});
  CHECK(compare_tensors(again[0], first[0], kExact) == "");
  CHECK(compare_tensors(again[1], first[1], kExact) == "");

  // Each output is the max over the window fractional_start() describes (axis 0 = width).
  const auto xs = x.data<float>();
  const auto ss = samples.data<float>();
  const auto ys = first[0].data<float>();
  for (int64_t p = 0; p < 6; ++p) {
    for (int64_t oh = 0; oh < 7; ++oh) {
      for (int64_t ow = 0; ow < 5; ++ow) {
        const int64_t h0 = fractional_start(oh, ss[static_cast<size_t>(2 * p + 1)], 15, 7, 2);
        const int64_t w0 = fractional_start(ow, ss[static_cast<size_t>(2 * p)], 13, 5, 3);
        float best = -std::numeric_limits<float>::infinity();
        for (int64_t h = h0; h < h0 + 2; ++h) {
          for (int64_t w = w0; w < w0 + 3; ++w) best = std::max(best, xs[static_cast<size_t>((p * 15 + h) * 13 + w)]);
        }
        CHECK(ys[static_cast<size_t>((p * 7 + oh) * 5 + ow)] == best);
      }
    }
  }

  // Without a samples input, plane (n, c) uses rng::uniform(seed, n, c, 0) for the width and
  // rng::uniform(seed, n, c, 1) for the height.
  FractionalMaxPool2dAttrs seeded = given;
  seeded.seed = 1234;
  std::vector<float> rng_samples;
  for (uint32_t n = 0; n < 2; ++n) {
    for (uint32_t c = 0; c < 3; ++c) {
      rng_samples.push_back(rng::uniform(1234, n, c, 0));
      rng_samples.push_back(rng::uniform(1234, n, c, 1));
    }
  }
  const auto from_seed = run_node(seeded, {x});
  const auto from_tensor = run_node(given, {x, Tensor::from_vector({2, 3, 2}, rng_samples)});
  CHECK(compare_tensors(from_seed[0], from_tensor[0], kExact) == "");
  CHECK(compare_tensors(from_seed[1], from_tensor[1], kExact) == "");
}

TEST_CASE("fractional max pool rejects a sample outside 0 to 1", "[reference][property]") {
  const Tensor x = random_tensor({1, 1, 8, 8}, 8);
  const Tensor samples = Tensor::from_vector({1, 1, 2}, std::vector<float>{0.5f, 1.5f});
  CHECK_THROWS_AS(run_node(FractionalMaxPool2dAttrs{.kernel_size = {2, 2}, .output_size = Pair{4, 4}}, {x, samples}),
                  Error);
}

TEST_CASE("max_unpool2d of max_pool2d keeps exactly the maxima", "[reference][property]") {
  const Tensor x = random_tensor({2, 2, 8, 10}, 9);
  const auto pooled = run_node(MaxPool2dAttrs{.kernel_size = {2, 2}, .return_indices = true}, {x});
  const auto un = run_node(MaxUnpool2dAttrs{.kernel_size = {2, 2}}, {pooled[0], pooled[1]})[0];
  REQUIRE(un.shape() == x.shape());
  // Non-overlapping windows: every maximum lands back on its own input position, all else is 0.
  const auto xs = x.data<float>();
  const auto us = un.data<float>();
  int64_t nonzero = 0;
  for (size_t i = 0; i < us.size(); ++i) {
    if (us[i] != 0.0f) {
      ++nonzero;
      CHECK(us[i] == xs[i]);
    }
  }
  CHECK(nonzero == pooled[0].numel());
}
