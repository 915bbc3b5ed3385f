// One test per class of bad tuning table (poolkit/tuning.h): each is rejected with
// Error{bad_input} and a one-line message naming the key, node or variant at fault — first when
// the file is read (syntax, keys, types, values), then when it is applied to a graph (backend,
// device, nodes, variants).
#include <catch2/catch.hpp>

#include <functional>
#include <map>

#include "poolkit/poolkit.h"

using namespace poolkit;
using Catch::Contains;

namespace {

// A valid table for the reference backend and kGraph, with |node| as its one node entry and
// |extra| spliced into the top-level object.
std::string table(const std::string& node = R"({"node": "p", "variant": "max_pool2d__generic__loops"})",
                  const std::string& extra = "") {
  return R"({"format": 1, "backend": "reference", "device": "host CPU", )" + extra + R"("nodes": [)" + node + "]}";
}

const char* kGraph = R"({
  "inputs": {"x": {"shape": [1, 2, 8, 8]}},
  "nodes": [{"name": "p", "op": "max_pool2d", "inputs": ["x"], "kernel_size": 2, "return_indices": true},
            {"name": "r", "op": "relu", "inputs": ["p"]}],
  "outputs": ["r", "p.indices"]
})";

std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::bad_input);
    const std::string msg = e.what();
    CHECK(msg.find('\n') == std::string::npos);
    return msg;
  }
  FAIL("accepted");
  return {};
}

std::string read_rejection(const std::string& text) {
  INFO(text);
  return message_of([&] { tuning_table_from_json(text); });
}

// |text| parses, but applying it to kGraph on |backend_name| fails.
std::string apply_rejection(const std::string& text, const std::string& backend_name = "reference",
                            const std::map<std::string, std::string>& explicit_overrides = {}) {
  INFO(text);
  TuningTable t = tuning_table_from_json(text);
  t.source = "t.json";
  const Graph g = Graph::from_json(kGraph, ".");
  return message_of([&] {
    tuned_overrides(t, g, backend_name, backend(backend_name).device_name(""), explicit_overrides);
  });
}

}  // namespace

TEST_CASE("tuning table: the valid base table is accepted (the cases below differ from it in one place)", "[errors][tuning]") {
  const TuningTable t = tuning_table_from_json(table());
  const auto o = tuned_overrides(t, Graph::from_json(kGraph, "."), "reference", "host CPU", {});
  CHECK(o == std::map<std::string, std::string>{{"p", "max_pool2d__generic__loops"}});
}

TEST_CASE("tuning table: malformed JSON, a repeated key, not an object", "[errors][tuning]") {
  CHECK_THAT(read_rejection(R"({"format": 1, "backend": )"), Catch::StartsWith("malformed JSON"));
  CHECK_THAT(read_rejection(R"({"format": 1, "format": 1, "backend": "reference", "device": "d", "nodes": []})"),
             Contains("appears twice"));
  CHECK_THAT(read_rejection("[1, 2]"), Contains("expected a JSON object"));
  CHECK_THAT(read_rejection(""), Catch::StartsWith("malformed JSON"));
}

TEST_CASE("tuning table: a missing required key is named", "[errors][tuning]") {
  CHECK_THAT(read_rejection(R"({"backend": "reference", "device": "d", "nodes": []})"), Contains("missing key 'format'"));
  CHECK_THAT(read_rejection(R"({"format": 1, "device": "d", "nodes": []})"), Contains("missing key 'backend'"));
  CHECK_THAT(read_rejection(R"({"format": 1, "backend": "reference", "nodes": []})"), Contains("missing key 'device'"));
  CHECK_THAT(read_rejection(R"({"format": 1, "backend": "reference", "device": "d"})"), Contains("missing key 'nodes'"));
  CHECK_THAT(read_rejection(table(R"({"variant": "v"})")), Contains("nodes[0]: missing key 'node'"));
  CHECK_THAT(read_rejection(table(R"({"node": "p"})")), Contains("nodes[0] ('p'): missing key 'variant'"));
  CHECK_THAT(read_rejection(table(R"({"node": "p", "variant": "v", "candidates": [{"status": "measured"}]})")),
             Contains("candidates[0]: missing key 'variant'"));
  CHECK_THAT(read_rejection(table(R"({"node": "p", "variant": "v", "candidates": [{"variant": "v"}]})")),
             Contains("missing key 'status'"));
}

