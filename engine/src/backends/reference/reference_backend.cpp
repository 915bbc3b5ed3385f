// The reference backend: runs each node's plain-loop kernel in graph order.
#include <chrono>
#include <cstdio>
#include <thread>

#include "backends/reference/kernels.h"
#include "backends/reference/work_estimate.h"
#include "graph/op_table.h"
#include "poolkit/backend.h"

namespace poolkit {
namespace {

class ReferenceExecutable final : public Executable {
 public:
  ReferenceExecutable(const Graph& graph, bool time_steps) : graph_(graph), time_steps_(time_steps) {}

  static std::string variant_of(const Node& n) { return op_info(n.kind()).name + "__generic__loops"; }

  std::vector<Tensor> run(const std::vector<Tensor>& inputs) override {
    std::vector<Tensor> values(graph_.values().size());
    for (size_t i = 0; i < inputs.size(); ++i) values[static_cast<size_t>(graph_.inputs()[i])] = inputs[i];
    for (size_t v = 0; v < values.size(); ++v) {
      if (graph_.values()[v].source == Value::Source::constant) values[v] = graph_.constant_value(static_cast<ValueId>(v));
    }
    times_.clear();
    for (const Node& node : graph_.nodes()) {
      const auto start = time_steps_ ? std::chrono::steady_clock::now() : std::chrono::steady_clock::time_point{};
      reference::Inputs in;
      for (ValueId id : node.inputs) in.push_back(&values[static_cast<size_t>(id)]);
      reference::Outputs out;
      try {
        // Allocation inside the try: an out-of-memory error names the node too.
        for (ValueId id : node.outputs) {
          const Value& v = graph_.value(id);
          values[static_cast<size_t>(id)] = Tensor::zeros(v.shape, v.dtype);
          out.push_back(&values[static_cast<size_t>(id)]);
        }
        std::visit([&](const auto& attrs) { reference::run(attrs, in, out); }, node.attrs);
      } catch (const Error& e) {
        const std::string where = detail::node_where(node.name, node.kind());
        if (std::string_view(e.what()).starts_with(where)) throw;
        throw Error(e.kind(), where + ": " + e.what());
      }
      if (time_steps_) {
        times_.push_back({node.name, std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count()});
      }
    }
    std::vector<Tensor> results;
    for (ValueId id : graph_.outputs()) results.push_back(values[static_cast<size_t>(id)]);
    return results;
  }

  std::vector<KernelChoice> kernels() const override {
    std::vector<KernelChoice> k;
    for (const Node& n : graph_.nodes()) k.push_back({n.name, variant_of(n)});
    return k;
  }

  std::vector<NodeTime> last_node_times() const override { return times_; }

 private:
  Graph graph_;
  bool time_steps_;              // CompileOptions::time_steps
  std::vector<NodeTime> times_;  // of the last run()
};

class ReferenceBackend final : public Backend {
 public:
  std::string_view name() const override { return "reference"; }
  std::vector<DeviceInfo> devices() const override {
    return {{"host CPU", "cpu", "plain loops, one thread (" + std::to_string(std::thread::hardware_concurrency()) + " cores present)"}};
  }
  bool implements(OpKind) const override { return true; }  // the oracle runs everything
  // Every op is implemented; only a node so large that the plain loops would run for minutes or
  // hours is refused (work_estimate.h), so that a huge-but-valid graph fails at once.
  Support supports(const Node& node, const Graph& graph) const override {
    const double work = reference::estimated_work(node, graph);
    if (work <= reference::kReferenceMaxWork) return {};
    char text[64];
    std::snprintf(text, sizeof text, "%.2g", work);
    return {Support::Code::unsupported_parameter,
            std::string("output ") + graph.value(node.outputs.at(0)).shape.str() + " is about " + text +
                " units of work, more than the reference backend's limit of 2^34 (about ten seconds of its plain loops)"};
  }
  std::vector<std::string> variants(const Node& node, const Graph&) const override {
    return {ReferenceExecutable::variant_of(node)};
  }
  std::unique_ptr<Executable> compile(const Graph& graph, const CompileOptions& options) override {
    for (const auto& [node_name, variant] : options.variants) {
      const Value& v = graph.value(*graph.find(node_name));
      const Node& node = graph.nodes()[static_cast<size_t>(v.node)];
      if (variant != ReferenceExecutable::variant_of(node)) {
        throw Error(ErrorKind::unsupported, detail::node_where(node.name, node.kind()) + ": variant '" + variant +
                                                "' does not exist on backend 'reference' (it has " +
                                                ReferenceExecutable::variant_of(node) + ")");
      }
    }
    return std::make_unique<ReferenceExecutable>(graph, options.time_steps);
  }
};

}  // namespace

std::unique_ptr<Backend> make_reference_backend() { return std::make_unique<ReferenceBackend>(); }

}  // namespace poolkit
