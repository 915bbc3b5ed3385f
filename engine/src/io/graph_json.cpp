// Graph <-> JSON (DESIGN.md "Graph JSON"). Nodes may be listed in any order: they are sorted
// topologically, and a cycle is reported with the nodes on it.
#include <cmath>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <queue>
#include <set>
#include <sstream>

#include "graph/op_table.h"
#include "graph/param_codec.h"
#include "io/json_text.h"
#include "poolkit/graph.h"
#include "poolkit/npy.h"

namespace poolkit {

using json = nlohmann::json;

namespace {

// Graph files are text of modest size (inline constants included); 256 MiB is far beyond any real
// graph and keeps a wrong path (/dev/zero, a huge binary) from exhausting memory or never ending.
constexpr size_t kMaxGraphFileBytes = size_t{256} << 20;

void expect_object(const json& j, const std::string& what) {
  if (!j.is_object()) fail_bad_input(what + ": expected a JSON object, got " + std::string(j.type_name()));
}

Shape read_shape(const json& j, const std::string& what) {
  if (!j.is_array()) fail_bad_input(what + ": 'shape' must be a list of ints, got " + detail::brief(j));
  // NumPy's limit (NPY_MAXDIMS); every op takes rank <= 4, and a shape of a million 1s would
  // make every message quoting it a megabyte long.
  constexpr size_t kMaxRank = 64;
  if (j.size() > kMaxRank) fail_bad_input(what + ": shape has " + std::to_string(j.size()) + " dimensions (at most 64)");
  std::vector<int64_t> dims;
  for (const auto& d : j) {
    if (!d.is_number_integer()) fail_bad_input(what + ": 'shape' must be a list of ints, got " + detail::brief(j));
    if (d.is_number_unsigned() && d.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) {
      fail_bad_input(what + ": shape " + detail::brief(j) + ": dimension does not fit in 64 bits");
    }
    dims.push_back(d.get<int64_t>());
    if (dims.back() < 0) fail_bad_input(what + ": shape " + detail::brief(j) + ": dimensions must be >= 0");
  }
  return Shape(std::move(dims));
}

DType read_dtype(const json& obj, const std::string& what) {
  const auto it = obj.find("dtype");
  if (it == obj.end()) return DType::f32;
  if (*it == "float32") return DType::f32;
  if (*it == "int64") return DType::i64;
  fail_bad_input(what + ": dtype " + detail::brief(*it) + " is not supported (float32 or int64)");
}

void reject_unknown_keys(const json& obj, std::initializer_list<const char*> known, const std::string& what) {
  for (const auto& [key, _] : obj.items()) {
    bool ok = false;
    for (const char* k : known) ok |= key == k;
    if (!ok) fail_bad_input(what + ": unknown key '" + key + "'");
  }
}

Tensor read_constant(const std::string& name, const json& spec, const std::filesystem::path& base_dir) {
  const std::string what = "constant '" + name + "'";
  expect_object(spec, what);
  reject_unknown_keys(spec, {"file", "shape", "dtype", "data"}, what);
  Tensor t;
  if (spec.contains("file")) {
    if (!spec["file"].is_string()) fail_bad_input(what + ": 'file' must be a string");
    const std::string file = spec["file"].get<std::string>();
    // A NUL would silently cut the path short at the C library ("x.npy\u0000y" opens x.npy).
    if (file.empty() || file.find('\0') != std::string::npos) fail_bad_input(what + ": 'file' must be a non-empty path without NUL characters");
    t = load_npy(base_dir / file);
  } else if (spec.contains("data")) {  // inline values: handy where there are no files (the browser)
    if (!spec.contains("shape")) fail_bad_input(what + ": inline 'data' needs a 'shape'");
    const Shape shape = read_shape(spec["shape"], what);
    const DType dtype = read_dtype(spec, what);
    const json& data = spec["data"];
    int64_t numel = 0;
    try {
      numel = shape.numel();
    } catch (const Error& e) {
      fail_bad_input(what + ": " + e.what());
    }
    if (!data.is_array() || static_cast<int64_t>(data.size()) != numel) {
      fail_bad_input(what + ": 'data' must be a list of " + std::to_string(numel) + " numbers for shape " + shape.str());
    }
    t = Tensor::zeros(shape, dtype);
    for (size_t i = 0; i < data.size(); ++i) {
      const json& e = data[i];
      const std::string at = what + ": 'data' element " + std::to_string(i) + " " + detail::brief(e);
      if (!e.is_number()) fail_bad_input(at + " is not a number");
      if (dtype == DType::f32) {
        // Out-of-range doubles would become inf (or, converting to int, undefined behaviour).
        const double d = e.get<double>();
        if (std::fabs(d) > std::numeric_limits<float>::max()) fail_bad_input(at + " does not fit in float32");
        t.data<float>()[i] = static_cast<float>(d);
      } else {
        if (!e.is_number_integer() || (e.is_number_unsigned() && e.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX))) {
          fail_bad_input(at + " is not an int64");
        }
        t.data<int64_t>()[i] = e.get<int64_t>();
      }
    }
    return t;
  } else {
    fail_bad_input(what + ": needs 'file' (a .npy path relative to the graph) or 'data' with 'shape'");
  }
  if (spec.contains("shape") && read_shape(spec["shape"], what) != t.shape()) {
    fail_bad_input(what + ": file has shape " + t.shape().str() + ", graph says " + detail::brief(spec["shape"]));
  }
  if (spec.contains("dtype") && read_dtype(spec, what) != t.dtype()) {
    fail_bad_input(what + ": file has dtype " + std::string(dtype_name(t.dtype())) + ", graph says " + detail::brief(spec["dtype"]));
  }
  return t;
}

struct RawNode {
  std::string name;
  OpKind kind;
  const json* object;
  std::vector<std::string> inputs;
};

RawNode read_node(const json& j, size_t index) {
  const std::string at = "node #" + std::to_string(index);
  expect_object(j, at);
  if (!j.contains("name") || !j["name"].is_string() || j["name"].get<std::string>().empty()) {
    fail_bad_input(at + ": needs a non-empty string 'name'");
  }
  RawNode node{j["name"].get<std::string>(), OpKind::relu, &j, {}};
  if (!j.contains("op") || !j["op"].is_string()) fail_bad_input("node '" + node.name + "': needs a string 'op'");
  const auto op_name = j["op"].get<std::string>();
  const auto kind = op_kind_from_name(op_name);
  if (!kind) fail_bad_input("node '" + node.name + "': unknown op '" + op_name + "' (see `poolkit ops`)");
  node.kind = *kind;
  const std::string where = detail::node_where(node.name, node.kind);
  if (!j.contains("inputs") || !j["inputs"].is_array()) fail_bad_input(where + ": needs 'inputs', a list of value names");
  for (const auto& in : j["inputs"]) {
    if (!in.is_string()) fail_bad_input(where + ": 'inputs' must be a list of value names, got " + detail::brief(in));
    node.inputs.push_back(in.get<std::string>());
  }
  return node;
}

// The node that defines |value_name| ("p" and "p.indices" are both defined by node "p").
std::string defining_node(const std::string& value_name) {
  constexpr std::string_view kSuffix = ".indices";
  if (value_name.size() > kSuffix.size() && value_name.ends_with(kSuffix)) {
    return value_name.substr(0, value_name.size() - kSuffix.size());
  }
  return value_name;
}

// Kahn's order over node-to-node dependencies; reports a cycle with its members.
std::vector<size_t> topological_order(const std::vector<RawNode>& nodes) {
  std::map<std::string, size_t> index;
  for (size_t i = 0; i < nodes.size(); ++i) index.emplace(nodes[i].name, i);
  std::vector<std::vector<size_t>> users(nodes.size());
  std::vector<size_t> pending(nodes.size(), 0);
  for (size_t i = 0; i < nodes.size(); ++i) {
    for (const auto& in : nodes[i].inputs) {
      auto it = index.find(in);
      if (it == index.end()) it = index.find(defining_node(in));
      if (it != index.end()) {
        users[it->second].push_back(i);
        ++pending[i];
      }
    }
  }
  std::vector<size_t> order;
  // A min-heap: take the earliest-listed ready node, so a graph already in order keeps its order
  // (and a graph of 100 000 independent nodes sorts in n log n, not n^2).
  std::priority_queue<size_t, std::vector<size_t>, std::greater<>> ready;
  for (size_t i = 0; i < nodes.size(); ++i)
    if (pending[i] == 0) ready.push(i);
  while (!ready.empty()) {
    const size_t n = ready.top();
    ready.pop();
    order.push_back(n);
    for (size_t u : users[n])
      if (--pending[u] == 0) ready.push(u);
  }
  if (order.size() != nodes.size()) {
    std::string members;
    for (size_t i = 0; i < nodes.size(); ++i)
      if (pending[i] > 0) members += (members.empty() ? "'" : ", '") + nodes[i].name + "'";
    fail_bad_input("graph has a cycle among nodes " + members);
  }
  return order;
}

// The graph without its outputs, and the ids of the outputs the document lists (in order).
struct Document {
  Graph graph;
  std::vector<ValueId> outputs;
};

Document from_json_document(json& doc, const std::filesystem::path& base_dir) {
  expect_object(doc, "graph");
  reject_unknown_keys(doc, {"inputs", "constants", "nodes", "outputs", "name", "description"}, "graph");

  Graph g;
  if (doc.contains("inputs")) {
    expect_object(doc["inputs"], "graph 'inputs'");
    for (const auto& [name, spec] : doc["inputs"].items()) {
      const std::string what = "input '" + name + "'";
      expect_object(spec, what);
      reject_unknown_keys(spec, {"shape", "dtype"}, what);
      if (!spec.contains("shape")) fail_bad_input(what + ": needs a 'shape'");
      g.input(name, read_shape(spec["shape"], what), read_dtype(spec, what));
    }
  }
  if (doc.contains("constants")) {
    expect_object(doc["constants"], "graph 'constants'");
    for (const auto& [name, spec] : doc["constants"].items()) g.constant(name, read_constant(name, spec, base_dir));
  }

  std::vector<RawNode> nodes;
  if (doc.contains("nodes")) {
    if (!doc["nodes"].is_array()) fail_bad_input("graph 'nodes': expected a list of node objects");
    std::set<std::string> names;
    for (size_t i = 0; i < doc["nodes"].size(); ++i) {
      nodes.push_back(read_node(doc["nodes"][i], i));
      if (!names.insert(nodes.back().name).second || g.find(nodes.back().name)) fail_bad_input("name '" + nodes.back().name + "' is defined twice in the graph");
    }
  }
  for (size_t i : topological_order(nodes)) {
    const RawNode& n = nodes[i];
    const std::string where = detail::node_where(n.name, n.kind);
    std::vector<ValueId> ins;
    for (const auto& in : n.inputs) {
      const auto id = g.find(in);
      if (!id) fail_bad_input(where + ": unknown input '" + in + "' (no graph input, constant or node output has that name)");
      ins.push_back(*id);
    }
    g.add(n.name, detail::parse_attrs(n.kind, *n.object, where), std::move(ins));
  }

  if (!doc.contains("outputs") || !doc["outputs"].is_array() || doc["outputs"].empty()) {
    fail_bad_input("graph 'outputs': expected a non-empty list of value names");
  }
  std::vector<ValueId> outputs;
  for (const auto& o : doc["outputs"]) {
    if (!o.is_string()) fail_bad_input("graph 'outputs': expected value names, got " + detail::brief(o));
    const auto id = g.find(o.get<std::string>());
    if (!id) fail_bad_input("graph 'outputs': unknown value '" + o.get<std::string>() + "'");
    outputs.push_back(*id);
  }
  return {std::move(g), std::move(outputs)};
}

}  // namespace

