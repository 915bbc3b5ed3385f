// `poolkit tune`, and `run`/`bench --tuning`, through the real binary: the table it writes is a
// valid table naming variants that exist, run and bench apply it (explicit --variant wins), bad
// tables and bad arguments are exit 2 with one line and no file, the budget is honoured and its
// cut reported. Timings are only checked to exist and be ordered, never judged.
#include <catch2/catch.hpp>

#include <algorithm>

#include <nlohmann/json.hpp>

#include "poolkit/poolkit.h"
#include "support/cli_sandbox.h"

using poolkit::test::CliResult;
using poolkit::test::CliSandbox;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;

namespace {

// The backend `tune` defaults to: cpu where built in (several variants per node), else reference.
std::string tuned_backend() {
  const auto names = poolkit::backend_names();
  return std::find(names.begin(), names.end(), "cpu") != names.end() ? "cpu" : "reference";
}

// A 2x2 max pool then a relu, on a tiny input: milliseconds per tuning round.
const char* kGraph = R"({
  "inputs": {"x": {"shape": [1, 2, 8, 8]}},
  "nodes": [{"name": "p", "op": "max_pool2d", "inputs": ["x"], "kernel_size": 2},
            {"name": "r", "op": "relu", "inputs": ["p"]}],
  "outputs": ["r"]
})";

// Quick settings: a few rounds, a budget that is never reached on a tiny graph.
const std::string kQuick = " --iters 3 --warmup 1 --threads 1 --budget 30";

void require_usage_error(const CliSandbox& box, const std::string& args, const std::string& mention = "") {
  const auto before = box.listing();
  const CliResult r = box.run(args);
  INFO("poolkit " << args << "\nstdout: " << r.out << "\nstderr: " << r.err);
  CHECK(r.code == 2);
  CHECK(r.err_lines() == 1);
  CHECK_THAT(r.err, StartsWith("poolkit: error:"));
  if (!mention.empty()) CHECK_THAT(r.err, Contains(mention));
  CHECK(box.listing() == before);  // nothing written, no temporary left behind
}

std::vector<std::string> node_variants(const std::string& backend_name, const std::string& node) {
  const poolkit::Graph g = poolkit::Graph::from_json(kGraph, ".");
  const poolkit::Value& v = g.value(*g.find(node));
  return poolkit::backend(backend_name).variants(g.nodes()[static_cast<size_t>(v.node)], g);
}

}  // namespace

TEST_CASE("cli tune: writes a valid table naming variants that exist, with a timed row per candidate", "[cli][tune]") {
  CliSandbox box;
  box.write("g.json", kGraph);
  const std::string backend = tuned_backend();
  const CliResult r = box.run("tune g.json --backend " + backend + " --out t.json" + kQuick);
  INFO(r.out << r.err);
  REQUIRE(r.code == 0);
  CHECK(r.err.empty());
  CHECK_THAT(r.out, Contains("node p (max_pool2d on [1, 2, 8, 8])") && Contains("median_ms") && Contains("<- default") &&
                        Contains("tuning table written to t.json") && Contains(": complete"));
  CHECK(box.listing() == std::set<std::string>{"g.json", "t.json"});

  const poolkit::TuningTable t = poolkit::load_tuning_table(box / "t.json");
  CHECK(t.backend == backend);
  CHECK(t.device == poolkit::backend(backend).device_name(""));
  CHECK(t.graph == "g.json");
  CHECK(t.threads == 1);
  CHECK(t.iters == 3);
  CHECK(t.complete);
  CHECK_FALSE(t.date.empty());
  CHECK_FALSE(t.machine.empty());
  REQUIRE(t.nodes.size() == 2);
  for (const poolkit::TunedNode& n : t.nodes) {
    INFO("node " << n.node);
    const auto variants = node_variants(backend, n.node);
    CHECK(std::find(variants.begin(), variants.end(), n.variant) != variants.end());
    CHECK(n.candidates.size() == variants.size());  // every variant the backend has was tried
    CHECK(n.candidates.front().variant == n.default_variant);
    for (const poolkit::TunedCandidate& c : n.candidates) {
      CHECK(c.status == poolkit::TunedCandidate::Status::measured);
      CHECK(c.runs == 3);
      CHECK(c.min_ms > 0);
      CHECK(c.min_ms <= c.median_ms);
      CHECK(c.median_ms <= c.max_ms);
    }
  }
  CHECK(t.nodes[0].node == "p");
  CHECK(t.nodes[0].op == "max_pool2d");
  CHECK(t.nodes[0].input_shapes == std::vector<poolkit::Shape>{{1, 2, 8, 8}});
}

