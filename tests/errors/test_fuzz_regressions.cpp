// Regressions from fuzzing the graph JSON, the .npy reader and the command line under ASan+UBSan:
// one test per class of finding. Each input used to crash, hang, overflow int64 (undefined
// behaviour), exhaust memory or report the wrong error; each must now be rejected with a one-line
// Error naming what is wrong — or, where the input is valid, run quickly and correctly.
#include <catch2/catch.hpp>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "poolkit/poolkit.h"
#include "support/rejection.h"

using namespace poolkit;
using Catch::Matchers::Contains;

namespace {

// A graph over input x of |shape| whose one node "n" has the JSON body |node|.
std::string one_node(const std::string& node, const std::string& shape = "[1, 1, 4, 4]",
                     const std::string& outputs = R"(["n"])") {
  return R"({"inputs": {"x": {"shape": )" + shape + R"(}}, "nodes": [{"name": "n", "inputs": ["x"], )" + node +
         R"(}], "outputs": )" + outputs + "}";
}

using test::rejection;

Tensor ramp(Shape shape) {
  Tensor t = Tensor::zeros(std::move(shape));
  auto d = t.data<float>();
  for (size_t i = 0; i < d.size(); ++i) d[i] = static_cast<float>((i * 7) % 11) - 3.0f;
  return t;
}

// Runs the one-node graph |text| on input x = ramp(shape) with the reference backend.
Tensor run_one(const std::string& text, const Shape& shape) {
  Session s(Graph::from_json(text, "."), "reference");
  return s.run({{"x", ramp(shape)}}).at("n");
}

float max_of(const Tensor& t) {
  float m = -std::numeric_limits<float>::infinity();
  for (float v : t.data<float>()) m = std::max(m, v);
  return m;
}

struct TempDir {
  std::filesystem::path path;
  TempDir() {
    std::random_device rd;
    path = std::filesystem::temp_directory_path() / ("poolkit-fuzz-regr-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(path);
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
};

std::string npy_with_header(const std::string& header, const std::string& data, int version = 1) {
  std::string out("\x93NUMPY", 6);
  out += static_cast<char>(version);
  out += '\0';
  const size_t len = header.size();
  for (int i = 0; i < (version == 1 ? 2 : 4); ++i) out += static_cast<char>((len >> (8 * i)) & 0xff);
  return out + header + data;
}

std::string npy_rejection(const std::string& bytes) {
  try {
    parse_npy(bytes, "f.npy");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::bad_input);
    const std::string msg = e.what();
    CHECK(msg.find('\n') == std::string::npos);
    CHECK_THAT(msg, Contains("f.npy"));
    return msg;
  }
  FAIL("npy bytes were accepted");
  return {};
}

}  // namespace

// Finding: kernel_size/stride/padding/dilation near 2^62 overflowed int64 in the output-size rule
// (pool_geometry.h pooled_size: dilation * (kernel - 1), in + 2 * padding) — undefined behaviour
// that could yield a bogus positive output size.
TEST_CASE("fuzz: window parameters whose extents overflow int64 are rejected naming the window", "[errors][fuzz]") {
  const std::string k62 = std::to_string(int64_t{1} << 62);
  const std::string k61 = std::to_string(int64_t{1} << 61);
  const std::string max = std::to_string(std::numeric_limits<int64_t>::max());
  for (const std::string& node : {
           R"("op": "max_pool2d", "kernel_size": )" + k62 + R"(, "dilation": )" + k62,
           R"("op": "max_pool2d", "kernel_size": [1, 2], "dilation": )" + max,
           R"("op": "max_pool2d", "kernel_size": 2, "stride": )" + max + R"(, "ceil_mode": true)",
           R"("op": "avg_pool2d", "kernel_size": )" + k62 + R"(, "padding": )" + k61,
           R"("op": "avg_pool2d", "kernel_size": )" + max + R"(, "padding": )" + std::to_string(INT64_MAX / 2),
           R"("op": "lp_pool2d", "norm_type": 2, "kernel_size": )" + max + R"(, "ceil_mode": true)",
           R"("op": "stochastic_pool2d", "kernel_size": )" + k62 + R"(, "padding": )" + k61,
       }) {
    INFO(node);
    const std::string m = rejection(one_node(node));
    CHECK_THAT(m, Contains("node 'n'") && Contains("too large"));
  }
  for (const std::string& node : {
           R"("op": "max_pool1d", "kernel_size": 2, "dilation": )" + max,
           R"("op": "avg_pool1d", "kernel_size": )" + max + R"(, "padding": )" + std::to_string(INT64_MAX / 2),
           R"("op": "lp_pool1d", "norm_type": 1, "kernel_size": )" + max + R"(, "ceil_mode": true)",
       }) {
    INFO(node);
    CHECK_THAT(rejection(one_node(node, "[1, 2, 9]")), Contains("node 'n'") && Contains("too large"));
  }
}

// Finding: a kernel far larger than the input, with padding to match, passed validation (output
// 1x1) and the kernels then looped over every tap of the window — 2^80 iterations for kernel 2^40:
// a hang. Kernels now visit only the taps inside the input.
TEST_CASE("fuzz: a huge window over a tiny input runs at once and gives the right values", "[errors][fuzz]") {
  const int64_t k = int64_t{1} << 40;
  const std::string ks = std::to_string(k), pad = std::to_string(k / 2);
  const Shape shape{1, 1, 4, 4};
  const Tensor x = ramp(shape);
  double sum = 0;
  for (float v : x.data<float>()) sum += v;

  const Tensor mx = run_one(one_node(R"("op": "max_pool2d", "kernel_size": )" + ks + R"(, "padding": )" + pad +
                                     R"(, "return_indices": true)", "[1, 1, 4, 4]", R"(["n", "n.indices"])"),
                            shape);
  REQUIRE(mx.shape() == Shape{1, 1, 1, 1});
  CHECK(mx.data<float>()[0] == max_of(x));

  const Tensor avg = run_one(one_node(R"("op": "avg_pool2d", "count_include_pad": false, "kernel_size": )" + ks +
                                      R"(, "padding": )" + pad),
                             shape);
  CHECK(avg.data<float>()[0] == Approx(sum / 16));
  // count_include_pad divides by the padded window, (2^40)^2 elements: beyond int64, fine in double.
  const Tensor avg_pad = run_one(one_node(R"("op": "avg_pool2d", "kernel_size": )" + ks + R"(, "padding": )" + pad), shape);
  CHECK(avg_pad.data<float>()[0] == static_cast<float>(sum / (static_cast<double>(k) * static_cast<double>(k))));

  const Tensor lp = run_one(one_node(R"("op": "lp_pool2d", "norm_type": 1, "ceil_mode": true, "kernel_size": )" + ks), shape);
  double l1 = 0;
  for (float v : x.data<float>()) l1 += std::fabs(v);
  CHECK(lp.data<float>()[0] == Approx(l1));

  const Tensor st = run_one(one_node(R"("op": "stochastic_pool2d", "training": false, "kernel_size": )" + ks +
                                     R"(, "padding": )" + pad),
                            shape);
  CHECK(std::isfinite(st.data<float>()[0]));

  // A huge dilation leaves no room for an output (padding is at most half the kernel).
  CHECK_THAT(rejection(one_node(R"("op": "max_pool2d", "kernel_size": 3, "padding": 1, "dilation": )" + ks)), Contains("too small"));

  const Tensor m1 = run_one(one_node(R"("op": "max_pool1d", "kernel_size": )" + ks + R"(, "padding": )" + pad, "[1, 2, 9]"),
                            Shape{1, 2, 9});
  CHECK(m1.shape() == Shape{1, 2, 1});
}

// Finding: fractional_max_pool2d's "output + kernel - 1 <= input" overflowed for output_size or
// kernel_size near INT64_MAX (and wrapped to a negative, passing the check).
TEST_CASE("fuzz: fractional, unpool, adaptive and conv size arithmetic cannot overflow", "[errors][fuzz]") {
  const std::string max = std::to_string(std::numeric_limits<int64_t>::max());
  const std::string k62 = std::to_string(int64_t{1} << 62);
  CHECK_THAT(rejection(one_node(R"("op": "fractional_max_pool2d", "kernel_size": 2, "output_size": [)" + max + ", 1]")),
             Contains("does not fit input"));
  CHECK_THAT(rejection(one_node(R"("op": "fractional_max_pool2d", "kernel_size": [)" + max + R"(, 1], "output_size": [2, 2])")),
             Contains("does not fit input"));
  // Unpool's default size (in - 1) * stride - 2 * padding + kernel.
  const std::string unpool = R"({"inputs": {"x": {"shape": [1, 1, 4, 4]}, "i": {"shape": [1, 1, 4, 4], "dtype": "int64"}},
    "nodes": [{"name": "n", "op": "max_unpool2d", "inputs": ["x", "i"], )";
  CHECK_THAT(rejection(unpool + R"("kernel_size": 2, "stride": )" + k62 + R"(}], "outputs": ["n"]})"),
             Contains("node 'n' (max_unpool2d)") && Contains("stride"));
  CHECK_THAT(rejection(unpool + R"("kernel_size": )" + max + R"(, "padding": )" + max + R"(}], "outputs": ["n"]})"),
             Contains("node 'n' (max_unpool2d)"));
  CHECK_THAT(rejection(unpool + R"("kernel_size": 2, "output_size": [)" + max + ", " + max + R"(]}], "outputs": ["n"]})"),
             Contains("node 'n' (max_unpool2d)") && Contains("output_size"));
  CHECK_THAT(rejection(unpool + R"("kernel_size": 2, "stride": 1099511627776}], "outputs": ["n"]})"),
             Contains("node 'n' (max_unpool2d)") && Contains("overflows"));
  // Adaptive windows are computed as (i + 1) * in / out.
  CHECK_THAT(rejection(one_node(R"("op": "adaptive_max_pool2d", "output_size": [)" + k62 + ", 1]", "[1, 1, 1048576, 1]")),
             Contains("output_size") && Contains("too large"));
  // conv2d: "same" padding's dilation * (kernel - 1), explicit padding, stride.
  const std::string conv = R"({"inputs": {"x": {"shape": [1, 4, 4, 4]}, "w": {"shape": W}},
    "nodes": [{"name": "n", "op": "conv2d", "inputs": ["x", "w"], P}], "outputs": ["n"]})";
  auto conv_graph = [&](const std::string& w, const std::string& p) {
    std::string g = conv;
    g.replace(g.find('W'), 1, w);
    g.replace(g.find(", P}"), 4, ", " + p + "}");
    return g;
  };
  CHECK_THAT(rejection(conv_graph("[1, 4, 2, 2]", R"("padding": "same", "dilation": )" + k62)), Contains("too large"));
  CHECK_THAT(rejection(conv_graph("[1, 4, 2, 2]", R"("padding": )" + k62)), Contains("too large"));
  CHECK_THAT(rejection(conv_graph("[1, 4, 2, 2]", R"("stride": )" + max)), Contains("too large"));
}

