// One test per class of bad graph: each is rejected with Error{bad_input} and a one-line message
// naming the culprit (node, parameter, value or input).
#include <catch2/catch.hpp>

#include "poolkit/poolkit.h"
#include "support/rejection.h"

using namespace poolkit;

namespace {

// A one-node graph over input x of |shape| with the node's JSON body |node|.
std::string one_node(const std::string& node, const std::string& shape = "[1, 1, 8, 8]") {
  return R"({"inputs": {"x": {"shape": )" + shape + R"(}}, "nodes": [{"name": "n", "inputs": ["x"], )" + node +
         R"(}], "outputs": ["n"]})";
}

using test::rejection;

}  // namespace

TEST_CASE("malformed JSON is rejected with the position", "[errors]") {
  const auto m = rejection(R"({"inputs": {"x": {"shape": [1, 2]}, )");
  CHECK_THAT(m, Catch::StartsWith("malformed JSON"));
  CHECK_THAT(rejection("[1, 2]"), Catch::Contains("expected a JSON object"));
}

TEST_CASE("unknown op names the op", "[errors]") {
  CHECK_THAT(rejection(one_node(R"("op": "max_pool3d", "kernel_size": 2)")), Catch::Contains("unknown op 'max_pool3d'"));
}

TEST_CASE("unknown parameter names it and lists the valid ones", "[errors]") {
  const auto m = rejection(one_node(R"("op": "max_pool2d", "kernel_size": 2, "count_include_pad": true)"));
  CHECK_THAT(m, Catch::Contains("node 'n' (max_pool2d): unknown parameter 'count_include_pad'"));
  CHECK_THAT(m, Catch::Contains("dilation"));
}

TEST_CASE("missing required parameter and ill-typed values", "[errors]") {
  CHECK_THAT(rejection(one_node(R"("op": "max_pool2d")")), Catch::Contains("missing required parameter 'kernel_size'"));
  CHECK_THAT(rejection(one_node(R"("op": "max_pool2d", "kernel_size": "2")")), Catch::Contains("parameter 'kernel_size' \"2\""));
  CHECK_THAT(rejection(one_node(R"("op": "max_pool2d", "kernel_size": [2, 2, 2])")), Catch::Contains("list of 2 ints"));
  CHECK_THAT(rejection(one_node(R"("op": "max_pool2d", "kernel_size": 2.5)")), Catch::Contains("kernel_size"));
  CHECK_THAT(rejection(one_node(R"("op": "max_pool2d", "kernel_size": 2, "ceil_mode": 1)")), Catch::Contains("true or false"));
}

TEST_CASE("wrong arity names the expected inputs", "[errors]") {
  CHECK_THAT(rejection(R"({"inputs": {"x": {"shape": [1, 1, 4, 4]}},
    "nodes": [{"name": "n", "op": "relu", "inputs": ["x", "x"]}], "outputs": ["n"]})"),
             Catch::Contains("node 'n' (relu): takes 1 inputs (input), got 2"));
  CHECK_THAT(rejection(R"({"inputs": {"x": {"shape": [1, 1, 4, 4]}},
    "nodes": [{"name": "n", "op": "conv2d", "inputs": ["x"]}], "outputs": ["n"]})"),
             Catch::Contains("takes 2 to 3 inputs"));
}

TEST_CASE("unknown input and output names", "[errors]") {
  CHECK_THAT(rejection(R"({"inputs": {"x": {"shape": [1, 1, 4, 4]}},
    "nodes": [{"name": "n", "op": "relu", "inputs": ["y"]}], "outputs": ["n"]})"),
             Catch::Contains("unknown input 'y'"));
  CHECK_THAT(rejection(R"({"inputs": {"x": {"shape": [1, 1, 4, 4]}},
    "nodes": [{"name": "n", "op": "relu", "inputs": ["x"]}], "outputs": ["m"]})"),
             Catch::Contains("unknown value 'm'"));
  CHECK_THAT(rejection(R"({"inputs": {"x": {"shape": [1, 1, 4, 4]}},
    "nodes": [{"name": "n", "op": "relu", "inputs": ["x"]}], "outputs": ["n.indices"]})"),
             Catch::Contains("unknown value 'n.indices'"));
}

TEST_CASE("cycles are reported with their nodes", "[errors]") {
  const auto m = rejection(R"({"inputs": {"x": {"shape": [1, 1, 4, 4]}},
    "nodes": [{"name": "a", "op": "relu", "inputs": ["b"]}, {"name": "b", "op": "relu", "inputs": ["a"]}],
    "outputs": ["b"]})");
  CHECK_THAT(m, Catch::Contains("cycle"));
  CHECK_THAT(m, Catch::Contains("'a'"));
  CHECK_THAT(rejection(R"({"inputs": {}, "nodes": [{"name": "a", "op": "relu", "inputs": ["a"]}], "outputs": ["a"]})"),
             Catch::Contains("cycle"));
}

