// `poolkit run GRAPH.json [--backend NAME] [--device D] [--variant NODE=ID ...] [--tuning FILE.json]
//              --input NAME=FILE.npy ... --output NAME=FILE.npy ...`
//
// Order matters for the contract: every check that can fail on the user's arguments (names,
// files, shapes) runs before the graph does, and outputs are written all-or-nothing after it.
#include <algorithm>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "atomic_files.h"
#include "commands.h"
#include "io/npy_prefix.h"
#include "name_file_arg.h"
#include "poolkit/poolkit.h"

namespace poolkit::cli {
namespace {

struct RunArgs {
  std::string graph;
  std::string backend = "reference";
  std::string device;
  std::vector<std::string> variants;
  std::string tuning;  // a `poolkit tune --out` table; --variant wins over it
  std::vector<std::string> inputs;
  std::vector<std::string> outputs;
};

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
  return out.empty() ? "none" : out;
}

std::vector<std::string> value_names(const Graph& graph, const std::vector<ValueId>& ids) {
  std::vector<std::string> names;
  for (ValueId id : ids) names.push_back(graph.value(id).name);
  return names;
}

void check_backend(const std::string& name) {
  const auto names = backend_names();
  if (std::find(names.begin(), names.end(), name) == names.end()) {
    fail_bad_input("--backend '" + name + "': unknown backend (this build has: " + join(names) + ")");
  }
}

Graph load_graph(const std::filesystem::path& file) {
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) fail_bad_input(file.string() + ": graph file does not exist");
  return Graph::load_json(file);
}

// Each requested output must be a value of the graph; a value that is not a graph output
// (an intermediate, say) becomes one, so that any value can be inspected.
void request_outputs(Graph& graph, const std::vector<NameFile>& outputs) {
  for (const NameFile& o : outputs) {
    const auto id = graph.find(o.name);
    if (!id) {
      fail_bad_input("--output '" + o.name + "': the graph has no value '" + o.name +
                     "' (its outputs: " + join(value_names(graph, graph.outputs())) + ")");
    }
    const auto& outs = graph.outputs();
    if (std::find(outs.begin(), outs.end(), *id) == outs.end()) graph.output(*id);
  }
}

NamedTensors load_inputs(const Graph& graph, const std::vector<NameFile>& inputs) {
  const std::string known = join(value_names(graph, graph.inputs()));
  for (const NameFile& in : inputs) {
    const auto id = graph.find(in.name);
    if (!id || graph.value(*id).source != Value::Source::input) {
      fail_bad_input("--input '" + in.name + "': the graph has no input '" + in.name + "' (its inputs: " + known + ")");
    }
  }
  for (ValueId id : graph.inputs()) {
    const std::string& name = graph.value(id).name;
    if (std::none_of(inputs.begin(), inputs.end(), [&](const NameFile& in) { return in.name == name; })) {
      fail_bad_input("graph input '" + name + "' is not given: add --input " + name + "=FILE.npy");
    }
  }
  NamedTensors feeds;
  for (const NameFile& in : inputs) {
    Tensor t = load_npy(in.file);
    const Value& v = graph.value(*graph.find(in.name));
    if (t.dtype() != v.dtype || t.shape() != v.shape) {
      fail_bad_input(in.file.string() + ": " + std::string(dtype_name(t.dtype())) + " " + t.shape().str() +
                     " does not match graph input '" + in.name + "' (" + std::string(dtype_name(v.dtype)) + " " +
                     v.shape.str() + ")");
    }
    feeds.emplace(in.name, std::move(t));
  }
  return feeds;
}

int run(const RunArgs& args) {
  check_backend(args.backend);
  const auto inputs = parse_name_files(args.inputs, "--input");
  const auto outputs = parse_name_files(args.outputs, "--output");
  SessionOptions options;
  options.variants = parse_variants(args.variants);
  options.device = args.device;
  if (!args.device.empty()) backend(args.backend).device_name(args.device);  // unknown: fail before reading inputs
  if (!args.tuning.empty()) options.tuning = load_tuning_table(args.tuning);
  Graph graph = load_graph(args.graph);
  request_outputs(graph, outputs);
  NamedTensors feeds = load_inputs(graph, inputs);

  Session session(std::move(graph), args.backend, std::move(options));
  const NamedTensors results = session.run(feeds);

  if (outputs.empty()) {  // nothing to write: say what the graph produced, and which kernels did
    for (ValueId id : session.graph().outputs()) {
      const std::string& name = session.graph().value(id).name;
      const Tensor& t = results.at(name);
      std::cout << name << ": " << dtype_name(t.dtype()) << " " << t.shape().str() << "\n";
    }
    for (const KernelChoice& k : session.kernels()) {
      std::cout << "node " << k.node << ": " << k.variant;
      if (!k.fused_into.empty()) std::cout << " (fused into " << k.fused_into << ")";
      std::cout << "\n";
    }
    return 0;
  }
  // Each file is the .npy prefix followed by the tensor's data straight from its memory: a large
  // output is never copied (a copy could double the memory a run needs).
  std::vector<std::string> prefixes;
  prefixes.reserve(outputs.size());
  AtomicFiles files;
  for (const NameFile& o : outputs) {
    const Tensor& t = results.at(o.name);
    prefixes.push_back(detail::npy_prefix(t));
    files.add(o.file, {prefixes.back(), std::string_view(static_cast<const char*>(t.raw()), t.nbytes())});
  }
  files.commit();
  return 0;
}

}  // namespace

Command add_run_command(CLI::App& parent) {
  auto args = std::make_shared<RunArgs>();
  CLI::App* app = parent.add_subcommand("run", "Run a graph and write the requested outputs as .npy files");
  app->add_option("graph", args->graph, "Graph JSON file")->required();
  app->add_option("--backend", args->backend, "Backend to run on (" + join(backend_names()) + ")")
      ->capture_default_str();
  app->add_option("--device", args->device, "Device to run on: an index or part of a name (see `poolkit devices`)");
  app->add_option("--variant", args->variants, "NODE=VARIANT_ID: run NODE with that kernel variant")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  app->add_option("--tuning", args->tuning,
                  "A tuning table from `poolkit tune --out`: run each node with the variant it chose "
                  "(--variant wins; the table must be for this graph, backend and device)");
  // One NAME=FILE per occurrence (expected(1)), so a positional after it is not swallowed.
  app->add_option("--input", args->inputs, "NAME=FILE.npy for each graph input")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  app->add_option("--output", args->outputs,
                  "NAME=FILE.npy for each value to write (all or none are written); "
                  "without --output, print the outputs' shapes")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  return {app, [args] { return run(*args); }};
}

}  // namespace poolkit::cli
