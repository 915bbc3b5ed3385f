// The `poolkit` binary against DESIGN.md "The command line": exit codes, one-line errors and
// all-or-nothing outputs. Each case runs the real CLI (POOLKIT_CLI_PATH) in a fresh temp dir,
// with its graph written inline, and never touches the source tree or the working directory.
#include <catch2/catch.hpp>

#include <cstring>
#include <filesystem>
#include <set>
#include <sstream>

#include "poolkit/poolkit.h"
#include "support/cli_sandbox.h"

namespace fs = std::filesystem;
using poolkit::Shape;
using poolkit::Tensor;
using Catch::Matchers::StartsWith;

namespace {

using poolkit::test::CliResult;
using Sandbox = poolkit::test::CliSandbox;

// A small graph with two outputs (a max pool with indices and an avg pool) over one input x.
const char* kGoodGraph = R"({
  "inputs": {"x": {"shape": [1, 2, 6, 6]}},
  "nodes": [
    {"name": "p", "op": "max_pool2d", "inputs": ["x"], "kernel_size": 3, "stride": 2, "padding": 1,
     "return_indices": true},
    {"name": "a", "op": "avg_pool2d", "inputs": ["x"], "kernel_size": 2}
  ],
  "outputs": ["p", "p.indices", "a"]
})";

Tensor test_input(Shape shape = Shape{1, 2, 6, 6}) {
  Tensor t = Tensor::zeros(std::move(shape));
  auto d = t.data<float>();
  for (size_t i = 0; i < d.size(); ++i) d[i] = static_cast<float>((i * 37) % 23) * 0.125f - 1.0f;
  return t;
}

// A graph whose one node is |node_json| over input x of shape [1, 2, 8, 8], outputs [n].
std::string one_node_graph(const std::string& node_json, const std::string& outputs = R"(["n"])") {
  return R"({"inputs": {"x": {"shape": [1, 2, 8, 8]}}, "nodes": [)" + node_json + R"(], "outputs": )" + outputs + "}";
}

// The bad-usage contract: exit 2, exactly one stderr line "poolkit: error: ...", and no file
// created in the working directory (no output, no temporary).
void require_usage_error(const Sandbox& box, const std::string& args, const std::string& must_mention = "") {
  const auto before = box.listing();
  const CliResult r = box.run(args);
  INFO("poolkit " << args << "\nstderr: " << r.err);
  CHECK(r.code == 2);
  CHECK(r.err_lines() == 1);
  CHECK_THAT(r.err, StartsWith("poolkit: error:"));
  if (!must_mention.empty()) CHECK_THAT(r.err, Catch::Matchers::Contains(must_mention));
  CHECK(box.listing() == before);
}

bool same_tensor(const Tensor& a, const Tensor& b) {
  return a.dtype() == b.dtype() && a.shape() == b.shape() && std::memcmp(a.raw(), b.raw(), a.nbytes()) == 0;
}

}  // namespace

TEST_CASE("cli: run writes the requested outputs, equal to Session's results", "[cli]") {
  Sandbox box;
  box.write("g.json", kGoodGraph);
  poolkit::save_npy(box / "x.npy", test_input());
  const CliResult r =
      box.run("run g.json --backend reference --input x=x.npy --output p=p.npy --output p.indices=pi.npy");
  INFO(r.err);
  REQUIRE(r.code == 0);
  CHECK(r.err.empty());

  poolkit::Session session(poolkit::Graph::from_json(kGoodGraph, box.dir()), "reference");
  const auto expected = session.run({{"x", test_input()}});
  CHECK(same_tensor(poolkit::load_npy(box / "p.npy"), expected.at("p")));
  CHECK(same_tensor(poolkit::load_npy(box / "pi.npy"), expected.at("p.indices")));
  CHECK(box.listing() == std::set<std::string>{"g.json", "x.npy", "p.npy", "pi.npy"});  // exactly those
}