TEST_CASE("kernel, stride and dilation must be >= 1", "[errors]") {
  CHECK_THAT(rejection(one_node(R"("op": "max_pool2d", "kernel_size": [0, 2])")), Catch::Contains("parameter 'kernel_size' [0, 2]: must be >= 1"));
  CHECK_THAT(rejection(one_node(R"("op": "avg_pool2d", "kernel_size": 2, "stride": [2, -1])")), Catch::Contains("parameter 'stride' [2, -1]: must be >= 1"));
  CHECK_THAT(rejection(one_node(R"("op": "max_pool2d", "kernel_size": 2, "dilation": 0)")), Catch::Contains("parameter 'dilation' [0, 0]: must be >= 1"));
  CHECK_THAT(rejection(one_node(R"("op": "max_pool1d", "kernel_size": 0)", "[1, 2, 8]")), Catch::Contains("parameter 'kernel_size' 0: must be >= 1"));
  CHECK_THAT(rejection(R"({"inputs": {"x": {"shape": [1, 2, 8, 8]}, "w": {"shape": [2, 2, 3, 3]}},
    "nodes": [{"name": "n", "op": "conv2d", "inputs": ["x", "w"], "stride": 0}], "outputs": ["n"]})"),
             Catch::Contains("parameter 'stride' [0, 0]: must be >= 1"));
}

TEST_CASE("padding larger than half the kernel", "[errors]") {
  CHECK_THAT(rejection(one_node(R"("op": "max_pool2d", "kernel_size": 3, "padding": 2)")),
             Catch::Contains("parameter 'padding' [2, 2]: must be at most half of kernel_size [3, 3]"));
  CHECK_THAT(rejection(one_node(R"("op": "avg_pool2d", "kernel_size": 2, "padding": -1)")), Catch::Contains("'padding' [-1, -1]"));
}

TEST_CASE("output size below 1", "[errors]") {
  CHECK_THAT(rejection(one_node(R"("op": "max_pool2d", "kernel_size": 5)", "[1, 1, 4, 4]")), Catch::Contains("too small"));
  CHECK_THAT(rejection(one_node(R"("op": "adaptive_avg_pool2d", "output_size": [0, 2])")), Catch::Contains("'output_size' [0, 2]"));
  CHECK_THAT(rejection(one_node(R"("op": "fractional_max_pool2d", "kernel_size": 2, "output_size": [8, 4])")), Catch::Contains("does not fit"));
}

TEST_CASE("op-specific rules", "[errors]") {
  CHECK_THAT(rejection(one_node(R"("op": "avg_pool2d", "kernel_size": 2, "divisor_override": 0)")), Catch::Contains("divisor_override"));
  CHECK_THAT(rejection(one_node(R"("op": "lp_pool2d", "norm_type": 0.5, "kernel_size": 2)")), Catch::Contains("norm_type"));
  CHECK_THAT(rejection(one_node(R"("op": "fractional_max_pool2d", "kernel_size": 2, "output_size": 3, "output_ratio": 0.5)")),
             Catch::Contains("exactly one"));
  CHECK_THAT(rejection(one_node(R"("op": "max_pool2d", "kernel_size": 2)", "[8, 8]")), Catch::Contains("expected [N, C, H, W] or [C, H, W]"));
  CHECK_THAT(rejection(R"({"inputs": {"x": {"shape": [1, 3, 8, 8]}, "w": {"shape": [2, 2, 3, 3]}},
    "nodes": [{"name": "n", "op": "conv2d", "inputs": ["x", "w"]}], "outputs": ["n"]})"),
             Catch::Contains("input channels per group"));
  CHECK_THAT(rejection(R"({"inputs": {"x": {"shape": [1, 2, 8, 8]}, "w": {"shape": [2, 2, 3, 3]}},
    "nodes": [{"name": "n", "op": "conv2d", "inputs": ["x", "w"], "stride": 2, "padding": "same"}], "outputs": ["n"]})"),
             Catch::Contains("requires stride 1"));
}