TEST_CASE("cli tune: --json prints the same table as --out writes", "[cli][tune]") {
  CliSandbox box;
  box.write("g.json", kGraph);
  const CliResult r = box.run("tune g.json --json --out t.json" + kQuick);
  INFO(r.err);
  REQUIRE(r.code == 0);
  const auto printed = nlohmann::json::parse(r.out, nullptr, false);
  REQUIRE(printed.is_object());
  CHECK(printed == nlohmann::json::parse(poolkit::test::read_text(box / "t.json")));
  CHECK(printed["format"] == 1);
}

TEST_CASE("cli run and bench --tuning apply the table, and --variant wins over it", "[cli][tune]") {
  CliSandbox box;
  box.write("g.json", kGraph);
  poolkit::save_npy(box / "x.npy", poolkit::Tensor::zeros({1, 2, 8, 8}));
  const std::string backend = tuned_backend();
  REQUIRE(box.run("tune g.json --backend " + backend + " --out t.json" + kQuick).code == 0);
  // Make the table choose the backend's least preferred variant for p, so that applying the
  // table visibly changes what runs.
  const auto variants = node_variants(backend, "p");
  const std::string last = variants.back();
  auto table = nlohmann::json::parse(poolkit::test::read_text(box / "t.json"));
  table["nodes"][0]["variant"] = last;
  box.write("t.json", table.dump());

  const CliResult run = box.run("run g.json --backend " + backend + " --input x=x.npy --tuning t.json");
  INFO(run.err);
  REQUIRE(run.code == 0);
  CHECK_THAT(run.out, Contains("node p: " + last + "\n"));

  const CliResult bench = box.run("bench g.json --backend " + backend + " --iters 1 --json --tuning t.json");
  INFO(bench.err);
  REQUIRE(bench.code == 0);
  const auto j = nlohmann::json::parse(bench.out);
  CHECK(j["kernels"]["p"] == last);
  CHECK(j["tuning"] == "t.json");

  const std::string first = variants.front();
  const CliResult explicit_variant =
      box.run("run g.json --backend " + backend + " --input x=x.npy --tuning t.json --variant p=" + first);
  REQUIRE(explicit_variant.code == 0);
  CHECK_THAT(explicit_variant.out, Contains("node p: " + first + "\n"));

  // The same results as without the table: a variant changes the speed, never the answer.
  REQUIRE(box.run("run g.json --backend " + backend + " --input x=x.npy --tuning t.json --output r=a.npy").code == 0);
  REQUIRE(box.run("run g.json --backend " + backend + " --input x=x.npy --output r=b.npy").code == 0);
  CHECK(poolkit::test::read_text(box / "a.npy") == poolkit::test::read_text(box / "b.npy"));
}

TEST_CASE("cli run/bench --tuning: bad tables are exit 2 with one line naming the file, and nothing is written", "[cli][tune][errors]") {
  CliSandbox box;
  box.write("g.json", kGraph);
  poolkit::save_npy(box / "x.npy", poolkit::Tensor::zeros({1, 2, 8, 8}));
  const std::string backend = tuned_backend();
  const std::string device = poolkit::backend(backend).device_name("");
  auto table = [&](const std::string& node_entry, const std::string& b = "", const std::string& d = "") {
    return R"({"format": 1, "backend": ")" + (b.empty() ? backend : b) + R"(", "device": ")" + (d.empty() ? device : d) +
           R"(", "nodes": [)" + node_entry + "]}";
  };
  const std::string p_default = node_variants(backend, "p").front();
  const std::string good_p = R"({"node": "p", "variant": ")" + p_default + R"("})";
  auto check = [&](const std::string& name, const std::string& text, const std::string& mention) {
    box.write(name, text);
    for (const std::string command : {"run g.json --input x=x.npy --output r=r.npy", "bench g.json --iters 1"}) {
      require_usage_error(box, command + " --backend " + backend + " --tuning " + name, mention);
    }
    std::filesystem::remove(box / name);
  };
  SECTION("malformed JSON") { check("t.json", R"({"format": 1, "nodes": [)", "malformed JSON"); }
  SECTION("a wrong type") { check("t.json", table(R"({"node": "p", "variant": 3})"), "'variant' 3"); }
  SECTION("an unknown key") { check("t.json", table(R"({"node": "p", "variant": "v", "varient": "w"})"), "unknown key 'varient'"); }
  SECTION("a table for another backend") {
    const std::string other = backend == "reference" ? "cpu" : "reference";
    check("t.json", table(good_p, other), "the table is for backend '" + other + "'");
  }
  SECTION("a table from another device") { check("t.json", table(good_p, "", "Imaginary GPU"), "device 'Imaginary GPU'"); }
  SECTION("a node this graph does not have") {
    check("t.json", table(R"({"node": "q", "variant": ")" + p_default + R"("})"), "node 'q' is not a node of this graph");
  }
  SECTION("a variant this backend does not have for the node") {
    check("t.json", table(R"({"node": "p", "variant": "max_pool2d__k9s9__imaginary"})"), "max_pool2d__k9s9__imaginary");
  }
  SECTION("a missing file, a directory") {
    require_usage_error(box, "run g.json --input x=x.npy --tuning none.json", "none.json");
    std::filesystem::create_directory(box / "adir");
    require_usage_error(box, "bench g.json --tuning adir", "adir");
  }
}

