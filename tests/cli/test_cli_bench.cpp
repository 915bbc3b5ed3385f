// `poolkit bench` against DESIGN.md "The command line": the --json fields and their consistency,
// the byte/FLOP counting rules of native/bench/bench_metrics.h on graphs small enough to count
// by hand, and bad usage (exit 2, one line). Nothing here judges a time: times are only checked
// to exist, be positive and be ordered (min <= median <= max).
// Also: the canonical workload files of native/bench/ describe DESIGN.md's workloads.
#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include <nlohmann/json.hpp>

#include "poolkit/poolkit.h"

namespace fs = std::filesystem;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;

namespace {

std::string shell_quoted(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

struct BenchRun {
  int code = -1;
  std::string out, err;
  std::vector<std::string> out_lines() const {
    std::vector<std::string> lines;
    std::istringstream s(out);
    for (std::string l; std::getline(s, l);)
      if (!l.empty()) lines.push_back(l);
    return lines;
  }
  int err_lines() const { return static_cast<int>(std::count(err.begin(), err.end(), '\n')); }
};

// A temp directory holding the graphs; the CLI runs there.
class BenchBox {
 public:
  BenchBox() {
    std::random_device rd;
    root_ = fs::temp_directory_path() / ("poolkit-test-bench-" + std::to_string(rd()) + std::to_string(rd()));
    fs::create_directories(root_ / "work");
  }
  ~BenchBox() {
    std::error_code ignored;
    fs::remove_all(root_, ignored);
  }
  fs::path dir() const { return root_ / "work"; }
  void write(const std::string& name, const std::string& text) const {
    std::ofstream(dir() / name, std::ios::binary) << text;
  }
  BenchRun run(const std::string& args) const {
    const fs::path out = root_ / "stdout.txt", err = root_ / "stderr.txt";
    const std::string command = "cd " + shell_quoted(dir().string()) + " && " + shell_quoted(POOLKIT_CLI_PATH) +
                                " bench " + args + " >" + shell_quoted(out.string()) + " 2>" +
                                shell_quoted(err.string()) + " </dev/null";
    const int status = std::system(command.c_str());
    BenchRun r;
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    r.out = slurp(out);
    r.err = slurp(err);
    return r;
  }

 private:
  fs::path root_;
};

// 2×2 max pool on [1, 2, 8, 8]: reads 128 floats, writes 32; 32 windows of 4 taps.
const char* kPoolGraph = R"({
  "inputs": {"x": {"shape": [1, 2, 8, 8]}},
  "nodes": [{"name": "p", "op": "max_pool2d", "inputs": ["x"], "kernel_size": 2}],
  "outputs": ["p"]
})";

// conv 3×3/p1 2→4 with bias, relu, 2×2 max pool on [1, 2, 6, 6].
const char* kFusedGraph = R"({
  "inputs": {"x": {"shape": [1, 2, 6, 6]}, "w": {"shape": [4, 2, 3, 3]}, "b": {"shape": [4]}},
  "nodes": [
    {"name": "c", "op": "conv2d", "inputs": ["x", "w", "b"], "padding": 1},
    {"name": "r", "op": "relu", "inputs": ["c"]},
    {"name": "p", "op": "max_pool2d", "inputs": ["r"], "kernel_size": 2}
  ],
  "outputs": ["p"]
})";

nlohmann::json only_json_line(const BenchRun& r) {
  INFO("stdout: " << r.out << "\nstderr: " << r.err);
  REQUIRE(r.code == 0);
  CHECK(r.err.empty());
  const auto lines = r.out_lines();
  REQUIRE(lines.size() == 1);
  const auto j = nlohmann::json::parse(lines[0], nullptr, /*allow_exceptions=*/false);
  REQUIRE(j.is_object());
  return j;
}

