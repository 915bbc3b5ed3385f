#include "poolkit/session.h"

#include "graph/op_table.h"

namespace poolkit {

Session::Session(Graph graph, std::string_view backend_name, SessionOptions options)
    : graph_(std::move(graph)), backend_name_(backend_name) {
  Backend& b = backend(backend_name);
  for (const Node& node : graph_.nodes()) {
    const Support s = b.supports(node, graph_);
    if (!s) {
      throw Error(ErrorKind::unsupported, detail::node_where(node.name, node.kind()) + ": not supported by backend '" +
                                              std::string(backend_name) + "': " + s.why);
    }
  }
  if (options.tuning) {
    options.variants = tuned_overrides(*options.tuning, graph_, backend_name, b.device_name(options.device), options.variants);
  }
  for (const auto& [node, variant] : options.variants) {
    if (!graph_.find(node) || graph_.value(*graph_.find(node)).source != Value::Source::node) {
      fail_bad_input("variant override for unknown node '" + node + "'");
    }
  }
  executable_ = b.compile(graph_, CompileOptions{options.threads, options.variants, options.device, options.time_steps});
}

Session::~Session() = default;
Session::Session(Session&&) noexcept = default;
Session& Session::operator=(Session&&) noexcept = default;

NamedTensors Session::run(const NamedTensors& inputs) {
  std::vector<Tensor> ordered;
  for (ValueId id : graph_.inputs()) {
    const Value& v = graph_.value(id);
    const auto it = inputs.find(v.name);
    if (it == inputs.end()) fail_bad_input("input '" + v.name + "' was not given (the graph needs it)");
    const Tensor& t = it->second;
    if (t.dtype() != v.dtype) {
      fail_bad_input("input '" + v.name + "' has dtype " + std::string(dtype_name(t.dtype())) + ", the graph declares " +
                     std::string(dtype_name(v.dtype)));
    }
    if (t.shape() != v.shape) {
      fail_bad_input("input '" + v.name + "' has shape " + t.shape().str() + ", the graph declares " + v.shape.str());
    }
    ordered.push_back(t);
  }
  for (const auto& [name, _] : inputs) {
    const auto id = graph_.find(name);
    if (!id || graph_.value(*id).source != Value::Source::input) {
      std::string known;
      for (ValueId i : graph_.inputs()) known += (known.empty() ? "" : ", ") + graph_.value(i).name;
      fail_bad_input("unknown input '" + name + "' (graph inputs: " + (known.empty() ? "none" : known) + ")");
    }
  }
  std::vector<Tensor> results = executable_->run(ordered);
  NamedTensors out;
  for (size_t i = 0; i < results.size(); ++i) out.emplace(graph_.value(graph_.outputs()[i]).name, std::move(results[i]));
  return out;
}

std::vector<KernelChoice> Session::kernels() const { return executable_->kernels(); }
std::vector<Executable::NodeTime> Session::last_node_times() const { return executable_->last_node_times(); }

}  // namespace poolkit
