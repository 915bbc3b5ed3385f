// onednn_bench — a poolkit graph (native/bench/*.json) run through oneDNN's primitives, timed and
// counted exactly as `poolkit bench` does (native/bench/bench_metrics.*: same inputs, same
// warm-up + median of N steady_clock iterations, same byte/FLOP rules, same copy roofline, same
// JSON fields), so scripts/bench.sh can put the two side by side.
//
//   onednn_bench GRAPH.json [--layout nchw|blocked|nchw-reorder|all] [--iters N] [--warmup N]
//                [--threads N] [--check] [--json]
//
// Layouts (one result line each; DESIGN.md quotes oneDNN both ways):
//   nchw          every activation is plain NCHW, as users hold it; primitives run on it directly.
//   blocked       oneDNN's preferred layouts (format_tag::any: conv picks, pooling follows its
//                 producer; a graph input feeding a pool is put in nChw16c, the channel blocking
//                 AVX-512 kernels use). Graph inputs are reordered into it before timing: the
//                 network-internal case, where the previous layer already produced it.
//   nchw-reorder  the user's NCHW in and out, through the blocked kernels: the reorders from and
//                 back to NCHW are timed with the primitives.
// Weights and bias are reordered once, untimed, in every layout: they are constants to oneDNN,
// while poolkit receives them as graph inputs each run (bench fills them) — a small advantage to
// oneDNN, kept so that its numbers are its best.
//
// Supported nodes: max_pool2d (no indices), avg_pool2d (no divisor_override), global_avg_pool,
// global_max_pool, conv2d (any groups/stride/dilation, optional bias), relu (a post-op when it
// directly follows a conv whose output nothing else reads; else an eltwise primitive).
//
// Threads: Debian's libdnnl is built with OpenMP (DNNL_CPU_RUNTIME OMP, libgomp), so the thread
// count is omp_set_num_threads(N) before any primitive exists; scripts/bench.sh also sets
// OMP_NUM_THREADS=N. The reported `threads` is omp_get_max_threads() after that.
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <oneapi/dnnl/dnnl.hpp>
#include <oneapi/dnnl/dnnl_debug.h>

#include "bench/bench_metrics.h"
#include "poolkit/poolkit.h"

