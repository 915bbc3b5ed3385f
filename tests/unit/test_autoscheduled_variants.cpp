// The autoscheduled cpu variants (halide_generators/variants.cmake AUTOSCHEDULER rows, built when
// POOLKIT_HALIDE_AUTOSCHEDULED is on): experiments that run only when asked for, and only on
// outputs at least the shape their schedules were planned for (smaller ones fail their splits).
// Their results against reference: tests/conformance ("the benchmark shapes and odd larger ones").
#include <catch2/catch.hpp>

#include <algorithm>

#include "poolkit/poolkit.h"
#include "support/backends.h"

using namespace poolkit;

namespace {

bool autoscheduled(const std::string& id) {
  for (const char* s : {"__adams2019", "__mullapudi2016", "__li2018"})
    if (id.ends_with(s)) return true;
  return false;
}

// conv 3x3/p1 64 -> 64 (+bias) on [1, 64, side, side]: C1 at side 56.
Graph conv_graph(int64_t side) {
  Graph g;
  const ValueId x = g.input("x", Shape{1, 64, side, side});
  const ValueId w = g.input("w", Shape{64, 64, 3, 3});
  const ValueId b = g.input("b", Shape{64});
  g.output(g.add("c", Conv2dAttrs{{1, 1}, {Conv2dPadding::Mode::explicit_values, {1, 1}}, {1, 1}, 1}, {x, w, b})[0]);
  return g;
}

std::vector<std::string> autoscheduled_variants(const Graph& g) {
  std::vector<std::string> out;
  for (const auto& v : backend("cpu").variants(g.nodes().front(), g))
    if (autoscheduled(v)) out.push_back(v);
  return out;
}

}  // namespace

TEST_CASE("cpu: autoscheduled variants run only on request and from their planned size up", "[unit]") {
  if (!has_backend("cpu")) return;
  const Graph c1 = conv_graph(56);
  const auto autos = autoscheduled_variants(c1);
  if (autos.empty()) {
    WARN("no autoscheduled variants in this build (POOLKIT_HALIDE_AUTOSCHEDULED=OFF or wasm)");
    return;
  }
  CHECK(autos.size() == 3);  // Adams2019, Mullapudi2016, Li2018
  // Never the planner's pick...
  const Session by_default(c1, "cpu");
  for (const KernelChoice& k : by_default.kernels()) CHECK_FALSE(autoscheduled(k.variant));
  // ...but an override runs one.
  const Session asked(c1, "cpu", SessionOptions{0, {{"c", autos.front()}}, ""});
  CHECK(asked.kernels().front().variant == autos.front());
  // Below C1's 56x56 output they do not apply, and asking for one is an error that says so.
  const Graph small = conv_graph(55);
  CHECK(autoscheduled_variants(small).empty());
  CHECK_THROWS_WITH(Session(small, "cpu", SessionOptions{0, {{"c", autos.front()}}, ""}),
                    Catch::Contains("does not apply"));
}
