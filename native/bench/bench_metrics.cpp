#include "bench_metrics.h"

#include <algorithm>
#include <cstdio>
#include <set>
#include <thread>
#include <type_traits>
#include <variant>

namespace poolkit::bench {
namespace {

int64_t area(const Pair& p) { return p.h * p.w; }

// Σ over the output positions of one axis of the adaptive window length
// [floor(i·L/O), ceil((i+1)·L/O)) — the windows overlap, so this exceeds L when O does not divide L.
int64_t adaptive_taps(int64_t in, int64_t out) {
  int64_t sum = 0;
  for (int64_t i = 0; i < out; ++i) sum += ((i + 1) * in + out - 1) / out - (i * in) / out;
  return sum;
}

double node_flops(const Graph& graph, const Node& node) {
  const Shape& out = graph.value(node.outputs[0]).shape;
  const Shape& in = graph.value(node.inputs[0]).shape;
  const double out_n = static_cast<double>(out.numel());
  return std::visit(
      [&](const auto& a) -> double {
        using A = std::decay_t<decltype(a)>;
        if constexpr (std::is_same_v<A, Conv2dAttrs>) {
          const Shape& w = graph.value(node.inputs[1]).shape;  // [Cout, Cin/groups, kh, kw]
          return 2.0 * out_n * static_cast<double>(w[1] * w[2] * w[3]);
        } else if constexpr (std::is_same_v<A, MaxPool2dAttrs> || std::is_same_v<A, AvgPool2dAttrs> ||
                             std::is_same_v<A, LpPool2dAttrs> || std::is_same_v<A, FractionalMaxPool2dAttrs> ||
                             std::is_same_v<A, StochasticPool2dAttrs>) {
          return out_n * static_cast<double>(area(a.kernel_size));
        } else if constexpr (std::is_same_v<A, MaxPool1dAttrs> || std::is_same_v<A, AvgPool1dAttrs> ||
                             std::is_same_v<A, LpPool1dAttrs>) {
          return out_n * static_cast<double>(a.kernel_size);
        } else if constexpr (std::is_same_v<A, AdaptiveMaxPool2dAttrs> || std::is_same_v<A, AdaptiveAvgPool2dAttrs>) {
          const int r = in.rank();
          return static_cast<double>(in[0] * in[1]) * static_cast<double>(adaptive_taps(in[r - 2], out[r - 2])) *
                 static_cast<double>(adaptive_taps(in[r - 1], out[r - 1]));
        } else if constexpr (std::is_same_v<A, MaxUnpool2dAttrs>) {
          return static_cast<double>(in.numel());  // one scatter per pooled value
        } else {  // global pools, relu: one op per input element
          return static_cast<double>(in.numel());
        }
      },
      node.attrs);
}

int64_t value_bytes(const Value& v) { return v.shape.numel() * static_cast<int64_t>(dtype_size(v.dtype)); }

// splitmix64 (Steele, Lea & Flood 2014): a counter-based stream, fast and well mixed.
uint64_t splitmix64(uint64_t& state) {
  uint64_t z = (state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

uint64_t fnv1a(const std::string& s) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : s) h = (h ^ c) * 0x100000001b3ull;
  return h;
}

bool is_fractional_samples(const Graph& graph, ValueId id) {
  for (const Node& n : graph.nodes())
    if (n.kind() == OpKind::fractional_max_pool2d && n.inputs.size() > 1 && n.inputs[1] == id) return true;
  return false;
}

std::string fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

double pct_of_copy(const Result& r) {
  const double gbs = r.work.bytes / (r.timing.median_ms * 1e-3) / 1e9;
  return r.copy_gbytes_per_s > 0 ? 100.0 * gbs / r.copy_gbytes_per_s : 0.0;
}

}  // namespace

Work count_work(const Graph& graph) {
  Work w;
  std::set<ValueId> counted;  // a value read by several nodes, or an input that is also an output, counts once
  auto add = [&](ValueId id) {
    if (counted.insert(id).second) w.bytes += value_bytes(graph.value(id));
  };
  for (ValueId id : graph.inputs()) add(id);
  for (const Node& n : graph.nodes()) {
    for (ValueId id : n.inputs)
      if (graph.value(id).source == Value::Source::constant) add(id);
    w.flops += node_flops(graph, n);
  }
  for (ValueId id : graph.outputs()) add(id);
  return w;
}

Tensor random_input(const Graph& graph, ValueId input) {
  const Value& v = graph.value(input);
  Tensor t = Tensor::zeros(v.shape, v.dtype);
  if (v.dtype != DType::f32) return t;  // int64 indices: 0 is in range for every plane
  const bool unit = is_fractional_samples(graph, input);
  uint64_t state = 0x706f6f6c6b6974ull ^ fnv1a(v.name);  // "poolkit"
  for (float& x : t.data<float>()) {
    const float u = static_cast<float>(splitmix64(state) >> 40) * 0x1p-24f;  // [0, 1), exact
    x = unit ? u : 2.0f * u - 1.0f;
  }
  return t;
}

Timing summarize(std::vector<double> ms) {
  if (ms.empty()) fail_runtime("no timed iteration to summarize");
  std::sort(ms.begin(), ms.end());
  const size_t n = ms.size();
  // The median of an even count is the mean of the middle pair.
  const double median = n % 2 ? ms[n / 2] : 0.5 * (ms[n / 2 - 1] + ms[n / 2]);
  return {median, ms.front(), ms.back(), static_cast<int>(n)};
}

int64_t copy_bytes_for(const Work& work) { return std::max<int64_t>(work.bytes / 2, 4096); }

int all_cores() { return std::max(1, static_cast<int>(std::thread::hardware_concurrency())); }

nlohmann::json to_json(const Result& r) {
  const double seconds = r.timing.median_ms * 1e-3;
  nlohmann::json j;
  j["graph"] = r.graph;
  j["backend"] = r.backend;
  j["variant"] = r.variant;
  j["target"] = r.target;
  j["threads"] = r.threads;
  j["median_ms"] = r.timing.median_ms;
  j["min_ms"] = r.timing.min_ms;
  j["max_ms"] = r.timing.max_ms;
  j["iters"] = r.timing.iters;
  j["bytes"] = r.work.bytes;
  j["flops"] = r.work.flops;
  j["gbytes_per_s"] = r.work.bytes / seconds / 1e9;
  j["gflops_per_s"] = r.work.flops / seconds / 1e9;
  j["copy_gbytes_per_s"] = r.copy_gbytes_per_s;
  j["pct_of_copy"] = pct_of_copy(r);
  return j;
}

std::string table_header() {
  char buf[256];
  std::snprintf(buf, sizeof buf, "%-22s %-20s %3s %10s %10s %10s %8s %8s %8s %6s  %s", "graph", "backend", "thr",
                "median_ms", "min_ms", "max_ms", "GB/s", "GFLOP/s", "copyGB/s", "%copy", "variant");
  return buf;
}

std::string table_row(const Result& r) {
  const double seconds = r.timing.median_ms * 1e-3;
  char buf[512];
  std::snprintf(buf, sizeof buf, "%-22s %-20s %3d %10s %10s %10s %8s %8s %8s %6s  %s", r.graph.c_str(),
                r.backend.c_str(), r.threads, fixed(r.timing.median_ms, 4).c_str(), fixed(r.timing.min_ms, 4).c_str(),
                fixed(r.timing.max_ms, 4).c_str(), fixed(r.work.bytes / seconds / 1e9, 2).c_str(),
                fixed(r.work.flops / seconds / 1e9, 2).c_str(), fixed(r.copy_gbytes_per_s, 2).c_str(),
                fixed(pct_of_copy(r), 1).c_str(), r.variant.c_str());
  return buf;
}

}  // namespace poolkit::bench
