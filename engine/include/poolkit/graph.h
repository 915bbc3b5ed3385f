// poolkit/graph.h — a dataflow graph of ops over named values.
//
// Values are graph inputs, constants, or node outputs. A node's first output carries the node's
// name; a second output (indices of max-type pools with return_indices) is "<node>.indices".
// Every add() validates the node's parameters and infers its output shapes at once, so an error
// names the node that caused it, and a Graph that exists is always valid.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "poolkit/ops.h"
#include "poolkit/tensor.h"

namespace poolkit {

using ValueId = int32_t;

struct Value {
  std::string name;
  Shape shape;
  DType dtype = DType::f32;
  enum class Source : uint8_t { input, constant, node } source = Source::input;
  int32_t node = -1;  // producing node (Source::node)
};

struct Node {
  std::string name;
  OpAttrs attrs;
  std::vector<ValueId> inputs;
  std::vector<ValueId> outputs;  // outputs[0] is the node's value; outputs[1] its indices if any
  OpKind kind() const { return op_kind(attrs); }
};

class Graph {
 public:
  ValueId input(const std::string& name, Shape shape, DType dtype = DType::f32);
  ValueId constant(const std::string& name, Tensor value);
  // Appends a node; inputs must already exist (so a built graph is acyclic by construction).
  std::vector<ValueId> add(const std::string& name, OpAttrs attrs, std::vector<ValueId> inputs);
  void output(ValueId value);

  const std::vector<Value>& values() const { return values_; }
  const Value& value(ValueId id) const { return values_.at(static_cast<size_t>(id)); }
  const std::vector<Node>& nodes() const { return nodes_; }  // in a valid execution order
  const std::vector<ValueId>& inputs() const { return inputs_; }
  const std::vector<ValueId>& outputs() const { return outputs_; }
  const Tensor& constant_value(ValueId id) const;
  std::optional<ValueId> find(std::string_view name) const;

  // JSON (DESIGN.md "Graph JSON"). Constant files are resolved relative to |base_dir|.
  static Graph from_json(std::string_view text, const std::filesystem::path& base_dir);
  static Graph load_json(const std::filesystem::path& file);
  // Serializes with every parameter written out; constants are referenced as
  // "<constant_dir_prefix><name>.npy" and written by save_json next to the graph file.
  std::string to_json(const std::string& constant_dir_prefix = "") const;
  void save_json(const std::filesystem::path& file) const;

 private:
  ValueId new_value(Value value);
  std::vector<Value> values_;
  std::vector<Node> nodes_;
  std::vector<ValueId> inputs_;
  std::vector<ValueId> outputs_;
  std::map<ValueId, Tensor> constants_;
  std::map<std::string, ValueId, std::less<>> by_name_;
};

// Shapes and dtypes of a node's outputs, validating its parameters and inputs (the op table's
// shape inference). Throws Error{bad_input} naming |node_name|.
struct OutputSpec {
  Shape shape;
  DType dtype;
};
std::vector<OutputSpec> infer_outputs(const std::string& node_name, const OpAttrs& attrs,
                                      const std::vector<const Value*>& inputs);

}  // namespace poolkit
