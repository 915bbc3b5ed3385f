// Graph JSON: parsing, PyTorch defaults, node order, round trips through to_json.
#include <catch2/catch.hpp>

#include <filesystem>
#include <random>

#include "poolkit/poolkit.h"

using namespace poolkit;

namespace {
Graph parse(const std::string& text) { return Graph::from_json(text, "."); }
}  // namespace

TEST_CASE("an int stands for a pair and stride defaults to kernel_size", "[graph][json]") {
  const Graph g = parse(R"({"inputs": {"x": {"shape": [1, 2, 9, 7]}},
    "nodes": [{"name": "p", "op": "max_pool2d", "inputs": ["x"], "kernel_size": 3}],
    "outputs": ["p"]})");
  const auto& attrs = std::get<MaxPool2dAttrs>(g.nodes().at(0).attrs);
  CHECK(attrs.kernel_size == Pair{3, 3});
  CHECK_FALSE(attrs.stride.has_value());
  CHECK(attrs.dilation == Pair{1, 1});
  CHECK(g.value(*g.find("p")).shape == Shape{1, 2, 3, 2});
}

TEST_CASE("return_indices adds the '<node>.indices' int64 output", "[graph][json]") {
  const Graph g = parse(R"({"inputs": {"x": {"shape": [2, 3, 8, 8]}},
    "nodes": [{"name": "p", "op": "max_pool2d", "inputs": ["x"], "kernel_size": [2, 2], "return_indices": true}],
    "outputs": ["p", "p.indices"]})");
  const auto idx = g.find("p.indices");
  REQUIRE(idx);
  CHECK(g.value(*idx).dtype == DType::i64);
  CHECK(g.value(*idx).shape == Shape{2, 3, 4, 4});
  CHECK(g.outputs().size() == 2);
}

TEST_CASE("nodes may be listed in any order", "[graph][json]") {
  const Graph g = parse(R"({"inputs": {"x": {"shape": [1, 1, 8, 8]}},
    "nodes": [{"name": "p", "op": "max_pool2d", "inputs": ["r"], "kernel_size": 2},
              {"name": "r", "op": "relu", "inputs": ["x"]}],
    "outputs": ["p"]})");
  REQUIRE(g.nodes().size() == 2);
  CHECK(g.nodes()[0].name == "r");
  CHECK(g.nodes()[1].name == "p");
}

TEST_CASE("shape inference: ceil mode drops a last window starting in the right padding", "[graph][shape]") {
  // 5 wide, k2 s2 p1: plain ceil gives 4 windows, the 4th would start at 6 = in + pad: dropped.
  const Graph g = parse(R"({"inputs": {"x": {"shape": [1, 1, 5, 5]}},
    "nodes": [{"name": "p", "op": "max_pool2d", "inputs": ["x"], "kernel_size": 2, "stride": 2, "padding": 1, "ceil_mode": true}],
    "outputs": ["p"]})");
  CHECK(g.value(*g.find("p")).shape == Shape{1, 1, 3, 3});
}

TEST_CASE("output shapes follow PyTorch for every op family", "[graph][shape]") {
  struct Case {
    const char* node;
    const char* in_shape;
    Shape want;
  };
  const Case cases[] = {
      {R"("op": "max_pool2d", "kernel_size": 3, "stride": 2, "padding": 1, "dilation": 2)", "[1, 1, 11, 9]", {1, 1, 5, 4}},
      {R"("op": "avg_pool2d", "kernel_size": [3, 2], "ceil_mode": true)", "[2, 3, 10, 7]", {2, 3, 4, 4}},
      {R"("op": "lp_pool2d", "norm_type": 2, "kernel_size": 2)", "[1, 1, 5, 5]", {1, 1, 2, 2}},
      {R"("op": "max_pool1d", "kernel_size": 3, "stride": 1)", "[2, 4, 10]", {2, 4, 8}},
      {R"("op": "avg_pool1d", "kernel_size": [4])", "[4, 10]", {4, 2}},
      {R"("op": "adaptive_avg_pool2d", "output_size": [3, null])", "[1, 2, 10, 7]", {1, 2, 3, 7}},
      {R"("op": "adaptive_max_pool2d", "output_size": 5)", "[1, 2, 3, 3]", {1, 2, 5, 5}},
      {R"("op": "global_avg_pool")", "[2, 5, 7, 7]", {2, 5, 1, 1}},
      {R"("op": "fractional_max_pool2d", "kernel_size": 2, "output_ratio": 0.5)", "[1, 1, 9, 11]", {1, 1, 4, 5}},
      {R"("op": "stochastic_pool2d", "kernel_size": 2)", "[1, 3, 6, 6]", {1, 3, 3, 3}},
      {R"("op": "relu")", "[3, 4]", {3, 4}},
      {R"("op": "max_pool2d", "kernel_size": 2)", "[3, 8, 6]", {3, 4, 3}},  // unbatched
  };
  for (const auto& c : cases) {
    INFO(c.node << " on " << c.in_shape);
    const Graph g = parse(std::string(R"({"inputs": {"x": {"shape": )") + c.in_shape +
                          R"(}}, "nodes": [{"name": "y", "inputs": ["x"], )" + c.node + R"(}], "outputs": ["y"]})");
    CHECK(g.value(*g.find("y")).shape == c.want);
  }
}

