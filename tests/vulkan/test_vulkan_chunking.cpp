// Tensors larger than maxStorageBufferRange: the Vulkan backend splits each op's work into
// chunks of whole planes / batch items / output channels whose bound ranges fit
// (engine/src/backends/vulkan/chunking.h). Lavapipe's range is 128 MiB, so these tests cap it
// with POOLKIT_VK_MAX_STORAGE_RANGE to a few hundred bytes: small tensors then take the chunked
// paths, every variant of every op is compared with `reference`, and the validation layer (on
// for every ctest run) watches the offset/range bindings. One test runs past the real limit.
#ifdef POOLKIT_TEST_VULKAN
#include <catch2/catch.hpp>
#include <cstdlib>
#include <random>

#include "backends/vulkan/chunking.h"
#include "backends/vulkan/instance.h"
#include "poolkit/poolkit.h"
#include "support/compare.h"
#include "support/random_graphs.h"

using namespace poolkit;

namespace {

// Sets POOLKIT_VK_MAX_STORAGE_RANGE for the guard's lifetime (read when a graph is compiled).
class RangeCap {
 public:
  explicit RangeCap(uint64_t bytes) { ::setenv("POOLKIT_VK_MAX_STORAGE_RANGE", std::to_string(bytes).c_str(), 1); }
  ~RangeCap() { ::unsetenv("POOLKIT_VK_MAX_STORAGE_RANGE"); }
  RangeCap(const RangeCap&) = delete;
  RangeCap& operator=(const RangeCap&) = delete;
};

Tensor noise(const Shape& s, uint32_t seed, bool non_negative = false) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0.0f, 2.0f);
  Tensor t = Tensor::zeros(s);
  for (float& v : t.data<float>()) v = non_negative ? std::fabs(normal(rng)) : normal(rng);
  return t;
}

double loosest_tolerance(const Graph& g) {
  double tol = 0;
  for (const Node& n : g.nodes()) tol = std::max(tol, test::tolerance_for(n.attrs));
  return tol;
}

// Every variant of every node (one node overridden at a time) under the cap, against reference;
// variants whose id starts with |skip| are left out (their unit of work does not fit this cap).
void check_chunked(const Graph& g, const NamedTensors& in, uint64_t cap, const std::string& what, const std::string& skip = "") {
  const NamedTensors want = Session(g, "reference").run(in);
  std::vector<std::map<std::string, std::string>> plans{{}};
  for (const Node& n : g.nodes())
    for (const auto& v : backend("vulkan").variants(n, g))
      if (skip.empty() || v.rfind(skip, 0) != 0) plans.push_back({{n.name, v}});
  const RangeCap guard(cap);
  for (const auto& plan : plans) {
    std::string text;
    for (const auto& [node, v] : plan) text += node + "=" + v;
    INFO(what << ", range cap " << cap << " bytes, variants: " << (text.empty() ? "(default)" : text) << "\n" << g.to_json());
    NamedTensors got;
    try {
      got = Session(g, "vulkan", SessionOptions{0, plan, ""}).run(in);
    } catch (const Error& e) {
      FAIL_CHECK("error: " << e.what());
      continue;
    }
    for (const auto& [name, w] : want) {
      INFO("output " << name);
      CHECK(test::compare_tensors(got.at(name), w, w.dtype() == DType::i64 ? 0.0 : loosest_tolerance(g)) == "");
    }
  }
}

}  // namespace

TEST_CASE("vulkan chunking: chunks cover every unit, fit the range and start aligned", "[vulkan]") {
  using vulkan::Chunk;
  using vulkan::UnitSplit;
  const vulkan::BufferLimits limits{1024, 64};
  const UnitSplit x{"x", 0, 36}, y{"y", 0, 8};  // 36-byte planes: starts every 16 planes (64 | 16*36)
  const UnitSplit both[] = {x, y};
  const auto chunks = vulkan::plan_chunks(100, both, limits, "plane");
  REQUIRE(chunks.size() == 7);  // 1024 / 36 = 28 -> 16 planes per chunk at most
  uint64_t next = 0;
  for (const Chunk& c : chunks) {
    CHECK(c.first == next);
    CHECK(c.count * 36 <= 1024);
    CHECK((c.first * 36) % 64 == 0);
    CHECK((c.first * 8) % 64 == 0);
    next += c.count;
  }
  CHECK(next == 100);
  const UnitSplit small[] = {{"x", 0, 36}};
  CHECK(vulkan::plan_chunks(28, small, limits, "plane").size() == 1);  // fits: one chunk, no alignment needed
  CHECK(vulkan::plan_chunks(0, small, limits, "plane").empty());
  const UnitSplit huge[] = {{"value 'x' [1, 1, 40, 40]", 0, 6400}};
  CHECK_THROWS_WITH(vulkan::plan_chunks(2, huge, limits, "plane"),
                    Catch::Contains("value 'x' [1, 1, 40, 40]") && Catch::Contains("one plane (6400 bytes)") &&
                        Catch::Contains("maxStorageBufferRange"));
  // 1000-byte planes at 64-byte alignment: a chunk may only start every 8 planes (8000 bytes > 1024).
  const UnitSplit odd[] = {{"value 'x'", 0, 1000}};
  CHECK_THROWS_WITH(vulkan::plan_chunks(3, odd, limits, "plane"), Catch::Contains("minStorageBufferOffsetAlignment"));
}

