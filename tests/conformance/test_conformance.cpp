// Conformance: every backend other than `reference`, every variant it has, against `reference`,
// on the PyTorch golden graphs and on seeded random graphs of every op (DESIGN.md tolerances:
// exact for max-type values and indices, 1e-5·(1+|b|) for averaging ops, 1e-4 for conv).
// Written once against the public API (IREE CTS style): a new backend is tested by being built.
#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "poolkit/poolkit.h"
#include "support/compare.h"
#include "support/random_graphs.h"

using namespace poolkit;
using namespace poolkit::test;

namespace {

std::vector<std::string> backends_under_test() {
  std::vector<std::string> out;
  for (const auto& name : backend_names())
    if (name != "reference") out.push_back(name);
  return out;
}

// The loosest tolerance among a graph's nodes: conv upstream of a pool loosens the pool too.
double graph_tolerance(const Graph& g) {
  double tol = 0;
  for (const Node& n : g.nodes()) tol = std::max(tol, tolerance_for(n.attrs));
  return tol;
}

// Runs |graph| on |backend| once per variant combination that matters (each node's variants in
// turn, the others left to the backend) and compares every output with |want|.
void check_backend(const std::string& backend_name, const Graph& graph, const NamedTensors& inputs, const NamedTensors& want,
                   const std::string& description) {
  Backend& b = backend(backend_name);
  for (const Node& n : graph.nodes()) {
    if (!b.supports(n, graph)) {
      FAIL_CHECK(backend_name << " does not support node '" << n.name << "': " << b.supports(n, graph).why << "\n" << description);
      return;
    }
  }
  std::vector<std::map<std::string, std::string>> plans{{}};
  for (const Node& n : graph.nodes())
    for (const auto& v : b.variants(n, graph)) plans.push_back({{n.name, v}});
  const double tol = graph_tolerance(graph);
  for (const auto& plan : plans) {
    std::string plan_text;
    for (const auto& [node, v] : plan) plan_text += node + "=" + v + " ";
    INFO("backend " << backend_name << ", variants: " << (plan.empty() ? "(default)" : plan_text) << "\n" << description);
    NamedTensors got;
    try {
      Session s(graph, backend_name, SessionOptions{0, plan, ""});
      got = s.run(inputs);
    } catch (const Error& e) {
      FAIL_CHECK("error: " << e.what());
      continue;
    }
    for (const auto& [name, w] : want) {
      INFO("output '" << name << "'");
      const double t = w.dtype() == DType::i64 ? 0.0 : tol;
      CHECK(compare_tensors(got.at(name), w, t) == "");
    }
  }
}

// |graph| on the reference backend, then on every backend under test against that.
void check_against_reference(const std::vector<std::string>& backends, const Graph& graph, const NamedTensors& inputs,
                             const std::string& description) {
  const NamedTensors want = Session(graph, "reference").run(inputs);
  for (const auto& b : backends) check_backend(b, graph, inputs, want, description);
}

// Normal(0, scale) data with a NaN, a +inf and a -inf each at |special_rate| (0: finite data).
Tensor random_tensor(std::mt19937& rng, const Shape& s, float special_rate, float scale) {
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::uniform_real_distribution<float> u(0.0f, 1.0f);
  Tensor t = Tensor::zeros(s);
  for (float& v : t.data<float>()) {
    v = normal(rng) * scale;
    const float r = u(rng);
    if (r < special_rate) v = NAN;
    else if (r < 2 * special_rate) v = INFINITY;
    else if (r < 3 * special_rate) v = -INFINITY;
  }
  return t;
}

}  // namespace

TEST_CASE("conformance: random graphs of every op on every backend and variant", "[conformance]") {
  const auto backends = backends_under_test();
  if (backends.empty()) {
    WARN("this build has only the reference backend: nothing to compare");
    return;
  }
  test::RandomGraphs gen(20261122);
  for (int round = 0; round < 12; ++round) {
    for (int k = 0; k < kOpCount; ++k) {
      const auto c = gen.make(static_cast<OpKind>(k));
      const NamedTensors want = Session(c.graph, "reference").run(c.inputs);
      for (const auto& b : backends) check_backend(b, c.graph, c.inputs, want, c.description);
    }
  }
}