// Finding: an unsigned JSON integer above INT64_MAX wrapped to a negative int64, so
// "kernel_size": 18446744073709551615 was reported as "[-1, -1]: must be >= 1".
TEST_CASE("fuzz: integers beyond int64 are reported as written", "[errors][fuzz]") {
  const auto m = rejection(one_node(R"("op": "max_pool2d", "kernel_size": 18446744073709551615)"));
  CHECK_THAT(m, Contains("18446744073709551615") && Contains("kernel_size"));
  CHECK_THAT(m, !Contains("-1"));
  CHECK_THAT(rejection(one_node(R"("op": "max_pool1d", "kernel_size": [9223372036854775808])", "[1, 2, 9]")),
             Contains("9223372036854775808"));
}

// Finding: "1e999" raised nlohmann's out_of_range (not parse_error), which escaped as a generic
// std::exception: exit 1, a runtime failure, for what is malformed input.
TEST_CASE("fuzz: numbers out of double range are malformed JSON, not a runtime failure", "[errors][fuzz]") {
  CHECK_THAT(rejection(one_node(R"("op": "max_pool2d", "kernel_size": 1e999)")), Contains("malformed JSON"));
  CHECK_THAT(rejection(R"({"inputs": {"x": {"shape": [1e99999]}}})"), Contains("malformed JSON"));
}

