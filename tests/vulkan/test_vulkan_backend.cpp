// The Vulkan backend beyond conformance (which tests/conformance runs on every backend): device
// listing, validation, dispatch splitting, limits and their errors, variant overrides, staging,
// timestamps, fusion. ctest runs these with POOLKIT_VK_VALIDATE=1 (tests/CMakeLists.txt), so the
// validation layer with synchronization validation watches every test; any message it reports
// makes the next run() throw, and the process fail at exit.
#ifdef POOLKIT_TEST_VULKAN
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "backends/vulkan/device.h"
#include "backends/vulkan/instance.h"
#include "poolkit/poolkit.h"
#include "support/compare.h"

using namespace poolkit;

namespace {

Tensor ramp(const Shape& s, float scale = 0.37f) {
  Tensor t = Tensor::zeros(s);
  auto d = t.data<float>();
  for (size_t i = 0; i < d.size(); ++i) d[i] = static_cast<float>((i * 7919) % 1013) * scale - 150.0f;
  return t;
}

NamedTensors run(const Graph& g, const std::string& backend_name, const NamedTensors& in,
                 std::map<std::string, std::string> variants = {}) {
  Session s(g, backend_name, SessionOptions{0, std::move(variants), ""});
  return s.run(in);
}

void check_same(const Graph& g, const NamedTensors& in, std::map<std::string, std::string> variants = {}) {
  const NamedTensors want = run(g, "reference", in);
  const NamedTensors got = run(g, "vulkan", in, std::move(variants));
  for (const auto& [name, w] : want) {
    INFO("output " << name);
    CHECK(test::compare_tensors(got.at(name), w, 1e-5) == "");
  }
}

}  // namespace

TEST_CASE("vulkan: poolkit devices lists each device with its limits", "[vulkan]") {
  const auto devices = backend("vulkan").devices();
  REQUIRE_FALSE(devices.empty());
  for (const DeviceInfo& d : devices) {
    INFO(d.name << " " << d.details);
    CHECK_FALSE(d.name.empty());
    CHECK(d.details.find("Vulkan 1.") != std::string::npos);
    CHECK(d.details.find("workgroup size max") != std::string::npos);
    CHECK(d.details.find("storage buffer range") != std::string::npos);
    CHECK(d.details.find("subgroup size") != std::string::npos);
    CHECK(d.details.find("memory heaps") != std::string::npos);
    CHECK(d.details.find("fp16") != std::string::npos);
  }
}

TEST_CASE("vulkan: the tests run under the validation layer and it stays silent", "[vulkan]") {
  REQUIRE(vulkan::validation_requested());  // set by tests/CMakeLists.txt for every ctest run
  Graph g;
  const auto x = g.input("x", {2, 3, 17, 16});
  const auto w = g.input("w", {4, 3, 3, 3});
  const auto c = g.add("c", Conv2dAttrs{{1, 1}, {Conv2dPadding::Mode::explicit_values, {1, 1}}, {1, 1}, 1}, {x, w});
  const auto p = g.add("p", MaxPool2dAttrs{{3, 3}, Pair{2, 2}, {1, 1}, {1, 1}, true, true}, {c[0]});
  const auto u = g.add("u", MaxUnpool2dAttrs{{3, 3}, Pair{2, 2}, {1, 1}, std::vector<int64_t>{17, 16}}, {p[0], p[1]});
  const auto s = g.add("s", StochasticPool2dAttrs{{2, 2}, std::nullopt, {0, 0}, true, 5}, {u[0]});
  g.output(s[0]);
  g.output(p[1]);
  check_same(g, {{"x", ramp({2, 3, 17, 16})}, {"w", ramp({4, 3, 3, 3}, 0.001f)}});
  check_same(g, {{"x", ramp({2, 3, 17, 16}, 0.5f)}, {"w", ramp({4, 3, 3, 3}, 0.002f)}});  // second run: cross-submit hazards
  CHECK(vulkan::validation_message_count() == 0);
}