TEST_CASE("tuning table: a wrong type names the key and the value", "[errors][tuning]") {
  CHECK_THAT(read_rejection(R"({"format": 1, "backend": 3, "device": "d", "nodes": []})"), Contains("'backend' 3"));
  CHECK_THAT(read_rejection(R"({"format": 1, "backend": "", "device": "d", "nodes": []})"), Contains("non-empty string"));
  CHECK_THAT(read_rejection(R"({"format": 1, "backend": "reference", "device": "d", "nodes": {}})"),
             Contains("'nodes' {}: expected an array"));
  CHECK_THAT(read_rejection(table(R"("p")")), Contains("nodes[0]: expected a JSON object"));
  CHECK_THAT(read_rejection(table(R"({"node": "p", "variant": 7})")), Contains("'variant' 7"));
  CHECK_THAT(read_rejection(table(R"({"node": "p", "variant": "v", "input_shapes": [[1, -2]]})")),
             Contains("input_shapes"));
  CHECK_THAT(read_rejection(table(R"({"node": "p", "variant": "v", "input_shapes": [3]})")), Contains("input_shapes"));
  CHECK_THAT(read_rejection(table(R"({"node": "p", "variant": "v", "fuses": "r"})")), Contains("'fuses'"));
  CHECK_THAT(read_rejection(table(R"({"node": "p", "variant": "v", "fuses": [1]})")), Contains("'fuses'"));
  CHECK_THAT(read_rejection(table(R"({"node": "p", "variant": "v",
      "candidates": [{"variant": "v", "status": "measured", "runs": 2, "median_ms": "1"}]})")),
             Contains("'median_ms' \"1\""));
  CHECK_THAT(read_rejection(table(R"({"node": "p", "variant": "v",
      "candidates": [{"variant": "v", "status": "measured", "runs": -1}]})")),
             Contains("'runs' -1"));
  CHECK_THAT(read_rejection(table(R"({"node": "p", "variant": "v",
      "candidates": [{"variant": "v", "status": "measured", "runs": 1, "median_ms": 1e400}]})")),
             Catch::StartsWith("malformed JSON"));
  CHECK_THAT(read_rejection(table(R"({"node": "p", "variant": "v"})", R"("complete": "yes", )")), Contains("'complete'"));
  CHECK_THAT(read_rejection(table(R"({"node": "p", "variant": "v"})", R"("threads": 1.5, )")), Contains("'threads'"));
  CHECK_THAT(read_rejection(table(R"({"node": "p", "variant": "v"})", R"("budget_s": -1, )")), Contains("'budget_s'"));
}

TEST_CASE("tuning table: unknown keys are errors, at every level (a typo must not be ignored)", "[errors][tuning]") {
  CHECK_THAT(read_rejection(table(R"({"node": "p", "variant": "v"})", R"("backnd": "cpu", )")),
             Contains("unknown key 'backnd'"));
  CHECK_THAT(read_rejection(table(R"({"node": "p", "varaint": "v", "variant": "v"})")),
             Contains("nodes[0] ('p'): unknown key 'varaint'"));
  CHECK_THAT(read_rejection(table(R"({"node": "p", "variant": "v", "candidates": [{"variant": "v", "status": "measured",
      "runs": 1, "mean_ms": 2}]})")),
             Contains("unknown key 'mean_ms'"));
}

TEST_CASE("tuning table: another format version, an unknown status or timing", "[errors][tuning]") {
  CHECK_THAT(read_rejection(R"({"format": 2, "backend": "reference", "device": "d", "nodes": []})"),
             Contains("this poolkit reads format 1"));
  CHECK_THAT(read_rejection(R"({"format": "1", "backend": "reference", "device": "d", "nodes": []})"),
             Contains("'format' \"1\""));
  CHECK_THAT(read_rejection(table(R"({"node": "p", "variant": "v", "candidates": [{"variant": "v", "status": "fast"}]})")),
             Contains("'status' \"fast\": expected one of 'measured'"));
  CHECK_THAT(read_rejection(table(R"({"node": "p", "variant": "v"})", R"("timing": "cpu", )")), Contains("'timing'"));
}

