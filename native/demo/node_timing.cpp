#include "node_timing.h"

#include <algorithm>
#include <chrono>
#include <map>

namespace poolkit::demo {
namespace {

// A graph holding |node| alone: its graph-level operands become inputs, constants stay constants.
Graph single_node_graph(const Graph& graph, const Node& node) {
  Graph sub;
  std::map<ValueId, ValueId> mapped;  // a value used twice by the node is declared once
  std::vector<ValueId> operands;
  for (ValueId id : node.inputs) {
    if (!mapped.contains(id)) {
      const Value& v = graph.value(id);
      mapped[id] = v.source == Value::Source::constant ? sub.constant(v.name, graph.constant_value(id))
                                                       : sub.input(v.name, v.shape, v.dtype);
    }
    operands.push_back(mapped[id]);
  }
  for (ValueId out : sub.add(node.name, node.attrs, operands)) sub.output(out);
  return sub;
}

}  // namespace

std::vector<NodeTime> time_nodes(const Graph& graph, const NamedTensors& inputs, std::string_view backend,
                                 int repeats, NamedTensors& values) {
  for (const auto& [name, tensor] : inputs) values.insert_or_assign(name, tensor);
  repeats = std::max(repeats, 1);
  std::vector<NodeTime> times;
  for (const Node& node : graph.nodes()) {
    Session session(single_node_graph(graph, node), backend);
    NamedTensors feeds;
    for (ValueId id : session.graph().inputs()) {
      const std::string& name = session.graph().value(id).name;
      feeds.emplace(name, values.at(name));
    }
    NamedTensors outputs = session.run(feeds);  // warm-up: first-touch page faults, caches
    std::vector<double> ms;
    for (int r = 0; r < repeats; ++r) {
      const auto start = std::chrono::steady_clock::now();
      outputs = session.run(feeds);
      ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
    }
    std::nth_element(ms.begin(), ms.begin() + static_cast<std::ptrdiff_t>(ms.size() / 2), ms.end());
    times.push_back({node.name, op_info(node.kind()).name, ms[ms.size() / 2]});
    for (auto& [name, tensor] : outputs) values.insert_or_assign(name, std::move(tensor));
  }
  return times;
}

}  // namespace poolkit::demo