TEST_CASE("shape and dtype mismatches between node inputs", "[errors]") {
  CHECK_THAT(rejection(R"({"inputs": {"x": {"shape": [1, 1, 4, 4]}, "i": {"shape": [1, 1, 4, 4]}},
    "nodes": [{"name": "u", "op": "max_unpool2d", "inputs": ["x", "i"], "kernel_size": 2}], "outputs": ["u"]})"),
             Catch::Contains("dtype float32: expected int64"));
  CHECK_THAT(rejection(R"({"inputs": {"x": {"shape": [1, 1, 4, 4], "dtype": "int64"}},
    "nodes": [{"name": "n", "op": "relu", "inputs": ["x"]}], "outputs": ["n"]})"),
             Catch::Contains("dtype int64: expected float32"));
  CHECK_THAT(rejection(R"({"inputs": {"x": {"shape": [1, 1, 4, 4], "dtype": "float16"}}, "nodes": [], "outputs": ["x"]})"),
             Catch::Contains("float16"));
}

TEST_CASE("dimension products overflowing 64 bits", "[errors]") {
  CHECK_THAT(rejection(one_node(R"("op": "relu")", "[4294967296, 4294967296, 2]")), Catch::Contains("overflows 64 bits"));
  CHECK_THAT(rejection(one_node(R"("op": "relu")", "[99999999999999999999]")), Catch::Contains("shape"));
  CHECK_THAT(rejection(one_node(R"("op": "relu")", "[-1, 2]")), Catch::Contains(">= 0"));
}

TEST_CASE("duplicate names and structural mistakes", "[errors]") {
  CHECK_THAT(rejection(R"({"inputs": {"x": {"shape": [1, 1, 4, 4]}},
    "nodes": [{"name": "x", "op": "relu", "inputs": ["x"]}], "outputs": ["x"]})"),
             Catch::Contains("defined twice"));
  CHECK_THAT(rejection(R"({"inputs": {"x": {"shape": [1, 1, 4, 4]}}, "nodes": [], "outputs": []})"), Catch::Contains("non-empty"));
  CHECK_THAT(rejection(R"({"inputs": {"x": {"shape": [1, 1, 4, 4]}}, "nodez": [], "outputs": ["x"]})"), Catch::Contains("unknown key 'nodez'"));
  CHECK_THAT(rejection(R"({"inputs": {"x": {"shape": [1, 1, 4, 4]}}, "nodes": [{"op": "relu", "inputs": ["x"]}], "outputs": ["x"]})"),
             Catch::Contains("needs a non-empty string 'name'"));
  CHECK_THAT(rejection(R"({"inputs": {"x": {}}, "nodes": [], "outputs": ["x"]})"), Catch::Contains("needs a 'shape'"));
}

TEST_CASE("constants: missing file and bad inline data", "[errors]") {
  CHECK_THAT(rejection(R"({"constants": {"w": {"file": "does_not_exist.npy"}}, "nodes": [], "outputs": ["w"]})"),
             Catch::Contains("does_not_exist.npy"));
  CHECK_THAT(rejection(R"({"constants": {"w": {"shape": [2], "data": [1]}}, "nodes": [], "outputs": ["w"]})"),
             Catch::Contains("list of 2 numbers"));
}

TEST_CASE("a missing graph file names the file", "[errors]") {
  try {
    Graph::load_json("/nonexistent/graph.json");
    FAIL("accepted a missing file");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::bad_input);
    CHECK_THAT(std::string(e.what()), Catch::Contains("/nonexistent/graph.json"));
  }
}

TEST_CASE("session inputs must match the graph's declared shapes and dtypes", "[errors]") {
  Graph g;
  const ValueId x = g.input("x", {1, 1, 4, 4});
  g.output(g.add("r", ReluAttrs{}, {x})[0]);
  Session s(g, "reference");
  const auto expect_bad = [&](const NamedTensors& in, const char* fragment) {
    try {
      s.run(in);
      FAIL("accepted");
    } catch (const Error& e) {
      CHECK(e.kind() == ErrorKind::bad_input);
      CHECK_THAT(std::string(e.what()), Catch::Contains(fragment));
    }
  };
  expect_bad({{"x", Tensor::zeros({1, 1, 4, 5})}}, "has shape [1, 1, 4, 5], the graph declares [1, 1, 4, 4]");
  expect_bad({{"x", Tensor::zeros({1, 1, 4, 4}, DType::i64)}}, "dtype int64");
  expect_bad({}, "input 'x' was not given");
  expect_bad({{"x", Tensor::zeros({1, 1, 4, 4})}, {"y", Tensor::zeros({1})}}, "unknown input 'y'");
}

TEST_CASE("an unknown backend lists the known ones", "[errors]") {
  Graph g;
  g.output(g.input("x", {1}));
  try {
    Session s(g, "tpu");
    FAIL("accepted");
  } catch (const Error& e) {
    CHECK_THAT(std::string(e.what()), Catch::Contains("unknown backend 'tpu'") && Catch::Contains("reference"));
  }
}
