// Session::kernels() names the kernel that ran each node. On the cpu backend a Winograd conv
// cannot represent infinities (its transforms turn inf into NaN), so on NaN/inf data a direct
// kernel runs instead — and where its transforms could overflow although direct convolution
// would not: the report must follow, run by run.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "poolkit/poolkit.h"
#include "support/backends.h"

using namespace poolkit;

namespace {

// conv 3x3/p1 32 -> 16 channels on 8x32: big enough for every Winograd row's blocks (16 tiles a
// row, 4 rows of tiles, 16 output channels).
Graph conv_graph() {
  return Graph::from_json(R"({"inputs": {"x": {"shape": [1, 32, 8, 32]}, "w": {"shape": [16, 32, 3, 3]}},
    "nodes": [{"name": "c", "op": "conv2d", "inputs": ["x", "w"], "padding": 1}],
    "outputs": ["c"]})", "/");
}

Tensor ramp(const Shape& shape, float scale) {
  Tensor t = Tensor::zeros(shape, DType::f32);
  for (int64_t i = 0; i < t.numel(); ++i) t.data<float>()[i] = scale * static_cast<float>((i * 37) % 19 - 9);
  return t;
}

std::string forced_winograd(const Graph& graph) {
  for (const std::string& id : backend("cpu").variants(graph.nodes()[0], graph))
    if (id.find("winograd") != std::string::npos) return id;
  return "";
}

std::string variant_of(const Session& s, const std::string& node) {
  for (const KernelChoice& k : s.kernels())
    if (k.node == node) return k.variant;
  return "";
}

}  // namespace

TEST_CASE("cpu reports the direct conv that ran when Winograd falls back on non-finite data", "[session][cpu]") {
  if (!has_backend("cpu")) return;
  const Graph graph = conv_graph();
  const std::string winograd = forced_winograd(graph);
  REQUIRE_FALSE(winograd.empty());  // the cpu backend has a Winograd row for this shape

  SessionOptions options;
  options.variants = {{"c", winograd}};
  Session session(graph, "cpu", options);
  CHECK(variant_of(session, "c") == winograd);  // the plan, before any run

  const Tensor w = ramp(Shape({16, 32, 3, 3}), 0.01f);
  Tensor x = ramp(Shape({1, 32, 8, 32}), 0.1f);
  session.run({{"x", x}, {"w", w}});
  CHECK(variant_of(session, "c") == winograd);

  x.data<float>()[5] = std::numeric_limits<float>::infinity();
  const Tensor y = session.run({{"x", x}, {"w", w}}).at("c");
  const std::string ran = variant_of(session, "c");
  CHECK(ran.find("winograd") == std::string::npos);
  CHECK(ran.starts_with("conv2d__"));
  // Output (co, 0, 4..6) reads input column 5 of row 0: +-inf or NaN there (a weight of 0 times
  // inf), never a finite number, and finite values elsewhere in row 2 (out of the 3x3 reach).
  CHECK_FALSE(std::isfinite(y.data<float>()[5]));
  CHECK(std::isfinite(y.data<float>()[2 * 32 + 5]));

  x.data<float>()[5] = 1.0f;
  session.run({{"x", x}, {"w", w}});
  CHECK(variant_of(session, "c") == winograd);
}

TEST_CASE("cpu runs a direct conv where Winograd's transforms could overflow", "[session][cpu]") {
  if (!has_backend("cpu")) return;
  const Graph graph = conv_graph();
  const std::string winograd = forced_winograd(graph);
  REQUIRE_FALSE(winograd.empty());
  SessionOptions options;
  options.variants = {{"c", winograd}};
  Session cpu(graph, "cpu", options);
  Session reference(graph, "reference");
  // |x| up to 9e35, |w| up to 0.09: direct sums stay below 2.4e37 (finite); 81 * 32 * max|x| *
  // max|w| does not.
  const NamedTensors feeds{{"x", ramp(Shape({1, 32, 8, 32}), 1e35f)}, {"w", ramp(Shape({16, 32, 3, 3}), 0.01f)}};
  const Tensor got = cpu.run(feeds).at("c");
  const Tensor want = reference.run(feeds).at("c");
  CHECK(variant_of(cpu, "c").find("winograd") == std::string::npos);
  for (int64_t i = 0; i < want.numel(); ++i) {
    INFO("element " << i);
    REQUIRE(std::isfinite(want.data<float>()[i]));
    CHECK(got.data<float>()[i] == Approx(want.data<float>()[i]).epsilon(1e-5).margin(1e30));
  }
}