TEST_CASE("vulkan chunking: pooling with indices, unpool, avg, lp, 1-d and the vec4 kernels", "[vulkan]") {
  {
    Graph g;  // 288-byte input planes, 64-byte output planes, 128-byte index planes
    const auto x = g.input("x", {3, 5, 9, 8});
    const auto p = g.add("p", MaxPool2dAttrs{{2, 2}, std::nullopt, {0, 0}, {1, 1}, false, true}, {x});
    const auto u = g.add("u", MaxUnpool2dAttrs{{2, 2}, std::nullopt, {0, 0}, std::vector<int64_t>{9, 8}}, {p[0], p[1]});
    g.output(p[0]);
    g.output(p[1]);
    g.output(u[0]);
    g.output(g.add("a", AvgPool2dAttrs{{3, 3}, Pair{2, 2}, {1, 1}, true, false}, {x})[0]);
    g.output(g.add("l", LpPool2dAttrs{3, {2, 3}}, {x})[0]);
    g.output(g.add("m", MaxPool2dAttrs{{3, 3}, Pair{2, 2}, {1, 1}, {1, 1}, false, true}, {x})[0]);
    check_chunked(g, {{"x", noise({3, 5, 9, 8}, 1)}}, 1152, "2-d pools");  // "a": 100-byte planes, 4 per start
  }
  {
    Graph g;  // 2x2/s2 with vec4 loads: 384-byte input planes
    const auto x = g.input("x", {2, 7, 6, 16});
    g.output(g.add("p", MaxPool2dAttrs{{2, 2}}, {x})[0]);
    g.output(g.add("a", AvgPool2dAttrs{{2, 2}}, {x})[0]);
    check_chunked(g, {{"x", noise({2, 7, 6, 16}, 2)}}, 800, "vec4 2x2 pools");
  }
  {
    Graph g;  // 36-byte planes: chunks start every 4 planes (16-byte alignment)
    const auto x = g.input("x", {2, 9, 3, 3});
    g.output(g.add("a", AvgPool2dAttrs{{2, 2}, Pair{1, 1}}, {x})[0]);
    check_chunked(g, {{"x", noise({2, 9, 3, 3}, 3)}}, 160, "unaligned planes");
  }
  {
    Graph g;  // 1-d: planes are rows
    const auto x = g.input("x", {4, 6, 50});
    const auto m = g.add("m", MaxPool1dAttrs{3, 2, 1, 1, false, true}, {x});
    g.output(m[0]);
    g.output(m[1]);
    g.output(g.add("a", AvgPool1dAttrs{4}, {x})[0]);
    g.output(g.add("l", LpPool1dAttrs{2, 3}, {x})[0]);
    check_chunked(g, {{"x", noise({4, 6, 50}, 4)}}, 800, "1-d pools");  // 4 planes per start (m: 100-byte planes)
  }
}

