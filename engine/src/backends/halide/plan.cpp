#include "backends/halide/plan.h"

#include <sstream>

#include "graph/op_table.h"
#include "graph/pool_geometry.h"

namespace poolkit::halide {

std::string family_for(const Node& node) {
  switch (node.kind()) {
    case OpKind::max_pool2d: return std::get<MaxPool2dAttrs>(node.attrs).return_indices ? "max_pool2d_indices" : "pool2d";
    case OpKind::max_pool1d: return std::get<MaxPool1dAttrs>(node.attrs).return_indices ? "max_pool2d_indices" : "pool2d";
    case OpKind::avg_pool2d:
    case OpKind::lp_pool2d:
    case OpKind::avg_pool1d:
    case OpKind::lp_pool1d: return "pool2d";
    case OpKind::global_max_pool:
    case OpKind::global_avg_pool:
    case OpKind::global_lp_pool: return "global_pool";
    case OpKind::conv2d: return "conv2d";
    case OpKind::relu: return "relu";
    case OpKind::adaptive_max_pool2d:
    case OpKind::adaptive_avg_pool2d: return "adaptive_pool2d";
    case OpKind::fractional_max_pool2d: return "fractional_max_pool2d";
    case OpKind::stochastic_pool2d: return "stochastic_pool2d";
    case OpKind::max_unpool2d: return "max_unpool2d";
  }
  return "";
}

const Family* family(std::string_view name) {
  for (const Family& f : families())
    if (f.name == name) return &f;
  return nullptr;
}

namespace {

// An autoscheduled variant runs only on outputs at least as wide, tall and deep as the shape its
// schedule was planned for (min_output=WxHxC, variants.cmake MIN_OUTPUT): smaller ones fail its
// loop splits.
bool big_enough_for(const Variant& v, const Step& step, const Graph& graph) {
  const std::string_view min = v.str_param("min_output");
  if (min.empty()) return true;
  const Shape& out = graph.value(step.last().outputs[0]).shape;
  if (out.rank() != 4) return false;
  int64_t need[3] = {0, 0, 0};
  std::istringstream in{std::string(min)};
  char x;
  in >> need[0] >> x >> need[1] >> x >> need[2];
  return out[3] >= need[0] && out[2] >= need[1] && out[1] >= need[2];
}

}  // namespace

std::vector<const Variant*> applicable_variants(const Step& step, const Graph& graph) {
  std::vector<const Variant*> out;
  const Family* f = family(step.family);
  if (!f || !f->accepts(step, graph)) return out;
  for (const Variant& v : variants())
    if (v.generator == f->generator && f->applies(v, step, graph) && big_enough_for(v, step, graph)) out.push_back(&v);
  return out;
}

namespace {

// Number of nodes reading |value| plus one if it is a graph output: a value with other readers
// must be materialized, so it cannot disappear into a fused step.
int readers(const Graph& g, ValueId value) {
  int count = 0;
  for (const Node& n : g.nodes())
    for (ValueId in : n.inputs) count += in == value;
  for (ValueId o : g.outputs()) count += o == value;
  return count;
}

const Node* sole_reader(const Graph& g, ValueId value, OpKind kind) {
  if (readers(g, value) != 1) return nullptr;
  for (const Node& n : g.nodes())
    if (n.kind() == kind && n.inputs.size() == 1 && n.inputs[0] == value) return &n;
  return nullptr;
}

}  // namespace

// The fused chains that can start at conv node |c|, in preference order: the three-op block
// first — where its family's default_cost lets the planner pick one of its variants (a baked-in
// pool window equal to its stride, on the register-blocked path: see conv_family.cpp) it beat
// conv2d_relu + max_pool2d on F1 and F2 —, else conv2d -> relu.
std::vector<Step> fusion_candidates(const Graph& g, const Node& c) {
  std::vector<Step> out;
  const Node* r = sole_reader(g, c.outputs[0], OpKind::relu);
  if (!r) return out;
  if (const Node* p = sole_reader(g, r->outputs[0], OpKind::max_pool2d)) {
    out.push_back(Step{{&c, r, p}, "conv2d_relu_max_pool2d", nullptr});
  }
  out.push_back(Step{{&c, r}, "conv2d_relu", nullptr});
  return out;
}

namespace {

const Variant* choose(const Step& step, const Graph& g, const std::map<std::string, std::string>& overrides,
                      int threads) {
  for (const Node* n : step.nodes) {
    const auto it = overrides.find(n->name);
    if (it == overrides.end()) continue;
    for (const Variant* v : applicable_variants(step, g))
      if (v->id == it->second) return v;
    throw Error(ErrorKind::unsupported, detail::node_where(n->name, n->kind()) + ": variant '" + it->second +
                                            "' does not apply on backend 'cpu' (see `poolkit ops` / bench variants)");
  }
  // Autoscheduled variants are experiments (variants.cmake): only an override picks them.
  auto candidates = applicable_variants(step, g);
  std::erase_if(candidates, [](const Variant* v) { return v->autoscheduled(); });
  const Family* f = family(step.family);
  if (!f->default_cost) return candidates.empty() ? nullptr : candidates.front();
  const Variant* best = nullptr;
  double best_cost = 0;
  for (const Variant* v : candidates) {
    const double cost = f->default_cost(*v, step, g, threads);
    if (cost >= 0 && (!best || cost < best_cost)) best = v, best_cost = cost;
  }
  return best;
}

// A fused chain is formed only if the overrides allow it: an override on the conv node must name
// a variant of this fused family, and the chain's other nodes must have none (an override on
// them asks for them to run on their own).
bool overrides_allow(const Step& fused, const std::map<std::string, std::string>& overrides) {
  const auto it = overrides.find(fused.first().name);
  if (it != overrides.end() && !it->second.starts_with(fused.family + "__")) return false;
  for (size_t i = 1; i < fused.nodes.size(); ++i)
    if (overrides.count(fused.nodes[i]->name)) return false;
  return true;
}

}  // namespace

std::vector<Step> plan(const Graph& g, const std::map<std::string, std::string>& overrides, int threads) {
  std::vector<Step> steps;
  std::vector<bool> done(g.nodes().size(), false);
  auto index_of = [&](const Node* n) { return static_cast<size_t>(n - g.nodes().data()); };
  for (const Node& node : g.nodes()) {
    if (done[index_of(&node)]) continue;
    Step chosen{{&node}, family_for(node), nullptr};
    if (node.kind() == OpKind::conv2d) {
      for (Step& fused : fusion_candidates(g, node)) {
        if (!overrides_allow(fused, overrides)) continue;
        fused.variant = choose(fused, g, overrides, threads);
        if (fused.variant) {
          chosen = fused;
          break;
        }
      }
    }
    if (!chosen.variant) chosen.variant = choose(chosen, g, overrides, threads);
    if (!chosen.variant) {
      throw Error(ErrorKind::unsupported, detail::node_where(node.name, node.kind()) +
                                              ": no cpu kernel variant applies (family '" + chosen.family + "')");
    }
    for (const Node* n : chosen.nodes) done[index_of(n)] = true;
    steps.push_back(std::move(chosen));
  }
  return steps;
}

}  // namespace poolkit::halide