TEST_CASE("conformance: the PyTorch golden graphs on every backend", "[conformance]") {
  const auto backends = backends_under_test();
  if (backends.empty()) {
    WARN("this build has only the reference backend: nothing to compare");
    return;
  }
  const std::filesystem::path dir = std::filesystem::path(POOLKIT_TEST_DATA_DIR) / "golden" / "data";
  std::ifstream f(dir / "manifest.json");
  REQUIRE(f);
  const auto manifest = nlohmann::json::parse(f);
  for (const auto& c : manifest["cases"]) {
    const Graph g = Graph::from_json(c["graph"].dump(), dir);
    NamedTensors in;
    for (const auto& [name, file] : c["inputs"].items()) in[name] = load_npy(dir / file.get<std::string>());
    const NamedTensors want = Session(g, "reference").run(in);
    for (const auto& b : backends) check_backend(b, g, in, want, c["id"].get<std::string>() + ": " + c["graph"].dump());
  }
}

TEST_CASE("conformance: the random generator itself makes valid graphs of every op", "[conformance]") {
  test::RandomGraphs gen(7);
  for (int k = 0; k < kOpCount; ++k) {
    const auto c = gen.make(static_cast<OpKind>(k));
    bool has = false;
    for (const Node& n : c.graph.nodes()) has |= n.kind() == static_cast<OpKind>(k);
    CHECK(has);
    CHECK_NOTHROW(Session(c.graph, "reference").run(c.inputs));
  }
}

// The variants that bake a window in (3x3/s2, 2x2/s2) meet random graphs only now and then: here
// they get row widths around the vector width (1, < 16, 16, 17, 33, 56) and the kernels' tail
// paths, padding, dilation and ceil mode, with NaN and +-inf in the data.
TEST_CASE("conformance: baked-in pooling windows over widths around the vector width", "[conformance]") {
  const auto backends = backends_under_test();
  if (backends.empty()) return;
  std::mt19937 rng(424242);
  std::normal_distribution<float> normal(0.0f, 2.0f);
  std::uniform_real_distribution<float> u(0.0f, 1.0f);
  for (int64_t k : {2, 3}) {
    for (int64_t w : {1, 2, 5, 15, 16, 17, 31, 32, 33, 34, 56, 113}) {
      for (int64_t pad : {0, 1}) {
        if (pad * 2 > k) continue;
        for (int64_t dil : {1, 2}) {
          for (bool ceil : {false, true}) {
            const int64_t h = 1 + (w * 7 + pad) % 13;
            const int64_t extent = dil * (k - 1) + 1;
            if (h + 2 * pad < extent || w + 2 * pad < extent) continue;
            const Shape xs{2, 3, h, w};
            Tensor x = Tensor::zeros(xs);
            for (float& v : x.data<float>()) {
              v = normal(rng);
              const float r = u(rng);
              if (r < 0.01f) v = NAN;
              else if (r < 0.02f) v = -INFINITY;
              else if (r < 0.03f) v = INFINITY;
            }
            for (bool avg : {false, true}) {
              if (avg && dil != 1) continue;
              Graph gg;
              const ValueId in = gg.input("x", xs);
              const auto outs = avg ? gg.add("y", AvgPool2dAttrs{{k, k}, Pair{2, 2}, {pad, pad}, ceil, true}, {in})
                                    : gg.add("y", MaxPool2dAttrs{{k, k}, Pair{2, 2}, {pad, pad}, {dil, dil}, ceil, false}, {in});
              for (ValueId o : outs) gg.output(o);
              NamedTensors inputs{{"x", x}};
              check_against_reference(backends, gg, inputs, gg.to_json());
            }
          }
        }
      }
    }
  }
}

