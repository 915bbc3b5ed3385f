// `poolkit bench GRAPH.json [--backend NAME] [--iters N] [--warmup N] [--threads N]
//                [--variant NODE=ID ...] [--tuning FILE.json] [--input NAME=FILE.npy ...] [--json]`
//
// Times Session::run on one graph: --warmup untimed runs, then --iters runs timed one by one
// with steady_clock, reported as median/min/max. Beside it, in the same process and right after,
// the backend's copy roofline for the same traffic (Backend::copy_gbytes_per_s), so that
// "% of copy" compares two numbers measured under the same machine conditions (NOTES.md: the
// machine drifts ±50% between runs). Byte and FLOP counting rules: native/bench/bench_metrics.h.
//
// What a timed iteration includes is what a user of Session::run pays: input checks, the
// backend's run, and allocating the output tensors. Freeing them happens after the clock stops.
#include <algorithm>
#include <chrono>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench/bench_metrics.h"
#include "commands.h"
#include "graph_feeds.h"
#include "name_file_arg.h"
#include "poolkit/poolkit.h"

namespace poolkit::cli {
namespace {

// Bounds that catch typos (an extra zero or two) without limiting real use: 10^6 iterations of
// the smallest workload (P4, microseconds) is still only seconds; beyond that is a mistake.
constexpr int kMaxIters = 1'000'000;
constexpr int kMaxThreads = 1024;

struct BenchArgs {
  std::string graph;
  std::string backend = "reference";
  int iters = 10;
  int warmup = 2;
  int threads = 0;  // 0: all cores
  std::vector<std::string> variants;
  std::string tuning;  // a `poolkit tune --out` table; --variant wins over it
  std::vector<std::string> inputs;
  bool json = false;
};

std::string join(const std::vector<std::string>& items, const std::string& sep = ", ") {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : sep) + s;
  return out;
}

void check_args(const BenchArgs& args) {
  if (args.iters < 1 || args.iters > kMaxIters)
    fail_bad_input("--iters " + std::to_string(args.iters) + ": must be in [1, " + std::to_string(kMaxIters) + "]");
  if (args.warmup < 0 || args.warmup > kMaxIters)
    fail_bad_input("--warmup " + std::to_string(args.warmup) + ": must be in [0, " + std::to_string(kMaxIters) + "]");
  if (args.threads < 0 || args.threads > kMaxThreads) {
    fail_bad_input("--threads " + std::to_string(args.threads) + ": must be in [0, " + std::to_string(kMaxThreads) +
                   "] (0: all cores)");
  }
  const auto names = backend_names();
  if (std::find(names.begin(), names.end(), args.backend) == names.end())
    fail_bad_input("--backend '" + args.backend + "': unknown backend (this build has: " + join(names) + ")");
}

std::string target_of(const std::string& backend_name) {
  const auto devices = backend(backend_name).devices();
  if (devices.empty()) return backend_name;
  const DeviceInfo& d = devices.front();
  return backend_name + ": " + d.name + (d.details.empty() ? "" : " (" + d.details + ")");
}

// Variant ids in node order, '+'-joined; a fused kernel reported for consecutive nodes appears once.
std::string variant_of(const std::vector<KernelChoice>& kernels) {
  std::vector<std::string> ids;
  for (const KernelChoice& k : kernels)
    if (ids.empty() || ids.back() != k.variant) ids.push_back(k.variant);
  return join(ids, "+");
}

int bench(const BenchArgs& args) {
  check_args(args);
  SessionOptions options;
  options.threads = args.threads;
  options.variants = parse_variants(args.variants);
  if (!args.tuning.empty()) options.tuning = load_tuning_table(args.tuning);
  const auto given = parse_name_files(args.inputs, "--input");
  std::error_code ec;
  if (!std::filesystem::exists(args.graph, ec)) fail_bad_input(args.graph + ": graph file does not exist");
  Graph graph = Graph::load_json(args.graph);
  const NamedTensors feeds = make_feeds(graph, given);
  const bench::Work work = bench::count_work(graph);

  Session session(std::move(graph), args.backend, options);
  for (int i = 0; i < args.warmup; ++i) session.run(feeds);
  std::vector<double> ms;
  std::map<std::string, std::vector<double>> per_node;  // step -> one time per iteration
  std::vector<std::string> node_order;
  ms.reserve(static_cast<size_t>(args.iters));
  for (int i = 0; i < args.iters; ++i) {
    const auto start = std::chrono::steady_clock::now();
    const NamedTensors out = session.run(feeds);
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
    for (const auto& t : session.last_node_times()) {
      auto& v = per_node[t.node];
      if (v.empty()) node_order.push_back(t.node);
      v.push_back(t.ms);
    }
  }  // each iteration's outputs are freed here, outside the timed region

  bench::Result r;
  r.graph = std::filesystem::path(args.graph).stem().string();
  r.backend = args.backend;
  r.variant = variant_of(session.kernels());
  r.target = target_of(args.backend);
  r.threads = args.threads > 0 ? args.threads : bench::all_cores();
  r.timing = bench::summarize(std::move(ms));
  r.work = work;
  r.copy_gbytes_per_s = backend(args.backend).copy_gbytes_per_s(bench::copy_bytes_for(work), args.iters, r.threads);

  if (args.json) {
    nlohmann::json j = bench::to_json(r);
    j["warmup"] = args.warmup;
    if (!args.tuning.empty()) j["tuning"] = args.tuning;
    j["kernels"] = nlohmann::json::object();
    for (const KernelChoice& k : session.kernels()) j["kernels"][k.node] = k.variant;
    if (!node_order.empty()) {
      j["node_ms"] = nlohmann::json::object();
      for (const std::string& node : node_order) j["node_ms"][node] = bench::summarize(per_node[node]).median_ms;
    }
    std::cout << j.dump() << std::endl;
  } else {
    std::cout << bench::table_header() << "\n" << bench::table_row(r) << "\n";
    if (!node_order.empty()) {
      std::cout << "  per step (median ms; device time on vulkan, wall clock on the host):";
      for (const std::string& node : node_order)
        std::cout << " " << node << "=" << bench::summarize(per_node[node]).median_ms;
      std::cout << "\n";
    }
    std::cout << "  target: " << r.target << "\n";
    std::cout.flush();
  }
  return 0;
}

}  // namespace

Command add_bench_command(CLI::App& parent) {
  auto args = std::make_shared<BenchArgs>();
  CLI::App* app = parent.add_subcommand(
      "bench", "Time a graph (median of --iters runs after --warmup) beside the backend's copy bandwidth");
  app->add_option("graph", args->graph, "Graph JSON file")->required();
  app->add_option("--backend", args->backend, "Backend to run on (" + join(backend_names()) + ")")
      ->capture_default_str();
  app->add_option("--iters", args->iters, "Timed iterations (1 to 1000000)")->capture_default_str();
  app->add_option("--warmup", args->warmup, "Untimed runs before timing")->capture_default_str();
  app->add_option("--threads", args->threads, "Threads (0: all cores)")->capture_default_str();
  app->add_option("--variant", args->variants, "NODE=VARIANT_ID: run NODE with that kernel variant")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  app->add_option("--tuning", args->tuning,
                  "A tuning table from `poolkit tune --out`: run each node with the variant it chose "
                  "(--variant wins; the table must be for this graph, backend and device)");
  add_feed_option(*app, args->inputs);
  app->add_flag("--json", args->json, "One JSON object per line instead of a table");
  return {app, [args] { return bench(*args); }};
}

}  // namespace poolkit::cli
