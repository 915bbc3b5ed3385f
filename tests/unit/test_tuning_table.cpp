// Tuning tables (poolkit/tuning.h): the JSON round trip, and how a table steers a Session —
// the table's variants run their nodes, explicit overrides win, fused choices absorb their nodes.
// (Bad tables: tests/errors/test_bad_tuning_tables.cpp. `poolkit tune` itself: tests/cli.)
#include <catch2/catch.hpp>

#include <algorithm>

#include "poolkit/poolkit.h"
#include "support/backends.h"

using namespace poolkit;

namespace {

std::map<std::string, std::string> kernels_of(const Session& s) {
  std::map<std::string, std::string> out;
  for (const KernelChoice& k : s.kernels()) out[k.node] = k.variant;
  return out;
}

// conv 3x3/p1 2->4 (+bias) -> relu -> 2x2 max pool on [1, 2, 8, 8]: fusable on cpu.
const char* kConvGraph = R"({
  "inputs": {"x": {"shape": [1, 2, 8, 8]}, "w": {"shape": [4, 2, 3, 3]}, "b": {"shape": [4]}},
  "nodes": [
    {"name": "c", "op": "conv2d", "inputs": ["x", "w", "b"], "padding": 1},
    {"name": "r", "op": "relu", "inputs": ["c"]},
    {"name": "p", "op": "max_pool2d", "inputs": ["r"], "kernel_size": 2}
  ],
  "outputs": ["p"]
})";

TuningTable cpu_table(std::vector<TunedNode> nodes) {
  TuningTable t;
  t.backend = "cpu";
  t.device = backend("cpu").device_name("");
  t.nodes = std::move(nodes);
  return t;
}

}  // namespace

TEST_CASE("tuning table: to_json and tuning_table_from_json round-trip every field", "[tuning]") {
  TuningTable t;
  t.graph = "g.json";
  t.backend = "cpu";
  t.device = "host CPU";
  t.threads = 2;
  t.date = "2026-11-23T10:00:00Z";
  t.machine = "a machine";
  t.poolkit_version = kVersion;
  t.timing = "step";
  t.warmup = 2;
  t.iters = 20;
  t.budget_s = 60;
  t.spent_s = 1.5;
  t.complete = false;
  t.untuned_ms = 2.5;
  t.tuned_ms = 2.0;
  TunedNode n;
  n.node = "c";
  n.op = "conv2d";
  n.input_shapes = {Shape{1, 2, 8, 8}, Shape{4, 2, 3, 3}, Shape{4}};
  n.variant = "conv2d_relu__k3__v16_co8_r2";
  n.default_variant = "conv2d_relu__k3__v16_co8_r2";
  n.fuses = {"r"};
  n.candidates = {{"conv2d_relu__k3__v16_co8_r2", TunedCandidate::Status::measured, "", 20, 1.5, 1.25, 3.0, 0},
                  {"conv2d__k3__v16_co8_r2", TunedCandidate::Status::measured, "", 7, 1.75, 1.5, 2.0, 3},
                  {"conv2d__generic__v16_co8_r2", TunedCandidate::Status::not_measured, "the budget ran out first"},
                  {"x", TunedCandidate::Status::unsupported, "why not"},
                  {"y", TunedCandidate::Status::mismatch, "differs"},
                  {"z", TunedCandidate::Status::failed, "device lost"}};
  t.nodes = {n};

  const TuningTable back = tuning_table_from_json(to_json(t));
  CHECK(to_json(back) == to_json(t));
  CHECK(back.graph == t.graph);
  CHECK(back.complete == false);
  CHECK(back.untuned_ms == 2.5);
  REQUIRE(back.nodes.size() == 1);
  CHECK(back.nodes[0].input_shapes == n.input_shapes);
  CHECK(back.nodes[0].fuses == n.fuses);
  REQUIRE(back.nodes[0].candidates.size() == 6);
  CHECK(back.nodes[0].candidates[1].beats_default == 3);
  CHECK(back.nodes[0].candidates[1].runs == 7);
  CHECK(back.nodes[0].candidates[2].status == TunedCandidate::Status::not_measured);
  CHECK(back.nodes[0].candidates[5].why == "device lost");
}