void require_sane_times(const nlohmann::json& j) {
  for (const char* field : {"graph", "backend", "variant", "threads", "median_ms", "min_ms", "max_ms", "iters",
                            "gbytes_per_s", "gflops_per_s", "target", "copy_gbytes_per_s", "pct_of_copy"}) {
    INFO("field " << field << " in " << j.dump());
    CHECK(j.contains(field));
  }
  CHECK(j["min_ms"].get<double>() > 0);
  CHECK(j["min_ms"].get<double>() <= j["median_ms"].get<double>());
  CHECK(j["median_ms"].get<double>() <= j["max_ms"].get<double>());
  CHECK(j["gbytes_per_s"].get<double>() > 0);
  CHECK(j["gflops_per_s"].get<double>() > 0);
  CHECK(j["copy_gbytes_per_s"].get<double>() > 0);
  CHECK(j["pct_of_copy"].get<double>() > 0);
}

}  // namespace

TEST_CASE("cli bench: --json prints one object with the DESIGN fields and hand-counted work", "[cli][bench]") {
  BenchBox box;
  box.write("tiny_pool.json", kPoolGraph);
  const auto j = only_json_line(box.run("tiny_pool.json --backend reference --iters 3 --warmup 1 --threads 1 --json"));
  require_sane_times(j);
  CHECK(j["graph"] == "tiny_pool");
  CHECK(j["backend"] == "reference");
  CHECK(j["variant"] == "max_pool2d__generic__loops");
  CHECK(j["kernels"]["p"] == "max_pool2d__generic__loops");
  CHECK(j["threads"] == 1);
  CHECK(j["iters"] == 3);
  CHECK(j["warmup"] == 1);
  CHECK(j["bytes"] == (128 + 32) * 4);
  CHECK(j["flops"].get<double>() == 32 * 4);
  // The derived rates are the counts over the median.
  const double seconds = j["median_ms"].get<double>() * 1e-3;
  CHECK(j["gbytes_per_s"].get<double>() == Approx(640 / seconds / 1e9));
  CHECK(j["pct_of_copy"].get<double>() ==
        Approx(100 * j["gbytes_per_s"].get<double>() / j["copy_gbytes_per_s"].get<double>()));
}

TEST_CASE("cli bench: a several-node graph reports every node's variant joined with '+'", "[cli][bench]") {
  BenchBox box;
  box.write("fused.json", kFusedGraph);
  const auto j = only_json_line(box.run("fused.json --iters 2 --json"));
  require_sane_times(j);
  CHECK(j["variant"] == "conv2d__generic__loops+relu__generic__loops+max_pool2d__generic__loops");
  CHECK(j["kernels"].size() == 3);
  CHECK(j["threads"].get<int>() >= 1);  // --threads defaults to 0: all cores, reported as a count
  // Inputs x, w, b and output p; the intermediates c and r are not compulsory traffic.
  CHECK(j["bytes"] == (72 + 72 + 4 + 36) * 4);
  // conv 2·(4·6·6)·(2·3·3) + relu 144 + pool 36 outputs × 4 taps.
  CHECK(j["flops"].get<double>() == 2.0 * 144 * 18 + 144 + 36 * 4);
}

TEST_CASE("cli bench: --input replaces the generated data, checked against the graph", "[cli][bench]") {
  BenchBox box;
  box.write("tiny_pool.json", kPoolGraph);
  poolkit::save_npy(box.dir() / "x.npy", poolkit::Tensor::zeros({1, 2, 8, 8}));
  poolkit::save_npy(box.dir() / "bad.npy", poolkit::Tensor::zeros({1, 2, 8, 9}));
  require_sane_times(only_json_line(box.run("tiny_pool.json --input x=x.npy --iters 1 --json")));
  const BenchRun bad = box.run("tiny_pool.json --input x=bad.npy --iters 1 --json");
  CHECK(bad.code == 2);
  CHECK(bad.err_lines() == 1);
  CHECK_THAT(bad.err, StartsWith("poolkit: error:") && Contains("bad.npy"));
}

TEST_CASE("cli bench: without --json it prints a table header and a row", "[cli][bench]") {
  BenchBox box;
  box.write("tiny_pool.json", kPoolGraph);
  const BenchRun r = box.run("tiny_pool.json --iters 2");
  INFO(r.err);
  REQUIRE(r.code == 0);
  const auto lines = r.out_lines();
  REQUIRE(lines.size() >= 2);
  CHECK_THAT(lines[0], StartsWith("graph") && Contains("median_ms"));
  CHECK_THAT(lines[1], StartsWith("tiny_pool") && Contains("max_pool2d__generic__loops"));
}

