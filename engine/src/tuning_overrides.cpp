// Applying a tuning table (poolkit/tuning.h) to a graph: the checks that make a table from
// another backend, device or graph an error rather than a silent no-op, and the merge under
// explicit overrides.
#include <algorithm>

#include "graph/op_table.h"
#include "poolkit/backend.h"
#include "poolkit/errors.h"
#include "poolkit/graph.h"
#include "poolkit/tuning.h"

namespace poolkit {
namespace {

std::string shapes_text(const std::vector<Shape>& shapes) {
  std::string out;
  for (const Shape& s : shapes) out += (out.empty() ? "" : ", ") + s.str();
  return out;
}

// The node named |name| (not merely a value: "p.indices" is not a node).
const Node* find_node(const Graph& g, const std::string& name) {
  const auto id = g.find(name);
  if (!id || g.value(*id).source != Value::Source::node) return nullptr;
  const Node& n = g.nodes()[static_cast<size_t>(g.value(*id).node)];
  return n.name == name ? &n : nullptr;
}

std::string node_names(const Graph& g) {
  std::string out;
  for (const Node& n : g.nodes()) out += (out.empty() ? "" : ", ") + n.name;
  return out.empty() ? "none" : out;
}

}  // namespace

std::map<std::string, std::string> tuned_overrides(const TuningTable& table, const Graph& graph,
                                                   std::string_view backend_name, const std::string& device_name,
                                                   const std::map<std::string, std::string>& explicit_overrides) {
  const std::string from = table.source.empty() ? "tuning table" : table.source;
  if (table.backend != backend_name) {
    fail_bad_input(from + ": the table is for backend '" + table.backend + "', this run uses backend '" +
                   std::string(backend_name) + "' (tune on this backend, or run with --backend " + table.backend + ")");
  }
  if (table.device != device_name) {
    fail_bad_input(from + ": the table was measured on device '" + table.device + "', this run uses device '" + device_name +
                   "' (tune on this device, or select that one)");
  }
  Backend& b = backend(backend_name);
  std::map<std::string, std::string> out = explicit_overrides;
  for (const TunedNode& t : table.nodes) {
    const Node* node = find_node(graph, t.node);
    if (!node) fail_bad_input(from + ": node '" + t.node + "' is not a node of this graph (its nodes: " + node_names(graph) + ")");
    const std::string where = detail::node_where(node->name, node->kind());
    const std::string op = op_info(node->kind()).name;
    if (!t.op.empty() && t.op != op) {
      fail_bad_input(from + ": node '" + t.node + "' was tuned as a " + t.op + ", in this graph it is a " + op +
                     " (tune this graph again)");
    }
    std::vector<Shape> shapes;
    for (ValueId in : node->inputs) shapes.push_back(graph.value(in).shape);
    if (!t.input_shapes.empty() && t.input_shapes != shapes) {
      fail_bad_input(from + ": " + where + " was tuned on input shapes " + shapes_text(t.input_shapes) +
                     ", in this graph they are " + shapes_text(shapes) + " (tune this graph again)");
    }
    bool overridden = explicit_overrides.count(t.node) > 0;
    for (const std::string& fused : t.fuses) {
      if (!find_node(graph, fused)) {
        fail_bad_input(from + ": node '" + t.node + "' fuses node '" + fused + "', which is not a node of this graph");
      }
      // An explicit override on a node the table fused asks for it to run on its own.
      overridden = overridden || explicit_overrides.count(fused) > 0;
    }
    const std::vector<std::string> variants = b.variants(*node, graph);
    if (std::find(variants.begin(), variants.end(), t.variant) == variants.end()) {
      std::string list;
      for (const std::string& v : variants) list += (list.empty() ? "" : ", ") + v;
      fail_bad_input(from + ": " + where + ": variant '" + t.variant + "' cannot run this node on backend '" +
                     std::string(backend_name) + "' (its variants: " + (list.empty() ? "none" : list) + ")");
    }
    if (!overridden) out[t.node] = t.variant;
  }
  return out;
}

}  // namespace poolkit