Graph Graph::from_json(std::string_view text, const std::filesystem::path& base_dir) {
  // Duplicate keys are rejected: in a graph one would hide a typo ({"stride": 1, ..., "stride": 2}).
  json doc = detail::parse_json_strictly(text);
  try {
    Document d = from_json_document(doc, base_dir);
    // Graph::output() checks for a repeat by scanning the list; for a document's outputs a set
    // does it, so that a graph listing 200 000 outputs loads in linear time (it took 11 s).
    std::set<ValueId> listed;
    for (ValueId id : d.outputs) {
      if (!listed.insert(id).second) fail_bad_input("output '" + d.graph.value(id).name + "' is listed twice");
      d.graph.outputs_.push_back(id);
    }
    return std::move(d.graph);
  } catch (const json::exception& e) {
    // Every field is type-checked before use; this is the net under that, so that a JSON library
    // error can never surface as a runtime failure (exit 1) instead of bad input.
    fail_bad_input("malformed graph: " + detail::json_error_text(e));
  }
}

Graph Graph::load_json(const std::filesystem::path& file) {
  const std::string text = detail::read_text_file(file, "graph file", kMaxGraphFileBytes);
  try {
    return from_json(text, file.parent_path());
  } catch (const Error& e) {
    throw Error(e.kind(), file.filename().string() + ": " + e.what());
  }
}

