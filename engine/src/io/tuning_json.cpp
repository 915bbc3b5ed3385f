// The tuning table format (poolkit/tuning.h): writing it, and reading it strictly.
//
// {
//   "format": 1, "poolkit_version": "0.1.0",
//   "graph": "native/bench/p1_max2x2.json", "backend": "cpu", "device": "host CPU", "threads": 2,
//   "date": "2026-11-23T10:00:00Z", "machine": "Intel(R) Xeon(R) ..., 2 logical CPUs, Linux 6.1 x86_64",
//   "timing": "step", "warmup": 2, "iters": 20, "budget_s": 60, "spent_s": 1.9, "complete": true,
//   "untuned_ms": 0.52, "tuned_ms": 0.47,
//   "nodes": [
//     {"node": "p", "op": "max_pool2d", "input_shapes": [[1, 64, 224, 224]],
//      "variant": "max_pool2d__k2s2_inside__v16_r8", "default_variant": "max_pool2d__k2s2_inside__v16_r8",
//      "fuses": [],
//      "candidates": [
//        {"variant": "max_pool2d__k2s2_inside__v16_r8", "status": "measured", "runs": 20,
//         "median_ms": 0.47, "min_ms": 0.45, "max_ms": 0.61, "beats_default": 0},
//        {"variant": "max_pool2d__generic__v8_r4", "status": "not measured"}]}
//   ]
// }
//
// Required: format, backend, device, nodes; per node: node, variant; per candidate: variant,
// status. Every other key is optional (a hand-written table may leave out what it did not
// measure), but typed; unknown keys are errors.
#include <cmath>
#include <nlohmann/json.hpp>
#include <set>

#include "graph/param_codec.h"
#include "io/json_text.h"
#include "poolkit/errors.h"
#include "poolkit/tuning.h"

namespace poolkit {

using json = nlohmann::json;
using ordered_json = nlohmann::ordered_json;

namespace {

constexpr TunedCandidate::Status kStatuses[] = {TunedCandidate::Status::measured, TunedCandidate::Status::not_measured,
                                                TunedCandidate::Status::unsupported, TunedCandidate::Status::mismatch,
                                                TunedCandidate::Status::failed};

// Tables are small (a few lines per candidate); 64 MiB is beyond any real one.
constexpr size_t kMaxTableFileBytes = size_t{64} << 20;

// Reads one JSON object's keys with their types checked, naming |where| in every message.
class Fields {
 public:
  Fields(const json& j, std::string where, std::initializer_list<std::string_view> allowed) : j_(j), where_(std::move(where)) {
    if (!j.is_object()) fail_bad_input(where_ + ": expected a JSON object, got " + detail::brief(j));
    for (const auto& [key, _] : j.items()) {
      bool known = false;
      std::string list;
      for (std::string_view a : allowed) {
        known = known || a == key;
        list += (list.empty() ? "" : ", ") + std::string(a);
      }
      if (!known) fail_bad_input(where_ + ": unknown key '" + key + "' (known: " + list + ")");
    }
  }

  const json* find(const char* key, bool required) const {
    const auto it = j_.find(key);
    if (it != j_.end()) return &*it;
    if (required) fail_bad_input(where_ + ": missing key '" + key + "'");
    return nullptr;
  }
  [[noreturn]] void wrong(const char* key, const json& v, const char* expected) const {
    fail_bad_input(where_ + ": '" + key + "' " + detail::brief(v) + ": expected " + expected);
  }

  std::string str(const char* key, bool required, bool non_empty = false) const {
    const json* v = find(key, required);
    if (!v) return {};
    if (!v->is_string() || (non_empty && v->get_ref<const std::string&>().empty())) {
      wrong(key, *v, non_empty ? "a non-empty string" : "a string");
    }
    return v->get<std::string>();
  }
  int64_t count(const char* key, int64_t max = std::numeric_limits<int32_t>::max()) const {
    const json* v = find(key, false);
    if (!v) return 0;
    if (!v->is_number_integer() || v->get<int64_t>() < 0 || v->get<int64_t>() > max) {
      wrong(key, *v, ("an integer in [0, " + std::to_string(max) + "]").c_str());
    }
    return v->get<int64_t>();
  }
  double ms(const char* key) const {
    const json* v = find(key, false);
    if (!v) return 0;
    if (!v->is_number() || !std::isfinite(v->get<double>()) || v->get<double>() < 0) {
      wrong(key, *v, "a finite number >= 0");
    }
    return v->get<double>();
  }
  bool flag(const char* key, bool absent) const {
    const json* v = find(key, false);
    if (!v) return absent;
    if (!v->is_boolean()) wrong(key, *v, "true or false");
    return v->get<bool>();
  }
  const json& array(const char* key, bool required) const {
    static const json empty = json::array();
    const json* v = find(key, required);
    if (!v) return empty;
    if (!v->is_array()) wrong(key, *v, "an array");
    return *v;
  }
  std::vector<std::string> names(const char* key) const {
    std::vector<std::string> out;
    for (const json& n : array(key, false)) {
      if (!n.is_string() || n.get_ref<const std::string&>().empty()) wrong(key, n, "an array of node names");
      out.push_back(n.get<std::string>());
    }
    return out;
  }
  const std::string& where() const { return where_; }