TEST_CASE("cli: run without --output prints each output's name and shape and writes nothing", "[cli]") {
  Sandbox box;
  box.write("g.json", kGoodGraph);
  poolkit::save_npy(box / "x.npy", test_input());
  const CliResult r = box.run("run g.json --input x=x.npy");
  REQUIRE(r.code == 0);
  CHECK_THAT(r.out, Catch::Matchers::Contains("p: float32 [1, 2, 3, 3]") &&
                        Catch::Matchers::Contains("p.indices: int64 [1, 2, 3, 3]") &&
                        Catch::Matchers::Contains("a: float32 [1, 2, 3, 3]"));
  CHECK(box.listing() == std::set<std::string>{"g.json", "x.npy"});
}

TEST_CASE("cli: an intermediate value can be requested with --output", "[cli]") {
  Sandbox box;
  box.write("g.json", one_node_graph(R"({"name": "r", "op": "relu", "inputs": ["x"]},
                                        {"name": "n", "op": "max_pool2d", "inputs": ["r"], "kernel_size": 2})"));
  poolkit::save_npy(box / "x.npy", test_input(Shape{1, 2, 8, 8}));
  const CliResult r = box.run("run g.json --input x=x.npy --output r=r.npy");
  INFO(r.err);
  REQUIRE(r.code == 0);
  CHECK(poolkit::load_npy(box / "r.npy").shape() == Shape{1, 2, 8, 8});
}

TEST_CASE("cli: bad graphs are exit 2 with one error line and no output", "[cli][errors]") {
  Sandbox box;
  poolkit::save_npy(box / "x.npy", test_input(Shape{1, 2, 8, 8}));
  const std::string run = "run g.json --input x=x.npy --output n=n.npy";
  auto check_graph = [&](const std::string& graph, const std::string& mention = "") {
    box.write("g.json", graph);
    require_usage_error(box, run, mention);
  };
  SECTION("malformed JSON") { check_graph(R"({"inputs": {"x": {"shape": [1, 2, 8, 8]}}, "nodes": [)"); }
  SECTION("unknown op") {
    check_graph(one_node_graph(R"({"name": "n", "op": "max_pool3d", "inputs": ["x"], "kernel_size": 2})"), "max_pool3d");
  }
  SECTION("unknown parameter") {
    check_graph(one_node_graph(R"({"name": "n", "op": "max_pool2d", "inputs": ["x"], "kernel_size": 2, "strides": 2})"),
                "strides");
  }
  SECTION("wrong arity") {
    check_graph(one_node_graph(R"({"name": "n", "op": "max_pool2d", "inputs": ["x", "x"], "kernel_size": 2})"), "'n'");
    check_graph(one_node_graph(R"({"name": "n", "op": "conv2d", "inputs": ["x"]})"), "'n'");
  }
  SECTION("unknown input name") {
    check_graph(one_node_graph(R"({"name": "n", "op": "relu", "inputs": ["nope"]})"), "nope");
  }
  SECTION("a cycle") {
    check_graph(one_node_graph(R"({"name": "a", "op": "relu", "inputs": ["n"]},
                                  {"name": "n", "op": "relu", "inputs": ["a"]})"));
  }
  SECTION("kernel, stride or dilation <= 0") {
    check_graph(one_node_graph(R"({"name": "n", "op": "max_pool2d", "inputs": ["x"], "kernel_size": 0})"), "kernel_size");
    check_graph(one_node_graph(R"({"name": "n", "op": "max_pool2d", "inputs": ["x"], "kernel_size": 2, "stride": [0, 2]})"),
                "stride");
    check_graph(one_node_graph(R"({"name": "n", "op": "max_pool2d", "inputs": ["x"], "kernel_size": 2, "dilation": -1})"),
                "dilation");
    check_graph(one_node_graph(R"({"name": "n", "op": "avg_pool2d", "inputs": ["x"], "kernel_size": [2, -3]})"),
                "kernel_size");
  }
  SECTION("padding more than half the kernel") {
    check_graph(one_node_graph(R"({"name": "n", "op": "max_pool2d", "inputs": ["x"], "kernel_size": 2, "padding": 2})"),
                "padding");
  }
  SECTION("output size < 1") {
    check_graph(one_node_graph(R"({"name": "n", "op": "max_pool2d", "inputs": ["x"], "kernel_size": 9})"), "'n'");
  }
  SECTION("dimension product overflowing 64 bits") {
    check_graph(R"({"inputs": {"x": {"shape": [4294967296, 4294967296, 8, 8]}},
                    "nodes": [{"name": "n", "op": "relu", "inputs": ["x"]}], "outputs": ["n"]})");
  }
}

TEST_CASE("cli: bad inputs and files are exit 2 with one error line and no output", "[cli][errors]") {
  Sandbox box;
  box.write("g.json", one_node_graph(R"({"name": "n", "op": "max_pool2d", "inputs": ["x"], "kernel_size": 2})"));
  poolkit::save_npy(box / "x.npy", test_input(Shape{1, 2, 8, 8}));

  SECTION("input shape mismatch") {
    poolkit::save_npy(box / "small.npy", test_input(Shape{1, 2, 4, 4}));
    require_usage_error(box, "run g.json --input x=small.npy --output n=n.npy", "small.npy");
  }
  SECTION("input dtype mismatch") {
    poolkit::save_npy(box / "ints.npy", Tensor::zeros(Shape{1, 2, 8, 8}, poolkit::DType::i64));
    require_usage_error(box, "run g.json --input x=ints.npy --output n=n.npy", "ints.npy");
  }
  SECTION("wrong .npy dtype") {
    std::string bytes = poolkit::serialize_npy(test_input(Shape{1, 2, 8, 8}));
    bytes.replace(bytes.find("<f4"), 3, "<i4");
    box.write("i4.npy", bytes);
    require_usage_error(box, "run g.json --input x=i4.npy --output n=n.npy", "i4.npy");
  }
  SECTION("truncated .npy") {
    const std::string bytes = poolkit::serialize_npy(test_input(Shape{1, 2, 8, 8}));
    box.write("cut.npy", bytes.substr(0, bytes.size() - 5));
    require_usage_error(box, "run g.json --input x=cut.npy --output n=n.npy", "cut.npy");
  }
  SECTION("missing graph file") { require_usage_error(box, "run nothere.json --input x=x.npy --output n=n.npy", "nothere.json"); }
  SECTION("missing input file") { require_usage_error(box, "run g.json --input x=nothere.npy --output n=n.npy", "nothere.npy"); }
  SECTION("graph input not given") { require_usage_error(box, "run g.json --output n=n.npy", "'x'"); }
  SECTION("unknown input name") {
    require_usage_error(box, "run g.json --input x=x.npy --input y=x.npy --output n=n.npy", "'y'");
  }
  SECTION("--output of an unknown value") { require_usage_error(box, "run g.json --input x=x.npy --output q=q.npy", "'q'"); }
  SECTION("bad --input / --output syntax") {
    require_usage_error(box, "run g.json --input x.npy --output n=n.npy", "NAME=FILE");
    require_usage_error(box, "run g.json --input x=x.npy --output n.npy", "NAME=FILE");
    require_usage_error(box, "run g.json --input =x.npy --output n=n.npy", "NAME=FILE");
  }
  SECTION("unknown backend") { require_usage_error(box, "run g.json --backend nope --input x=x.npy --output n=n.npy", "nope"); }
  SECTION("unknown subcommand or flag") {
    require_usage_error(box, "frobnicate", "frobnicate");
    require_usage_error(box, "run g.json --input x=x.npy --frob", "--frob");
    require_usage_error(box, "ops --frob", "--frob");
    require_usage_error(box, "--frob");
    require_usage_error(box, "");
  }
}

TEST_CASE("cli: outputs are all-or-nothing when a later output cannot be written", "[cli][errors]") {
  Sandbox box;
  box.write("g.json", kGoodGraph);
  poolkit::save_npy(box / "x.npy", test_input());
  SECTION("second output in a missing directory") {
    require_usage_error(box, "run g.json --input x=x.npy --output p=p.npy --output a=missing_dir/a.npy", "a.npy");
  }
  SECTION("second output is an existing directory") {
    fs::create_directory(box / "a_dir");
    require_usage_error(box, "run g.json --input x=x.npy --output p=p.npy --output a=a_dir", "a_dir");
    CHECK(fs::is_empty(box / "a_dir"));
  }
  SECTION("one file named for two outputs") {
    require_usage_error(box, "run g.json --input x=x.npy --output p=same.npy --output a=same.npy", "same.npy");
  }
  CHECK_FALSE(fs::exists(box / "p.npy"));
}

// Fuzzing regressions (tests/errors/test_fuzz_regressions.cpp has the engine-level ones).
TEST_CASE("cli: devices, directories and endless files as graph, input or output", "[cli][errors][fuzz]") {
  Sandbox box;
  box.write("g.json", one_node_graph(R"({"name": "n", "op": "max_pool2d", "inputs": ["x"], "kernel_size": 2})"));
  poolkit::save_npy(box / "x.npy", test_input(Shape{1, 2, 8, 8}));
  fs::create_directory(box / "adir");
  SECTION("/dev/zero as an input is not read forever") {
    require_usage_error(box, "run g.json --input x=/dev/zero --output n=n.npy", "/dev/zero");
  }
  SECTION("/dev/zero as the graph is not read forever") {
    require_usage_error(box, "run /dev/zero --input x=x.npy --output n=n.npy", "/dev/zero");
  }
  SECTION("/dev/null and a directory as the graph or an input") {
    require_usage_error(box, "run /dev/null --input x=x.npy --output n=n.npy", "null");
    require_usage_error(box, "run adir --input x=x.npy --output n=n.npy", "adir");
    require_usage_error(box, "run g.json --input x=/dev/null --output n=n.npy", "/dev/null");
    require_usage_error(box, "run g.json --input x=adir --output n=n.npy", "adir");
  }
  SECTION("/dev/null as an output is written through, never replaced by a file") {
    // Before: the temporary file was renamed over /dev/null — as root, that replaced the device.
    const CliResult r = box.run("run g.json --input x=x.npy --output n=/dev/null");
    CHECK(r.code == 0);
    CHECK(r.err.empty());
    CHECK(fs::is_character_file("/dev/null"));
    CHECK(box.listing() == std::set<std::string>{"g.json", "x.npy", "adir"});
  }
  SECTION("an output may replace the input it was computed from") {
    const CliResult r = box.run("run g.json --input x=x.npy --output n=x.npy");
    CHECK(r.code == 0);
    CHECK(poolkit::load_npy(box / "x.npy").shape() == Shape{1, 2, 4, 4});
  }
}

TEST_CASE("cli: --help on every command exits 0, --version prints the version", "[cli]") {
  Sandbox box;
  for (const std::string args : {"--help", "run --help", "ops --help", "devices --help"}) {
    const CliResult r = box.run(args);
    INFO(args);
    CHECK(r.code == 0);
    CHECK_THAT(r.out, Catch::Matchers::Contains("Usage"));
  }
  const CliResult v = box.run("--version");
  CHECK(v.code == 0);
  CHECK(v.out == std::string("poolkit ") + poolkit::kVersion + "\n");
}

TEST_CASE("cli: ops lists every op of the op table, devices lists every backend", "[cli]") {
  Sandbox box;
  const CliResult text = box.run("ops");
  REQUIRE(text.code == 0);
  const CliResult json = box.run("ops --json");
  REQUIRE(json.code == 0);
  std::istringstream lines(json.out);
  size_t count = 0;
  for (std::string line; std::getline(lines, line); ++count) {
    REQUIRE(count < poolkit::all_ops().size());
    CHECK_THAT(line, Catch::Matchers::Contains("\"name\":\"" + poolkit::all_ops()[count].name + "\""));
    CHECK_THAT(line, Catch::Matchers::Contains("\"reference\""));  // the oracle runs every op
  }
  CHECK(count == poolkit::all_ops().size());
  for (const auto& op : poolkit::all_ops()) CHECK_THAT(text.out, Catch::Matchers::Contains(op.name + "("));

  const CliResult dev = box.run("devices");
  REQUIRE(dev.code == 0);
  for (const auto& name : poolkit::backend_names()) CHECK_THAT(dev.out, Catch::Matchers::Contains(name + ":"));
}
