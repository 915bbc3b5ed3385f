// Golden tests: the `reference` backend against vectors computed with PyTorch.
//
// tests/golden/make_golden.py (run by a developer with torch; CI has none) writes
// tests/golden/data/manifest.json and the .npy files it names. Each case is a graph in the
// DESIGN.md graph JSON, its input files, its expected output files and a tolerance. This file
// runs every case on `reference` and compares with DESIGN.md's rule:
//   tolerance 0 (max-type ops) and every int64 output: exact; NaN equals NaN, -inf equals -inf
//   otherwise: |a - b| <= tol * (1 + |b|), and a non-finite expected value must match exactly.
// One DYNAMIC_SECTION per case, named by the case id, so a failure names the case; the message
// also carries the graph, the first mismatching element (flat and multi-index) and both values.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <map>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "poolkit/graph.h"
#include "poolkit/npy.h"
#include "poolkit/session.h"
#include "poolkit/tensor.h"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

fs::path golden_dir() { return fs::path(POOLKIT_TEST_DATA_DIR) / "golden" / "data"; }

// The manifest is parsed once: Catch2 re-enters the test case once per section.
const json& manifest() {
  static const json parsed = [] {
    const fs::path file = golden_dir() / "manifest.json";
    std::ifstream in(file);
    if (!in) throw std::runtime_error("cannot open " + file.string());
    return json::parse(in);
  }();
  return parsed;
}

std::string multi_index(const poolkit::Shape& shape, int64_t flat) {
  std::vector<int64_t> idx(static_cast<size_t>(shape.rank()));
  for (int axis = shape.rank() - 1; axis >= 0; --axis) {
    const int64_t d = shape[axis] > 0 ? shape[axis] : 1;
    idx[static_cast<size_t>(axis)] = flat % d;
    flat /= d;
  }
  std::ostringstream s;
  s << "[";
  for (size_t i = 0; i < idx.size(); ++i) s << (i ? ", " : "") << idx[i];
  s << "]";
  return s.str();
}

bool float_matches(float got, float want, double tol) {
  if (std::isnan(want)) return std::isnan(got);
  if (tol == 0 || !std::isfinite(want)) return got == want;  // -0 == +0; inf must match in sign
  if (!std::isfinite(got)) return false;
  return std::fabs(double(got) - double(want)) <= tol * (1.0 + std::fabs(double(want)));
}

// Compares |got| with |want|; returns "" when they match, else a description of the mismatch.
std::string compare(const poolkit::Tensor& got, const poolkit::Tensor& want, double tol) {
  std::ostringstream why;
  if (got.dtype() != want.dtype()) {
    why << "dtype " << poolkit::dtype_name(got.dtype()) << ", expected "
        << poolkit::dtype_name(want.dtype());
    return why.str();
  }
  if (!(got.shape() == want.shape())) {
    why << "shape " << got.shape().str() << ", expected " << want.shape().str();
    return why.str();
  }
  int64_t mismatches = 0, first = -1;
  std::string first_values;
  if (want.dtype() == poolkit::DType::i64) {
    const auto g = got.data<int64_t>();
    const auto w = want.data<int64_t>();
    for (size_t i = 0; i < w.size(); ++i) {
      if (g[i] == w[i]) continue;
      if (mismatches++ == 0) {
        first = static_cast<int64_t>(i);
        first_values = "got " + std::to_string(g[i]) + ", expected " + std::to_string(w[i]);
      }
    }
  } else {
    const auto g = got.data<float>();
    const auto w = want.data<float>();
    for (size_t i = 0; i < w.size(); ++i) {
      if (float_matches(g[i], w[i], tol)) continue;
      if (mismatches++ == 0) {
        first = static_cast<int64_t>(i);
        std::ostringstream v;
        v.precision(9);
        v << "got " << g[i] << ", expected " << w[i] << " (|diff| " << std::fabs(double(g[i]) - w[i])
          << ", allowed " << tol * (1.0 + std::fabs(double(w[i]))) << ")";
        first_values = v.str();
      }
    }
  }
  if (mismatches == 0) return "";
  why << mismatches << " of " << want.numel() << " elements differ; first at flat " << first << " = "
      << multi_index(want.shape(), first) << ": " << first_values;
  return why.str();
}

void run_case(const json& c) {
  const std::string id = c.at("id").get<std::string>();
  const std::string graph_text = c.at("graph").dump();
  const double tol = c.at("tolerance").get<double>();
  INFO("golden case " << id);
  INFO("graph: " << graph_text);

  poolkit::NamedTensors inputs;
  poolkit::NamedTensors outputs;
  try {
    poolkit::Graph graph = poolkit::Graph::from_json(graph_text, golden_dir());
    for (const auto& [name, file] : c.at("inputs").items())
      inputs[name] = poolkit::load_npy(golden_dir() / file.get<std::string>());
    poolkit::Session session(std::move(graph), "reference");
    outputs = session.run(inputs);
  } catch (const std::exception& e) {
    FAIL("threw: " << e.what());
  }

  for (const auto& [name, file] : c.at("expected").items()) {
    INFO("output '" << name << "' (expected " << file.get<std::string>() << ")");
    const poolkit::Tensor want = poolkit::load_npy(golden_dir() / file.get<std::string>());
    const auto it = outputs.find(name);
    if (it == outputs.end()) {
      FAIL_CHECK("output missing from the session's results");
      continue;
    }
    const std::string mismatch = compare(it->second, want, tol);
    if (mismatch.empty())
      SUCCEED();
    else
      FAIL_CHECK(mismatch);
  }
}

}  // namespace

TEST_CASE("reference backend matches the PyTorch golden vectors", "[golden]") {
  const json& cases = manifest().at("cases");
  REQUIRE(cases.size() > 0);
  for (const json& c : cases) {
    DYNAMIC_SECTION(c.at("id").get<std::string>()) { run_case(c); }
  }
}

// Every op of DESIGN.md except stochastic_pool2d (no PyTorch counterpart) has golden cases, so a
// regenerated manifest cannot silently drop an op.
TEST_CASE("golden vectors cover every PyTorch-backed op", "[golden]") {
  std::map<std::string, int> ops;
  for (const json& c : manifest().at("cases"))
    for (const json& node : c.at("graph").at("nodes")) ++ops[node.at("op").get<std::string>()];
  for (const char* op :
       {"max_pool2d", "avg_pool2d", "lp_pool2d", "max_pool1d", "avg_pool1d", "lp_pool1d",
        "adaptive_max_pool2d", "adaptive_avg_pool2d", "global_max_pool", "global_avg_pool",
        "global_lp_pool", "fractional_max_pool2d", "max_unpool2d", "conv2d", "relu"}) {
    INFO("op " << op);
    CHECK(ops[op] >= 3);
  }
}