TEST_CASE("vulkan chunking: adaptive, global, fractional, stochastic and relu", "[vulkan]") {
  Graph g;
  const Shape s{3, 6, 7, 9};  // 252-byte planes
  const auto x = g.input("x", s);
  const auto samples = g.input("samples", {3, 6, 2});
  const auto am = g.add("am", AdaptiveMaxPool2dAttrs{{3, 4}, true}, {x});
  g.output(am[0]);
  g.output(am[1]);
  g.output(g.add("aa", AdaptiveAvgPool2dAttrs{{2, 5}}, {x})[0]);
  g.output(g.add("gm", GlobalMaxPoolAttrs{}, {x})[0]);
  g.output(g.add("ga", GlobalAvgPoolAttrs{}, {x})[0]);
  g.output(g.add("gl", GlobalLpPoolAttrs{3}, {x})[0]);
  const auto fs = g.add("fs", FractionalMaxPool2dAttrs{{2, 2}, Pair{4, 5}, std::nullopt, true}, {x, samples});
  g.output(fs[0]);
  g.output(fs[1]);
  g.output(g.add("fr", FractionalMaxPool2dAttrs{{3, 2}, Pair{3, 4}, std::nullopt, false, 99}, {x})[0]);
  g.output(g.add("st", StochasticPool2dAttrs{{2, 2}, std::nullopt, {0, 0}, true, 7}, {x})[0]);
  g.output(g.add("si", StochasticPool2dAttrs{{3, 3}, Pair{2, 2}, {1, 1}, false, 7}, {x})[0]);
  g.output(g.add("r", ReluAttrs{}, {x})[0]);
  Tensor u = noise({3, 6, 2}, 5, true);
  for (float& v : u.data<float>()) v = std::fmod(v, 1.0f);
  check_chunked(g, {{"x", noise(s, 6)}, {"samples", u}}, 1024, "plane-wise ops");  // 4 planes per start
}

TEST_CASE("vulkan chunking: conv2d by batch item, by output channel and by channel group", "[vulkan]") {
  const Conv2dPadding pad1{Conv2dPadding::Mode::explicit_values, {1, 1}};
  {
    Graph g;  // 288-byte items in, 432-byte items out: 2 items per chunk
    const auto x = g.input("x", {5, 2, 6, 6});
    const auto w = g.constant("w", noise({3, 2, 3, 3}, 7));
    const auto b = g.constant("b", noise({3}, 8));
    g.output(g.add("c", Conv2dAttrs{{1, 1}, pad1}, {x, w, b})[0]);
    check_chunked(g, {{"x", noise({5, 2, 6, 6}, 9)}}, 1024, "conv by item");
  }
  {
    Graph g;  // an output item of 2400 bytes: chunks of output channels over the whole item's input
    const auto x = g.input("x", {2, 2, 10, 10});
    const auto w = g.constant("w", noise({6, 2, 3, 3}, 10));
    const auto b = g.constant("b", noise({6}, 11));
    g.output(g.add("c", Conv2dAttrs{{1, 1}, pad1}, {x, w, b})[0]);
    check_chunked(g, {{"x", noise({2, 2, 10, 10}, 12)}}, 1024, "conv by output channel");
  }
  {
    Graph g;  // an input item of 1024 bytes, groups of 512: chunks of whole groups
    const auto x = g.input("x", {2, 4, 8, 8});
    const auto w = g.constant("w", noise({6, 2, 3, 3}, 13));
    g.output(g.add("c", Conv2dAttrs{{2, 2}, pad1, {1, 1}, 2}, {x, w})[0]);
    check_chunked(g, {{"x", noise({2, 4, 8, 8}, 14)}}, 768, "conv by group");
  }
  {
    Graph g;  // fused conv -> relu -> max pool: 256-byte input items, 1024-byte pooled output items
    const auto x = g.input("x", {3, 1, 8, 8});
    const auto w = g.constant("w", noise({16, 1, 3, 3}, 15));
    const auto c = g.add("c", Conv2dAttrs{{1, 1}, pad1}, {x, w});
    const auto r = g.add("r", ReluAttrs{}, {c[0]});
    g.output(g.add("p", MaxPool2dAttrs{{2, 2}}, {r[0]})[0]);
    REQUIRE(Session(g, "vulkan").kernels().at(0).variant.find("conv2d_relu_max_pool2d") == 0);
    check_chunked(g, {{"x", noise({3, 1, 8, 8}, 16)}}, 2048, "fused conv by item");
    // Unfused, the tiled conv2d's unit is a block of 4 or 8 output channels: more than 768 bytes.
    check_chunked(g, {{"x", noise({3, 1, 8, 8}, 17)}}, 768, "fused conv by output channel", "conv2d__s1__");
  }
  {
    Graph g;  // the tiled conv2d (blocks of 4 or 8 output channels): by item, by channel block
    const auto x = g.input("x", {2, 2, 10, 10});
    const auto w = g.constant("w", noise({16, 2, 3, 3}, 18));
    const auto b = g.constant("b", noise({16}, 19));
    g.output(g.add("c", Conv2dAttrs{{1, 1}, pad1}, {x, w, b})[0]);
    REQUIRE(Session(g, "vulkan").kernels().at(0).variant.find("conv2d__s1__") == 0);
    check_chunked(g, {{"x", noise({2, 2, 10, 10}, 20)}}, 8192, "tiled conv by item");
    check_chunked(g, {{"x", noise({2, 2, 10, 10}, 21)}}, 3200, "tiled conv by channel block");
  }
  {
    Graph g;  // the tiled conv2d by group: 4 groups of 2 input and 4 output channels, 2x2 "valid"
    const auto x = g.input("x", {2, 8, 8, 8});
    const auto w = g.constant("w", noise({16, 2, 2, 2}, 22));
    g.output(g.add("c", Conv2dAttrs{{1, 1}, {Conv2dPadding::Mode::valid, {0, 0}}, {1, 1}, 4}, {x, w})[0]);
    check_chunked(g, {{"x", noise({2, 8, 8, 8}, 23)}}, 1024, "tiled conv by group", "conv2d__s1__co8");
  }
}

