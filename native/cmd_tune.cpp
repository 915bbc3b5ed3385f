// `poolkit tune GRAPH.json [--backend NAME] [--budget SECONDS] [--out FILE.json] [--threads N]
//               [--device D] [--iters N] [--warmup N] [--input NAME=FILE.npy ...] [--json]`
//
// Times every kernel variant the backend has for each kernel call of the graph and picks the
// fastest by median that also beat the default in most paired rounds (how, what is timed and why:
// native/tune/tuner.h). Prints a table per call as it
// completes (or, with --json, the tuning table itself), and writes the table to --out for
// `run`/`bench --tuning` (format: poolkit/tuning.h). Every argument is checked — the output path
// included — before the first measurement, so a typo costs no budget.
#include <cmath>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "atomic_files.h"
#include "commands.h"
#include "graph_feeds.h"
#include "name_file_arg.h"
#include "poolkit/poolkit.h"
#include "tune/machine_info.h"
#include "tune/tune_report.h"
#include "tune/tuner.h"

namespace poolkit::cli {
namespace {

// A week: anything longer is a typo (an extra zero or two), not an experiment.
constexpr double kMaxBudgetSeconds = 7 * 24 * 3600;
constexpr int kMaxIters = 1'000'000;
constexpr int kMaxThreads = 1024;

struct TuneArgs {
  std::string graph;
  std::string backend;
  double budget_s = 60;
  std::string out;
  int threads = 0;
  std::string device;
  int iters = 20;
  int warmup = 2;
  std::vector<std::string> inputs;
  bool json = false;
};

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

// The backend tuning is for: cpu where it is built in (reference has one variant per op).
std::string default_backend() {
  const auto names = backend_names();
  return std::find(names.begin(), names.end(), "cpu") != names.end() ? "cpu" : names.front();
}

void check_args(const TuneArgs& args) {
  if (!std::isfinite(args.budget_s) || args.budget_s <= 0 || args.budget_s > kMaxBudgetSeconds) {
    std::ostringstream given;  // as typed, near enough: 1e+308, not 309 digits
    given << args.budget_s;
    fail_bad_input("--budget " + given.str() + ": must be a number of seconds > 0 and <= " +
                   std::to_string(static_cast<int>(kMaxBudgetSeconds)) + " (a week)");
  }
  if (args.iters < 1 || args.iters > kMaxIters)
    fail_bad_input("--iters " + std::to_string(args.iters) + ": must be in [1, " + std::to_string(kMaxIters) + "]");
  if (args.warmup < 1 || args.warmup > kMaxIters) {
    fail_bad_input("--warmup " + std::to_string(args.warmup) + ": must be in [1, " + std::to_string(kMaxIters) +
                   "] (the first warm-up run is the result check)");
  }
  if (args.threads < 0 || args.threads > kMaxThreads) {
    fail_bad_input("--threads " + std::to_string(args.threads) + ": must be in [0, " + std::to_string(kMaxThreads) +
                   "] (0: all cores)");
  }
  const auto names = backend_names();
  if (std::find(names.begin(), names.end(), args.backend) == names.end())
    fail_bad_input("--backend '" + args.backend + "': unknown backend (this build has: " + join(names) + ")");
}

int tune(const TuneArgs& args) {
  check_args(args);
  const auto given = parse_name_files(args.inputs, "--input");
  if (!args.out.empty()) AtomicFiles::probe(args.out);
  std::error_code ec;
  if (!std::filesystem::exists(args.graph, ec)) fail_bad_input(args.graph + ": graph file does not exist");
  const Graph graph = Graph::load_json(args.graph);
  const NamedTensors feeds = make_feeds(graph, given);
  const std::string device = backend(args.backend).device_name(args.device);

  tune::TuneOptions options;
  options.backend = args.backend;
  options.device = args.device;
  options.threads = args.threads;
  options.warmup = args.warmup;
  options.iters = args.iters;
  options.budget_s = args.budget_s;
  if (!args.json) {
    std::cout << "poolkit tune " << args.graph << ": backend " << args.backend << " (" << device << "), "
              << (args.threads > 0 ? std::to_string(args.threads) : "all") << " threads; per candidate "
              << args.warmup << " warm-up runs (the first checked against the untuned plan), then " << args.iters
              << " timed runs interleaved with the other candidates; budget " << args.budget_s << " s\n"
              << std::flush;
  }
  TuningTable table = tune::tune_graph(graph, feeds, options, [&](const TunedNode& unit, const std::vector<std::string>& timed) {
    if (!args.json) std::cout << tune::unit_report(unit, timed) << std::flush;
  });
  table.graph = args.graph;
  table.date = tune::utc_now();
  table.machine = tune::machine_description();
  table.poolkit_version = kVersion;

  const std::string text = to_json(table);
  if (!args.out.empty()) {
    AtomicFiles files;
    files.add(args.out, text);
    files.commit();
  }
  if (args.json) {
    std::cout << text << std::flush;
  } else {
    std::cout << tune::summary_report(table);
    if (!args.out.empty()) std::cout << "tuning table written to " << args.out << "\n";
    std::cout << std::flush;
  }
  return 0;
}

}  // namespace

Command add_tune_command(CLI::App& parent) {
  auto args = std::make_shared<TuneArgs>();
  args->backend = default_backend();
  CLI::App* app = parent.add_subcommand(
      "tune",
      "Time every kernel variant of each kernel call of a graph and choose the fastest; "
      "--out writes the choices as a tuning table for `run`/`bench --tuning`");
  app->footer(
      "Each kernel call (a node, or the node heading a fused kernel) is tuned in graph order, the earlier ones fixed\n"
      "at their winners, over every variant the backend has for it. A candidate's first run is checked against the\n"
      "untuned plan's result; then the candidates run in interleaved rounds, timed by the per-step times the backend\n"
      "reports (vulkan: device timestamps; cpu, reference: host wall-clock), summed over the nodes the call covers.\n"
      "The choice is the lowest median among the default and the candidates that beat the default's run of the same\n"
      "round significantly often (one-sided sign test, p <= 0.05: e.g. 15 of 20 rounds), a guard against noise.\n"
      "Graph inputs get deterministic pseudo-random data unless --input gives them. When the budget runs out,\n"
      "measuring stops: the output and the table say what was not measured.\n"
      "Apply a table with `poolkit run|bench GRAPH.json --backend B --tuning FILE.json` (--variant wins over it).");
  app->add_option("graph", args->graph, "Graph JSON file")->required();
  app->add_option("--backend", args->backend, "Backend to tune (" + join(backend_names()) + ")")->capture_default_str();
  app->add_option("--budget", args->budget_s, "Wall-clock limit for the whole tuning, in seconds (> 0)")
      ->capture_default_str();
  app->add_option("--out", args->out, "Write the tuning table (JSON) to this file: completely or not at all");
  app->add_option("--threads", args->threads, "Threads (0: all cores)")->capture_default_str();
  app->add_option("--device", args->device, "Device: an index or part of a name (see `poolkit devices`)");
  app->add_option("--iters", args->iters, "Timed runs per candidate (1 to 1000000)")->capture_default_str();
  app->add_option("--warmup", args->warmup, "Untimed runs per candidate, at least 1")->capture_default_str();
  add_feed_option(*app, args->inputs);
  app->add_flag("--json", args->json, "Print the tuning table (JSON) instead of the text tables");
  return {app, [args] { return tune(*args); }};
}

}  // namespace poolkit::cli
