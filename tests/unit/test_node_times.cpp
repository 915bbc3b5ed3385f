// Session::last_node_times(): every backend reports one time per planned step of the last run,
// in execution order, named after the step's last node (the browser demo and `bench` show them).
#include <catch2/catch.hpp>

#include <string>

#include "poolkit/poolkit.h"

using namespace poolkit;

namespace {

// conv -> relu -> max pool -> avg pool: the cpu backend fuses conv and relu into one step.
Graph four_nodes() {
  return Graph::from_json(R"({"inputs": {"x": {"shape": [1, 2, 8, 8]}},
    "constants": {"w": {"shape": [3, 2, 3, 3], "data": [1,0,-1,2,0,-2,1,0,-1, 1,1,1,0,0,0,-1,-1,-1,
      0,1,0,1,-4,1,0,1,0, 1,0,-1,2,0,-2,1,0,-1, 1,1,1,0,0,0,-1,-1,-1, 0,1,0,1,-4,1,0,1,0]}},
    "nodes": [{"name": "c", "op": "conv2d", "inputs": ["x", "w"], "padding": 1},
              {"name": "r", "op": "relu", "inputs": ["c"]},
              {"name": "m", "op": "max_pool2d", "inputs": ["r"], "kernel_size": 2},
              {"name": "a", "op": "avg_pool2d", "inputs": ["m"], "kernel_size": 2}],
    "outputs": ["a"]})", "/");
}

}  // namespace

TEST_CASE("every backend times each step of the last run", "[session][timing]") {
  for (const std::string& name : backend_names()) {
    DYNAMIC_SECTION(name) {
      Session session(four_nodes(), name);
      CHECK(session.last_node_times().empty());  // nothing ran yet
      Tensor x = Tensor::zeros(Shape({1, 2, 8, 8}), DType::f32);
      for (int64_t i = 0; i < x.numel(); ++i) x.data<float>()[i] = static_cast<float>((i * 7) % 11) - 5.0f;
      session.run({{"x", x}});
      const auto times = session.last_node_times();
      // Node order: c, r, m, a. Each time names a node, in that order; a node without its own
      // time must be fused into the next one (same kernel variant).
      const auto kernels = session.kernels();
      REQUIRE(kernels.size() == 4);
      REQUIRE_FALSE(times.empty());
      size_t k = 0;
      for (const auto& t : times) {
        CHECK(t.ms >= 0.0);
        while (k < kernels.size() && kernels[k].node != t.node) {
          INFO("node " << kernels[k].node << " has no time of its own");
          REQUIRE(k + 1 < kernels.size());
          CHECK(kernels[k].variant == kernels[k + 1].variant);
          ++k;
        }
        REQUIRE(k < kernels.size());  // the time names a node, after the previous one
        ++k;
      }
      const size_t steps = times.size();
      CHECK(times.back().node == "a");
      session.run({{"x", x}});  // a second run replaces the times, never appends
      CHECK(session.last_node_times().size() == steps);
    }
  }
}

TEST_CASE("the CPU backends read no clock per step when time_steps is off", "[session][timing]") {
  for (const std::string& name : backend_names()) {
    if (name != "reference" && name != "cpu") continue;  // Vulkan's times are timestamp queries
    DYNAMIC_SECTION(name) {
      SessionOptions options;
      options.time_steps = false;
      Session session(four_nodes(), name, options);
      Tensor x = Tensor::zeros(Shape({1, 2, 8, 8}), DType::f32);
      const NamedTensors timed = Session(four_nodes(), name).run({{"x", x}});
      const NamedTensors got = session.run({{"x", x}});
      CHECK(session.last_node_times().empty());
      REQUIRE(got.count("a") == 1);
      CHECK(got.at("a").shape() == timed.at("a").shape());
    }
  }
}