// Finding: error messages quoted the offending value with json::dump(), which recurses once per
// nesting level: a parameter nested 100 000 deep overflowed the stack while building the message.
TEST_CASE("fuzz: deeply nested values are quoted briefly, without recursion", "[errors][fuzz]") {
  const std::string deep = std::string(100000, '[') + "2" + std::string(100000, ']');
  auto m = rejection(one_node(R"("op": "max_pool2d", "kernel_size": )" + deep));
  CHECK_THAT(m, Contains("kernel_size") && Contains("[...]"));
  CHECK(m.size() < 400);
  m = rejection(R"({"inputs": {"x": {"shape": )" + deep + "}}}");
  CHECK(m.size() < 400);
  m = rejection(R"({"inputs": {"x": {"shape": [1]}}, "nodes": [], "outputs": [)" + deep + "]}");
  CHECK(m.size() < 400);
  // A long string is cut short too.
  m = rejection(one_node(R"("op": "max_pool2d", "kernel_size": ")" + std::string(100000, 'k') + "\""));
  CHECK(m.size() < 400);
}

// Finding: inline constant data converted JSON numbers with get<float>/get<int64_t>: 1e300 became
// inf and 1e300 or 3.5 for an int64 constant was an undefined float-to-int conversion.
TEST_CASE("fuzz: inline constant data must fit its dtype", "[errors][fuzz]") {
  auto graph = [](const std::string& dtype, const std::string& value) {
    return R"({"constants": {"c": {"shape": [2], "dtype": ")" + dtype + R"(", "data": [1, )" + value +
           R"(]}}, "nodes": [{"name": "n", "op": "relu", "inputs": ["c"]}], "outputs": ["n"]})";
  };
  CHECK_THAT(rejection(graph("float32", "1e300")), Contains("constant 'c'") && Contains("float32"));
  CHECK_THAT(rejection(graph("int64", "1e300")), Contains("constant 'c'") && Contains("int64"));
  CHECK_THAT(rejection(graph("int64", "3.5")), Contains("constant 'c'") && Contains("int64"));
  CHECK_THAT(rejection(graph("int64", "18446744073709551615")), Contains("constant 'c'") && Contains("int64"));
}