namespace {

using dnnl::memory;
using poolkit::Graph;
using poolkit::Node;
using poolkit::OpKind;
using poolkit::Shape;
using poolkit::Tensor;
using poolkit::ValueId;
using tag = memory::format_tag;
using dt = memory::data_type;

enum class Layout { nchw, blocked, nchw_reorder };

const char* layout_name(Layout l) {
  switch (l) {
    case Layout::nchw: return "nchw";
    case Layout::blocked: return "blocked";
    case Layout::nchw_reorder: return "nchw-reorder";
  }
  return "?";
}

[[noreturn]] void unsupported(const Node& node, const std::string& why) {
  throw poolkit::Error(poolkit::ErrorKind::unsupported, "node '" + node.name + "' (" +
                                                            poolkit::op_info(node.kind()).name +
                                                            "): not run through oneDNN: " + why);
}

memory::dims dims_of(const Shape& s) { return memory::dims(s.dims().begin(), s.dims().end()); }

memory::desc plain_md(const Shape& s) {
  static const tag tags[] = {tag::undef, tag::a, tag::ab, tag::abc, tag::abcd, tag::abcde};
  if (s.rank() < 1 || s.rank() > 5) poolkit::fail_bad_input("tensor " + s.str() + ": rank not supported");
  return memory::desc(dims_of(s), dt::f32, tags[s.rank()]);
}

// A layout as oneDNN's own tag spelling: outer dims by decreasing stride (capital when blocked),
// then the inner blocks: "nchw", "nChw16c", "OIhw16i16o".
std::string layout_of(const memory::desc& md) {
  const dnnl_memory_desc_t& d = md.data;
  if (d.format_kind != dnnl_blocked) return "opaque";
  const char* letters = d.ndims == 4 ? "nchw" : "abcdefgh";
  const auto& b = d.format_desc.blocking;
  std::vector<int> order(static_cast<size_t>(d.ndims));
  for (int i = 0; i < d.ndims; ++i) order[static_cast<size_t>(i)] = i;
  std::stable_sort(order.begin(), order.end(), [&](int x, int y) { return b.strides[x] > b.strides[y]; });
  std::set<int> blocked_dims(b.inner_idxs, b.inner_idxs + b.inner_nblks);
  std::string out;
  for (int i : order) out += blocked_dims.count(i) ? static_cast<char>(letters[i] - 'a' + 'A') : letters[i];
  for (int k = 0; k < b.inner_nblks; ++k) out += std::to_string(b.inner_blks[k]) + letters[b.inner_idxs[k]];
  return out;
}

struct Step {
  dnnl::primitive prim;
  std::unordered_map<int, memory> args;
};

// The graph as oneDNN primitives for one layout.
class Pipeline {
 public:
  Pipeline(const Graph& graph, Layout layout, const poolkit::NamedTensors& feeds, const dnnl::engine& eng)
      : graph_(graph), layout_(layout), eng_(eng) {
    for (ValueId id : graph.inputs()) {
      const auto& v = graph.value(id);
      const Tensor& t = feeds.at(v.name);
      mem_[id] = memory(plain_md(v.shape), eng_, const_cast<void*>(t.raw()));
    }
    const auto& nodes = graph.nodes();
    for (size_t i = 0; i < nodes.size(); ++i) {
      const Node& n = nodes[i];
      switch (n.kind()) {
        case OpKind::conv2d: {
          const Node* relu = fusable_relu(i);
          add_conv(n, relu);
          if (relu) {
            mem_[relu->outputs[0]] = mem_[n.outputs[0]];
            ++i;
          }
          break;
        }
        case OpKind::max_pool2d:
        case OpKind::avg_pool2d:
        case OpKind::global_avg_pool:
        case OpKind::global_max_pool: add_pool(n); break;
        case OpKind::relu: add_relu(n); break;
        default: unsupported(n, "no oneDNN primitive is wired up for it here");
      }
    }
    for (ValueId id : graph.outputs()) {
      if (graph.value(id).dtype != poolkit::DType::f32) poolkit::fail_bad_input("output '" + graph.value(id).name + "': indices are not produced by oneDNN inference pooling");
      const memory::desc user = plain_md(graph.value(id).shape);
      if (mem_[id].get_desc() == user) {
        out_[id] = mem_[id];
        continue;
      }
      out_[id] = memory(user, eng_);
      // nchw-reorder hands NCHW back inside the timed region; blocked only for --check.
      (layout_ == Layout::nchw_reorder ? timed_ : finish_).push_back({dnnl::reorder(mem_[id], out_[id]),
                                                                      {{DNNL_ARG_FROM, mem_[id]}, {DNNL_ARG_TO, out_[id]}}});
      if (layout_ == Layout::nchw_reorder) impls_.push_back("reorder");
    }
  }

  void run_setup(dnnl::stream& s) { run(setup_, s); }
  void run_timed(dnnl::stream& s) { run(timed_, s); }
  void run_finish(dnnl::stream& s) { run(finish_, s); }
  const memory& output(ValueId id) const { return out_.at(id); }
  std::string variant() const {
    std::string v;
    for (const auto& s : impls_) v += (v.empty() ? "" : "+") + s;
    return v;
  }
  const nlohmann::json& layouts() const { return layouts_; }

 private:
  static void run(std::vector<Step>& steps, dnnl::stream& s) {
    for (Step& st : steps) st.prim.execute(s, st.args);
    s.wait();
  }

