// poolkit/session.h — run a graph on a named backend.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "poolkit/backend.h"
#include "poolkit/graph.h"
#include "poolkit/tuning.h"

namespace poolkit {

using NamedTensors = std::map<std::string, Tensor, std::less<>>;

struct SessionOptions {
  int threads = 0;                             // 0: all cores
  std::map<std::string, std::string> variants;  // node name -> variant id override
  std::string device;                           // backend-specific ("" = default)
  // A tuning table (`poolkit tune --out`): its variants run the nodes |variants| leaves open.
  // It must be for this backend, device and graph (tuned_overrides() in poolkit/tuning.h).
  std::optional<TuningTable> tuning = {};
  // Per-step host times for last_node_times() on the CPU backends (CompileOptions::time_steps).
  bool time_steps = true;
};

class Session {
 public:
  // Checks that the backend supports every node (Error{unsupported} naming the node otherwise),
  // then compiles.
  Session(Graph graph, std::string_view backend_name = "reference", SessionOptions options = {});
  ~Session();
  Session(Session&&) noexcept;
  Session& operator=(Session&&) noexcept;

  // |inputs| must name every graph input exactly once with the declared shape and dtype;
  // returns every graph output by name.
  NamedTensors run(const NamedTensors& inputs);
  // The same, into |outputs|, reusing its entries when it already holds exactly the graph's
  // outputs (a caller that runs again and again, as the browser's PreparedRun: no map nodes or
  // names allocated per run). Its tensors are dropped before the run, so a backend may recycle
  // their buffers; on failure |outputs| is left empty.
  void run(const NamedTensors& inputs, NamedTensors& outputs);

  const Graph& graph() const { return graph_; }
  std::string_view backend_name() const { return backend_name_; }
  std::vector<KernelChoice> kernels() const;
  // Device-side time per node of the last run, where the backend measures it (else empty).
  std::vector<Executable::NodeTime> last_node_times() const;

 private:
  Graph graph_;
  std::string backend_name_;
  std::unique_ptr<Executable> executable_;
  // Reused by run() (capacity only: emptied after every run, they hold no tensor between runs).
  std::vector<Tensor> ordered_, results_;
};

}  // namespace poolkit