// Finding: the .npy reader read a whole file before looking at it (so /dev/zero as an input never
// finished and ate all memory), and allocated tensors for the declared shape before checking the
// data was there.
TEST_CASE("fuzz: npy files are read only as far as their header says", "[errors][fuzz][npy]") {
  SECTION("an endless device is rejected at once") {
    try {
      load_npy("/dev/zero");
      FAIL("loaded /dev/zero");
    } catch (const Error& e) {
      CHECK(e.kind() == ErrorKind::bad_input);
      CHECK_THAT(e.what(), Contains("/dev/zero") && Contains("bad magic"));
    }
  }
  SECTION("a huge declared shape over a few bytes is truncated data, not out of memory") {
    const std::string m = npy_rejection(
        npy_with_header("{'descr': '<f4', 'fortran_order': False, 'shape': (100000, 100000), }\n", std::string(64, '\0')));
    CHECK_THAT(m, Contains("truncated data"));
    TempDir dir;
    const auto file = dir.path / "huge.npy";
    std::ofstream(file, std::ios::binary)
        << npy_with_header("{'descr': '<f8', 'fortran_order': False, 'shape': (1099511627776,), }\n", std::string(64, '\0'));
    CHECK_THROWS_WITH(load_npy(file), Contains("truncated data"));
  }
  SECTION("a header length of 4 GiB is refused without reading 4 GiB") {
    std::string bytes("\x93NUMPY\x02\x00\xff\xff\xff\xff", 12);
    CHECK_THAT(npy_rejection(bytes + std::string(100, ' ')), Contains("truncated header"));
    TempDir dir;
    const auto file = dir.path / "long_header.npy";
    std::ofstream(file, std::ios::binary) << bytes << std::string((1 << 20) + 10, ' ');
    CHECK_THROWS_WITH(load_npy(file), Contains("too large"));
  }
  SECTION("a shape whose byte size overflows") {
    CHECK_THAT(npy_rejection(npy_with_header("{'descr': '<f8', 'fortran_order': False, 'shape': (1152921504606846976, 8), }\n", "")),
               Contains("overflows"));
  }
  SECTION("f8 data converted piecewise still checks truncation and trailing bytes") {
    std::string data(8 * 10000, '\0');
    const std::string header = "{'descr': '<f8', 'fortran_order': False, 'shape': (10000,), }\n";
    CHECK(parse_npy(npy_with_header(header, data), "ok.npy").numel() == 10000);
    CHECK_THAT(npy_rejection(npy_with_header(header, data.substr(8))), Contains("truncated data"));
    CHECK_THAT(npy_rejection(npy_with_header(header, data + "x")), Contains("unexpected bytes"));
  }
}