  // A relu right after conv |i| that is the conv output's only reader (and the conv output is
  // not a graph output) becomes the conv's post-op.
  const Node* fusable_relu(size_t i) const {
    const auto& nodes = graph_.nodes();
    if (i + 1 >= nodes.size() || nodes[i + 1].kind() != OpKind::relu) return nullptr;
    const ValueId c = nodes[i].outputs[0];
    if (nodes[i + 1].inputs[0] != c) return nullptr;
    for (ValueId o : graph_.outputs())
      if (o == c) return nullptr;
    for (const Node& n : nodes)
      if (&n != &nodes[i + 1] && std::count(n.inputs.begin(), n.inputs.end(), c)) return nullptr;
    return &nodes[i + 1];
  }

  // The memory of |id| in layout |want|: itself, or a reorder into a new memory — timed when it
  // moves a graph input out of NCHW in nchw-reorder layout, otherwise (weights, or the blocked
  // layout's pre-staged input) untimed.
  memory as(ValueId id, const memory::desc& want, bool is_weight) {
    memory& have = mem_.at(id);
    if (have.get_desc() == want) return have;
    memory m(want, eng_);
    const bool timed = !is_weight && layout_ == Layout::nchw_reorder;
    (timed ? timed_ : setup_).push_back({dnnl::reorder(have, m), {{DNNL_ARG_FROM, have}, {DNNL_ARG_TO, m}}});
    if (timed) impls_.push_back("reorder");
    return m;
  }

  memory::desc activation_md(const Shape& s) const {
    return layout_ == Layout::nchw ? plain_md(s) : memory::desc(dims_of(s), dt::f32, tag::any);
  }

  void record(ValueId id, const memory::desc& md) { layouts_[graph_.value(id).name] = layout_of(md); }

  void add_conv(const Node& n, const Node* relu) {
    const auto& a = std::get<poolkit::Conv2dAttrs>(n.attrs);
    const Shape& xs = graph_.value(n.inputs[0]).shape;
    const Shape& ws = graph_.value(n.inputs[1]).shape;
    const Shape& ys = graph_.value(n.outputs[0]).shape;
    const int64_t g = a.groups;
    memory::dims wdims = g == 1 ? dims_of(ws) : memory::dims{g, ws[0] / g, ws[1], ws[2], ws[3]};
    // Padding: explicit values, or PyTorch's "same" (extra element at the end) / "valid"; the
    // right side follows from the output size.
    const memory::dims strides{a.stride.h, a.stride.w}, dil{a.dilation.h - 1, a.dilation.w - 1};
    memory::dims pad_l{0, 0};
    if (a.padding.mode == poolkit::Conv2dPadding::Mode::explicit_values) {
      pad_l = {a.padding.values.h, a.padding.values.w};
    } else if (a.padding.mode == poolkit::Conv2dPadding::Mode::same) {
      pad_l = {(a.dilation.h * (ws[2] - 1)) / 2, (a.dilation.w * (ws[3] - 1)) / 2};
    }
    const memory::dims pad_r{(ys[2] - 1) * a.stride.h + a.dilation.h * (ws[2] - 1) + 1 - xs[2] - pad_l[0],
                             (ys[3] - 1) * a.stride.w + a.dilation.w * (ws[3] - 1) + 1 - xs[3] - pad_l[1]};
    const bool has_bias = n.inputs.size() > 2;
    const memory::desc src = activation_md(xs), dst = activation_md(ys);
    const memory::desc w(wdims, dt::f32, tag::any);
    const auto desc = has_bias ? dnnl::convolution_forward::desc(
                                     dnnl::prop_kind::forward_inference, dnnl::algorithm::convolution_direct, src, w,
                                     plain_md(graph_.value(n.inputs[2]).shape), dst, strides, dil, pad_l, pad_r)
                               : dnnl::convolution_forward::desc(dnnl::prop_kind::forward_inference,
                                                                 dnnl::algorithm::convolution_direct, src, w, dst,
                                                                 strides, dil, pad_l, pad_r);
    dnnl::primitive_attr attr;
    if (relu) {
      dnnl::post_ops ops;
      ops.append_eltwise(1.0f, dnnl::algorithm::eltwise_relu, 0.0f, 0.0f);
      attr.set_post_ops(ops);
    }
    const dnnl::convolution_forward::primitive_desc pd(desc, attr, eng_);
    // Grouped weights [Cout, Cin/g, kh, kw] are goihw with O split: the same bytes, viewed 5-D.
    if (g != 1) mem_[n.inputs[1]] = memory(memory::desc(wdims, dt::f32, tag::goihw), eng_, mem_[n.inputs[1]].get_data_handle());
    Step st{dnnl::convolution_forward(pd),
            {{DNNL_ARG_SRC, as(n.inputs[0], pd.src_desc(), false)},
             {DNNL_ARG_WEIGHTS, as(n.inputs[1], pd.weights_desc(), true)},
             {DNNL_ARG_DST, memory(pd.dst_desc(), eng_)}}};
    if (has_bias) st.args[DNNL_ARG_BIAS] = as(n.inputs[2], pd.bias_desc(), true);
    mem_[n.outputs[0]] = st.args[DNNL_ARG_DST];
    record(n.inputs[0], pd.src_desc());
    record(n.outputs[0], pd.dst_desc());
    timed_.push_back(std::move(st));
    impls_.push_back(std::string(pd.impl_info_str()) + (relu ? "(relu)" : ""));
  }