// Global average pooling over channel counts around the kernels' planes per vector (the wasm row
// reduces 4 planes per output vector, its last vector shifted inwards, in tasks of 64 channels)
// and plane sizes around its vector width, 7x7 (unrolled there) included.
TEST_CASE("conformance: global average pooling over channel counts and plane sizes", "[conformance]") {
  const auto backends = backends_under_test();
  if (backends.empty()) return;
  std::mt19937 rng(4949);
  for (int64_t c : {1, 3, 4, 5, 7, 8, 63, 64, 65, 67, 130}) {
    for (const auto& [h, w] : std::vector<std::pair<int64_t, int64_t>>{{7, 7}, {1, 1}, {2, 2}, {3, 5}, {8, 8}}) {
      const Shape xs{2, c, h, w};
      Graph gg;
      const ValueId in = gg.input("x", xs);
      for (ValueId o : gg.add("y", GlobalAvgPoolAttrs{}, {in})) gg.output(o);
      NamedTensors inputs{{"x", random_tensor(rng, xs, c % 2 ? 0.01f : 0.0f, 3.0f)}};
      check_against_reference(backends, gg, inputs, gg.to_json());
    }
  }
}

// Lp pooling, global and windowed, at every kind of p (1, fractional, 2, odd, even), on planes
// holding NaN or infinities: the sum is NaN or +inf there and (Σ|x|^p)^(1/p) must stay so. The
// cpu backend's global Lp once gave -inf for any plane with a NaN at p = 1 (its fast-math sums
// let LLVM drop the NaN test before pow; random_vs_torch.py found it in the wasm build, native
// did the same). Plane sizes around the vector widths (8 in wasm, 16 natively), whole and tails.
TEST_CASE("conformance: Lp pooling keeps NaN and infinities at every p", "[conformance]") {
  const auto backends = backends_under_test();
  if (backends.empty()) return;
  std::mt19937 rng(777);
  std::normal_distribution<float> normal(0.0f, 1.5f);
  std::uniform_real_distribution<float> u(0.0f, 1.0f);
  for (double p : {1.0, 1.5, 2.0, 3.0, 4.0}) {
    for (int64_t w : {1, 2, 7, 8, 9, 15, 16, 17, 33, 49}) {
      const Shape xs{2, 6, 3, w};
      Tensor x = Tensor::zeros(xs);
      auto v = x.data<float>();
      for (float& e : v) e = normal(rng);
      // Plane by plane: finite; one NaN; one +inf; one -inf; NaN and inf; all NaN. Positions vary.
      const int64_t plane = 3 * w;
      for (int64_t q = 0; q < 12; ++q) {
        float* d = v.data() + q * plane;
        const auto at = [&] { return static_cast<int64_t>(u(rng) * static_cast<float>(plane)) % plane; };
        switch (q % 6) {
          case 1: d[at()] = NAN; break;
          case 2: d[at()] = INFINITY; break;
          case 3: d[at()] = -INFINITY; break;
          case 4: d[at()] = INFINITY; d[at()] = NAN; break;
          case 5: for (int64_t i = 0; i < plane; ++i) d[i] = NAN; break;
          default: break;
        }
      }
      NamedTensors inputs{{"x", x}};
      {
        Graph g;
        const ValueId in = g.input("x", xs);
        g.output(g.add("y", GlobalLpPoolAttrs{p}, {in})[0]);
        check_against_reference(backends, g, inputs, g.to_json());
      }
      {
        Graph g;
        const ValueId in = g.input("x", xs);
        const int64_t kw = std::min<int64_t>(w, 3);
        g.output(g.add("y", LpPool2dAttrs{p, {3, kw}, std::nullopt, false}, {in})[0]);
        check_against_reference(backends, g, inputs, g.to_json());
      }
    }
  }
}

