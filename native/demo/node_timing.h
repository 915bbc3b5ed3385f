// node_timing.h — time each node of a graph on its own.
//
// A Session runs a whole graph, so per-op times come from running every node as a one-node
// graph (through the same public API), fed with the values its predecessors produced.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "poolkit/poolkit.h"

namespace poolkit::demo {

struct NodeTime {
  std::string node;
  std::string op;
  double median_ms = 0;
};

// Runs |graph| node by node on |backend|, |repeats| times each after one warm-up run; returns
// the times in node order and adds every node output to |values|.
std::vector<NodeTime> time_nodes(const Graph& graph, const NamedTensors& inputs, std::string_view backend,
                                 int repeats, NamedTensors& values);

}  // namespace poolkit::demo
