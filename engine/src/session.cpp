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
  NamedTensors out;
  run(inputs, out);
  return out;
}

void Session::run(const NamedTensors& inputs, NamedTensors& outputs) {
  // A run of a microsecond op is mostly this bookkeeping (P4 is 6 us in the browser): the
  // ordered inputs and the results go through vectors kept across runs, and |outputs| keeps its
  // map entries when they already name the graph's outputs. Tensors are dropped from both
  // vectors whatever happens: the caller's tensors are not kept past the run.
  struct Release {
    std::vector<Tensor>& a;
    std::vector<Tensor>& b;
    NamedTensors& outputs;
    bool done = false;
    ~Release() {
      a.clear();
      b.clear();
      if (!done) outputs.clear();  // failed: no half-filled map
    }
  } release{ordered_, results_, outputs};
  // Drop the last run's outputs first, so that the backend may write into their buffers again.
  for (auto& [_, t] : outputs) t = Tensor();
  ordered_.clear();
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
    ordered_.push_back(t);
  }
  // Every graph input was found above (names are unique): only a larger map can name another.
  if (inputs.size() != graph_.inputs().size()) {
    for (const auto& [name, _] : inputs) {
      const auto id = graph_.find(name);
      if (!id || graph_.value(*id).source != Value::Source::input) {
        std::string known;
        for (ValueId i : graph_.inputs()) known += (known.empty() ? "" : ", ") + graph_.value(i).name;
        fail_bad_input("unknown input '" + name + "' (graph inputs: " + (known.empty() ? "none" : known) + ")");
      }
    }
  }
  const std::vector<ValueId>& names = graph_.outputs();
  bool same_names = outputs.size() == names.size();  // a graph may list an output twice: then rebuild
  for (ValueId id : names) same_names = same_names && outputs.count(graph_.value(id).name) == 1;
  executable_->run_into(ordered_, results_);
  if (!same_names) {
    outputs.clear();
    for (size_t i = 0; i < results_.size(); ++i) outputs.emplace(graph_.value(names[i]).name, std::move(results_[i]));
  } else {
    for (size_t i = 0; i < results_.size(); ++i) outputs.find(graph_.value(names[i]).name)->second = std::move(results_[i]);
  }
  release.done = true;
}

std::vector<KernelChoice> Session::kernels() const { return executable_->kernels(); }
std::vector<Executable::NodeTime> Session::last_node_times() const { return executable_->last_node_times(); }

}  // namespace poolkit