// relu over sizes around its vector (16) and task (65536 elements) widths: the last vector and
// the last task are shifted inwards (they redo part of the one before).
TEST_CASE("conformance: relu over sizes around the vector and task widths", "[conformance]") {
  const auto backends = backends_under_test();
  if (backends.empty()) return;
  std::mt19937 rng(1616);
  for (int64_t n : {1, 3, 15, 16, 17, 100, 65535, 65536, 65537, 3 * 65536 + 5}) {
    const Shape xs{n};
    Graph gg;
    const ValueId in = gg.input("x", xs);
    for (ValueId o : gg.add("y", ReluAttrs{}, {in})) gg.output(o);
    Tensor x = random_tensor(rng, xs, 0.01f, 1.0f);
    if (n > 2) x.data<float>()[1] = -0.0f;
    NamedTensors inputs{{"x", x}};
    check_against_reference(backends, gg, inputs, "relu on " + xs.str());
  }
}

// Max pooling with indices where the windows tile the input (stride = kernel, no padding): the
// cpu backend's tiled variant reduces rows, then columns, and must still give PyTorch's indices —
// the first maximum in row-major order, the last NaN. Small integer values make ties common,
// NaN is dense enough for several per window, some planes are all -inf; widths around the
// vector width, rows and columns left over past the last window, rectangular windows, ceil mode
// (no overhang when the size divides), and 1-D pooling (1-row planes).
TEST_CASE("conformance: max pooling with indices over windows that tile the input", "[conformance]") {
  const auto backends = backends_under_test();
  if (backends.empty()) return;
  std::mt19937 rng(8675309);
  std::uniform_int_distribution<int> small(-2, 2);
  std::uniform_real_distribution<float> u(0.0f, 1.0f);
  const auto fill = [&](Tensor& x, float nan_rate) {
    for (float& v : x.data<float>()) {
      v = static_cast<float>(small(rng));
      const float r = u(rng);
      if (r < nan_rate) v = NAN;
      else if (r < nan_rate + 0.05f) v = -INFINITY;
      else if (r < nan_rate + 0.06f) v = INFINITY;
    }
    const int64_t plane = x.shape()[x.shape().rank() - 1] * (x.shape().rank() == 4 ? x.shape()[2] : 1);
    auto d = x.data<float>();
    for (int64_t i = 0; i < plane; ++i) d[static_cast<size_t>(i)] = -INFINITY;  // plane 0: all -inf
  };
  const auto check = [&](Graph& gg, const Tensor& x) {
    NamedTensors inputs{{"x", x}};
    check_against_reference(backends, gg, inputs, gg.to_json());
  };
  for (int64_t kh : {1, 2, 3, 8}) {
    for (int64_t kw : {2, 3, 4, 5, 8}) {
      for (int64_t ow : {1, 5, 16, 17, 33}) {
        const int64_t oh = 1 + (ow + kw) % 4;
        const int64_t extra = (ow + kh) % 3;  // rows and columns no window covers
        const Shape xs{1, 3, oh * kh + extra, ow * kw + extra};
        for (float nan_rate : {0.0f, 0.1f}) {
          Tensor x = Tensor::zeros(xs);
          fill(x, nan_rate);
          Graph gg;
          const ValueId in = gg.input("x", xs);
          const bool ceil = extra == 0 && ow % 2 == 1;
          for (ValueId o : gg.add("y", MaxPool2dAttrs{{kh, kw}, std::nullopt, {0, 0}, {1, 1}, ceil, true}, {in})) gg.output(o);
          check(gg, x);
        }
      }
    }
  }
  for (int64_t k : {2, 3, 8}) {
    for (int64_t ow : {1, 16, 17, 40}) {
      const Shape xs{2, 3, ow * k + ow % 2};
      Tensor x = Tensor::zeros(xs);
      fill(x, 0.1f);
      Graph gg;
      const ValueId in = gg.input("x", xs);
      for (ValueId o : gg.add("y", MaxPool1dAttrs{k, std::nullopt, 0, 1, false, true}, {in})) gg.output(o);
      check(gg, x);
    }
  }
}

