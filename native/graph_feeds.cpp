#include "graph_feeds.h"

#include <algorithm>

#include "bench/bench_metrics.h"

namespace poolkit::cli {

NamedTensors make_feeds(const Graph& graph, const std::vector<NameFile>& given) {
  std::string known;
  for (ValueId id : graph.inputs()) known += (known.empty() ? "" : ", ") + graph.value(id).name;
  for (const NameFile& in : given) {
    const auto id = graph.find(in.name);
    if (!id || graph.value(*id).source != Value::Source::input)
      fail_bad_input("--input '" + in.name + "': the graph has no input '" + in.name + "' (its inputs: " + known + ")");
  }
  NamedTensors feeds;
  for (ValueId id : graph.inputs()) {
    const Value& v = graph.value(id);
    const auto it = std::find_if(given.begin(), given.end(), [&](const NameFile& in) { return in.name == v.name; });
    if (it == given.end()) {
      feeds.emplace(v.name, bench::random_input(graph, id));
      continue;
    }
    Tensor t = load_npy(it->file);
    if (t.dtype() != v.dtype || t.shape() != v.shape) {
      fail_bad_input(it->file.string() + ": " + std::string(dtype_name(t.dtype())) + " " + t.shape().str() +
                     " does not match graph input '" + v.name + "' (" + std::string(dtype_name(v.dtype)) + " " +
                     v.shape.str() + ")");
    }
    feeds.emplace(v.name, std::move(t));
  }
  return feeds;
}

void add_feed_option(CLI::App& app, std::vector<std::string>& inputs) {
  app.add_option("--input", inputs,
                 "NAME=FILE.npy for a graph input (others get deterministic pseudo-random data in [-1, 1))")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
}

}  // namespace poolkit::cli