// Finding: a valid graph declaring enormous tensors (e.g. [1, 1, 100000, 100000] = 40 GB) relied
// on new[] failing; with overcommit it may not, and zero-filling it gets the process OOM-killed.
// Allocations larger than the memory available are refused up front, as a runtime error.
TEST_CASE("fuzz: a tensor larger than the available memory is an out-of-memory error", "[errors][fuzz]") {
  if (!std::filesystem::exists("/proc/meminfo")) return;  // the check needs Linux's MemAvailable
  try {
    Tensor::zeros(Shape{1, 1, int64_t{1} << 22, int64_t{1} << 22});  // 64 TiB
    FAIL("allocated 64 TiB");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::runtime);
    CHECK_THAT(e.what(), Contains("out of memory") && Contains("[1, 1, 4194304, 4194304]"));
  }
}

// Finding: a valid graph can be allocatable yet take minutes or hours on the reference loops:
// adaptive_max_pool2d from 4x4 to [2^31, 1] took 29 s and 8 GB (55 s with the 8 GB file written);
// a 100x100 window over a 40000x40000 input is 1.6e13 taps. The reference backend refuses a node
// above 2^34 units of work when the session is made, before anything is allocated, naming it.
TEST_CASE("fuzz: the reference backend refuses a node that would run for minutes or hours", "[errors][fuzz]") {
  for (const auto& [node, shape] : std::vector<std::pair<std::string, std::string>>{
           {R"("op": "max_pool2d", "kernel_size": 100, "stride": 1)", "[1, 1, 40000, 40000]"},
           {R"("op": "adaptive_max_pool2d", "output_size": [2147483648, 1])", "[1, 1, 4, 4]"},
           {R"("op": "adaptive_avg_pool2d", "output_size": [100000, 100000])", "[1, 1, 4, 4]"},  // 40 GB
       }) {
    INFO(node);
    try {
      Session s(Graph::from_json(one_node(node, shape), "."), "reference");
      FAIL("accepted");
    } catch (const Error& e) {
      CHECK(e.kind() == ErrorKind::unsupported);
      CHECK_THAT(e.what(), Contains("node 'n'") && Contains("limit"));
      CHECK(std::string(e.what()).find('\n') == std::string::npos);
    }
  }
  // Huge windows over small inputs count only the taps inside the input: fine.
  Session ok(Graph::from_json(one_node(R"("op": "avg_pool2d", "kernel_size": 1099511627776, "padding": 549755813888)"), "."),
             "reference");
  // The largest canonical workload (P6) is far below the limit.
  Session p6(Graph::from_json(one_node(R"("op": "max_pool2d", "kernel_size": 2)", "[32, 64, 224, 224]"), "."), "reference");
}