// The conv kernels' register-blocked paths (and the fused conv -> relu -> max pool block) only
// run on outputs at least one block wide, tall and deep, and the Winograd variants only from 16
// tiles per row and 16 output channels: random graphs are too small for them. Here: widths and
// heights around the blocks (vector 8/16 columns, 2-row pairs, rows per task, tiles per band),
// channel counts around co_block (ShiftInwards overlaps), 1x1 / 3x3 / 5x5 kernels, a strided conv
// (the fallback), pool windows baked in or not. NaN / +-inf in the input of some cases (the
// Winograd variants then hand over to a direct one), finite data in the others (Winograd runs).
// Weights at the scale networks use (He: variance 2 / fan-in): with unit-variance weights over
// 576 taps, float32 rounding alone — direct or Winograd — comes near DESIGN.md's 1e-5·(1 + |b|).
TEST_CASE("conformance: conv kernels over shapes around their register blocks", "[conformance]") {
  const auto backends = backends_under_test();
  if (backends.empty()) return;
  std::mt19937 rng(20261123);
  const auto random_tensor = [&](const Shape& s, bool specials, float scale) {
    return ::random_tensor(rng, s, specials ? 0.002f : 0.0f, scale);
  };
  struct Case {
    int64_t n, cin, h, w, cout, k, pad, stride;
    bool specials;
  };
  const std::vector<Case> cases = {
      {1, 3, 8, 32, 32, 3, 1, 1, true},      {1, 1, 9, 33, 4, 3, 1, 1, true},    {2, 7, 12, 56, 9, 3, 1, 1, true},
      {1, 3, 17, 71, 12, 3, 1, 1, true},     {1, 5, 16, 64, 8, 3, 1, 1, true},   {1, 4, 10, 40, 16, 5, 2, 1, true},
      {1, 3, 12, 34, 8, 1, 0, 1, true},      {1, 6, 18, 40, 8, 3, 1, 2, true},   {1, 2, 8, 16, 5, 3, 1, 1, true},
      {1, 3, 224 / 8, 224 / 4, 32, 3, 1, 1, true},
      {1, 3, 8, 32, 32, 3, 1, 1, false},     {2, 32, 8, 32, 16, 3, 1, 1, false}, {1, 64, 12, 56, 20, 3, 1, 1, false},
      {1, 40, 18, 36, 16, 3, 1, 1, false},   {1, 33, 14, 70, 24, 3, 0, 1, false},   {1, 8, 30, 34, 16, 3, 1, 1, false},
  };
  int chain = 0;
  for (const Case& c : cases) {
    for (int links = 1; links <= 4; ++links, ++chain) {
      Graph g;
      const ValueId x = g.input("x", Shape{c.n, c.cin, c.h, c.w});
      const ValueId w = g.input("w", Shape{c.cout, c.cin, c.k, c.k});
      const ValueId b = g.input("b", Shape{c.cout});
      Conv2dAttrs a{{c.stride, c.stride}, {Conv2dPadding::Mode::explicit_values, {c.pad, c.pad}}, {1, 1}, 1};
      auto outs = g.add("c", a, {x, w, b});
      if (links >= 2) outs = g.add("r", ReluAttrs{}, {outs[0]});
      // 2x2/s2 (baked into the fused variants) or 3x3/s2 (overlapping windows: run-time variant)
      if (links >= 3) {
        const int64_t pk = links == 3 ? 2 : 3;
        outs = g.add("p", MaxPool2dAttrs{{pk, pk}, Pair{2, 2}, {0, 0}, {1, 1}, chain % 2 == 1, false}, {outs[0]});
      }
      g.output(outs[0]);
      const float he = std::sqrt(2.0f / static_cast<float>(c.cin * c.k * c.k));
      NamedTensors inputs{{"x", random_tensor({c.n, c.cin, c.h, c.w}, c.specials, 1.0f)},
                          {"w", random_tensor({c.cout, c.cin, c.k, c.k}, false, he)},
                          {"b", random_tensor({c.cout}, false, 1.0f)}};
      check_against_reference(backends, g, inputs, g.to_json());
    }
  }
}

