#include "poolkit/graph.h"

#include "graph/op_table.h"

namespace poolkit {

namespace {

void check_value_name(const std::string& name, const char* what) {
  if (name.empty()) fail_bad_input(std::string(what) + " name must not be empty");
}

}  // namespace

ValueId Graph::new_value(Value value) {
  if (by_name_.count(value.name)) fail_bad_input("name '" + value.name + "' is defined twice in the graph");
  const auto id = static_cast<ValueId>(values_.size());
  by_name_.emplace(value.name, id);
  values_.push_back(std::move(value));
  return id;
}

ValueId Graph::input(const std::string& name, Shape shape, DType dtype) {
  check_value_name(name, "input");
  try {
    shape.numel();
  } catch (const Error& e) {
    fail_bad_input("input '" + name + "': " + e.what());
  }
  const ValueId id = new_value({name, std::move(shape), dtype, Value::Source::input, -1});
  inputs_.push_back(id);
  return id;
}

ValueId Graph::constant(const std::string& name, Tensor value) {
  check_value_name(name, "constant");
  const ValueId id = new_value({name, value.shape(), value.dtype(), Value::Source::constant, -1});
  constants_.emplace(id, std::move(value));
  return id;
}

std::vector<ValueId> Graph::add(const std::string& name, OpAttrs attrs, std::vector<ValueId> inputs) {
  check_value_name(name, "node");
  std::vector<const Value*> in;
  for (ValueId v : inputs) {
    if (v < 0 || static_cast<size_t>(v) >= values_.size()) {
      fail_bad_input(detail::node_where(name, op_kind(attrs)) + ": input value id " + std::to_string(v) + " does not exist");
    }
    in.push_back(&values_[static_cast<size_t>(v)]);
  }
  std::vector<OutputSpec> specs;
  try {
    specs = infer_outputs(name, attrs, in);
  } catch (const Error& e) {
    // Shape arithmetic errors come without a location; give them the node's.
    const std::string where = detail::node_where(name, op_kind(attrs));
    if (std::string_view(e.what()).starts_with(where)) throw;
    fail_bad_input(where + ": " + e.what());
  }
  const auto node_index = static_cast<int32_t>(nodes_.size());
  Node node{name, std::move(attrs), std::move(inputs), {}};
  for (size_t i = 0; i < specs.size(); ++i) {
    node.outputs.push_back(new_value({i == 0 ? name : name + ".indices", specs[i].shape, specs[i].dtype, Value::Source::node, node_index}));
  }
  nodes_.push_back(std::move(node));
  return nodes_.back().outputs;
}

void Graph::output(ValueId value) {
  if (value < 0 || static_cast<size_t>(value) >= values_.size()) fail_bad_input("output value id " + std::to_string(value) + " does not exist");
  for (ValueId o : outputs_)
    if (o == value) fail_bad_input("output '" + values_[static_cast<size_t>(value)].name + "' is listed twice");
  outputs_.push_back(value);
}

const Tensor& Graph::constant_value(ValueId id) const {
  const auto it = constants_.find(id);
  if (it == constants_.end()) fail_bad_input("value '" + value(id).name + "' is not a constant");
  return it->second;
}

std::optional<ValueId> Graph::find(std::string_view name) const {
  const auto it = by_name_.find(name);
  if (it == by_name_.end()) return std::nullopt;
  return it->second;
}

}  // namespace poolkit