// Finding: duplicate keys were accepted silently, the last one winning: {"stride": 1, "stride": 2}
// ran with stride 2 without a word. They are malformed input now, named.
TEST_CASE("fuzz: a key given twice in one object is rejected naming it", "[errors][fuzz]") {
  CHECK_THAT(rejection(one_node(R"("op": "max_pool2d", "kernel_size": 2, "stride": 1, "stride": 2)")),
             Contains("malformed JSON") && Contains("\"stride\" appears twice"));
  CHECK_THAT(rejection(R"({"inputs": {"x": {"shape": [1, 1, 2, 2]}}, "inputs": {}, "nodes": [], "outputs": ["x"]})"),
             Contains("\"inputs\" appears twice"));
  // The same key in different objects is fine.
  CHECK_NOTHROW(Graph::from_json(R"({"inputs": {"x": {"shape": [1, 1, 4, 4]}, "y": {"shape": [1, 1, 4, 4]}},
    "nodes": [{"name": "n", "op": "relu", "inputs": ["x"]}], "outputs": ["n"]})", "."));
}

// Finding: loading was quadratic in the graph's size — nodes were ordered by rescanning the ready
// list, and each output was checked against all earlier ones — so a graph of 200 000 relu nodes
// listing them all as outputs took 11 s to load. Both are n log n now.
TEST_CASE("fuzz: a graph of many nodes and outputs loads in n log n", "[errors][fuzz]") {
  constexpr int kNodes = 100000;
  std::string nodes, outputs;
  // Appended piecewise: GCC 12 warns falsely (-Wrestrict, bug 105329) about chained + here.
  for (int i = kNodes - 1; i >= 0; --i) {
    std::string name = "n";
    name.append(std::to_string(i));
    if (!nodes.empty()) nodes.append(", "), outputs.append(", ");
    nodes.append(R"({"name": ")").append(name).append(R"(", "op": "relu", "inputs": ["x"]})");
    outputs.append("\"").append(name).append("\"");
  }
  const auto start = std::chrono::steady_clock::now();
  const Graph g = Graph::from_json(R"({"inputs": {"x": {"shape": [1, 1, 2, 2]}}, "nodes": [)" + nodes + R"(], "outputs": [)" +
                                       outputs + "]}",
                                   ".");
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  CHECK(g.nodes().size() == kNodes);
  CHECK(g.outputs().size() == kNodes);
  CHECK(g.nodes().front().name == std::string("n").append(std::to_string(kNodes - 1)));  // listed order kept
  CHECK(seconds < 20);  // about 0.5 s; quadratic was about 3 s in an optimized build, far more under sanitizers
  CHECK_THAT(rejection(R"({"inputs": {"x": {"shape": [1]}}, "nodes": [], "outputs": ["x", "x"]})"), Contains("'x' is listed twice"));
}

// Finding: shapes of any rank were accepted (a header of 100 000 "1,"), making every message that
// quotes the shape enormous; and an inline constant whose shape overflowed did not name itself.
TEST_CASE("fuzz: shapes have at most 64 dimensions and a bad constant shape names the constant", "[errors][fuzz]") {
  std::string ones;
  for (int i = 0; i < 65; ++i) ones += (i ? ", " : "") + std::string("1");
  CHECK_THAT(rejection(R"({"inputs": {"x": {"shape": [)" + ones + R"(]}}, "nodes": [], "outputs": ["x"]})"),
             Contains("input 'x'") && Contains("at most 64"));
  CHECK_THAT(npy_rejection(npy_with_header("{'descr': '<f4', 'fortran_order': False, 'shape': (" + ones + "), }\n", "\1\2\3\4")),
             Contains("at most 64"));
  CHECK_THAT(rejection(R"({"constants": {"c": {"shape": [4294967296, 4294967296], "data": []}},
    "nodes": [{"name": "n", "op": "relu", "inputs": ["c"]}], "outputs": ["n"]})"),
             Contains("constant 'c'") && Contains("overflows"));
}
