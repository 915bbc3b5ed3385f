// Session::run(inputs, outputs): the overload a caller that runs again and again uses (the
// browser's PreparedRun). Same results as run(inputs); the map's entries are reused when they
// name the graph's outputs, rebuilt otherwise; on failure the map is left empty; the output
// buffers of the last run are recycled once the map has let go of them.
#include <catch2/catch.hpp>

#include <cstring>
#include <string>

#include "poolkit/poolkit.h"
#include "support/backends.h"

using namespace poolkit;

namespace {

Graph two_outputs() {
  return Graph::from_json(R"({"inputs": {"x": {"shape": [1, 2, 6, 6]}},
    "nodes": [{"name": "m", "op": "max_pool2d", "inputs": ["x"], "kernel_size": 3, "stride": 2, "padding": 1},
              {"name": "a", "op": "avg_pool2d", "inputs": ["x"], "kernel_size": 2}],
    "outputs": ["m", "a"]})", "/");
}

Tensor input(float offset) {
  Tensor x = Tensor::zeros(Shape({1, 2, 6, 6}), DType::f32);
  for (int64_t i = 0; i < x.numel(); ++i) x.data<float>()[i] = static_cast<float>((i * 7) % 11) - 5.0f + offset;
  return x;
}

bool same(const Tensor& a, const Tensor& b) {
  return a.shape() == b.shape() && a.dtype() == b.dtype() && std::memcmp(a.raw(), b.raw(), a.nbytes()) == 0;
}

}  // namespace

TEST_CASE("Session::run into a map matches run() and reuses the map", "[session]") {
  for (const std::string& name : backend_names()) {
    DYNAMIC_SECTION(name) {
      Session session(two_outputs(), name);
      NamedTensors out;
      for (float offset : {0.0f, 1.5f, -3.0f}) {
        const NamedTensors in{{"x", input(offset)}};
        const NamedTensors want = session.run(in);
        session.run(in, out);
        REQUIRE(out.size() == 2);
        CHECK(same(out.at("m"), want.at("m")));
        CHECK(same(out.at("a"), want.at("a")));
      }
      // A map holding other names is rebuilt.
      NamedTensors other{{"zzz", input(0)}};
      session.run({{"x", input(2)}}, other);
      CHECK(other.size() == 2);
      CHECK(other.count("zzz") == 0);
      CHECK(same(other.at("m"), session.run({{"x", input(2)}}).at("m")));
      // On failure the map is left empty.
      CHECK_THROWS_AS(session.run({{"y", input(0)}}, other), Error);
      CHECK(other.empty());
      CHECK_THROWS_AS(session.run({{"x", input(0)}, {"y", input(0)}}, out), Error);
      CHECK(out.empty());
    }
  }
}

TEST_CASE("Session::run into a map recycles the cpu backend's output buffers", "[session]") {
  if (!has_backend("cpu")) return;
  Session session(two_outputs(), "cpu");
  NamedTensors out;
  session.run({{"x", input(0)}}, out);
  const void* first = out.at("m").raw();
  session.run({{"x", input(1)}}, out);
  CHECK(out.at("m").raw() == first);  // the map let go of it before the run: written in place
  CHECK(same(out.at("m"), session.run({{"x", input(1)}}).at("m")));
}