TEST_CASE("vulkan: the messenger records a deliberate misuse", "[vulkan]") {
  REQUIRE(vulkan::validation_requested());
  {
    vulkan::Instance instance;
    REQUIRE(instance.validating());
    const auto physical = vulkan::query_physical_devices(instance);
    vulkan::Device device(instance, vulkan::choose_physical_device(physical, ""));
    VkBufferCreateInfo info{};
    info.sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO;
    info.size = 0;  // invalid: VUID-VkBufferCreateInfo-size-00912
    info.usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT;
    VkBuffer buffer = VK_NULL_HANDLE;
    vkCreateBuffer(device.handle(), &info, nullptr, &buffer);
    if (buffer != VK_NULL_HANDLE) vkDestroyBuffer(device.handle(), buffer, nullptr);
  }
  CHECK(vulkan::validation_message_count() > 0);
  CHECK(vulkan::first_validation_message().find("size") != std::string::npos);
  vulkan::reset_validation_messages_for_testing();  // on purpose: keep the rest of the process clean
}

TEST_CASE("vulkan: grids beyond maxComputeWorkGroupCount are split into several dispatches", "[vulkan]") {
  // relu__generic__wg64 covers 64 elements per workgroup: > 65535 * 64 elements need two dispatches.
  Graph g;
  const Shape s{1, 2, 1, 65535 * 32 + 1000};
  const auto x = g.input("x", s);
  g.output(g.add("r", ReluAttrs{}, {x})[0]);
  check_same(g, {{"x", ramp(s)}}, {{"r", "relu__generic__wg64"}});
  // A pool over more planes than one dispatch's z count.
  Graph h;
  const Shape t{1, 70000, 2, 2};
  const auto y = h.input("x", t);
  h.output(h.add("p", MaxPool2dAttrs{{2, 2}}, {y})[0]);
  check_same(h, {{"x", ramp(t)}});
}

TEST_CASE("vulkan: the wide 2x2 kernels (vec4, vec8) agree with reference, NaN and odd heights included", "[vulkan]") {
  bool int64 = false;
  {
    vulkan::Instance instance;
    int64 = vulkan::choose_physical_device(vulkan::query_physical_devices(instance), "").int64;
  }
  for (const Shape& s : {Shape{2, 3, 9, 16}, Shape{1, 2, 6, 24}, Shape{2, 1, 5, 48}, Shape{3, 4, 8}}) {
    Tensor x = ramp(s);
    x.data<float>()[5] = NAN;
    x.data<float>()[40] = -INFINITY;
    x.data<float>()[41] = INFINITY;
    for (const std::string op : {"max_pool2d", "avg_pool2d"}) {
      Graph g;
      const auto in = g.input("x", s);
      if (op == "max_pool2d") g.output(g.add("p", MaxPool2dAttrs{{2, 2}}, {in})[0]);
      else g.output(g.add("p", AvgPool2dAttrs{{2, 2}, std::nullopt, {0, 0}, false, true, 3}, {in})[0]);
      for (const std::string& v : backend("vulkan").variants(g.nodes()[0], g)) {
        INFO(s << " " << v);
        check_same(g, {{"x", x}}, {{"p", v}});
      }
      const bool vec8 = int64 && s[s.rank() - 1] % 16 == 0;
      CHECK(Session(g, "vulkan").kernels().at(0).variant == op + (vec8 ? "__k2s2__vec8_wg256" : "__k2s2__vec4_wg256"));
    }
  }
}

TEST_CASE("vulkan: tensors beyond the device's limits are clear errors, never crashes", "[vulkan]") {
  // 2^30 floats: 4 GiB. Larger than maxStorageBufferRange is fine (chunked, see
  // test_vulkan_chunking.cpp), but not larger than one buffer or allocation may be.
  Graph g;
  const auto x = g.input("x", {1, 1024, 1024, 1024});
  g.output(g.add("r", ReluAttrs{}, {x})[0]);
  try {
    Session s(g, "vulkan");
    FAIL("no error (a device whose buffers may exceed 4 GiB would need a larger tensor here)");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::runtime);
    const std::string why = e.what();
    CHECK((why.find("maxMemoryAllocationSize") != std::string::npos || why.find("maxBufferSize") != std::string::npos ||
           why.find("memory heap") != std::string::npos));
    CHECK(why.find("'x'") != std::string::npos);
  }
  Graph h;  // a plane of 2^34 elements: beyond the shaders' 32-bit plane indexing
  const auto y = h.input("x", {1, 1, 131072, 131072});
  h.output(h.add("p", MaxPool2dAttrs{{2, 2}}, {y})[0]);
  try {
    Session s(h, "vulkan");
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::unsupported);
    CHECK(std::string(e.what()).find("node 'p'") != std::string::npos);
  }
}

