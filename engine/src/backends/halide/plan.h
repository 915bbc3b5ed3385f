// How the cpu backend executes a graph: a list of steps, each one generated function call.
// A step is one node, or a fused chain conv2d -> relu (-> max_pool2d) whose intermediate values
// are never materialized.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "backends/halide/variant_registry.h"
#include "poolkit/backend.h"
#include "poolkit/graph.h"

namespace poolkit::halide {

struct Step {
  std::vector<const Node*> nodes;  // in order; the last node's outputs are the step's outputs
  std::string family;              // which Family runs it ("conv2d_relu", "pool2d", ...)
  const Variant* variant = nullptr;
  bool serial = false;  // too small to pay for waking a worker: runs on the calling thread alone

  const Node& first() const { return *nodes.front(); }
  const Node& last() const { return *nodes.back(); }
};

// Values by ValueId during a run (unmaterialized intermediates stay empty).
using ValueTable = std::vector<Tensor>;

// One family of steps: which generator's variants serve it, where they apply, how to call them.
// (Usually family == generator; conv2d and conv2d_relu share the conv2d generator, told apart
// by its relu param.)
struct Family {
  std::string_view name;
  std::string_view generator;
  // Whether this family can run |step| at all (op, attributes, shapes).
  bool (*accepts)(const Step& step, const Graph& graph);
  // Whether the specialization baked into |variant| fits |step| (kernel_h=2 needs 2-row windows).
  bool (*applies)(const Variant& variant, const Step& step, const Graph& graph);
  void (*run)(const Variant& variant, const Step& step, const Graph& graph, ValueTable& values);
  // Optional: the time |variant| should take on |step| with |threads| threads, relative to a
  // direct kernel's on one (measured form ratios, recomputation, idle threads in the last round
  // of tasks), or < 0 when the planner must not pick it unasked (it still runs on request,
  // `--variant`). Without it, the first applicable row of the table is the default; with it,
  // the cheapest (ties: table order), and a family whose variants are all < 0 is not formed.
  double (*default_cost)(const Variant& variant, const Step& step, const Graph& graph, int threads) = nullptr;
  // Optional: the variant that runs |step| on these input values when it can differ from the
  // planned one (a Winograd conv falls back to a direct kernel on NaN/inf data). The executable
  // calls it before run() and reports what ran (Executable::kernels() after a run).
  const Variant& (*resolve)(const Variant& planned, const Step& step, const Graph& graph,
                            const ValueTable& values) = nullptr;
};
const std::vector<Family>& families();
const Family* family(std::string_view name);

// Groups nodes into steps (fusing conv2d -> relu -> max_pool2d where it fits) and picks each
// step's variant: |overrides| (node name -> variant id) first, else the family's cheapest for
// |threads| threads (or the first applicable row of the variant table). Throws
// Error{unsupported} when a node has no applicable variant or an override does not apply.
std::vector<Step> plan(const Graph& graph, const std::map<std::string, std::string>& overrides, int threads);

// The time |step| should take on one thread, in microseconds, from the bytes it reads and
// writes and its multiply-adds: what decides whether waking a worker pays (Step::serial).
double one_thread_us(const Step& step, const Graph& graph);

// The family for a single node (no fusion), "" if none.
std::string family_for(const Node& node);
// The fused chains that could start at conv node |conv|, in preference order (variants not chosen).
std::vector<Step> fusion_candidates(const Graph& graph, const Node& conv);
// Every variant that can run |step|, in preference order.
std::vector<const Variant*> applicable_variants(const Step& step, const Graph& graph);

}  // namespace poolkit::halide
