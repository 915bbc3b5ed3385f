// The `cpu` backend: plans a graph into steps (fusing conv2d -> relu -> max_pool2d where it
// fits), picks a Halide variant per step and calls the generated functions.
#include <chrono>
#include <thread>

#include "backends/halide/family_helpers.h"
#include "backends/halide/halide_thread_pool.h"
#include "backends/halide/plan.h"
#include "graph/op_table.h"

namespace poolkit {
namespace halide {
namespace {

class CpuExecutable final : public Executable {
 public:
  CpuExecutable(const Graph& graph, const CompileOptions& options)
      : graph_(graph), steps_(plan(graph_, options.variants, resolved_threads(options.threads))), threads_(options.threads),
        time_steps_(options.time_steps), values_(graph_.values().size()) {
    for (const Step& s : steps_) families_.push_back(family(s.family));
    for (size_t v = 0; v < values_.size(); ++v) {
      const Value::Source source = graph_.values()[v].source;
      if (source == Value::Source::constant) values_[v] = graph_.constant_value(static_cast<ValueId>(v));
      if (source == Value::Source::node) node_values_.push_back(v);
    }
    times_.reserve(steps_.size());
  }

  std::vector<Tensor> run(const std::vector<Tensor>& inputs) override {
    std::vector<Tensor> results;
    run_into(inputs, results);
    return results;
  }

  void run_into(const std::vector<Tensor>& inputs, std::vector<Tensor>& results) override {
    // One table across runs (a run of a microsecond op is mostly bookkeeping: P4 is 5 us): the
    // constants sit in it from the constructor, node values stay from the last run and are
    // recycled when the caller has let go of them — memory-bound kernels otherwise pay for page
    // faults on fresh allocations (P6's 103 MB output: a fault per 4 KiB page).
    ValueTable& values = values_;
    struct ReleaseInputs {  // the caller's tensors are not kept past the run, whatever happens
      const Graph& g;
      ValueTable& values;
      ~ReleaseInputs() {
        for (ValueId id : g.inputs()) values[static_cast<size_t>(id)] = Tensor();
      }
    } release{graph_, values};
    for (size_t i = 0; i < inputs.size(); ++i) values[static_cast<size_t>(graph_.inputs()[i])] = inputs[i];
    for (size_t v : node_values_)
      if (!values[v].sole_owner()) values[v] = Tensor();
    set_threads(threads_);
    times_.clear();
    for (size_t i = 0; i < steps_.size(); ++i) {
      const Step& step = steps_[i];
      const auto start = time_steps_ ? std::chrono::steady_clock::now() : std::chrono::steady_clock::time_point{};
      const Value& out = graph_.value(step.last().outputs[0]);
      if (out.shape.numel() == 0) {  // empty batch: nothing to compute, but outputs must exist
        for (size_t o = 0; o < step.last().outputs.size(); ++o) new_output(step, graph_, values, o);
        if (time_steps_) times_.push_back({step.last().name, 0.0});
        continue;
      }
      try {
        const Family& f = *families_[i];
        const Variant& variant = f.resolve ? f.resolve(*step.variant, step, graph_, values) : *step.variant;
        ran_[i] = &variant;
        const SerialLoops serial(step.serial);
        f.run(variant, step, graph_, values);
      } catch (const Error& e) {
        const std::string where = detail::node_where(step.last().name, step.last().kind());
        if (std::string_view(e.what()).starts_with(where)) throw;
        throw Error(e.kind(), where + ": " + e.what());
      }
      if (time_steps_) {
        times_.push_back({step.last().name,
                          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count()});
      }
    }
    results.clear();
    for (ValueId id : graph_.outputs()) results.push_back(values[static_cast<size_t>(id)]);
  }

  std::vector<KernelChoice> kernels() const override {
    std::vector<KernelChoice> k;
    for (size_t i = 0; i < steps_.size(); ++i) {
      const Step& s = steps_[i];
      const Variant* v = ran_[i] ? ran_[i] : s.variant;
      for (const Node* n : s.nodes) k.push_back({n->name, std::string(v->id), n == &s.first() ? "" : s.first().name});
    }
    return k;
  }

  std::vector<NodeTime> last_node_times() const override { return times_; }

 private:
  Graph graph_;
  std::vector<Step> steps_;
  // By step: the variant the last run() ran (Family::resolve may swap the plan's); null before it.
  std::vector<const Variant*> ran_ = std::vector<const Variant*>(steps_.size(), nullptr);
  std::vector<NodeTime> times_;  // of the last run()
  int threads_;
  bool time_steps_;  // CompileOptions::time_steps
  std::vector<const Family*> families_;  // by step
  ValueTable values_;                    // by ValueId: constants, and node values of the last run
  std::vector<size_t> node_values_;      // ValueIds computed by nodes
};

class CpuBackend final : public Backend {
 public:
  std::string_view name() const override { return "cpu"; }

  std::vector<DeviceInfo> devices() const override {
    return {{"host CPU", "cpu",
             "Halide AOT kernels, multi-target (AVX-512 / AVX2+FMA / baseline x86-64 chosen at run time); " +
                 std::to_string(std::thread::hardware_concurrency()) + " hardware threads; " +
                 std::to_string(halide::variants().size()) + " kernel variants"}};
  }

  bool implements(OpKind kind) const override {
    const std::string f = family_for(Node{"", default_node_attrs(kind), {}, {}});
    return family(f) != nullptr;
  }

  Support supports(const Node& node, const Graph& graph) const override {
    const Step step{{&node}, family_for(node), nullptr};
    const Family* f = family(step.family);
    if (!f) return {Support::Code::unsupported_parameter, "the cpu backend has no kernel family for this op yet"};
    if (!f->accepts(step, graph)) {
      return {Support::Code::unsupported_parameter,
              "a tensor has 2^31 or more elements or a parameter exceeds int32 (Halide buffers use 32-bit indexing)"};
    }
    if (applicable_variants(step, graph).empty()) {
      return {Support::Code::unsupported_parameter, "no cpu kernel variant applies to these parameters"};
    }
    return {};
  }

  std::vector<std::string> variants(const Node& node, const Graph& graph) const override {
    std::vector<std::string> out;
    std::vector<Step> steps{Step{{&node}, family_for(node), nullptr}};
    if (node.kind() == OpKind::conv2d)
      for (Step& s : fusion_candidates(graph, node)) steps.push_back(std::move(s));
    for (const Step& s : steps)
      for (const Variant* v : applicable_variants(s, graph)) out.emplace_back(v->id);
    return out;
  }

  std::unique_ptr<Executable> compile(const Graph& graph, const CompileOptions& options) override {
    return std::make_unique<CpuExecutable>(graph, options);
  }

 private:
  static OpAttrs default_node_attrs(OpKind kind) {
    OpAttrs attrs;
    [&]<size_t... I>(std::index_sequence<I...>) {
      ((static_cast<size_t>(kind) == I ? (attrs.emplace<I>(), 0) : 0), ...);
    }(std::make_index_sequence<kOpCount>{});
    return attrs;
  }
};

}  // namespace
}  // namespace halide

std::unique_ptr<Backend> make_cpu_backend() { return std::make_unique<halide::CpuBackend>(); }

}  // namespace poolkit