TEST_CASE("vulkan chunking: random graphs of every op under a cap of a few planes", "[vulkan]") {
  test::RandomGraphs gen(31337);
  for (int round = 0; round < 3; ++round) {
    for (int k = 0; k < kOpCount; ++k) {
      if (static_cast<OpKind>(k) == OpKind::conv2d) continue;  // its units are batch items: above
      const auto c = gen.make(static_cast<OpKind>(k));
      // Four of the largest plane (last two axes) of any value: every op must split into chunks
      // of at least one plane, and alignment may ask for up to 4 (16-byte starts, 4-byte floats).
      uint64_t plane = 16;
      for (const auto& [name, t] : c.inputs) {
        const Shape& s = t.shape();
        plane = std::max<uint64_t>(plane, static_cast<uint64_t>(s[s.rank() - 1] * (s.rank() > 1 ? s[s.rank() - 2] : 1)) * 8);
      }
      for (const Node& n : c.graph.nodes()) {
        for (ValueId id : n.outputs) {
          const Shape& s = c.graph.value(id).shape;
          plane = std::max<uint64_t>(plane, static_cast<uint64_t>(s[s.rank() - 1] * (s.rank() > 1 ? s[s.rank() - 2] : 1)) * 8);
        }
      }
      check_chunked(c.graph, c.inputs, 4 * ((plane + 15) / 16 * 16), c.description);
    }
  }
}

TEST_CASE("vulkan chunking: a plane larger than the range is a clear runtime error", "[vulkan]") {
  Graph g;
  const auto x = g.input("x", {1, 2, 16, 16});  // 1024-byte planes
  g.output(g.add("p", MaxPool2dAttrs{{2, 2}, std::nullopt, {0, 0}, {1, 1}, false, true}, {x})[0]);
  const RangeCap guard(512);
  try {
    Session s(g, "vulkan");
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::runtime);
    const std::string why = e.what();
    CHECK(why.find("node 'p'") != std::string::npos);
    CHECK(why.find("value 'x' [1, 2, 16, 16]") != std::string::npos);
    CHECK(why.find("one plane (1024 bytes) exceeds this Vulkan device's maxStorageBufferRange (512 bytes)") != std::string::npos);
  }
}

TEST_CASE("vulkan chunking: a max pool with indices past the device's real maxStorageBufferRange", "[vulkan]") {
  // 1 x 680 x 224 x 224 floats = 136 MB: more than lavapipe's 128 MiB. Only where the device's
  // range is that small (elsewhere this is an ordinary run and proves nothing new).
  const Shape s{1, 680, 224, 224};
  Graph g;
  const auto x = g.input("x", s);
  const auto p = g.add("p", MaxPool2dAttrs{{2, 2}, std::nullopt, {0, 0}, {1, 1}, false, true}, {x});
  g.output(p[0]);
  g.output(p[1]);
  g.output(g.add("q", MaxPool2dAttrs{{2, 2}}, {x})[0]);  // the vec4 kernel
  const NamedTensors in{{"x", noise(s, 18)}};
  const NamedTensors want = Session(g, "reference").run(in);
  const NamedTensors got = Session(g, "vulkan").run(in);
  for (const auto& [name, w] : want) {
    INFO("output " << name);
    CHECK(test::compare_tensors(got.at(name), w, 0.0) == "");
  }
  CHECK(vulkan::validation_message_count() == 0);
}
#endif
