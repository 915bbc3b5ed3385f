// What `poolkit tune` needs from the Vulkan backend: the device name a --device choice selects,
// which nodes a fused kernel absorbs (KernelChoice::fused_into), and a tuning table steering it.
#ifdef POOLKIT_TEST_VULKAN
#include <catch2/catch.hpp>

#include "poolkit/poolkit.h"

using namespace poolkit;

TEST_CASE("vulkan: device_name names the device a --device choice selects", "[vulkan][tuning]") {
  Backend& b = backend("vulkan");
  const auto devices = b.devices();
  REQUIRE_FALSE(devices.empty());
  const std::string name = b.device_name("");
  CHECK_FALSE(name.empty());
  CHECK(b.device_name("0") == devices.front().name);
  CHECK(b.device_name(name.substr(0, 4)) == name);
  CHECK_THROWS_AS(b.device_name("no-such-gpu"), Error);
}

TEST_CASE("vulkan: a fused conv2d reports the nodes it absorbs, and a tuning table picks the variants", "[vulkan][tuning]") {
  const Graph g = Graph::from_json(R"({
    "inputs": {"x": {"shape": [1, 2, 8, 8]}, "w": {"shape": [4, 2, 3, 3]}},
    "nodes": [{"name": "c", "op": "conv2d", "inputs": ["x", "w"], "padding": 1},
              {"name": "r", "op": "relu", "inputs": ["c"]},
              {"name": "p", "op": "max_pool2d", "inputs": ["r"], "kernel_size": 2}],
    "outputs": ["p"]})", ".");
  TuningTable t;
  t.backend = "vulkan";
  t.device = backend("vulkan").device_name("");
  t.nodes = {{"c", "conv2d", {}, "conv2d_relu_max_pool2d__generic__wg8x8", "", {"r", "p"}, {}}};
  SessionOptions o;
  o.tuning = t;
  const Session fused(g, "vulkan", o);
  for (const KernelChoice& k : fused.kernels()) {
    INFO(k.node);
    CHECK(k.variant == "conv2d_relu_max_pool2d__generic__wg8x8");
    CHECK(k.fused_into == (k.node == "c" ? "" : "c"));
  }
  t.nodes = {{"c", "conv2d", {}, "conv2d__generic__wg16x16", "", {}, {}}, {"p", "max_pool2d", {}, "max_pool2d__generic__wg16x16", "", {}, {}}};
  o.tuning = t;
  const Session apart(g, "vulkan", o);
  for (const KernelChoice& k : apart.kernels()) {
    INFO(k.node);
    CHECK(k.fused_into.empty());
    if (k.node == "c") CHECK(k.variant == "conv2d__generic__wg16x16");
    if (k.node == "p") CHECK(k.variant == "max_pool2d__generic__wg16x16");
  }
}

#endif  // POOLKIT_TEST_VULKAN
