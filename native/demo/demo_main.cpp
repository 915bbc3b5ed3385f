// poolkit_demo — every pooling family on a real photograph, through the public API only.
//
// Loads the bundled photo as a [1, 3, H, W] tensor in [0, 1], runs the bundled graph
// (demo_graph.json: one node per pooling family) on a backend, and writes into the output folder:
// input.png, one <output>.png per float output (scaled back up to the photo's size, nearest
// neighbour) and results.md (each output's op, shape and its node's median time).
#include <chrono>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <string>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "image_io.h"
#include "node_timing.h"
#include "poolkit/poolkit.h"

namespace {

namespace fs = std::filesystem;
using namespace poolkit;

struct DemoArgs {
  fs::path out = "demo-output";
  fs::path image = POOLKIT_DEMO_IMAGE;  // set by native/demo/CMakeLists.txt: works from any cwd
  fs::path graph = POOLKIT_DEMO_GRAPH;
  std::string backend = "reference";
  int repeats = 5;
};

// The bundled graph declares the bundled photo's shape; any --image works because its one input
// is re-declared with the loaded image's shape before the graph is built.
Graph load_graph_for(const fs::path& file, const Shape& image_shape) {
  std::ifstream in(file);
  if (!in) fail_bad_input(file.string() + ": cannot open graph file");
  nlohmann::json j = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.contains("inputs") || !j["inputs"].is_object() || j["inputs"].size() != 1) {
    fail_bad_input(file.string() + ": the demo needs a graph JSON with exactly one input (the image)");
  }
  j["inputs"].begin().value()["shape"] = image_shape.dims();
  return Graph::from_json(j.dump(), file.parent_path());
}

// One row per node (and per extra output: a pool's indices), with the node's median time.
std::string results_table(const Graph& graph, const NamedTensors& node_values,
                          const std::vector<demo::NodeTime>& times, double graph_ms) {
  std::ostringstream md;
  md << std::fixed << std::setprecision(3);
  md << "| value | op | shape | dtype | node time (ms) |\n|---|---|---|---|---:|\n";
  for (size_t n = 0; n < graph.nodes().size(); ++n) {
    for (ValueId id : graph.nodes()[n].outputs) {
      const Value& v = graph.value(id);
      md << "| " << v.name << " | " << times[n].op << " | " << node_values.at(v.name).shape().str() << " | "
         << dtype_name(v.dtype) << " | " << times[n].median_ms << " |\n";
    }
  }
  md << "| (whole graph: one Session::run) | | | | " << graph_ms << " |\n";
  return md.str();
}

int run_demo(const DemoArgs& args) {
  const Tensor image = demo::load_image(args.image);
  const int height = static_cast<int>(image.shape()[2]);
  const int width = static_cast<int>(image.shape()[3]);
  Graph graph = load_graph_for(args.graph, image.shape());
  const NamedTensors inputs = {{graph.value(graph.inputs().at(0)).name, image}};

  Session session(graph, args.backend);
  session.run(inputs);  // warm-up
  const auto start = std::chrono::steady_clock::now();
  const NamedTensors results = session.run(inputs);
  const double graph_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  NamedTensors node_values;  // every node's outputs, from the node-by-node runs
  const auto times = demo::time_nodes(graph, inputs, args.backend, args.repeats, node_values);

  fs::create_directories(args.out);
  demo::save_png(args.out / "input.png", image, height, width);
  for (ValueId id : graph.outputs()) {
    const Value& v = graph.value(id);
    // Index tensors are positions, not intensities: they are listed in the table, not drawn.
    if (v.dtype == DType::f32 && v.shape.rank() == 4) {
      demo::save_png(args.out / (v.name + ".png"), results.at(v.name), height, width);
    }
  }
  const std::string table = results_table(graph, node_values, times, graph_ms);
  std::ofstream md(args.out / "results.md");
  md << "# poolkit demo\n\nImage: " << args.image.filename().string() << " " << image.shape().str()
     << ", backend: " << args.backend << ", median of " << args.repeats << " runs per node.\n\n"
     << table;
  if (!md) fail_runtime((args.out / "results.md").string() + ": write failed");
  std::cout << "wrote " << fs::absolute(args.out).string() << "\n\n" << table;
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  DemoArgs args;
  CLI::App app{"poolkit_demo: every pooling family on a photograph", "poolkit_demo"};
  app.add_option("--out", args.out, "Output folder")->capture_default_str();
  app.add_option("--image", args.image, "Image to pool (PNG, JPEG, ...)")->capture_default_str();
  app.add_option("--graph", args.graph, "Graph JSON with one input")->capture_default_str();
  app.add_option("--backend", args.backend, "Backend")->capture_default_str();
  app.add_option("--repeats", args.repeats, "Timed runs per node")->check(CLI::Range(1, 1000))->capture_default_str();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);
    std::cerr << "poolkit_demo: error: " << e.what() << std::endl;
    return 2;
  }
  try {
    return run_demo(args);
  } catch (const Error& e) {
    std::cerr << "poolkit_demo: error: " << e.what() << std::endl;
    return exit_code(e.kind());
  } catch (const std::exception& e) {
    std::cerr << "poolkit_demo: error: " << e.what() << std::endl;
    return 1;
  }
}