TEST_CASE("tuning table: inconsistent entries", "[errors][tuning]") {
  CHECK_THAT(read_rejection(table(R"({"node": "p", "variant": "v"}, {"node": "p", "variant": "w"})")),
             Contains("node 'p' is listed twice"));
  CHECK_THAT(read_rejection(table(R"({"node": "p", "variant": "v", "fuses": ["r"]}, {"node": "r", "variant": "w"})")),
             Contains("node 'r' is listed, but node 'p''s variant fuses it"));
  CHECK_THAT(read_rejection(table(R"({"node": "p", "variant": "v", "candidates": [{"variant": "v", "status": "measured"}]})")),
             Contains("needs 'runs' >= 1"));
  CHECK_THAT(read_rejection(table(R"({"node": "p", "variant": "v", "candidates": [{"variant": "v", "status": "measured",
      "runs": 3, "median_ms": 1, "min_ms": 2, "max_ms": 3}]})")),
             Contains("min_ms <= median_ms <= max_ms"));
  CHECK_THAT(read_rejection(table(R"({"node": "p", "variant": "v", "candidates": [{"variant": "v", "status": "measured",
      "runs": 3, "median_ms": 1, "min_ms": 1, "max_ms": 1, "beats_default": 4}]})")),
             Contains("'beats_default' cannot exceed 'runs'"));
}

TEST_CASE("tuning table: a table for another backend or device is refused when applied", "[errors][tuning]") {
  const std::string other_backend = R"({"format": 1, "backend": "cpu", "device": "host CPU", "nodes": []})";
  CHECK_THAT(apply_rejection(other_backend), Contains("t.json: the table is for backend 'cpu', this run uses backend 'reference'"));
  const std::string other_device = R"({"format": 1, "backend": "reference", "device": "GPU 9", "nodes": []})";
  CHECK_THAT(apply_rejection(other_device), Contains("measured on device 'GPU 9', this run uses device 'host CPU'"));
}

TEST_CASE("tuning table: a node the graph does not have, or has with another op or shape, is refused", "[errors][tuning]") {
  CHECK_THAT(apply_rejection(table(R"({"node": "q", "variant": "max_pool2d__generic__loops"})")),
             Contains("node 'q' is not a node of this graph (its nodes: p, r)"));
  CHECK_THAT(apply_rejection(table(R"({"node": "x", "variant": "max_pool2d__generic__loops"})")),
             Contains("node 'x' is not a node"));  // an input, not a node
  CHECK_THAT(apply_rejection(table(R"({"node": "p.indices", "variant": "max_pool2d__generic__loops"})")),
             Contains("node 'p.indices' is not a node"));  // a node's second output
  CHECK_THAT(apply_rejection(table(R"({"node": "p", "op": "avg_pool2d", "variant": "max_pool2d__generic__loops"})")),
             Contains("node 'p' was tuned as a avg_pool2d, in this graph it is a max_pool2d"));
  CHECK_THAT(apply_rejection(table(R"({"node": "p", "input_shapes": [[1, 2, 16, 16]], "variant": "max_pool2d__generic__loops"})")),
             Contains("tuned on input shapes [1, 2, 16, 16], in this graph they are [1, 2, 8, 8]"));
  CHECK_THAT(apply_rejection(table(R"({"node": "p", "variant": "max_pool2d__generic__loops", "fuses": ["zz"]})")),
             Contains("fuses node 'zz'"));
}

TEST_CASE("tuning table: a variant that cannot run its node on this backend is refused", "[errors][tuning]") {
  const auto m = apply_rejection(table(R"({"node": "p", "variant": "max_pool2d__k2s2__v16_r8"})"));
  CHECK_THAT(m, Contains("node 'p' (max_pool2d): variant 'max_pool2d__k2s2__v16_r8' cannot run this node on backend 'reference'"));
  CHECK_THAT(m, Contains("its variants: max_pool2d__generic__loops"));
  // Refused even where an explicit override would have replaced it: the table itself is wrong.
  CHECK_THAT(apply_rejection(table(R"({"node": "r", "variant": "nope"})"), "reference", {{"r", "relu__generic__loops"}}),
             Contains("variant 'nope'"));
}