TEST_CASE("cli bench: bad counts of iterations or warm-ups or threads are exit 2 with one line", "[cli][bench][errors]") {
  BenchBox box;
  box.write("tiny_pool.json", kPoolGraph);
  for (const std::string args :
       {"--iters 0", "--iters -1", "--iters 2000000", "--iters abc", "--warmup -1", "--threads -1", "--threads 5000",
        "--threads two", "--backend nope", "--variant p", "--variant q=x", "--input y=x.npy"}) {
    const BenchRun r = box.run("tiny_pool.json " + args);
    INFO("poolkit bench tiny_pool.json " << args << "\nstderr: " << r.err);
    CHECK(r.code == 2);
    CHECK(r.err_lines() == 1);
    CHECK_THAT(r.err, StartsWith("poolkit: error:"));
    CHECK(r.out.empty());
  }
  const BenchRun missing = box.run("no_such_graph.json");
  CHECK(missing.code == 2);
  CHECK_THAT(missing.err, StartsWith("poolkit: error:") && Contains("no_such_graph.json"));
}

TEST_CASE("bench workloads: native/bench holds DESIGN's canonical workloads", "[bench]") {
  const fs::path dir = fs::path(POOLKIT_TEST_DATA_DIR) / ".." / "native" / "bench";
  struct Expect {
    const char* file;
    poolkit::Shape x;
    std::vector<poolkit::OpKind> ops;
  };
  using K = poolkit::OpKind;
  const std::vector<Expect> workloads = {
      {"p1_max2x2", {1, 64, 224, 224}, {K::max_pool2d}},
      {"p2_max3x3s2p1", {1, 64, 112, 112}, {K::max_pool2d}},
      {"p3_avg2x2", {1, 64, 224, 224}, {K::avg_pool2d}},
      {"p4_global_avg", {1, 2048, 7, 7}, {K::global_avg_pool}},
      {"p5_max2x2_n8", {8, 64, 224, 224}, {K::max_pool2d}},
      {"p6_max2x2_n32", {32, 64, 224, 224}, {K::max_pool2d}},
      {"c1_conv3x3", {1, 64, 56, 56}, {K::conv2d}},
      {"f1_conv_relu_max", {1, 64, 112, 112}, {K::conv2d, K::relu, K::max_pool2d}},
      {"f2_stem_conv_relu_max", {1, 3, 224, 224}, {K::conv2d, K::relu, K::max_pool2d}},
  };
  for (const Expect& w : workloads) {
    INFO(w.file);
    const poolkit::Graph g = poolkit::Graph::load_json(dir / (std::string(w.file) + ".json"));
    REQUIRE(g.find("x"));
    CHECK(g.value(*g.find("x")).shape == w.x);
    REQUIRE(g.nodes().size() == w.ops.size());
    for (size_t i = 0; i < w.ops.size(); ++i) CHECK(g.nodes()[i].kind() == w.ops[i]);
    CHECK(g.outputs().size() == 1);
    if (w.ops[0] == K::conv2d) {  // weights and bias are inputs (bench fills them): no committed data
      CHECK(g.nodes()[0].inputs.size() == 3);
      for (poolkit::ValueId id : g.nodes()[0].inputs) CHECK(g.value(id).source == poolkit::Value::Source::input);
    }
  }
  // P2's window, and the output shapes DESIGN's sizes imply.
  const auto p2 = poolkit::Graph::load_json(dir / "p2_max3x3s2p1.json");
  CHECK(p2.value(p2.outputs()[0]).shape == poolkit::Shape{1, 64, 56, 56});
  const auto f1 = poolkit::Graph::load_json(dir / "f1_conv_relu_max.json");
  CHECK(f1.value(f1.outputs()[0]).shape == poolkit::Shape{1, 64, 56, 56});
  const auto f2 = poolkit::Graph::load_json(dir / "f2_stem_conv_relu_max.json");
  CHECK(f2.value(f2.outputs()[0]).shape == poolkit::Shape{1, 32, 112, 112});
}