// The autoscheduled variants (variants.cmake AUTOSCHEDULER rows) apply only from the output size
// their schedules were planned for (P1/P3, P2, C1, F1; min_output), which the cases above never
// reach: here the benchmark shapes themselves and larger odd ones (tails of every split), NaN and
// +-inf in the pooling data. Every variant of each node runs, hand-scheduled ones included.
TEST_CASE("conformance: the benchmark shapes and odd larger ones", "[conformance]") {
  const auto backends = backends_under_test();
  if (backends.empty()) return;
  std::mt19937 rng(20261122);
  const auto random_tensor = [&](const Shape& s, bool specials, float scale) {
    return ::random_tensor(rng, s, specials ? 0.01f : 0.0f, scale);
  };
  const auto check = [&](const Graph& g, const NamedTensors& inputs) {
    check_against_reference(backends, g, inputs, g.to_json());
  };
  // P1 / P3 (2x2/s2) and P2 (3x3/s2/p1), then odd sizes above them.
  for (const Shape& xs : {Shape{1, 64, 224, 224}, Shape{1, 65, 227, 230}, Shape{1, 64, 112, 112}, Shape{2, 64, 113, 117}}) {
    const bool p2 = xs[2] < 200;
    const int64_t k = p2 ? 3 : 2, pad = p2 ? 1 : 0;
    for (bool avg : {false, true}) {
      if (avg && p2) continue;
      Graph g;
      const ValueId in = g.input("x", xs);
      const auto outs = avg ? g.add("y", AvgPool2dAttrs{{k, k}, Pair{2, 2}, {pad, pad}, false, true}, {in})
                            : g.add("y", MaxPool2dAttrs{{k, k}, Pair{2, 2}, {pad, pad}, {1, 1}, false, false}, {in});
      g.output(outs[0]);
      check(g, {{"x", random_tensor(xs, true, 1.0f)}});
    }
  }
  // C1 (conv 3x3/p1 64 -> 64 on 56x56), then more columns, rows and output channels; F1 (+ relu +
  // max 2x2/s2 on 112x112), then odd sizes. He-scaled weights, as the conv cases above.
  struct Conv {
    Shape x;
    int64_t cout;
    bool pool;
  };
  for (const Conv& c : {Conv{{1, 64, 56, 56}, 64, false}, Conv{{1, 64, 57, 61}, 70, false},
                        Conv{{1, 64, 112, 112}, 64, true}, Conv{{1, 64, 115, 118}, 64, true}}) {
    Graph g;
    const int64_t cin = c.x[1];
    const ValueId x = g.input("x", c.x);
    const ValueId w = g.input("w", Shape{c.cout, cin, 3, 3});
    const ValueId b = g.input("b", Shape{c.cout});
    auto outs = g.add("c", Conv2dAttrs{{1, 1}, {Conv2dPadding::Mode::explicit_values, {1, 1}}, {1, 1}, 1}, {x, w, b});
    if (c.pool) {
      outs = g.add("r", ReluAttrs{}, {outs[0]});
      outs = g.add("p", MaxPool2dAttrs{{2, 2}, Pair{2, 2}, {0, 0}, {1, 1}, false, false}, {outs[0]});
    }
    g.output(outs[0]);
    const float he = std::sqrt(2.0f / static_cast<float>(cin * 9));
    check(g, {{"x", random_tensor(c.x, false, 1.0f)},
              {"w", random_tensor({c.cout, cin, 3, 3}, false, he)},
              {"b", random_tensor({c.cout}, false, 1.0f)}});
  }
}