TEST_CASE("vulkan: poolkit run with an output no allocation can hold exits 1 with one line", "[vulkan]") {
  // max_unpool2d of a 1x1 input with a 32768x32768 window: tiny files, a 4 GiB output buffer.
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / ("poolkit-vk-limits-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  save_npy(dir / "v.npy", Tensor::from_vector(Shape{1, 1, 1, 1}, std::vector<float>{1.0f}));
  save_npy(dir / "i.npy", Tensor::from_vector(Shape{1, 1, 1, 1}, std::vector<int64_t>{5}));
  std::ofstream(dir / "g.json") << R"({"inputs": {"v": {"shape": [1, 1, 1, 1]}, "i": {"shape": [1, 1, 1, 1], "dtype": "int64"}},
    "nodes": [{"name": "u", "op": "max_unpool2d", "inputs": ["v", "i"], "kernel_size": 32768}],
    "outputs": ["u"]})";
  const std::string cmd = std::string("cd '") + dir.string() + "' && '" + POOLKIT_CLI_PATH +
                          "' run g.json --backend vulkan --input v=v.npy --input i=i.npy --output u=u.npy 2> err.txt";
  const int status = std::system(cmd.c_str());
  std::ifstream in(dir / "err.txt");
  const std::string err((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  INFO(err);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 1);
  CHECK(err.rfind("poolkit: error: ", 0) == 0);
  CHECK(std::count(err.begin(), err.end(), '\n') == 1);
  CHECK(err.find("value 'u' [1, 1, 32768, 32768]") != std::string::npos);
  CHECK(!std::filesystem::exists(dir / "u.npy"));
  std::filesystem::remove_all(dir);
}

TEST_CASE("vulkan: a variant override that does not apply names the node and the variant", "[vulkan]") {
  Graph g;
  const auto x = g.input("x", {1, 2, 9, 9});  // width 9: no vec4 k2s2 variant
  g.output(g.add("p", MaxPool2dAttrs{{2, 2}}, {x})[0]);
  for (const std::string v : {"max_pool2d__k2s2__vec4_wg8x8", "avg_pool2d__generic__wg8x8", "no_such__variant__at_all"}) {
    try {
      Session s(g, "vulkan", SessionOptions{0, {{"p", v}}, ""});
      FAIL("no error for " << v);
    } catch (const Error& e) {
      CHECK(e.kind() == ErrorKind::unsupported);
      CHECK(std::string(e.what()).find("node 'p'") != std::string::npos);
      CHECK(std::string(e.what()).find(v) != std::string::npos);
    }
  }
  Session ok(g, "vulkan", SessionOptions{0, {{"p", "max_pool2d__generic__wg16x16"}}, ""});
  CHECK(ok.kernels().at(0).variant == "max_pool2d__generic__wg16x16");
}

TEST_CASE("vulkan: variants respect the device and selection is deterministic", "[vulkan]") {
  Graph g;
  const auto x = g.input("x", {1, 64, 224, 224});
  g.output(g.add("p", MaxPool2dAttrs{{2, 2}}, {x})[0]);
  const auto v = backend("vulkan").variants(g.nodes()[0], g);
  REQUIRE_FALSE(v.empty());
  // The P1 workload gets the wide 2x2 kernel: 64-bit loads where the device has them.
  CHECK(v.front().rfind("max_pool2d__k2s2__vec", 0) == 0);
  CHECK(Session(g, "vulkan").kernels().at(0).variant == v.front());
  CHECK(Session(g, "vulkan").kernels().at(0).variant == v.front());
}

TEST_CASE("vulkan: per-node device times after a run", "[vulkan]") {
  Graph g;
  const auto x = g.input("x", {1, 8, 32, 32});
  const auto r = g.add("r", ReluAttrs{}, {x});
  g.output(g.add("p", AvgPool2dAttrs{{2, 2}}, {r[0]})[0]);
  auto exe = backend("vulkan").compile(g, CompileOptions{});
  CHECK(exe->last_node_times().empty());
  exe->run({ramp({1, 8, 32, 32})});
  const auto times = exe->last_node_times();
  REQUIRE(times.size() == 2);
  CHECK(times[0].node == "r");
  CHECK(times[1].node == "p");
  for (const auto& t : times) CHECK(t.ms >= 0.0);
}