  void add_pool(const Node& n) {
    const Shape& xs = graph_.value(n.inputs[0]).shape;
    const Shape& ys = graph_.value(n.outputs[0]).shape;
    memory::dims kernel{xs[2], xs[3]}, strides{1, 1}, dil{0, 0}, pad_l{0, 0};
    dnnl::algorithm alg = n.kind() == OpKind::global_max_pool || n.kind() == OpKind::max_pool2d
                              ? dnnl::algorithm::pooling_max
                              : dnnl::algorithm::pooling_avg_include_padding;
    if (const auto* m = std::get_if<poolkit::MaxPool2dAttrs>(&n.attrs)) {
      if (m->return_indices) unsupported(n, "return_indices (inference pooling has no indices output)");
      const poolkit::Pair s = m->stride.value_or(m->kernel_size);
      kernel = {m->kernel_size.h, m->kernel_size.w};
      strides = {s.h, s.w};
      dil = {m->dilation.h - 1, m->dilation.w - 1};
      pad_l = {m->padding.h, m->padding.w};
    } else if (const auto* av = std::get_if<poolkit::AvgPool2dAttrs>(&n.attrs)) {
      if (av->divisor_override) unsupported(n, "divisor_override");
      if (av->ceil_mode) unsupported(n, "ceil_mode (oneDNN would count the overhang in the divisor)");
      const poolkit::Pair s = av->stride.value_or(av->kernel_size);
      kernel = {av->kernel_size.h, av->kernel_size.w};
      strides = {s.h, s.w};
      pad_l = {av->padding.h, av->padding.w};
      if (!av->count_include_pad) alg = dnnl::algorithm::pooling_avg_exclude_padding;
    }
    const memory::dims pad_r{(ys[2] - 1) * strides[0] + (dil[0] + 1) * (kernel[0] - 1) + 1 - xs[2] - pad_l[0],
                             (ys[3] - 1) * strides[1] + (dil[1] + 1) * (kernel[1] - 1) + 1 - xs[3] - pad_l[1]};
    // Pooling takes its source layout from the caller: its producer's, or for a graph input in
    // the blocked layouts the channel-blocked one oneDNN's AVX-512 kernels are written for.
    memory::desc src = mem_.at(n.inputs[0]).get_desc();
    if (layout_ != Layout::nchw && graph_.value(n.inputs[0]).source != poolkit::Value::Source::node) {
      const tag t = xs[1] % 16 == 0 ? tag::nChw16c : xs[1] % 8 == 0 ? tag::nChw8c : tag::nchw;
      src = memory::desc(dims_of(xs), dt::f32, t);
    }
    const memory::desc dst = activation_md(ys);
    const dnnl::pooling_v2_forward::desc desc(dnnl::prop_kind::forward_inference, alg, src, dst, strides, kernel, dil,
                                              pad_l, pad_r);
    const dnnl::pooling_v2_forward::primitive_desc pd(desc, eng_);
    Step st{dnnl::pooling_v2_forward(pd),
            {{DNNL_ARG_SRC, as(n.inputs[0], pd.src_desc(), false)}, {DNNL_ARG_DST, memory(pd.dst_desc(), eng_)}}};
    mem_[n.outputs[0]] = st.args[DNNL_ARG_DST];
    record(n.inputs[0], pd.src_desc());
    record(n.outputs[0], pd.dst_desc());
    timed_.push_back(std::move(st));
    impls_.push_back(pd.impl_info_str());
  }

