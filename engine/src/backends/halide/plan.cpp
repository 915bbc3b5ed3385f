#include "backends/halide/plan.h"

#include <algorithm>
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

double one_thread_us(const Step& step, const Graph& g) {
  // Rates of this machine's AVX-512 kernels on 1 thread (2026-11-22): pooling moves ~90 GB/s
  // while its data is in the caches (P4 400 KB in 4.4 us, P1 16 MB in 0.2 ms), convolutions do
  // ~100-165 multiply-adds per ns (C1 116 M in 0.7 ms Winograd). An estimate, not a promise:
  // it only has to tell a few microseconds from a few hundred.
  constexpr double kBytesPerUs = 90e3, kMacsPerUs = 100e3;
  double bytes = 0, macs = 0;
  auto nbytes = [&](ValueId v) { return static_cast<double>(g.value(v).shape.numel()) * dtype_size(g.value(v).dtype); };
  for (const Node* n : step.nodes) {
    for (ValueId v : n->inputs) {
      const int32_t producer = g.value(v).node;
      const bool inside = producer >= 0 && std::any_of(step.nodes.begin(), step.nodes.end(), [&](const Node* m) {
        return m == &g.nodes()[static_cast<size_t>(producer)];
      });
      if (!inside) bytes += nbytes(v);
    }
    if (n->kind() == OpKind::conv2d) {  // output elements x (input channels / groups) x kh x kw
      const Shape& w = g.value(n->inputs.at(1)).shape;
      macs += static_cast<double>(g.value(n->outputs[0]).shape.numel()) * static_cast<double>(w.numel() / std::max<int64_t>(1, w[0]));
    }
  }
  for (ValueId v : step.last().outputs) bytes += nbytes(v);
  return bytes / kBytesPerUs + macs / kMacsPerUs;
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

// Below this estimated 1-thread time (one_thread_us) a step runs on the calling thread alone:
// handing tasks to a worker and waiting for the last one costs more than the worker saves.
// Measured 2026-11-22 (2 vCPUs shared with other jobs, load average 4-6; 2 threads, parallel vs
// the same step forced serial, alternating): native P4 global avg 1x2048x7x7 (estimate 4.6 us)
// never gained from the second thread, 4.56-4.67 vs 4.39-4.48 us serial (RESULTS.md's six rounds
// alike: 5 us at 1 and 2 threads), while 1x64x56x56 max 2x2 (estimate 11 us) and global avg
// 1x4096x7x7 (9 us) ran at 5.8 us parallel vs 8.3-8.7 serial whenever the second vCPU was
// free. wasm threads pay ~7 us per parallel call (Chromium, P4: 16-17 us on 2 threads vs 9.6 on
// 1, web/BENCH.md), so a wasm step (~2x the native time) pays from ~14 us: 7 us native.
constexpr double kMinParallelUs = 8;

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
    chosen.serial = threads > 1 && one_thread_us(chosen, g) < kMinParallelUs;
    steps.push_back(std::move(chosen));
  }
  return steps;
}

}  // namespace poolkit::halide
