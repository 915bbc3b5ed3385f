// poolkit/backend.h — what every backend implements.
//
// A backend compiles a validated Graph into an Executable; the executable runs it any number of
// times. Backends are listed by name in a registry generated at build time (only the compiled-in
// ones appear); nothing registers itself through static initializers.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "poolkit/graph.h"
#include "poolkit/tensor.h"

namespace poolkit {

struct DeviceInfo {
  std::string name;
  std::string kind;     // "cpu", "discrete gpu", ...
  std::string details;  // free text: ISA, API version, limits
};

struct Support {
  enum class Code { yes, unsupported_parameter, unsupported_hardware } code = Code::yes;
  std::string why;
  explicit operator bool() const { return code == Code::yes; }
};

struct CompileOptions {
  int threads = 0;  // 0: all cores
  // Node name -> variant id to use instead of the backend's own choice (`--variant`, tests that
  // exercise every variant). A variant that does not apply to its node is an Error{unsupported}.
  std::map<std::string, std::string> variants;
  std::string device;  // backend-specific device choice ("" = the backend's default)
  // Whether the CPU backends read the clock around each step for Executable::last_node_times().
  // In a browser a clock read calls out to JS (performance.now(), ~0.15 us in Chromium): two per
  // step were ~7% of P4's 9 us run there. Off: last_node_times() stays empty (the benchmarks'
  // PreparedRun, which times whole runs itself).
  bool time_steps = true;
};

// Which implementation ran a node: "<family>__<specialization>__<schedule>" (STYLE.md 6.3).
struct KernelChoice {
  std::string node;
  std::string variant;
  // For a node that runs inside a fused kernel headed by an earlier node: that node's name (relu
  // 'r' in conv2d 'c' -> relu 'r' run by conv2d_relu__...: "c"). "" when the node runs its own
  // kernel or heads the fused one. The head is the node a variant override names to choose the
  // fused kernel (last_node_times() names the step after its last node instead). `poolkit tune`
  // tunes one kernel call at a time from this.
  std::string fused_into = {};
};

class Executable {
 public:
  virtual ~Executable() = default;
  // |inputs| in graph.inputs() order; returns tensors in graph.outputs() order.
  virtual std::vector<Tensor> run(const std::vector<Tensor>& inputs) = 0;
  // The same into |outputs| (resized to the graph's output count), so a caller that runs again
  // and again reuses one vector; backends whose run allocates nothing else per run override it.
  virtual void run_into(const std::vector<Tensor>& inputs, std::vector<Tensor>& outputs) { outputs = run(inputs); }
  // The kernel of each node: planned, then after a run the one that ran (the cpu backend runs
  // a direct conv instead of its planned Winograd on NaN/inf data).
  virtual std::vector<KernelChoice> kernels() const = 0;
  // Time per planned step of the last run(), in execution order: device time from timestamp
  // queries on Vulkan, host wall-clock time on the CPU backends. A fused step (several nodes in one
  // kernel) is named after its last node; kernels() says which nodes it covers. `bench` reports it
  // beside the whole run's wall-clock time, and the browser demo shows it.
  struct NodeTime {
    std::string node;
    double ms;
  };
  virtual std::vector<NodeTime> last_node_times() const { return {}; }
};

class Backend {
 public:
  virtual ~Backend() = default;
  virtual std::string_view name() const = 0;
  virtual std::vector<DeviceInfo> devices() const = 0;
  // The name of the device that CompileOptions::device |choice| selects ("" = the default; else
  // an index or part of a name, as `poolkit devices` lists them). Tuning tables record it, and
  // are applied only on the device they were measured on. The default (one-device backends):
  // "" or "0" or part of its name selects devices().front(); anything else is Error{bad_input}.
  virtual std::string device_name(const std::string& choice) const;
  // Whether this backend has any kernel for |kind| (`poolkit ops`); supports() then decides for
  // a concrete node (parameters, shapes, device limits).
  virtual bool implements(OpKind kind) const = 0;
  virtual Support supports(const Node& node, const Graph& graph) const = 0;
  // Every variant id that can run |node| (most preferred first); tests run each of them.
  virtual std::vector<std::string> variants(const Node& node, const Graph& graph) const = 0;
  virtual std::unique_ptr<Executable> compile(const Graph& graph, const CompileOptions& options) = 0;
  // The bandwidth roofline `poolkit bench` reports beside every number: GB/s (bytes read plus
  // bytes written, per second) of the plainest copy of |bytes| bytes this backend can do — host
  // memcpy by default, a vec4 copy shader on a GPU. Median of |iters| runs.
  virtual double copy_gbytes_per_s(int64_t bytes, int iters, int threads);
};

// The compiled-in backends, in preference order ("reference" first).
std::vector<std::string> backend_names();
// Throws Error{bad_input} for an unknown name, listing the known ones.
Backend& backend(std::string_view name);

}  // namespace poolkit