TEST_CASE("conv2d shapes: stride, dilation, groups, 'same' and 'valid'", "[graph][shape]") {
  Graph g;
  const ValueId x = g.input("x", {1, 4, 9, 8});
  const ValueId w = g.input("w", {6, 2, 3, 3});
  const ValueId b = g.input("b", {6});
  CHECK(g.value(g.add("c1", Conv2dAttrs{.stride = {2, 2}, .padding = {Conv2dPadding::Mode::explicit_values, {1, 1}}, .groups = 2}, {x, w, b})[0]).shape ==
        Shape{1, 6, 5, 4});
  CHECK(g.value(g.add("c2", Conv2dAttrs{.padding = {Conv2dPadding::Mode::same, {}}, .dilation = {2, 1}, .groups = 2}, {x, w})[0]).shape ==
        Shape{1, 6, 9, 8});
  CHECK(g.value(g.add("c3", Conv2dAttrs{.padding = {Conv2dPadding::Mode::valid, {}}, .groups = 2}, {x, w})[0]).shape == Shape{1, 6, 7, 6});
}

TEST_CASE("to_json writes every parameter of each op and only those", "[graph][json]") {
  Graph g;
  const ValueId x = g.input("x", {1, 3, 16, 16});
  const ValueId w = g.constant("w", Tensor::zeros({4, 3, 3, 3}));
  const auto c = g.add("c", Conv2dAttrs{.padding = {Conv2dPadding::Mode::explicit_values, {1, 1}}}, {x, w});
  const auto r = g.add("r", ReluAttrs{}, {c[0]});
  const auto p = g.add("p", MaxPool2dAttrs{.kernel_size = {3, 3}, .stride = Pair{2, 2}, .padding = {1, 1}, .return_indices = true}, {r[0]});
  const auto a = g.add("a", AdaptiveAvgPool2dAttrs{.output_size = {std::nullopt, 2}}, {p[0]});
  g.output(a[0]);
  g.output(p[1]);

  const std::string text = g.to_json();
  CHECK(text.find("\"return_indices\": true") != std::string::npos);
  CHECK(text.find("\"count_include_pad\"") == std::string::npos);  // not a max_pool2d parameter
  CHECK(text.find("\"dilation\": [\n") != std::string::npos);
}

TEST_CASE("save_json then load_json round-trips constants and shapes", "[graph][json]") {
  const auto dir = std::filesystem::temp_directory_path() / ("poolkit_graph_rt_" + std::to_string(std::random_device{}()));
  std::filesystem::create_directories(dir);
  Graph g;
  const ValueId x = g.input("x", {2, 3, 10, 10});
  Tensor wt = Tensor::zeros({5, 3, 3, 3});
  for (int64_t i = 0; i < wt.numel(); ++i) wt.data<float>()[static_cast<size_t>(i)] = static_cast<float>(i) * 0.5f;
  const ValueId w = g.constant("w", wt);
  const auto c = g.add("c", Conv2dAttrs{.stride = {2, 1}}, {x, w});
  const auto p = g.add("p", AvgPool2dAttrs{.kernel_size = {2, 2}, .ceil_mode = true, .divisor_override = 3}, {c[0]});
  g.output(p[0]);
  g.save_json(dir / "g.json");

  const Graph back = Graph::load_json(dir / "g.json");
  REQUIRE(back.nodes().size() == 2);
  CHECK(back.value(*back.find("p")).shape == g.value(p[0]).shape);
  const auto& attrs = std::get<AvgPool2dAttrs>(back.nodes()[1].attrs);
  CHECK(attrs.divisor_override == std::optional<int64_t>(3));
  CHECK(attrs.ceil_mode);
  const Tensor& w2 = back.constant_value(*back.find("w"));
  REQUIRE(w2.numel() == wt.numel());
  CHECK(w2.data<float>()[17] == 8.5f);
  CHECK(back.to_json() == g.to_json());
  std::filesystem::remove_all(dir);
}

TEST_CASE("inline constants need no files", "[graph][json]") {
  const Graph g = parse(R"({"inputs": {"x": {"shape": [1, 1, 3, 3]}},
    "constants": {"w": {"shape": [1, 1, 1, 1], "data": [2.5]}},
    "nodes": [{"name": "c", "op": "conv2d", "inputs": ["x", "w"]}], "outputs": ["c"]})");
  Session s(g, "reference");
  Tensor x = Tensor::from_vector({1, 1, 3, 3}, std::vector<float>{1, 2, 3, 4, 5, 6, 7, 8, 9});
  const auto out = s.run({{"x", x}});
  CHECK(out.at("c").data<float>()[8] == 22.5f);
}

TEST_CASE("the op table lists every op with PyTorch's defaults", "[graph][ops]") {
  REQUIRE(all_ops().size() == static_cast<size_t>(kOpCount));
  const OpInfo& mp = op_info(OpKind::max_pool2d);
  CHECK(mp.name == "max_pool2d");
  REQUIRE(mp.params.size() == 6);
  CHECK(mp.params[0].name == "kernel_size");
  CHECK(mp.params[0].default_value == "required");
  CHECK(mp.params[1].default_value == "null");  // stride: none = kernel_size
  CHECK(mp.params[3].default_value == "[1,1]");  // dilation
  CHECK(op_info(OpKind::avg_pool2d).params[4].default_value == "true");  // count_include_pad
  CHECK(op_info(OpKind::conv2d).input_names == std::vector<std::string>{"input", "weight", "bias?"});
  for (const auto& op : all_ops()) CHECK(op_kind_from_name(op.name) == op.kind);
  CHECK_FALSE(op_kind_from_name("max_pool3d"));
}