TEST_CASE("cli tune: bad arguments are exit 2 with one line, before any measuring, and write nothing", "[cli][tune][errors]") {
  CliSandbox box;
  box.write("g.json", kGraph);
  for (const std::string args :
       {"--budget 0", "--budget -1", "--budget nan", "--budget inf", "--budget abc", "--budget 1e9", "--iters 0",
        "--warmup 0", "--threads -1", "--backend nope", "--device 7", "--input y=x.npy", "--input x=none.npy",
        "--frob"}) {
    require_usage_error(box, "tune g.json --out t.json " + args);
  }
  require_usage_error(box, "tune g.json --out t.json --budget 1e308", "--budget 1e+308: must");  // not 309 digits
  require_usage_error(box, "tune none.json --out t.json", "none.json");
  require_usage_error(box, "tune --out t.json");  // no graph
}

TEST_CASE("cli tune: --out is never half-written: a path that cannot be written fails first, with no file", "[cli][tune][errors]") {
  CliSandbox box;
  box.write("g.json", kGraph);
  require_usage_error(box, "tune g.json --out missing_dir/t.json" + kQuick, "missing_dir/t.json");
  std::filesystem::create_directory(box / "adir");
  require_usage_error(box, "tune g.json --out adir" + kQuick, "adir");
  CHECK(std::filesystem::is_empty(box / "adir"));
}

TEST_CASE("cli tune: a budget too small to measure anything still writes a valid table and says what was cut", "[cli][tune]") {
  CliSandbox box;
  box.write("g.json", kGraph);
  const CliResult r = box.run("tune g.json --out t.json --iters 3 --budget 0.000001");
  INFO(r.out << r.err);
  REQUIRE(r.code == 0);
  CHECK_THAT(r.out, Contains("CUT SHORT by the budget") && Contains("node p: not measured:"));
  const poolkit::TuningTable t = poolkit::load_tuning_table(box / "t.json");
  CHECK_FALSE(t.complete);
  CHECK(t.untuned_ms == 0);
  REQUIRE(t.nodes.size() == 2);
  for (const poolkit::TunedNode& n : t.nodes) {
    CHECK(n.variant == n.default_variant);  // nothing measured: the backend's choice stays
    for (const poolkit::TunedCandidate& c : n.candidates) CHECK(c.status == poolkit::TunedCandidate::Status::not_measured);
  }
}

TEST_CASE("cli tune: --help documents the command, and run and bench --help document --tuning", "[cli][tune]") {
  CliSandbox box;
  const CliResult tune = box.run("tune --help");
  CHECK(tune.code == 0);
  CHECK_THAT(tune.out, Contains("Usage") && Contains("--budget") && Contains("--out") && Contains("--tuning"));
  for (const std::string command : {"run", "bench"}) {
    const CliResult r = box.run(command + " --help");
    CHECK(r.code == 0);
    CHECK_THAT(r.out, Contains("--tuning"));
  }
}

TEST_CASE("cli run: --variant picks a node's kernel and --device selects the device, bad values are exit 2", "[cli][errors]") {
  CliSandbox box;
  box.write("g.json", kGraph);
  poolkit::save_npy(box / "x.npy", poolkit::Tensor::zeros({1, 2, 8, 8}));
  const std::string backend = tuned_backend();
  const std::string last = node_variants(backend, "p").back();
  const CliResult r = box.run("run g.json --backend " + backend + " --device 0 --input x=x.npy --variant p=" + last);
  INFO(r.err);
  REQUIRE(r.code == 0);
  CHECK_THAT(r.out, Contains("node p: " + last + "\n") && Contains("node r: "));
  require_usage_error(box, "run g.json --input x=x.npy --output r=r.npy --variant p", "NODE=VARIANT_ID");
  require_usage_error(box, "run g.json --input x=x.npy --output r=r.npy --variant q=v", "'q'");
  require_usage_error(box, "run g.json --input x=x.npy --output r=r.npy --variant p=nope", "nope");
  require_usage_error(box, "run g.json --input x=x.npy --output r=r.npy --device 3", "device '3'");
}