  void add_relu(const Node& n) {
    const memory& src = mem_.at(n.inputs[0]);
    const dnnl::eltwise_forward::desc desc(dnnl::prop_kind::forward_inference, dnnl::algorithm::eltwise_relu,
                                           src.get_desc(), 0.0f, 0.0f);
    const dnnl::eltwise_forward::primitive_desc pd(desc, eng_);
    Step st{dnnl::eltwise_forward(pd), {{DNNL_ARG_SRC, src}, {DNNL_ARG_DST, memory(pd.dst_desc(), eng_)}}};
    mem_[n.outputs[0]] = st.args[DNNL_ARG_DST];
    timed_.push_back(std::move(st));
    impls_.push_back(pd.impl_info_str());
  }

  const Graph& graph_;
  Layout layout_;
  dnnl::engine eng_;
  std::map<ValueId, memory> mem_;  // each value's memory in the layout the primitives use
  std::map<ValueId, memory> out_;  // graph outputs, NCHW
  std::vector<Step> setup_, timed_, finish_;
  std::vector<std::string> impls_;
  nlohmann::json layouts_ = nlohmann::json::object();
};

// A sanity check that oneDNN computed the same function, not a conformance test: DESIGN.md's
// 1e-5·(1 + |b|) binds poolkit's backends; oneDNN's gemm/brgemm convolutions sum the 576 taps
// of C1 in another order and land at ~1.3e-5 here, so the peer gets 1e-4.
std::string check_against_reference(const Graph& graph, const poolkit::NamedTensors& feeds, const Pipeline& p) {
  poolkit::Session ref(graph, "reference");
  const auto expected = ref.run(feeds);
  for (ValueId id : graph.outputs()) {
    const auto& name = graph.value(id).name;
    const auto want = expected.at(name).data<float>();
    const float* got = static_cast<const float*>(p.output(id).get_data_handle());
    double worst = 0;
    for (size_t i = 0; i < want.size(); ++i)
      worst = std::max(worst, std::abs(double(got[i]) - want[i]) / (1.0 + std::abs(double(want[i]))));
    if (!(worst <= 1e-4)) return "output '" + name + "' differs from reference: max |a-b|/(1+|b|) = " + std::to_string(worst);
  }
  return "";
}

struct Args {
  std::string graph;
  std::string layout = "all";
  int iters = 10;
  int warmup = 2;
  int threads = 0;
  bool check = false;
  bool json = false;
};

int run(const Args& args) {
  if (args.iters < 1 || args.iters > 1'000'000) poolkit::fail_bad_input("--iters: must be in [1, 1000000]");
  if (args.warmup < 0 || args.threads < 0) poolkit::fail_bad_input("--warmup and --threads must be >= 0");
  std::vector<Layout> layouts;
  for (Layout l : {Layout::nchw, Layout::blocked, Layout::nchw_reorder})
    if (args.layout == "all" || args.layout == layout_name(l)) layouts.push_back(l);
  if (layouts.empty()) poolkit::fail_bad_input("--layout '" + args.layout + "': expected nchw, blocked, nchw-reorder or all");

  omp_set_num_threads(args.threads > 0 ? args.threads : poolkit::bench::all_cores());
  const int threads = omp_get_max_threads();
  const Graph graph = Graph::load_json(args.graph);
  poolkit::NamedTensors feeds;
  for (ValueId id : graph.inputs()) feeds.emplace(graph.value(id).name, poolkit::bench::random_input(graph, id));
  const poolkit::bench::Work work = poolkit::bench::count_work(graph);

  dnnl::engine eng(dnnl::engine::kind::cpu, 0);
  dnnl::stream s(eng);
  const dnnl_version_t* v = dnnl_version();
  const std::string target = "oneDNN " + std::to_string(v->major) + "." + std::to_string(v->minor) + "." +
                             std::to_string(v->patch) + " (" +
                             dnnl_cpu_isa2str(static_cast<dnnl_cpu_isa_t>(dnnl::get_effective_cpu_isa())) + ", OpenMP)";
  // One roofline for all layouts: the same traffic, measured like `poolkit bench` does.
  double copy_gbs = -1;
  if (!args.json) std::cout << poolkit::bench::table_header() << "\n";
  for (Layout layout : layouts) {
    Pipeline p(graph, layout, feeds, eng);
    p.run_setup(s);
    for (int i = 0; i < args.warmup; ++i) p.run_timed(s);
    std::vector<double> ms;
    for (int i = 0; i < args.iters; ++i) {
      const auto start = std::chrono::steady_clock::now();
      p.run_timed(s);
      ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
    }
    std::string check = "not run";
    if (args.check) {
      p.run_finish(s);
      check = check_against_reference(graph, feeds, p);
      if (!check.empty()) poolkit::fail_runtime(std::string(layout_name(layout)) + ": " + check);
      check = "ok";
    }
    if (copy_gbs < 0)
      copy_gbs = poolkit::backend("reference").copy_gbytes_per_s(poolkit::bench::copy_bytes_for(work), args.iters, threads);
    poolkit::bench::Result r;
    r.graph = std::filesystem::path(args.graph).stem().string();
    r.backend = std::string("onednn-") + layout_name(layout);
    r.variant = p.variant();
    r.target = target;
    r.threads = threads;
    r.timing = poolkit::bench::summarize(std::move(ms));
    r.work = work;
    r.copy_gbytes_per_s = copy_gbs;
    if (args.json) {
      nlohmann::json j = poolkit::bench::to_json(r);
      j["warmup"] = args.warmup;
      j["layouts"] = p.layouts();
      j["check"] = check;
      std::cout << j.dump() << std::endl;
    } else {
      std::cout << poolkit::bench::table_row(r) << std::endl;
    }
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  CLI::App app{"The poolkit bench workloads through oneDNN (peer for scripts/bench.sh)", "onednn_bench"};
  app.add_option("graph", args.graph, "Graph JSON file (native/bench/*.json)")->required()->check(CLI::ExistingFile);
  app.add_option("--layout", args.layout, "nchw, blocked, nchw-reorder or all")->capture_default_str();
  app.add_option("--iters", args.iters, "Timed iterations")->capture_default_str();
  app.add_option("--warmup", args.warmup, "Untimed runs before timing")->capture_default_str();
  app.add_option("--threads", args.threads, "OpenMP threads (0: all cores)")->capture_default_str();
  app.add_flag("--check", args.check, "Compare every output with poolkit's reference backend");
  app.add_flag("--json", args.json, "One JSON object per line (the fields of poolkit bench --json)");
  try {
    app.parse(argc, argv);
    return run(args);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);
    std::cerr << "onednn_bench: error: " << e.what() << std::endl;
    return 2;
  } catch (const poolkit::Error& e) {
    std::cerr << "onednn_bench: error: " << e.what() << std::endl;
    return poolkit::exit_code(e.kind());
  } catch (const dnnl::error& e) {
    std::cerr << "onednn_bench: error: oneDNN: " << e.what() << " (status " << dnnl_status2str(e.status) << ")"
              << std::endl;
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "onednn_bench: error: " << e.what() << std::endl;
    return 1;
  }
}
