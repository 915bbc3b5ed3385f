// Internal side of the op table (the public side is op_info / all_ops in poolkit/ops.h and
// infer_outputs in poolkit/graph.h): reading and writing an op's parameters as graph JSON.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "poolkit/ops.h"

namespace poolkit::detail {

// Reads the parameters of |kind| from a node object (keys other than name/op/inputs), filling
// defaults; rejects unknown parameters, missing required ones and ill-typed values, naming |where|.
OpAttrs parse_attrs(OpKind kind, const nlohmann::json& node, const std::string& where);
// Writes every parameter of |attrs| (defaults included) into |node|.
void write_attrs(const OpAttrs& attrs, nlohmann::json& node);

// "node 'p' (max_pool2d)": how every message about a node begins.
std::string node_where(const std::string& node_name, OpKind kind);

}  // namespace poolkit::detail