 private:
  const json& j_;
  std::string where_;
};

Shape read_shape(const json& j, const std::string& where) {
  if (!j.is_array() || j.size() > 64) fail_bad_input(where + ": " + detail::brief(j) + ": expected a shape (an array of sizes)");
  std::vector<int64_t> dims;
  for (const json& d : j) {
    if (!d.is_number_integer() || d.get<int64_t>() < 0) {
      fail_bad_input(where + ": " + detail::brief(j) + ": expected a shape (sizes are integers >= 0)");
    }
    dims.push_back(d.get<int64_t>());
  }
  return Shape(dims);
}

TunedCandidate read_candidate(const json& j, const std::string& where) {
  const Fields f(j, where, {"variant", "status", "why", "runs", "median_ms", "min_ms", "max_ms", "beats_default"});
  TunedCandidate c;
  c.variant = f.str("variant", true, true);
  const std::string status = f.str("status", true);
  bool known = false;
  std::string list;
  for (auto s : kStatuses) {
    list += (list.empty() ? "'" : ", '") + std::string(status_name(s)) + "'";
    if (status_name(s) == status) {
      c.status = s;
      known = true;
    }
  }
  if (!known) fail_bad_input(where + ": 'status' \"" + status + "\": expected one of " + list);
  c.why = f.str("why", false);
  c.runs = static_cast<int>(f.count("runs"));
  c.median_ms = f.ms("median_ms");
  c.min_ms = f.ms("min_ms");
  c.max_ms = f.ms("max_ms");
  c.beats_default = static_cast<int>(f.count("beats_default"));
  const bool timed = c.status == TunedCandidate::Status::measured;
  if (timed && c.runs < 1) fail_bad_input(where + ": a measured candidate needs 'runs' >= 1");
  if (timed && !(c.min_ms <= c.median_ms && c.median_ms <= c.max_ms)) {
    fail_bad_input(where + ": timings must satisfy min_ms <= median_ms <= max_ms");
  }
  if (c.beats_default > c.runs) fail_bad_input(where + ": 'beats_default' cannot exceed 'runs'");
  return c;
}

TunedNode read_node(const json& j, size_t index) {
  std::string where = "tuning table: nodes[" + std::to_string(index) + "]";
  if (j.is_object() && j.contains("node") && j["node"].is_string()) where += " ('" + j["node"].get<std::string>() + "')";
  const Fields g(j, where, {"node", "op", "input_shapes", "variant", "default_variant", "fuses", "candidates"});
  TunedNode n;
  n.node = g.str("node", true, true);
  n.op = g.str("op", false);
  const json& shapes = g.array("input_shapes", false);
  for (size_t i = 0; i < shapes.size(); ++i) n.input_shapes.push_back(read_shape(shapes[i], where + ": 'input_shapes'"));
  n.variant = g.str("variant", true, true);
  n.default_variant = g.str("default_variant", false);
  n.fuses = g.names("fuses");
  const json& candidates = g.array("candidates", false);
  for (size_t i = 0; i < candidates.size(); ++i) {
    n.candidates.push_back(read_candidate(candidates[i], where + ": candidates[" + std::to_string(i) + "]"));
  }
  return n;
}

}  // namespace

std::string_view status_name(TunedCandidate::Status status) {
  switch (status) {
    case TunedCandidate::Status::measured: return "measured";
    case TunedCandidate::Status::not_measured: return "not measured";
    case TunedCandidate::Status::unsupported: return "unsupported";
    case TunedCandidate::Status::mismatch: return "mismatch";
    case TunedCandidate::Status::failed: return "failed";
  }
  return "?";
}

std::string to_json(const TuningTable& t) {
  ordered_json doc;
  doc["format"] = TuningTable::kFormat;
  doc["poolkit_version"] = t.poolkit_version;
  doc["graph"] = t.graph;
  doc["backend"] = t.backend;
  doc["device"] = t.device;
  doc["threads"] = t.threads;
  doc["date"] = t.date;
  doc["machine"] = t.machine;
  doc["timing"] = t.timing;
  doc["warmup"] = t.warmup;
  doc["iters"] = t.iters;
  doc["budget_s"] = t.budget_s;
  doc["spent_s"] = t.spent_s;
  doc["complete"] = t.complete;
  if (t.untuned_ms > 0 && t.tuned_ms > 0) {
    doc["untuned_ms"] = t.untuned_ms;
    doc["tuned_ms"] = t.tuned_ms;
  }
  doc["nodes"] = ordered_json::array();
  for (const TunedNode& n : t.nodes) {
    ordered_json jn;
    jn["node"] = n.node;
    jn["op"] = n.op;
    jn["input_shapes"] = ordered_json::array();
    for (const Shape& s : n.input_shapes) jn["input_shapes"].push_back(s.dims());
    jn["variant"] = n.variant;
    jn["default_variant"] = n.default_variant;
    jn["fuses"] = n.fuses;
    jn["candidates"] = ordered_json::array();
    for (const TunedCandidate& c : n.candidates) {
      ordered_json jc;
      jc["variant"] = c.variant;
      jc["status"] = std::string(status_name(c.status));
      if (!c.why.empty()) jc["why"] = c.why;
      if (c.runs > 0) {
        jc["runs"] = c.runs;
        jc["median_ms"] = c.median_ms;
        jc["min_ms"] = c.min_ms;
        jc["max_ms"] = c.max_ms;
        jc["beats_default"] = c.beats_default;
      }
      jn["candidates"].push_back(std::move(jc));
    }
    doc["nodes"].push_back(std::move(jn));
  }
  return doc.dump(2) + "\n";
}

TuningTable tuning_table_from_json(std::string_view text) {
  const json doc = detail::parse_json_strictly(text);
  try {
    const Fields f(doc, "tuning table",
                   {"format", "poolkit_version", "graph", "backend", "device", "threads", "date", "machine", "timing",
                    "warmup", "iters", "budget_s", "spent_s", "complete", "untuned_ms", "tuned_ms", "nodes"});
    const json* format = f.find("format", true);
    if (!format->is_number_integer() || format->get<int64_t>() != TuningTable::kFormat) {
      fail_bad_input("tuning table: 'format' " + detail::brief(*format) + ": this poolkit reads format " +
                     std::to_string(TuningTable::kFormat));
    }
    TuningTable t;
    t.poolkit_version = f.str("poolkit_version", false);
    t.graph = f.str("graph", false);
    t.backend = f.str("backend", true, true);
    t.device = f.str("device", true, true);
    t.threads = static_cast<int>(f.count("threads"));
    t.date = f.str("date", false);
    t.machine = f.str("machine", false);
    t.timing = f.str("timing", false);
    if (!t.timing.empty() && t.timing != "step" && t.timing != "graph") {
      fail_bad_input("tuning table: 'timing' \"" + t.timing + "\": expected \"step\" or \"graph\"");
    }
    t.warmup = static_cast<int>(f.count("warmup"));
    t.iters = static_cast<int>(f.count("iters"));
    t.budget_s = f.ms("budget_s");
    t.spent_s = f.ms("spent_s");
    t.complete = f.flag("complete", true);
    t.untuned_ms = f.ms("untuned_ms");
    t.tuned_ms = f.ms("tuned_ms");
    const json& nodes = f.array("nodes", true);
    std::set<std::string> seen;
    for (size_t i = 0; i < nodes.size(); ++i) {
      TunedNode n = read_node(nodes[i], i);
      if (!seen.insert(n.node).second) fail_bad_input("tuning table: node '" + n.node + "' is listed twice");
      t.nodes.push_back(std::move(n));
    }
    // A node fused into another's kernel has no kernel call of its own to tune.
    for (const TunedNode& n : t.nodes) {
      for (const std::string& fused : n.fuses) {
        if (seen.count(fused)) {
          fail_bad_input("tuning table: node '" + fused + "' is listed, but node '" + n.node + "''s variant fuses it");
        }
      }
    }
    return t;
  } catch (const json::exception& e) {  // every field is type-checked first; this is the net under that
    fail_bad_input("malformed tuning table: " + detail::json_error_text(e));
  }
}

TuningTable load_tuning_table(const std::filesystem::path& file) {
  const std::string text = detail::read_text_file(file, "tuning table", kMaxTableFileBytes);
  try {
    TuningTable t = tuning_table_from_json(text);
    t.source = file.string();
    return t;
  } catch (const Error& e) {
    throw Error(e.kind(), file.string() + ": " + e.what());
  }
}

}  // namespace poolkit
