// Seeded random graphs of every op, for conformance tests: each case is a valid graph plus its
// input tensors. Parameters are drawn wide (odd sizes, 1x1, padding, ceil mode, dilation, groups)
// and invalid draws are simply redrawn, so the generator needs no copy of the validation rules.
#pragma once

#include <random>
#include <sstream>
#include <string>

#include "poolkit/poolkit.h"

namespace poolkit::test {

struct RandomCase {
  std::string description;  // the graph's JSON: printed whole on failure
  Graph graph;
  NamedTensors inputs;
};

class RandomGraphs {
 public:
  explicit RandomGraphs(uint32_t seed) : rng_(seed) {}

  // A random valid single-op graph of |kind| (conv2d may be followed by relu and max_pool2d).
  RandomCase make(OpKind kind) {
    for (int attempt = 0;; ++attempt) {
      try {
        return try_make(kind);
      } catch (const Error&) {
        if (attempt > 1000) throw;  // a generator bug, not bad luck
      }
    }
  }

 private:
  int64_t range(int64_t lo, int64_t hi) { return std::uniform_int_distribution<int64_t>(lo, hi)(rng_); }
  bool chance(double p) { return std::bernoulli_distribution(p)(rng_); }
  Pair pair(int64_t lo, int64_t hi) {
    const int64_t a = range(lo, hi);
    return chance(0.6) ? Pair{a, a} : Pair{a, range(lo, hi)};
  }
  std::optional<Pair> stride() { return chance(0.3) ? std::nullopt : std::optional<Pair>(pair(1, 3)); }
  Shape shape4d() {
    const int64_t h = chance(0.1) ? 1 : range(1, 24), w = chance(0.1) ? 1 : range(1, 24);
    return chance(0.15) ? Shape{range(1, 5), h, w} : Shape{range(1, 3), range(1, 5), h, w};
  }

  // Values with ties, signs, and now and then NaN/inf (max-type ops must propagate them).
  Tensor data(const Shape& s, bool specials, bool non_negative = false) {
    Tensor t = Tensor::zeros(s);
    std::normal_distribution<float> normal(0.0f, 2.0f);
    const bool ties = chance(0.2);
    for (float& v : t.data<float>()) {
      v = ties ? static_cast<float>(range(-3, 3)) : normal(rng_);
      if (non_negative) v = std::fabs(v);
      if (specials && chance(0.01)) v = chance(0.5) ? NAN : (chance(0.5) ? INFINITY : -INFINITY);
    }
    return t;
  }