TEST_CASE("vulkan: conv2d, relu and max_pool2d fuse into one dispatch", "[vulkan]") {
  // 20x20 (even) and 21x19 (odd: the pool drops the last row and column); 8 output channels.
  for (const Shape& xs : {Shape{1, 3, 20, 20}, Shape{2, 3, 21, 19}}) {
    Graph g;
    const auto x = g.input("x", xs);
    const auto w = g.constant("w", ramp({8, 3, 3, 3}, 0.001f));
    const auto b = g.constant("b", ramp({8}, 0.01f));
    const auto c = g.add("c", Conv2dAttrs{{1, 1}, {Conv2dPadding::Mode::explicit_values, {1, 1}}, {1, 1}, 1}, {x, w, b});
    const auto r = g.add("r", ReluAttrs{}, {c[0]});
    g.output(g.add("p", MaxPool2dAttrs{{2, 2}}, {r[0]})[0]);
    Session s(g, "vulkan");
    for (const auto& k : s.kernels()) CHECK(k.variant == "conv2d_relu_max_pool2d__s1k2s2__co4px8_wg8x4");  // tiled, fused
    const NamedTensors in{{"x", ramp(xs, 0.01f)}};
    for (const std::string& v : backend("vulkan").variants(g.nodes()[0], g)) {
      INFO(xs << " " << v);
      check_same(g, in, {{"c", v}});
    }
    check_same(g, in, {{"r", "relu__generic__vec4_wg64"}});  // unfused
  }
  // Ceil mode (an overhanging last window): the tiled epilogue does not apply; the tiled conv2d
  // alone (then relu and the pool) is preferred over the direct fused shader.
  Graph g;
  const auto x = g.input("x", {1, 3, 9, 9});
  const auto w = g.constant("w", ramp({4, 3, 3, 3}, 0.001f));
  const auto c = g.add("c", Conv2dAttrs{{1, 1}, {Conv2dPadding::Mode::explicit_values, {1, 1}}, {1, 1}, 1}, {x, w});
  const auto r = g.add("r", ReluAttrs{}, {c[0]});
  g.output(g.add("p", MaxPool2dAttrs{{2, 2}, std::nullopt, {0, 0}, {1, 1}, true}, {r[0]})[0]);
  CHECK(Session(g, "vulkan").kernels().at(0).variant == "conv2d__s1__co4px8_wg8x4");
  check_same(g, {{"x", ramp({1, 3, 9, 9}, 0.01f)}});
  check_same(g, {{"x", ramp({1, 3, 9, 9}, 0.01f)}}, {{"c", "conv2d_relu_max_pool2d__generic__wg8x8"}});
}

TEST_CASE("vulkan: the staging path gives the same results", "[vulkan]") {
  ::setenv("POOLKIT_VK_STAGING", "1", 1);  // as on a GPU whose device memory the host cannot map
  Graph g;
  const auto x = g.input("x", {2, 3, 10, 12});
  const auto k = g.constant("k", ramp({4, 3, 1, 1}, 0.01f));
  const auto c = g.add("c", Conv2dAttrs{}, {x, k});
  const auto p = g.add("p", MaxPool2dAttrs{{2, 2}, std::nullopt, {0, 0}, {1, 1}, false, true}, {c[0]});
  g.output(p[0]);
  g.output(p[1]);
  g.output(x);
  check_same(g, {{"x", ramp({2, 3, 10, 12})}});
  ::unsetenv("POOLKIT_VK_STAGING");
}

