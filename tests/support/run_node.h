// Runs a one-node graph on a backend through the public API (Graph::add + Session::run); returns
// the node's outputs in order (the values, then the indices when the node has them).
#pragma once

#include <string>
#include <vector>

#include "poolkit/poolkit.h"

namespace poolkit::test {

inline std::vector<Tensor> run_node(const OpAttrs& attrs, const std::vector<Tensor>& inputs,
                                    const std::string& backend_name = "reference") {
  Graph g;
  std::vector<ValueId> ids;
  NamedTensors feed;
  for (size_t i = 0; i < inputs.size(); ++i) {
    const std::string name = "in" + std::to_string(i);
    ids.push_back(g.input(name, inputs[i].shape(), inputs[i].dtype()));
    feed.emplace(name, inputs[i]);
  }
  const std::vector<ValueId> outs = g.add("node", attrs, ids);
  std::vector<std::string> names;
  for (ValueId v : outs) {
    g.output(v);
    names.push_back(g.value(v).name);
  }
  Session session(std::move(g), backend_name);
  NamedTensors results = session.run(feed);
  std::vector<Tensor> ordered;
  for (const std::string& name : names) ordered.push_back(results.at(name));
  return ordered;
}

}  // namespace poolkit::test