  RandomCase try_make(OpKind kind) {
    Graph g;
    NamedTensors in;
    const Shape xs = shape4d();
    auto input = [&](const std::string& name, const Shape& s, bool specials, bool non_negative = false) {
      in[name] = data(s, specials, non_negative);
      return g.input(name, s);
    };
    std::vector<ValueId> outs;
    switch (kind) {
      case OpKind::max_pool2d: {
        const Pair k = pair(1, 4);
        outs = g.add("y", MaxPool2dAttrs{k, stride(), pair(0, 2), pair(1, 3), chance(0.4), chance(0.5)}, {input("x", xs, true)});
        break;
      }
      case OpKind::avg_pool2d:
        outs = g.add("y", AvgPool2dAttrs{pair(1, 4), stride(), pair(0, 2), chance(0.4), chance(0.5),
                                         chance(0.2) ? std::optional<int64_t>(range(1, 9)) : std::nullopt},
                     {input("x", xs, false)});
        break;
      case OpKind::lp_pool2d:
        outs = g.add("y", LpPool2dAttrs{static_cast<double>(range(2, 8)) / 2, pair(1, 4), stride(), chance(0.4)},
                     {input("x", xs, false)});
        break;
      case OpKind::max_pool1d: {
        const Shape s = chance(0.2) ? Shape{range(1, 4), range(1, 40)} : Shape{range(1, 3), range(1, 4), range(1, 40)};
        outs = g.add("y", MaxPool1dAttrs{range(1, 5), chance(0.3) ? std::nullopt : std::optional<int64_t>(range(1, 3)), range(0, 2),
                                         range(1, 3), chance(0.4), chance(0.5)},
                     {input("x", s, true)});
        break;
      }
      case OpKind::avg_pool1d:
        outs = g.add("y", AvgPool1dAttrs{range(1, 5), chance(0.3) ? std::nullopt : std::optional<int64_t>(range(1, 3)), range(0, 2),
                                         chance(0.4), chance(0.5)},
                     {input("x", Shape{range(1, 3), range(1, 4), range(1, 40)}, false)});
        break;
      case OpKind::lp_pool1d:
        outs = g.add("y", LpPool1dAttrs{static_cast<double>(range(2, 6)) / 2, range(1, 5), std::nullopt, chance(0.4)},
                     {input("x", Shape{range(1, 3), range(1, 4), range(1, 40)}, false)});
        break;
      case OpKind::adaptive_max_pool2d:
        outs = g.add("y", AdaptiveMaxPool2dAttrs{{range(1, 9), chance(0.2) ? std::nullopt : std::optional<int64_t>(range(1, 9))}, chance(0.5)},
                     {input("x", xs, true)});
        break;
      case OpKind::adaptive_avg_pool2d:
        outs = g.add("y", AdaptiveAvgPool2dAttrs{{range(1, 9), range(1, 9)}}, {input("x", xs, false)});
        break;
      case OpKind::global_max_pool: outs = g.add("y", GlobalMaxPoolAttrs{}, {input("x", xs, true)}); break;
      case OpKind::global_avg_pool: outs = g.add("y", GlobalAvgPoolAttrs{}, {input("x", xs, false)}); break;
      case OpKind::global_lp_pool:
        outs = g.add("y", GlobalLpPoolAttrs{static_cast<double>(range(2, 6)) / 2}, {input("x", xs, false)});
        break;
      case OpKind::fractional_max_pool2d: {
        const Pair k = pair(1, 3);
        FractionalMaxPool2dAttrs a{k, std::nullopt, std::nullopt, chance(0.5), static_cast<uint64_t>(range(0, 1000))};
        if (chance(0.5)) a.output_size = pair(1, 8);
        else a.output_ratio = std::array<double, 2>{range(2, 9) / 10.0, range(2, 9) / 10.0};
        std::vector<ValueId> ins{input("x", xs, true)};
        if (chance(0.5)) {
          const Shape ss = xs.rank() == 4 ? Shape{xs[0], xs[1], 2} : Shape{1, xs[0], 2};
          Tensor samples = Tensor::zeros(ss);
          for (float& v : samples.data<float>()) v = std::uniform_real_distribution<float>(0.0f, 0.999f)(rng_);
          in["samples"] = samples;
          ins.push_back(g.input("samples", ss));
        }
        outs = g.add("y", a, ins);
        break;
      }
      case OpKind::stochastic_pool2d: {
        const Pair k = pair(1, 3);
        outs = g.add("y", StochasticPool2dAttrs{k, stride(), pair(0, 1), chance(0.6), static_cast<uint64_t>(range(0, 1000))},
                     {input("x", xs, false, chance(0.7))});
        break;
      }
      case OpKind::max_unpool2d: {
        const Pair k = pair(1, 3);
        const auto p = g.add("p", MaxPool2dAttrs{k, stride(), {0, 0}, {1, 1}, false, true}, {input("x", xs, false)});
        // Unpool back onto the pooled plane's own size, so every index lands inside it (draws
        // where that size is not within one stride of unpool's default are rejected and redrawn).
        outs = g.add("y", MaxUnpool2dAttrs{k, std::get<MaxPool2dAttrs>(g.nodes()[0].attrs).stride, {0, 0},
                                           std::vector<int64_t>{xs[xs.rank() - 2], xs[xs.rank() - 1]}},
                     {p[0], p[1]});
        break;
      }
      case OpKind::conv2d: {
        const int64_t groups = chance(0.3) ? range(1, 3) : 1;
        const int64_t cin = groups * range(1, 3), cout = groups * range(1, 3);
        const Pair k = pair(1, 4);
        const Shape x = chance(0.15) ? Shape{cin, range(1, 20), range(1, 20)} : Shape{range(1, 2), cin, range(1, 20), range(1, 20)};
        std::vector<ValueId> ins{input("x", x, false), input("w", Shape{cout, cin / groups, k.h, k.w}, false)};
        if (chance(0.6)) ins.push_back(input("b", Shape{cout}, false));
        Conv2dAttrs a{pair(1, 2), {Conv2dPadding::Mode::explicit_values, pair(0, 2)}, pair(1, 2), groups};
        if (chance(0.15)) a = Conv2dAttrs{{1, 1}, {Conv2dPadding::Mode::same, {}}, pair(1, 2), groups};
        outs = g.add("y", a, ins);
        // Half the time the block the cpu backend fuses: conv2d -> relu (-> max_pool2d).
        if (chance(0.5)) {
          outs = g.add("r", ReluAttrs{}, {outs[0]});
          if (chance(0.6)) outs = g.add("p", MaxPool2dAttrs{pair(1, 3), stride(), {0, 0}, {1, 1}, chance(0.3), false}, {outs[0]});
        }
        break;
      }
      case OpKind::relu: outs = g.add("y", ReluAttrs{}, {input("x", xs, true)}); break;
    }
    for (ValueId o : outs) g.output(o);
    return {g.to_json(), std::move(g), std::move(in)};
  }

  std::mt19937 rng_;
};

}  // namespace poolkit::testing