TEST_CASE("tuning table: only the required keys make a valid (hand-written) table", "[tuning]") {
  const TuningTable t = tuning_table_from_json(
      R"({"format": 1, "backend": "reference", "device": "host CPU", "nodes": [{"node": "p", "variant": "v"}]})");
  CHECK(t.complete);
  REQUIRE(t.nodes.size() == 1);
  CHECK(t.nodes[0].variant == "v");
  CHECK(t.nodes[0].input_shapes.empty());  // absent: not checked when applied
}

TEST_CASE("tuning table: a Session runs the table's variants, and an explicit override wins", "[tuning]") {
  if (!has_backend("cpu")) {
    WARN("no cpu backend in this build: nothing to test");
    return;
  }
  const Graph g = Graph::from_json(kConvGraph, ".");
  // Unfused conv, then relu and pool on their own: the table decides against the default fusion.
  TunedNode c{"c", "conv2d", {}, "conv2d__generic__v16_co8_r2", "", {}, {}};
  TunedNode p{"p", "max_pool2d", {Shape{1, 4, 8, 8}}, "max_pool2d__generic__v8_r4", "", {}, {}};
  SessionOptions o;
  o.tuning = cpu_table({c, p});
  const Session s(g, "cpu", o);
  auto k = kernels_of(s);
  CHECK(k["c"] == "conv2d__generic__v16_co8_r2");
  CHECK(k["r"] == "relu__generic__v16");
  CHECK(k["p"] == "max_pool2d__generic__v8_r4");

  o.variants = {{"p", "max_pool2d__generic__v16_r8"}};
  k = kernels_of(Session(g, "cpu", o));
  CHECK(k["c"] == "conv2d__generic__v16_co8_r2");  // still the table's
  CHECK(k["p"] == "max_pool2d__generic__v16_r8");  // --variant wins
}

TEST_CASE("tuning table: a fused choice runs its nodes in one kernel, and an override on one of them unfuses", "[tuning]") {
  if (!has_backend("cpu")) {
    WARN("no cpu backend in this build: nothing to test");
    return;
  }
  const Graph g = Graph::from_json(kConvGraph, ".");
  TunedNode c{"c", "conv2d", {}, "conv2d_relu_max_pool2d__generic__v16_co8", "", {"r", "p"}, {}};
  SessionOptions o;
  o.tuning = cpu_table({c});
  const Session fused(g, "cpu", o);
  for (const KernelChoice& k : fused.kernels()) {
    CHECK(k.variant == "conv2d_relu_max_pool2d__generic__v16_co8");
    CHECK(k.fused_into == (k.node == "c" ? "" : "c"));
  }
  // An explicit override on the fused-in relu asks for it to run alone: the table's entry for c
  // is dropped (its variant would need r), and c gets the backend's default.
  o.variants = {{"r", "relu__generic__v16"}};
  const auto k = kernels_of(Session(g, "cpu", o));
  CHECK(k.at("r") == "relu__generic__v16");
  CHECK(k.at("c").starts_with("conv2d__"));
}

TEST_CASE("Backend::device_name: one-device backends accept '', '0' or part of the name", "[tuning]") {
  Backend& b = backend("reference");
  CHECK(b.device_name("") == "host CPU");
  CHECK(b.device_name("0") == "host CPU");
  CHECK(b.device_name("host") == "host CPU");
  try {
    b.device_name("1");
    FAIL("device 1 accepted");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::bad_input);
    CHECK_THAT(e.what(), Catch::Contains("device '1'") && Catch::Contains("0: host CPU"));
  }
}