TEST_CASE("vulkan: large inputs and outputs used in place agree with the copying path", "[vulkan]") {
  // >= 1 MiB tensors are imported (VK_EXT_external_memory_host) where the device allows: the
  // shaders read the caller's input and write the returned output directly.
  const Shape s{2, 16, 96, 96};  // 1.2 MB
  Graph g;
  const auto x = g.input("x", s);
  const auto r = g.add("r", ReluAttrs{}, {x});
  const auto p = g.add("p", MaxPool2dAttrs{{2, 2}, std::nullopt, {0, 0}, {1, 1}, false, true}, {r[0]});
  g.output(r[0]);
  g.output(p[0]);
  g.output(p[1]);
  g.output(g.add("q", MaxPool2dAttrs{{2, 2}}, {x})[0]);
  const Tensor a = ramp(s), b = ramp(s, 0.5f);
  const NamedTensors want_a = run(g, "reference", {{"x", a}}), want_b = run(g, "reference", {{"x", b}});
  auto same = [](const NamedTensors& got, const NamedTensors& want) {
    for (const auto& [name, w] : want) {
      INFO("output " << name);
      CHECK(test::compare_tensors(got.at(name), w, 0.0) == "");
    }
  };
  Session session(g, "vulkan");
  const NamedTensors got_a = session.run({{"x", a}});
  const NamedTensors got_b = session.run({{"x", b}});
  same(got_a, want_a);  // the second run wrote tensors of its own
  same(got_b, want_b);
  // An input at an address no import can bind (4 bytes past an aligned one): copied instead.
  std::vector<float> storage(static_cast<size_t>(s.numel()) + 4);
  std::copy(a.data<float>().begin(), a.data<float>().end(), storage.begin() + 1);
  same(session.run({{"x", Tensor::borrow(storage.data() + 1, s, DType::f32)}}), want_a);
  ::setenv("POOLKIT_VK_HOST_IMPORT", "0", 1);
  same(run(g, "vulkan", {{"x", b}}), want_b);
  ::unsetenv("POOLKIT_VK_HOST_IMPORT");
}

TEST_CASE("vulkan: bad indices and samples are input errors, as on reference", "[vulkan]") {
  Graph g;
  const auto v = g.input("v", {1, 1, 2, 2});
  const auto i = g.input("i", {1, 1, 2, 2}, DType::i64);
  g.output(g.add("u", MaxUnpool2dAttrs{{2, 2}}, {v, i})[0]);
  NamedTensors in{{"v", ramp({1, 1, 2, 2})}, {"i", Tensor::from_vector(Shape{1, 1, 2, 2}, std::vector<int64_t>{0, 5, 99, -1})}};
  Session s(g, "vulkan");
  try {
    s.run(in);
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::bad_input);
    CHECK(std::string(e.what()).find("node 'u'") != std::string::npos);
    CHECK(std::string(e.what()).find("out of range for output plane 4x4") != std::string::npos);
  }
  in["i"] = Tensor::from_vector(Shape{1, 1, 2, 2}, std::vector<int64_t>{0, 3, 12, 15});
  check_same(g, in);  // the same session would work too; a fresh one checks the good path

  Graph f;
  const auto x = f.input("x", {1, 2, 8, 8});
  const auto smp = f.input("samples", {1, 2, 2});
  f.output(f.add("f", FractionalMaxPool2dAttrs{{2, 2}, Pair{3, 3}}, {x, smp})[0]);
  NamedTensors fin{{"x", ramp({1, 2, 8, 8})}, {"samples", Tensor::from_vector(Shape{1, 2, 2}, std::vector<float>{0.5f, 0.2f, 1.5f, 0.1f})}};
  CHECK_THROWS_AS(run(f, "vulkan", fin), Error);
  fin["samples"] = Tensor::from_vector(Shape{1, 2, 2}, std::vector<float>{0.5f, 0.2f, 0.9f, 0.1f});
  check_same(f, fin);
}

TEST_CASE("vulkan: device choice by index or name, and a bad choice is a runtime error", "[vulkan]") {
  Graph g;
  const auto x = g.input("x", {1, 1, 4, 4});
  g.output(g.add("r", ReluAttrs{}, {x})[0]);
  CHECK_NOTHROW(Session(g, "vulkan", SessionOptions{0, {}, "0"}));
  const std::string name = backend("vulkan").devices().at(0).name;
  CHECK_NOTHROW(Session(g, "vulkan", SessionOptions{0, {}, name.substr(0, 4)}));
  try {
    Session(g, "vulkan", SessionOptions{0, {}, "no-such-gpu"});
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::runtime);
    CHECK(std::string(e.what()).find("no-such-gpu") != std::string::npos);
  }
}

TEST_CASE("vulkan: the copy roofline runs on the device", "[vulkan]") {
  const double gbs = backend("vulkan").copy_gbytes_per_s(1 << 22, 3, 0);
  CHECK(gbs > 0.01);
  CHECK(std::isfinite(gbs));
}
#endif