std::string Graph::to_json(const std::string& constant_dir_prefix) const {
  json doc;
  doc["inputs"] = json::object();
  for (ValueId id : inputs_) {
    const Value& v = value(id);
    doc["inputs"][v.name] = {{"shape", v.shape.dims()}, {"dtype", std::string(dtype_name(v.dtype))}};
  }
  if (!constants_.empty()) {
    doc["constants"] = json::object();
    for (const auto& [id, t] : constants_) {
      doc["constants"][value(id).name] = {{"file", constant_dir_prefix + value(id).name + ".npy"}};
    }
  }
  doc["nodes"] = json::array();
  for (const Node& n : nodes_) {
    json node = {{"name", n.name}, {"op", op_info(n.kind()).name}, {"inputs", json::array()}};
    for (ValueId in : n.inputs) node["inputs"].push_back(value(in).name);
    detail::write_attrs(n.attrs, node);
    doc["nodes"].push_back(std::move(node));
  }
  doc["outputs"] = json::array();
  for (ValueId id : outputs_) doc["outputs"].push_back(value(id).name);
  return doc.dump(2);
}

void Graph::save_json(const std::filesystem::path& file) const {
  for (const auto& [id, t] : constants_) save_npy(file.parent_path() / (value(id).name + ".npy"), t);
  const std::string text = to_json();
  const auto tmp = std::filesystem::path(file.string() + ".tmp");
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text << '\n';
    if (!out.flush()) {
      std::error_code ec;
      std::filesystem::remove(tmp, ec);
      fail_runtime("cannot write graph file '" + file.string() + "'");
    }
  }
  std::filesystem::rename(tmp, file);
}

}  // namespace poolkit
