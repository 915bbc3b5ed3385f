// The `vulkan` backend: plans a graph onto the shaders of shaders/ (one variant per node, a
// fused conv2d -> relu -> max_pool2d where the graph allows), places one buffer per value,
// records one command buffer for the whole run (barriers from tracked buffer use, timestamps per
// node) and resubmits it on every run() — record once, run many (Kompute's Sequence). A node
// whose tensors exceed maxStorageBufferRange runs as several dispatches over chunks of whole
// planes / batch items / output channels, each binding only its chunk's bytes (chunking.h).
//
// Nothing Vulkan is touched until first use: make_vulkan_backend() cannot fail, and a machine
// without a driver or device learns so from devices() / compile() as an Error{runtime}.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>

#include "backends/vulkan/buffer.h"
#include "backends/vulkan/chunking.h"
#include "backends/vulkan/device.h"
#include "backends/vulkan/instance.h"
#include "backends/vulkan/pipeline.h"
#include "backends/vulkan/recorder.h"
#include "backends/vulkan/shader_table.h"
#include "backends/vulkan/vk_check.h"
#include "graph/fractional_intervals.h"
#include "graph/op_table.h"
#include "graph/pool_geometry.h"
#include "poolkit/backend.h"

#include "adaptive_pool2d_interface.h"
#include "conv2d_interface.h"
#include "fractional_max_pool2d_interface.h"
#include "global_pool_interface.h"
#include "max_unpool2d_interface.h"
#include "pool2d_interface.h"
#include "relu_interface.h"
#include "stochastic_pool2d_interface.h"

namespace poolkit {
namespace vulkan {
namespace {

// ---------------------------------------------------------------------------------------------
// Small RAII handles used only here.

class CommandPool {
 public:
  explicit CommandPool(Device& d) : device_(d.handle()) {
    VkCommandPoolCreateInfo info{};
    info.sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO;
    info.queueFamilyIndex = d.queue_family();
    vk_check(vkCreateCommandPool(device_, &info, nullptr, &pool_), "vkCreateCommandPool");
  }
  ~CommandPool() { vkDestroyCommandPool(device_, pool_, nullptr); }
  CommandPool(const CommandPool&) = delete;
  CommandPool& operator=(const CommandPool&) = delete;
  VkCommandPool handle() const { return pool_; }

 private:
  VkDevice device_;
  VkCommandPool pool_ = VK_NULL_HANDLE;
};

class Fence {
 public:
  explicit Fence(Device& d) : device_(d.handle()) {
    VkFenceCreateInfo info{};
    info.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO;
    vk_check(vkCreateFence(device_, &info, nullptr, &fence_), "vkCreateFence");
  }
  ~Fence() { vkDestroyFence(device_, fence_, nullptr); }
  Fence(const Fence&) = delete;
  Fence& operator=(const Fence&) = delete;
  VkFence handle() const { return fence_; }

 private:
  VkDevice device_;
  VkFence fence_ = VK_NULL_HANDLE;
};

class QueryPool {
 public:
  QueryPool(Device& d, uint32_t count) : device_(d.handle()), count_(count) {
    VkQueryPoolCreateInfo info{};
    info.sType = VK_STRUCTURE_TYPE_QUERY_POOL_CREATE_INFO;
    info.queryType = VK_QUERY_TYPE_TIMESTAMP;
    info.queryCount = count;
    vk_check(vkCreateQueryPool(device_, &info, nullptr, &pool_), "vkCreateQueryPool");
  }
  ~QueryPool() { vkDestroyQueryPool(device_, pool_, nullptr); }
  QueryPool(const QueryPool&) = delete;
  QueryPool& operator=(const QueryPool&) = delete;
  VkQueryPool handle() const { return pool_; }
  uint32_t count() const { return count_; }

 private:
  VkDevice device_;
  VkQueryPool pool_ = VK_NULL_HANDLE;
  uint32_t count_;
};

void submit_and_wait(Device& device, VkCommandBuffer cmd, const Fence& fence) {
  {
    std::lock_guard lock(device.queue_mutex());
    VkFence f = fence.handle();
    vk_check(vkResetFences(device.handle(), 1, &f), "vkResetFences");
    VkSubmitInfo submit{};
    submit.sType = VK_STRUCTURE_TYPE_SUBMIT_INFO;
    submit.commandBufferCount = 1;
    submit.pCommandBuffers = &cmd;
    vk_check(vkQueueSubmit(device.queue(), 1, &submit, fence.handle()), "vkQueueSubmit");
  }
  VkFence f = fence.handle();
  constexpr uint64_t kTimeout = 600ull * 1000 * 1000 * 1000;  // never hang forever on a sick device
  const VkResult r = vkWaitForFences(device.handle(), 1, &f, VK_TRUE, kTimeout);
  if (r == VK_TIMEOUT) fail_runtime("vkWaitForFences: the Vulkan device did not finish the run within 600 s");
  vk_check(r, "vkWaitForFences");
}

void throw_if_validation_failed() {
  if (const std::string why = validation_failure(); !why.empty()) fail_runtime(why);
}

// ---------------------------------------------------------------------------------------------
// Geometry helpers.

struct Planes {
  int64_t count = 1, h = 1, w = 1;
  int64_t size() const { return h * w; }
};
Planes planes_2d(const Shape& s) {
  Planes p{1, s[s.rank() - 2], s[s.rank() - 1]};
  for (int i = 0; i < s.rank() - 2; ++i) p.count *= s[i];
  return p;
}
Planes planes_1d(const Shape& s) {
  Planes p{1, 1, s.back()};
  for (int i = 0; i < s.rank() - 1; ++i) p.count *= s[i];
  return p;
}
bool is_1d(OpKind k) { return k == OpKind::max_pool1d || k == OpKind::avg_pool1d || k == OpKind::lp_pool1d; }

// The channel count keying the counter RNG for plane p (reference planes.h plane_key):
// [N, C, ...] tensors give n = p / C, c = p % C; unbatched [C, H, W] gives n = 0, c = p (0 here).
uint32_t rng_channels(const Shape& s) { return s.rank() >= 4 ? static_cast<uint32_t>(s[1]) : 0u; }

constexpr int64_t kInt32Max = std::numeric_limits<int32_t>::max();

// Window arithmetic in the shaders is int32: o*stride - pad + k*dilation and the window ends
// must stay below 2^31 (kMaxExtent-sized windows are legal graphs but not Vulkan-servable).
bool axis_fits_int32(int64_t in, int64_t out, const Axis& a) {
  const int64_t span = in + 2 * a.pad + a.dilation * (a.kernel - 1) + a.stride * out + a.kernel + a.stride;
  return span < kInt32Max && a.kernel <= kInt32Max && a.stride <= kInt32Max && a.pad <= kInt32Max && a.dilation <= kInt32Max;
}

std::vector<uint32_t> words(const void* data, size_t bytes) {
  std::vector<uint32_t> w(bytes / 4);
  std::memcpy(w.data(), data, bytes);
  return w;
}
template <class T>
std::vector<uint32_t> words(const T& push) {
  return words(&push, sizeof(T));
}

// ---------------------------------------------------------------------------------------------
// Variant applicability.

struct GraphUse {
  std::map<ValueId, std::vector<int>> consumers;  // value -> consuming node indices
  std::set<ValueId> outputs;
  explicit GraphUse(const Graph& g) {
    for (size_t i = 0; i < g.nodes().size(); ++i)
      for (ValueId v : g.nodes()[i].inputs) consumers[v].push_back(static_cast<int>(i));
    outputs.insert(g.outputs().begin(), g.outputs().end());
  }
};

// The relu and max_pool2d nodes a conv2d node can absorb ({-1, -1} when it cannot).
std::pair<int, int> fusion_of(const Node& conv, const Graph& g, const GraphUse& use) {
  auto only_consumer = [&](ValueId v) -> int {
    const auto it = use.consumers.find(v);
    if (it == use.consumers.end() || it->second.size() != 1 || use.outputs.count(v)) return -1;
    return it->second[0];
  };
  if (conv.kind() != OpKind::conv2d) return {-1, -1};
  const int r = only_consumer(conv.outputs[0]);
  if (r < 0 || g.nodes()[static_cast<size_t>(r)].kind() != OpKind::relu) return {-1, -1};
  const int p = only_consumer(g.nodes()[static_cast<size_t>(r)].outputs[0]);
  if (p < 0) return {-1, -1};
  const Node& pool = g.nodes()[static_cast<size_t>(p)];
  if (pool.kind() != OpKind::max_pool2d || std::get<MaxPool2dAttrs>(pool.attrs).return_indices) return {-1, -1};
  return {r, p};
}

// "" when conv2d_tiled.comp (row.params: output channels x columns per invocation) can run the
// convolution |node| writing |out| (its own output, or the pool's when fused), else why not.
std::string tiled_conv_why_not(const VariantRow& row, const Node& node, const Graph& g, const Device* device, ValueId out) {
  const auto& a = std::get<Conv2dAttrs>(node.attrs);
  const Shape& ws = g.value(node.inputs[1]).shape;
  if (a.stride.h != 1 || a.stride.w != 1 || a.dilation.h != 1 || a.dilation.w != 1) return "it is specialized for unit stride and dilation";
  if (ws[2] > 7 || ws[3] > 7) return "it unrolls windows up to 7x7";
  if ((ws[0] / a.groups) % row.params[0] != 0) {
    return "it computes " + std::to_string(row.params[0]) + " output channels per invocation, which must divide the " +
           std::to_string(ws[0] / a.groups) + " output channels per group";
  }
  if (device) {  // split by output channels (tensors beyond the range): whole blocks must fit
    const VkDeviceSize range = buffer_limits(*device).storage_range;
    const Shape& xs = g.value(node.inputs[0]).shape;
    const Planes py = planes_2d(g.value(out).shape);
    const auto x_item = static_cast<VkDeviceSize>(xs.numel() / std::max<int64_t>(1, xs[0])) * 4;
    const auto y_item = static_cast<VkDeviceSize>(py.size() * ws[0]) * 4;
    if ((x_item > range || y_item > range) && static_cast<VkDeviceSize>(py.size()) * 4 * row.params[0] > range) {
      return "its blocks of " + std::to_string(row.params[0]) + " output channels exceed this device's maxStorageBufferRange";
    }
  }
  return "";
}

// "" when |row| can run |node| on |device| (nullptr: skip device limits), else why not.
std::string why_not(const VariantRow& row, const Node& node, const Graph& g, const Device* device,
                    const std::map<std::string, std::string>* overrides) {
  const std::string op = op_info(node.kind()).name;
  const bool fused = row.family == "conv2d_relu_max_pool2d";
  if (row.family != op && !(fused && node.kind() == OpKind::conv2d)) {
    return "it is a " + std::string(row.family) + " variant";
  }
  if (device) {
    const VkPhysicalDeviceLimits& l = device->limits();
    uint64_t total = 1;
    for (int d = 0; d < 3; ++d) {
      total *= row.wg[d];
      if (row.wg[d] > l.maxComputeWorkGroupSize[d]) {
        return "its workgroup " + std::to_string(row.wg[0]) + "x" + std::to_string(row.wg[1]) + "x" + std::to_string(row.wg[2]) +
               " exceeds this device's maxComputeWorkGroupSize";
      }
    }
    if (total > l.maxComputeWorkGroupInvocations) return "its workgroup exceeds this device's maxComputeWorkGroupInvocations";
    if (row.shader == ShaderId::global_pool && row.wg[0] * 4 > l.maxComputeSharedMemorySize) {
      return "its workgroup needs more shared memory than this device has";
    }
  }
  if (fused) {
    const auto [r, p] = fusion_of(node, g, GraphUse(g));
    if (r < 0) return "it fuses conv2d -> relu -> max_pool2d (without indices), and this conv2d's output does not feed exactly that";
    if (overrides && (overrides->count(g.nodes()[static_cast<size_t>(r)].name) || overrides->count(g.nodes()[static_cast<size_t>(p)].name))) {
      return "it would absorb nodes that have variant overrides of their own";
    }
    if (row.specialization == "generic") return "";
    // s1k2s2: the tiled convolution with a 2x2 / stride-2 max epilogue (conv2d_tiled.comp).
    const Node& pool = g.nodes()[static_cast<size_t>(p)];
    const Window2d w = window_of(std::get<MaxPool2dAttrs>(pool.attrs));
    if (w.h.kernel != 2 || w.w.kernel != 2 || w.h.stride != 2 || w.w.stride != 2 || w.h.pad || w.w.pad || w.h.dilation != 1 ||
        w.w.dilation != 1) {
      return "its pool epilogue is 2x2, stride 2, without padding or dilation";
    }
    const Planes pc = planes_2d(g.value(node.outputs[0]).shape), pp = planes_2d(g.value(pool.outputs[0]).shape);
    if (pp.h != pc.h / 2 || pp.w != pc.w / 2) return "its pool epilogue has no ceil-mode overhang";
    if (row.params[1] % 2 != 0) return "its column block must hold whole pool windows";
    return tiled_conv_why_not(row, node, g, device, pool.outputs[0]);
  }
  if (row.specialization == "generic") return "";
  if (row.specialization == "s1") return tiled_conv_why_not(row, node, g, device, node.outputs[0]);
  const Shape& in = g.value(node.inputs[0]).shape;
  const Shape& out = g.value(node.outputs[0]).shape;
  if (row.specialization == "k2s2") {
    Window2d w;
    if (const auto* m = std::get_if<MaxPool2dAttrs>(&node.attrs)) {
      if (m->return_indices) return "it writes no indices (k2s2 variants are for return_indices=false)";
      w = window_of(*m);
    } else {
      const auto& a = std::get<AvgPool2dAttrs>(node.attrs);
      w = window_of(a);
    }
    if (w.h.kernel != 2 || w.w.kernel != 2 || w.h.stride != 2 || w.w.stride != 2 || w.h.pad || w.w.pad || w.h.dilation != 1 ||
        w.w.dilation != 1) {
      return "it is specialized for 2x2 windows, stride 2, no padding or dilation";
    }
    const Planes pi = planes_2d(in), po = planes_2d(out);
    const bool vec8 = row.shader == ShaderId::pool2d_k2s2_vec8;
    if (vec8 && device && !device->physical().int64) return "its 64-bit loads need shaderInt64, which this device lacks";
    if (pi.w % (vec8 ? 16 : 8) != 0) {
      return std::string("it needs an input width divisible by ") + (vec8 ? "16 (vec8" : "8 (vec4") + " loads), got " + std::to_string(pi.w);
    }
    if (po.h != pi.h / 2 || po.w != pi.w / 2) return "it needs the output to be exactly half the input (no ceil-mode overhang)";
    return "";
  }
  if (row.specialization == "k3s2") {
    const Window2d w = window_of(std::get<MaxPool2dAttrs>(node.attrs));
    if (w.h.kernel != 3 || w.w.kernel != 3 || w.h.stride != 2 || w.w.stride != 2) return "it is specialized for 3x3 windows, stride 2";
    return "";
  }
  return "unknown specialization '" + std::string(row.specialization) + "'";
}

// ---------------------------------------------------------------------------------------------
// The executable.

struct Step {
  size_t node;  // index into graph.nodes()
  const VariantRow* row;
  std::vector<size_t> absorbed;  // the relu and max_pool2d inside a fused conv2d
};

class VulkanExecutable final : public Executable {
 public:
  VulkanExecutable(Device& device, const Graph& graph, std::vector<Step> steps)
      : device_(device), graph_(graph), steps_(std::move(steps)), pool_(device), fence_(device), limits_(buffer_limits(device)) {
    const char* staging = std::getenv("POOLKIT_VK_STAGING");
    direct_ = device.unified_memory() && !(staging && std::strcmp(staging, "1") == 0);
    const char* import = std::getenv("POOLKIT_VK_HOST_IMPORT");
    import_ = direct_ && device.physical().host_import_alignment && !(import && std::strcmp(import, "0") == 0);
    allocate();
    if (device_.physical().timestamp_bits) queries_ = std::make_unique<QueryPool>(device_, static_cast<uint32_t>(steps_.size() + 1));
    recording_ = record();
  }

  ~VulkanExecutable() override { vkFreeCommandBuffers(device_.handle(), pool_.handle(), 1, &recording_.cmd); }

  // On unified memory with VK_EXT_external_memory_host, large inputs and outputs are not copied:
  // the shaders read the caller's input tensors and write the returned output tensors in place,
  // through buffers imported for this run only, with the command buffer recorded for them (the
  // prerecorded one serves runs where nothing could be imported). Lavapipe's "device memory" is
  // host memory, so the copies were pure overhead: on P1 they cost a third of the run's time.
  std::vector<Tensor> run(const std::vector<Tensor>& inputs) override {
    throw_if_validation_failed();
    std::map<ValueId, Tensor> in_place;  // outputs written directly by the shaders
    struct ImportScope {  // the imports and their recording live for this run only
      VulkanExecutable& e;
      ~ImportScope() { e.imported_.clear(); }
    } scope{*this};
    if (import_) {
      for (size_t i = 0; i < inputs.size(); ++i) try_import(graph_.inputs()[i], inputs[i]);
      for (ValueId id : graph_.outputs()) {
        const Value& v = graph_.value(id);
        if (v.source != Value::Source::node || in_place.count(id)) continue;
        // A large output is a fresh mapping every run (glibc maps blocks above 32 MiB anew): its
        // first-touch page faults, taken by the driver's worker threads all at once, cost more
        // than one host copy out (P6 on lavapipe: 103 MB output, device time +40-50%).
        if (static_cast<uint64_t>(v.shape.numel()) * dtype_size(v.dtype) > (uint64_t{32} << 20)) continue;
        Tensor t = Tensor::uninitialized(v.shape, v.dtype);
        if (try_import(id, t)) in_place.emplace(id, std::move(t));
      }
    }
    for (size_t i = 0; i < inputs.size(); ++i) {
      if (!imported_.count(graph_.inputs()[i])) write_value(graph_.inputs()[i], inputs[i]);
    }
    if (imported_.empty()) {
      submit_and_wait(device_, recording_.cmd, fence_);
    } else {
      Recording once = record();
      try {
        submit_and_wait(device_, once.cmd, fence_);
      } catch (...) {
        vkDeviceWaitIdle(device_.handle());
        vkFreeCommandBuffers(device_.handle(), pool_.handle(), 1, &once.cmd);
        throw;
      }
      vkFreeCommandBuffers(device_.handle(), pool_.handle(), 1, &once.cmd);
    }
    throw_if_validation_failed();
    check_status();
    read_times();
    std::vector<Tensor> results;
    for (ValueId id : graph_.outputs()) {
      const Value& v = graph_.value(id);
      if (v.source == Value::Source::input) {
        const auto pos = std::find(graph_.inputs().begin(), graph_.inputs().end(), id) - graph_.inputs().begin();
        results.push_back(inputs[static_cast<size_t>(pos)].clone());
        continue;
      }
      if (v.source == Value::Source::constant) {
        results.push_back(graph_.constant_value(id).clone());
        continue;
      }
      if (const auto it = in_place.find(id); it != in_place.end()) {
        results.push_back(it->second);
        continue;
      }
      Tensor t = Tensor::uninitialized(v.shape, v.dtype);  // overwritten whole just below
      const Slot& slot = slots_.at(id);
      const void* src = slot.staging ? slot.staging->mapped() : slot.buffer->mapped();
      if (t.nbytes()) std::memcpy(t.raw(), src, t.nbytes());
      results.push_back(std::move(t));
    }
    return results;
  }

  std::vector<KernelChoice> kernels() const override {
    std::vector<KernelChoice> k;
    std::map<size_t, KernelChoice> chosen;
    for (const Step& s : steps_) {
      chosen[s.node] = {node(s).name, std::string(s.row->id)};
      for (size_t a : s.absorbed) chosen[a] = {graph_.nodes()[a].name, std::string(s.row->id), node(s).name};
    }
    for (size_t i = 0; i < graph_.nodes().size(); ++i) k.push_back(chosen[i]);
    return k;
  }

  std::vector<NodeTime> last_node_times() const override { return times_; }

 private:
  struct Slot {
    std::unique_ptr<Buffer> buffer;
    std::unique_ptr<Buffer> staging;  // host side when the device buffer is not mapped
  };

  std::string describe(ValueId id) const {
    const Value& v = graph_.value(id);
    return "value '" + v.name + "' " + v.shape.str();
  }

  void allocate() {
    std::set<ValueId> needed;
    for (const Step& s : steps_) {
      needed.insert(node(s).inputs.begin(), node(s).inputs.end());
      const Node& last = graph_.nodes()[s.absorbed.empty() ? s.node : s.absorbed.back()];
      needed.insert(last.outputs.begin(), last.outputs.end());
    }
    for (ValueId id : graph_.outputs()) {
      if (graph_.value(id).source == Value::Source::node) needed.insert(id);
    }
    for (ValueId id : needed) {
      const Value& v = graph_.value(id);
      const VkDeviceSize bytes = static_cast<VkDeviceSize>(v.shape.numel()) * dtype_size(v.dtype);
      Slot slot;
      slot.buffer = std::make_unique<Buffer>(device_, bytes, Buffer::Role::device, describe(id), direct_);
      const bool host_side = v.source != Value::Source::node || std::count(graph_.outputs().begin(), graph_.outputs().end(), id);
      if (!direct_ && host_side) slot.staging = std::make_unique<Buffer>(device_, bytes, Buffer::Role::staging, describe(id) + " (staging)");
      slots_.emplace(id, std::move(slot));
    }
    status_ = std::make_unique<Buffer>(device_, 16, Buffer::Role::staging, "the status buffer");
    std::memset(status_->mapped(), 0, 16);
    // Constants: uploaded once.
    for (ValueId id : needed) {
      if (graph_.value(id).source == Value::Source::constant) write_value(id, graph_.constant_value(id));
    }
    if (!direct_) upload_constants();
  }

  void upload_constants() {
    bool any = false;
    Recorder rec(device_, pool_.handle());
    for (auto& [id, slot] : slots_) {
      if (graph_.value(id).source == Value::Source::constant) {
        rec.copy(*slot.staging, *slot.buffer, slot.buffer->size());
        any = true;
      }
    }
    VkCommandBuffer cmd = rec.finish();
    if (any) submit_and_wait(device_, cmd, fence_);
    vkFreeCommandBuffers(device_.handle(), pool_.handle(), 1, &cmd);
  }

  void write_value(ValueId id, const Tensor& t) {
    const auto it = slots_.find(id);
    if (it == slots_.end()) return;  // an input no node reads
    void* dst = it->second.staging ? it->second.staging->mapped() : it->second.buffer->mapped();
    if (t.nbytes()) std::memcpy(dst, t.raw(), t.nbytes());
  }

  // The buffer holding a value in the recording being made, and the value's offset in it:
  // its own buffer, or one imported for this run.
  const Buffer& buf(ValueId id) const {
    const auto it = imported_.find(id);
    return it != imported_.end() ? *it->second : *slots_.at(id).buffer;
  }
  VkDeviceSize base_of(ValueId id) const {
    const auto it = imported_.find(id);
    return it != imported_.end() ? it->second->offset() : 0;
  }

  // Imports |t|'s memory as value |id|'s buffer for this run when that pays (a large tensor)
  // and the device can; false when it stays with its own buffer.
  bool try_import(ValueId id, const Tensor& t) {
    constexpr size_t kMinImportBytes = size_t{1} << 20;  // below this, the copy is cheaper than a recording
    if (!slots_.count(id) || imported_.count(id) || t.nbytes() < kMinImportBytes) return false;
    auto b = Buffer::import_host(device_, t.raw(), t.nbytes());
    if (!b || b->offset() % limits_.offset_alignment != 0) return false;
    imported_.emplace(id, std::move(b));
    return true;
  }
  const Node& node(const Step& s) const { return graph_.nodes()[s.node]; }

  // A recorded command buffer and the scratch buffers its dispatches use.
  struct Recording {
    std::unique_ptr<Recorder> recorder;
    VkCommandBuffer cmd = VK_NULL_HANDLE;
    std::vector<std::unique_ptr<Buffer>> scratch;
  };

  Recording record() {
    Recording r;
    r.recorder = std::make_unique<Recorder>(device_, pool_.handle());
    Recorder& rec = *r.recorder;
    if (queries_) rec.reset_queries(queries_->handle(), queries_->count());
    bool uses_status = false;
    for (const Step& s : steps_) {
      uses_status |= node(s).kind() == OpKind::max_unpool2d || node(s).kind() == OpKind::fractional_max_pool2d;
    }
    if (uses_status) rec.fill(*status_, 0);
    for (auto& [id, slot] : slots_) {
      if (slot.staging && graph_.value(id).source == Value::Source::input) rec.copy(*slot.staging, *slot.buffer, slot.buffer->size());
    }
    if (queries_) rec.timestamp(queries_->handle(), 0);
    for (size_t i = 0; i < steps_.size(); ++i) {
      try {
        record_step(r, steps_[i], static_cast<uint32_t>(i));
      } catch (const Error& e) {
        throw Error(e.kind(), detail::node_where(node(steps_[i]).name, node(steps_[i]).kind()) + ": " + e.what());
      }
      if (queries_) rec.timestamp(queries_->handle(), static_cast<uint32_t>(i + 1));
    }
    std::vector<const Buffer*> host;
    for (ValueId id : graph_.outputs()) {
      const auto it = slots_.find(id);
      if (it == slots_.end()) continue;
      if (it->second.staging) {
        rec.copy(*it->second.buffer, *it->second.staging, it->second.buffer->size());
        host.push_back(it->second.staging.get());
      } else {
        host.push_back(&buf(id));
      }
    }
    if (uses_status) host.push_back(status_.get());
    rec.host_read(host);
    r.cmd = rec.finish();
    return r;
  }

  const Pipeline& pipeline(const VariantRow& row, std::vector<uint32_t> family_constants, uint32_t push_bytes) {
    SpecConstants c{row.wg[0], row.wg[1], row.wg[2]};
    c.insert(c.end(), family_constants.begin(), family_constants.end());
    return device_.pipelines().get(row.shader, c, push_bytes);
  }

  // ---- Chunked dispatch (chunking.h): how each binding follows the chunks of an op's work.
  struct Bind {
    const Buffer* buffer;
    bool write;
    std::string what;
    VkDeviceSize unit_bytes = 0;  // > 0: bytes per unit, unit 0 at |base|; 0: the fixed range below
    VkDeviceSize base = 0;
    VkDeviceSize fixed_range = VK_WHOLE_SIZE;  // for unit_bytes == 0: [base, base + fixed_range)
  };
  // |base|: of unit 0, from the value's first byte.
  Bind per_unit(ValueId id, bool write, VkDeviceSize unit_bytes, VkDeviceSize base = 0) const {
    return {&buf(id), write, describe(id), unit_bytes, base_of(id) + base};
  }
  Bind whole_value(ValueId id, bool write) const {
    const Value& v = graph_.value(id);
    const VkDeviceSize bytes = static_cast<VkDeviceSize>(v.shape.numel()) * dtype_size(v.dtype);
    return {&buf(id), write, describe(id), 0, base_of(id), std::max<VkDeviceSize>(16, (bytes + 15) / 16 * 16)};
  }
  static Bind whole(const Buffer& b, bool write, std::string what) { return {&b, write, std::move(what)}; }

  std::vector<Chunk> chunks(uint64_t units, const std::vector<Bind>& binds, const std::string& unit) const {
    std::vector<UnitSplit> splits;
    for (const Bind& b : binds) {
      if (b.unit_bytes) {
        splits.push_back({b.what, b.base, b.unit_bytes});
        continue;
      }
      const VkDeviceSize range = b.fixed_range == VK_WHOLE_SIZE ? b.buffer->size() - b.base : b.fixed_range;
      if (range > limits_.storage_range) {
        fail_runtime(b.what + " (" + std::to_string(range) + " bytes, read whole by every " + unit +
                     ") exceeds this Vulkan device's maxStorageBufferRange (" + std::to_string(limits_.storage_range) + " bytes)");
      }
      if (b.base % limits_.offset_alignment) {
        fail_runtime(b.what + ": its part for one " + unit + " starts at byte " + std::to_string(b.base) +
                     ", not on this Vulkan device's minStorageBufferOffsetAlignment (" + std::to_string(limits_.offset_alignment) + ")");
      }
    }
    return plan_chunks(units, splits, limits_, unit);
  }

  static std::vector<Access> bound(const std::vector<Bind>& binds, const Chunk& c) {
    std::vector<Access> out;
    for (const Bind& b : binds) {
      if (!b.unit_bytes) {
        out.push_back({b.buffer, b.write, b.base, b.fixed_range});
        continue;
      }
      const VkDeviceSize offset = b.base + c.first * b.unit_bytes;
      // Whole vec4s (the buffers are 16-byte multiples, the limit too: chunking.h).
      const VkDeviceSize range = std::min((c.count * b.unit_bytes + 15) / 16 * 16, b.buffer->size() - offset);
      out.push_back({b.buffer, b.write, offset, range});
    }
    return out;
  }

  void record_step(Recording& r, const Step& step, uint32_t index) {
    Recorder& rec = *r.recorder;
    const Node& n = node(step);
    const VariantRow& row = *step.row;
    const ValueId x = n.inputs[0];
    const ValueId y = n.outputs[0];
    const bool indices = n.outputs.size() > 1;
    // Per-plane bindings of the input (x), output (y) and indices (an unused index binding
    // aliases the output; only pooling nodes reach this: a fused conv2d's output has no buffer).
    auto planes_of = [&](ValueId id) { return is_1d(n.kind()) ? planes_1d(graph_.value(id).shape) : planes_2d(graph_.value(id).shape); };
    auto x_bind = [&] { return per_unit(x, false, static_cast<VkDeviceSize>(planes_of(x).size()) * 4); };
    auto y_bind = [&] { return per_unit(y, true, static_cast<VkDeviceSize>(planes_of(y).size()) * 4); };
    auto i_bind = [&] { return indices ? per_unit(n.outputs[1], true, static_cast<VkDeviceSize>(planes_of(y).size()) * 8) : y_bind(); };
    switch (n.kind()) {
      case OpKind::max_pool2d: case OpKind::avg_pool2d: case OpKind::lp_pool2d:
      case OpKind::max_pool1d: case OpKind::avg_pool1d: case OpKind::lp_pool1d: {
        const Planes pi = planes_of(x), po = planes_of(y);
        Window2d w{};
        uint32_t op = PK_POOL_MAX;
        shader::Pool2dPush p{};
        std::visit([&](const auto& a) {
          using A = std::decay_t<decltype(a)>;
          if constexpr (std::is_same_v<A, MaxPool2dAttrs> || std::is_same_v<A, MaxPool1dAttrs>) {
            w = window_of(a);
          } else if constexpr (std::is_same_v<A, AvgPool2dAttrs>) {
            w = window_of(a);
            op = PK_POOL_AVG;
            p.count_include_pad = a.count_include_pad;
            p.divisor_override = a.divisor_override ? static_cast<int32_t>(*a.divisor_override) : 0;
          } else if constexpr (std::is_same_v<A, AvgPool1dAttrs>) {
            w = window_of(a);
            op = PK_POOL_AVG;
            p.count_include_pad = a.count_include_pad;
          } else if constexpr (std::is_same_v<A, LpPool2dAttrs> || std::is_same_v<A, LpPool1dAttrs>) {
            w = window_of(a);
            op = PK_POOL_LP;
            p.norm_type = static_cast<float>(a.norm_type);
            p.inv_norm_type = static_cast<float>(1.0 / a.norm_type);
          }
        }, n.attrs);
        p.in_h = static_cast<int32_t>(pi.h), p.in_w = static_cast<int32_t>(pi.w);
        p.out_h = static_cast<int32_t>(po.h), p.out_w = static_cast<int32_t>(po.w);
        p.kernel_h = static_cast<int32_t>(w.h.kernel), p.kernel_w = static_cast<int32_t>(w.w.kernel);
        p.stride_h = static_cast<int32_t>(w.h.stride), p.stride_w = static_cast<int32_t>(w.w.stride);
        p.pad_h = static_cast<int32_t>(w.h.pad), p.pad_w = static_cast<int32_t>(w.w.pad);
        p.dilation_h = static_cast<int32_t>(w.h.dilation), p.dilation_w = static_cast<int32_t>(w.w.dilation);
        if (row.shader == ShaderId::pool2d_k2s2_vec4 || row.shader == ShaderId::pool2d_k2s2_vec8) {
          // One invocation per output row (pool2d_k2s2.comp).
          const Pipeline& pl = pipeline(row, {op}, sizeof p);
          const std::vector<Bind> binds{x_bind(), y_bind()};
          for (const Chunk& c : chunks(static_cast<uint64_t>(po.count), binds, "plane")) {
            p.planes = static_cast<uint32_t>(c.count);
            rec.dispatch(pl, bound(binds, c), words(p), {static_cast<uint64_t>(po.h) * c.count, 1, 1});
          }
        } else {
          const bool k3s2 = row.specialization == "k3s2";
          const uint32_t kc = k3s2 ? 3 : 0, sc = k3s2 ? 2 : 0;
          const Pipeline& pl = pipeline(row, {op, kc, kc, sc, sc, indices ? 1u : 0u}, sizeof p);
          const std::vector<Bind> binds{x_bind(), y_bind(), i_bind()};
          for (const Chunk& c : chunks(static_cast<uint64_t>(po.count), binds, "plane")) {
            p.planes = static_cast<uint32_t>(c.count);
            rec.dispatch(pl, bound(binds, c), words(p), {static_cast<uint64_t>(po.w), static_cast<uint64_t>(po.h), c.count});
          }
        }
        return;
      }
      case OpKind::adaptive_max_pool2d: case OpKind::adaptive_avg_pool2d: {
        const Planes pi = planes_of(x), po = planes_of(y);
        shader::AdaptivePool2dPush p{};
        p.in_h = static_cast<uint32_t>(pi.h), p.in_w = static_cast<uint32_t>(pi.w);
        p.out_h = static_cast<uint32_t>(po.h), p.out_w = static_cast<uint32_t>(po.w);
        const uint32_t op = n.kind() == OpKind::adaptive_max_pool2d ? PK_ADAPTIVE_MAX : PK_ADAPTIVE_AVG;
        const Pipeline& pl = pipeline(row, {op, indices ? 1u : 0u}, sizeof p);
        const std::vector<Bind> binds{x_bind(), y_bind(), i_bind()};
        for (const Chunk& c : chunks(static_cast<uint64_t>(po.count), binds, "plane")) {
          p.planes = static_cast<uint32_t>(c.count);
          rec.dispatch(pl, bound(binds, c), words(p), {static_cast<uint64_t>(po.w), static_cast<uint64_t>(po.h), c.count});
        }
        return;
      }
      case OpKind::global_max_pool: case OpKind::global_avg_pool: case OpKind::global_lp_pool: {
        const Shape& s = graph_.value(x).shape;
        shader::GlobalPoolPush p{};
        const int64_t planes = s[0] * s[1];
        p.spatial = static_cast<uint32_t>(planes ? s.numel() / planes : 0);
        if (p.spatial == 0) return;
        uint32_t op = PK_POOL_MAX;
        if (n.kind() == OpKind::global_avg_pool) op = PK_POOL_AVG;
        if (const auto* a = std::get_if<GlobalLpPoolAttrs>(&n.attrs)) {
          op = PK_POOL_LP;
          p.norm_type = static_cast<float>(a->norm_type);
          p.inv_norm_type = static_cast<float>(1.0 / a->norm_type);
        }
        const Pipeline& pl = pipeline(row, {op}, sizeof p);
        const std::vector<Bind> binds{per_unit(x, false, VkDeviceSize{p.spatial} * 4), per_unit(y, true, 4)};
        for (const Chunk& c : chunks(static_cast<uint64_t>(planes), binds, "plane")) {
          p.planes = static_cast<uint32_t>(c.count);
          rec.dispatch(pl, bound(binds, c), words(p), {row.wg[0], 1, c.count});
        }
        return;
      }
      case OpKind::fractional_max_pool2d: {
        const auto& a = std::get<FractionalMaxPool2dAttrs>(n.attrs);
        const Shape& s = graph_.value(x).shape;
        const Planes pi = planes_2d(s), po = planes_2d(graph_.value(y).shape);
        shader::FractionalPush p{};
        p.in_h = static_cast<int32_t>(pi.h), p.in_w = static_cast<int32_t>(pi.w);
        p.out_h = static_cast<int32_t>(po.h), p.out_w = static_cast<int32_t>(po.w);
        p.pool_h = static_cast<int32_t>(a.kernel_size.h), p.pool_w = static_cast<int32_t>(a.kernel_size.w);
        // alpha exactly as fractional_intervals.h computes it (float division on the host).
        auto alpha = [](int64_t in, int64_t out, int64_t pool) {
          return out > 1 ? static_cast<float>(in - pool) / static_cast<float>(out - 1) : 0.0f;
        };
        p.alpha_h = alpha(pi.h, po.h, a.kernel_size.h);
        p.alpha_w = alpha(pi.w, po.w, a.kernel_size.w);
        p.channels = rng_channels(s);
        p.seed_lo = static_cast<uint32_t>(a.seed), p.seed_hi = static_cast<uint32_t>(a.seed >> 32);
        p.node = index;
        const bool samples = n.inputs.size() > 1;
        const Pipeline& pl = pipeline(row, {indices ? 1u : 0u, samples ? 1u : 0u}, sizeof p);
        const std::vector<Bind> binds{x_bind(), y_bind(), i_bind(), samples ? per_unit(n.inputs[1], false, 8) : x_bind(),
                                      whole(*status_, true, "the status buffer")};
        for (const Chunk& c : chunks(static_cast<uint64_t>(po.count), binds, "plane")) {
          p.planes = static_cast<uint32_t>(c.count);
          p.plane_base = static_cast<uint32_t>(c.first);
          rec.dispatch(pl, bound(binds, c), words(p), {static_cast<uint64_t>(po.w), static_cast<uint64_t>(po.h), c.count});
        }
        return;
      }
      case OpKind::stochastic_pool2d: {
        const auto& a = std::get<StochasticPool2dAttrs>(n.attrs);
        const Shape& s = graph_.value(x).shape;
        const Planes pi = planes_2d(s), po = planes_2d(graph_.value(y).shape);
        const Window2d w = window_of(a);
        shader::StochasticPush p{};
        p.in_h = static_cast<int32_t>(pi.h), p.in_w = static_cast<int32_t>(pi.w);
        p.out_h = static_cast<int32_t>(po.h), p.out_w = static_cast<int32_t>(po.w);
        p.kernel_h = static_cast<int32_t>(w.h.kernel), p.kernel_w = static_cast<int32_t>(w.w.kernel);
        p.stride_h = static_cast<int32_t>(w.h.stride), p.stride_w = static_cast<int32_t>(w.w.stride);
        p.pad_h = static_cast<int32_t>(w.h.pad), p.pad_w = static_cast<int32_t>(w.w.pad);
        p.channels = rng_channels(s);
        p.seed_lo = static_cast<uint32_t>(a.seed), p.seed_hi = static_cast<uint32_t>(a.seed >> 32);
        const Pipeline& pl = pipeline(row, {a.training ? 1u : 0u}, sizeof p);
        const std::vector<Bind> binds{x_bind(), y_bind()};
        for (const Chunk& c : chunks(static_cast<uint64_t>(po.count), binds, "plane")) {
          p.planes = static_cast<uint32_t>(c.count);
          p.plane_base = static_cast<uint32_t>(c.first);
          rec.dispatch(pl, bound(binds, c), words(p), {static_cast<uint64_t>(po.w), static_cast<uint64_t>(po.h), c.count});
        }
        return;
      }
      case OpKind::max_unpool2d: {
        const Planes pi = planes_2d(graph_.value(x).shape), po = planes_2d(graph_.value(y).shape);
        shader::MaxUnpool2dPush p{};
        p.in_size = static_cast<uint32_t>(pi.size());
        p.out_size = static_cast<uint32_t>(po.size());
        p.node = index;
        const VkDeviceSize out_plane = static_cast<VkDeviceSize>(po.size()) * 4;
        // The winners scratch follows the output's chunks: one chunk's worth, reused by each.
        const std::vector<Bind> binds{x_bind(), per_unit(n.inputs[1], false, static_cast<VkDeviceSize>(pi.size()) * 8),
                                      y_bind(), whole(*status_, true, "the status buffer")};
        const std::vector<Chunk> parts = chunks(static_cast<uint64_t>(po.count), binds, "plane");
        uint64_t most = 0;
        for (const Chunk& c : parts) most = std::max(most, c.count);
        if (parts.empty()) return;
        r.scratch.push_back(std::make_unique<Buffer>(device_, most * out_plane, Buffer::Role::device, "unpool scratch for " + describe(y)));
        const Buffer& winners = *r.scratch.back();
        for (const Chunk& c : parts) {
          const std::vector<Access> a = bound(binds, c);
          const Access scatter_binds[] = {a[0], a[1], {&winners, true, 0, std::min(winners.size(), (c.count * out_plane + 15) / 16 * 16)}, a[2], a[3]};
          rec.fill(winners, 0);
          p.count = static_cast<uint32_t>(c.count * static_cast<uint64_t>(pi.size()));
          rec.dispatch(pipeline(row, {PK_UNPOOL_PASS_SCATTER}, sizeof p), scatter_binds, words(p), {p.count, 1, 1});
          Access gather_binds[] = {scatter_binds[0], scatter_binds[1], scatter_binds[2], scatter_binds[3], scatter_binds[4]};
          gather_binds[2].write = false;
          p.count = static_cast<uint32_t>(c.count * static_cast<uint64_t>(po.size()));
          rec.dispatch(pipeline(row, {PK_UNPOOL_PASS_GATHER}, sizeof p), gather_binds, words(p), {p.count, 1, 1});
        }
        return;
      }
      case OpKind::conv2d: {
        record_conv2d(r, step);
        return;
      }
      case OpKind::relu: {
        shader::ReluPush p{};
        const uint64_t count = static_cast<uint64_t>(graph_.value(x).shape.numel());
        const bool vec4 = row.id.find("vec4") != std::string_view::npos;
        // Units: the vec4s (or floats) one invocation handles.
        const uint64_t per = vec4 ? 4 : 1;
        const std::vector<Bind> binds{per_unit(x, false, per * 4), per_unit(y, true, per * 4)};
        const Pipeline& pl = pipeline(row, {vec4 ? 1u : 0u}, sizeof p);
        for (const Chunk& c : chunks((count + per - 1) / per, binds, vec4 ? "vec4" : "element")) {
          p.count = static_cast<uint32_t>(std::min(count - c.first * per, c.count * per));
          rec.dispatch(pl, bound(binds, c), words(p), {c.count, 1, 1});
        }
        return;
      }
    }
  }

  // conv2d (or the fused conv2d -> relu -> max_pool2d): chunks of whole batch items when one
  // item's input and output fit a binding; otherwise, item by item, chunks of output channels —
  // of whole groups (with their input channels) when the item's input does not fit either.
  void record_conv2d(Recording& r, const Step& step) {
    Recorder& rec = *r.recorder;
    const Node& n = node(step);
    const VariantRow& row = *step.row;
    const ValueId x = n.inputs[0], y = n.outputs[0];
    const auto& a = std::get<Conv2dAttrs>(n.attrs);
    const Shape& ws = graph_.value(n.inputs[1]).shape;
    const Shape& xs = graph_.value(x).shape;
    const Planes pi = planes_2d(xs), pc = planes_2d(graph_.value(y).shape);
    shader::Conv2dPush p{};
    const int64_t c_out = ws[0], c_in_per_group = ws[1], c_out_per_group = c_out / a.groups;
    auto pad_begin = [&](int64_t explicit_value, int64_t kernel, int64_t dilation) -> int64_t {
      switch (a.padding.mode) {
        case Conv2dPadding::Mode::explicit_values: return explicit_value;
        case Conv2dPadding::Mode::valid: return 0;
        case Conv2dPadding::Mode::same: return dilation * (kernel - 1) / 2;
      }
      return 0;
    };
    p.in_h = static_cast<int32_t>(pi.h), p.in_w = static_cast<int32_t>(pi.w);
    p.conv_out_h = static_cast<int32_t>(pc.h), p.conv_out_w = static_cast<int32_t>(pc.w);
    p.c_in = static_cast<uint32_t>(c_in_per_group * a.groups), p.c_out = static_cast<uint32_t>(c_out);
    p.c_in_per_group = static_cast<uint32_t>(c_in_per_group), p.c_out_per_group = static_cast<uint32_t>(c_out_per_group);
    p.kernel_h = static_cast<int32_t>(ws[2]), p.kernel_w = static_cast<int32_t>(ws[3]);
    p.stride_h = static_cast<int32_t>(a.stride.h), p.stride_w = static_cast<int32_t>(a.stride.w);
    p.pad_h = static_cast<int32_t>(pad_begin(a.padding.values.h, ws[2], a.dilation.h));
    p.pad_w = static_cast<int32_t>(pad_begin(a.padding.values.w, ws[3], a.dilation.w));
    p.dilation_h = static_cast<int32_t>(a.dilation.h), p.dilation_w = static_cast<int32_t>(a.dilation.w);
    const bool bias = n.inputs.size() > 2;
    ValueId out = y;
    Planes po = pc;
    if (!step.absorbed.empty()) {  // fused: the pool's window over the convolution's plane
      const Node& pool = graph_.nodes()[step.absorbed.back()];
      out = pool.outputs[0];
      po = planes_2d(graph_.value(out).shape);
      const Window2d w = window_of(std::get<MaxPool2dAttrs>(pool.attrs));
      p.pool_kernel_h = static_cast<int32_t>(w.h.kernel), p.pool_kernel_w = static_cast<int32_t>(w.w.kernel);
      p.pool_stride_h = static_cast<int32_t>(w.h.stride), p.pool_stride_w = static_cast<int32_t>(w.w.stride);
      p.pool_pad_h = static_cast<int32_t>(w.h.pad), p.pool_pad_w = static_cast<int32_t>(w.w.pad);
      p.pool_dilation_h = static_cast<int32_t>(w.h.dilation), p.pool_dilation_w = static_cast<int32_t>(w.w.dilation);
    }
    p.out_h = static_cast<int32_t>(po.h), p.out_w = static_cast<int32_t>(po.w);
    const bool tiled = row.shader == ShaderId::conv2d_tiled;
    const uint32_t co_block = tiled ? row.params[0] : 1, px_block = tiled ? row.params[1] : 1;
    const uint32_t vec4_x = pi.w % 4 == 0 ? 1u : 0u, pool = step.absorbed.empty() ? 0u : 1u;
    const Pipeline& pl = tiled ? pipeline(row, {bias ? 1u : 0u, 0u, static_cast<uint32_t>(ws[2]), static_cast<uint32_t>(ws[3]), co_block, px_block,
                                                static_cast<uint32_t>(p.pad_w), vec4_x, pool}, sizeof p)
                         : step.absorbed.empty() ? pipeline(row, {bias ? 1u : 0u, 0u}, sizeof p)
                                                 : pipeline(row, {bias ? 1u : 0u}, sizeof p);
    const uint64_t items = static_cast<uint64_t>(xs[0]);
    const VkDeviceSize x_plane = static_cast<VkDeviceSize>(pi.size()) * 4, y_plane = static_cast<VkDeviceSize>(po.size()) * 4;
    const VkDeviceSize x_item = x_plane * static_cast<VkDeviceSize>(p.c_in), y_item = y_plane * static_cast<VkDeviceSize>(c_out);
    const ValueId wv = n.inputs[1], bv = bias ? n.inputs[2] : n.inputs[1];
    // Weights and bias are bound whole (they must fit one binding: a clear error otherwise).
    Bind wb = whole_value(wv, false);
    const Bind bb = whole_value(bv, false);
    if (tiled) {  // the weights reordered for vec4 loads (conv2d_pack_weights.comp), on every run
      const VkDeviceSize w_bytes = static_cast<VkDeviceSize>(ws.numel()) * 4;
      r.scratch.push_back(std::make_unique<Buffer>(device_, w_bytes, Buffer::Role::device, "packed weights for " + describe(wv)));
      const Buffer& packed = *r.scratch.back();
      shader::Conv2dPackPush pp{};
      pp.count = static_cast<uint32_t>(ws.numel());
      pp.taps = static_cast<uint32_t>(ws[1] * ws[2] * ws[3]);
      pp.co_block = co_block;
      const Pipeline& pack = device_.pipelines().get(ShaderId::conv2d_pack_weights, {64, 1, 1}, sizeof pp);
      const std::vector<Bind> pack_binds{wb, whole(packed, true, "packed weights")};
      rec.dispatch(pack, bound(pack_binds, Chunk{0, 1}), words(pp), {pp.count, 1, 1});
      wb = whole(packed, false, "packed weights for " + describe(wv));
    }
    auto dispatch = [&](const std::vector<Bind>& binds, const std::vector<Chunk>& parts, uint64_t planes_per_unit,
                        uint64_t ci_per_unit, bool co_chunks) {
      for (const Chunk& c : parts) {
        p.planes = static_cast<uint32_t>(c.count * planes_per_unit);
        p.co_first = co_chunks ? static_cast<uint32_t>(c.first * planes_per_unit) : 0u;
        p.ci_first = static_cast<uint32_t>(c.first * ci_per_unit);
        // conv2d_tiled: an invocation per block of px_block columns x co_block planes.
        // (fused: px_block convolution columns give px_block / 2 pooled ones).
        const uint64_t columns = tiled && pool ? static_cast<uint64_t>(po.w) * 2 : static_cast<uint64_t>(po.w);
        rec.dispatch(pl, bound(binds, c), words(p), {(columns + px_block - 1) / px_block, static_cast<uint64_t>(po.h), p.planes / co_block});
      }
    };
    if (x_item <= limits_.storage_range && y_item <= limits_.storage_range) {
      const std::vector<Bind> binds{per_unit(x, false, x_item), wb, bb, per_unit(out, true, y_item)};
      dispatch(binds, chunks(items, binds, "batch item"), static_cast<uint64_t>(c_out), 0, false);
      return;
    }
    // Item by item. Units: whole groups (with their input channels) when the item's input does
    // not fit one binding, else single output channels over the whole item's input.
    const bool by_group = x_item > limits_.storage_range;
    const uint64_t unit_co = by_group ? static_cast<uint64_t>(c_out_per_group) : co_block;
    for (uint64_t item = 0; item < items; ++item) {
      const Bind xb = by_group ? per_unit(x, false, x_plane * static_cast<VkDeviceSize>(c_in_per_group), item * x_item)
                               : Bind{&buf(x), false, describe(x), 0, base_of(x) + item * x_item, x_item};
      const std::vector<Bind> binds{xb, wb, bb, per_unit(out, true, y_plane * unit_co, item * y_item)};
      const std::string unit = by_group ? "group of channels" : co_block > 1 ? "block of " + std::to_string(co_block) + " output channels" : "output channel";
      const auto parts = chunks(static_cast<uint64_t>(c_out) / unit_co, binds, unit);
      dispatch(binds, parts, unit_co, by_group ? static_cast<uint64_t>(c_in_per_group) : 0, true);
    }
  }

  void check_status() {
    const uint32_t* s = static_cast<const uint32_t*>(status_->mapped());
    if (s[0] == PK_STATUS_OK) return;
    const uint32_t code = s[0], w1 = s[1], w2 = s[2], node_index = s[3];
    std::memset(status_->mapped(), 0, 16);
    const Node& n = node(steps_.at(node_index));
    const std::string where = detail::node_where(n.name, n.kind());
    if (code == PK_STATUS_UNPOOL_INDEX) {
      const int64_t index = static_cast<int64_t>((static_cast<uint64_t>(w2) << 32) | w1);
      const Planes po = planes_2d(graph_.value(n.outputs[0]).shape);
      fail_bad_input(where + ": input 'indices': index " + std::to_string(index) + " out of range for output plane " +
                     std::to_string(po.h) + "x" + std::to_string(po.w));
    }
    float u;
    std::memcpy(&u, &w1, 4);
    fail_bad_input(where + ": input 'samples': value " + std::to_string(u) + " at plane " + std::to_string(w2 / 2) + ", axis " +
                   std::to_string(w2 % 2) + ": must be in [0, 1)");
  }

  void read_times() {
    times_.clear();
    if (!queries_) return;
    std::vector<uint64_t> t(queries_->count());
    const VkResult r = vkGetQueryPoolResults(device_.handle(), queries_->handle(), 0, queries_->count(), t.size() * 8, t.data(), 8,
                                             VK_QUERY_RESULT_64_BIT | VK_QUERY_RESULT_WAIT_BIT);
    if (r != VK_SUCCESS) return;
    const uint32_t bits = device_.physical().timestamp_bits;
    const uint64_t mask = bits >= 64 ? ~0ull : ((1ull << bits) - 1);
    const double period = device_.limits().timestampPeriod;
    for (size_t i = 0; i < steps_.size(); ++i) {
      const uint64_t ticks = ((t[i + 1] & mask) - (t[i] & mask)) & mask;
      // A fused step is named after its last node (Executable::last_node_times).
      const Step& s = steps_[i];
      const size_t last = s.absorbed.empty() ? s.node : *std::max_element(s.absorbed.begin(), s.absorbed.end());
      times_.push_back({graph_.nodes()[last].name, static_cast<double>(ticks) * period * 1e-6});
    }
  }

  Device& device_;
  Graph graph_;
  std::vector<Step> steps_;
  CommandPool pool_;
  Fence fence_;
  BufferLimits limits_;
  bool direct_ = true;
  std::map<ValueId, Slot> slots_;
  std::unique_ptr<Buffer> status_;
  bool import_ = false;                                  // import large inputs/outputs (run())
  std::map<ValueId, std::unique_ptr<Buffer>> imported_;  // this run's imports (empty between runs)
  std::unique_ptr<QueryPool> queries_;
  Recording recording_;  // for runs without imports
  std::vector<NodeTime> times_;
};

// ---------------------------------------------------------------------------------------------
// The backend.

class VulkanBackend final : public Backend {
 public:
  ~VulkanBackend() override {
    devices_.clear();  // before the instance
    instance_.reset();
    // Messages at teardown (leaked objects) come after the last run() could throw: under
    // validation they still fail the process, so no message goes unnoticed.
    if (const std::string why = validation_failure(); !why.empty() && validation_requested()) {
      std::fprintf(stderr, "poolkit: error: %s\n", why.c_str());
      std::_Exit(1);
    }
  }

  std::string_view name() const override { return "vulkan"; }

  std::vector<DeviceInfo> devices() const override {
    std::lock_guard lock(mutex_);
    ensure_instance();
    std::vector<DeviceInfo> out;
    std::string chosen;
    try {
      chosen = choose_physical_device(physical_, "").props.deviceName;
    } catch (const Error&) {
    }
    for (const PhysicalDevice& d : physical_) {
      std::string details = d.details();  // "device N, Vulkan ...": mark the default choice
      if (d.props.deviceName == chosen) details.insert(details.find(','), " (the default)");
      out.push_back({d.props.deviceName, d.type_name(), details});
    }
    return out;
  }

  std::string device_name(const std::string& choice) const override {
    std::lock_guard lock(mutex_);
    ensure_instance();
    return choose_physical_device(physical_, choice).props.deviceName;
  }

  bool implements(OpKind) const override { return true; }

  Support supports(const Node& node, const Graph& graph) const override {
    auto refuse = [](const std::string& why) { return Support{Support::Code::unsupported_parameter, why}; };
    // Plane sizes and index arithmetic are 32-bit in the shaders.
    for (const auto* ids : {&node.inputs, &node.outputs}) {
      for (ValueId id : *ids) {
        const Shape& s = graph.value(id).shape;
        const int64_t plane = s.rank() >= 2 ? s[s.rank() - 1] * s[s.rank() - 2] : (s.rank() ? s[0] : 1);
        if (plane > kInt32Max || s.numel() > static_cast<int64_t>(std::numeric_limits<uint32_t>::max())) {
          return refuse("tensor '" + graph.value(id).name + "' " + s.str() +
                        " has 2^31 or more elements in a plane (the Vulkan shaders index planes with 32-bit integers)");
        }
      }
    }
    auto window_ok = [&](const Window2d& w, bool one_d) {
      const Shape& in = graph.value(node.inputs[0]).shape;
      const Shape& out = graph.value(node.outputs[0]).shape;
      const Planes pi = one_d ? planes_1d(in) : planes_2d(in), po = one_d ? planes_1d(out) : planes_2d(out);
      return axis_fits_int32(pi.h, po.h, w.h) && axis_fits_int32(pi.w, po.w, w.w);
    };
    bool ok = true;
    std::visit([&](const auto& a) {
      using A = std::decay_t<decltype(a)>;
      if constexpr (std::is_same_v<A, MaxPool2dAttrs> || std::is_same_v<A, AvgPool2dAttrs> || std::is_same_v<A, LpPool2dAttrs> ||
                    std::is_same_v<A, StochasticPool2dAttrs>) {
        ok = window_ok(window_of(a), false);
      } else if constexpr (std::is_same_v<A, MaxPool1dAttrs> || std::is_same_v<A, AvgPool1dAttrs> || std::is_same_v<A, LpPool1dAttrs>) {
        ok = window_ok(window_of(a), true);
      } else if constexpr (std::is_same_v<A, Conv2dAttrs>) {
        const Shape& ws = graph.value(node.inputs[1]).shape;
        for (int64_t v : {a.stride.h, a.stride.w, a.padding.values.h, a.padding.values.w, a.dilation.h, a.dilation.w, ws[2], ws[3]}) {
          ok = ok && v < (int64_t{1} << 20);
        }
      }
      if constexpr (std::is_same_v<A, AvgPool2dAttrs>) {
        if (a.divisor_override && *a.divisor_override > kInt32Max) ok = false;
      }
    }, node.attrs);
    if (!ok) return refuse("window parameters beyond the Vulkan shaders' 32-bit index arithmetic");
    if (node.kind() == OpKind::adaptive_max_pool2d || node.kind() == OpKind::adaptive_avg_pool2d) {
      const Planes pi = planes_2d(graph.value(node.inputs[0]).shape), po = planes_2d(graph.value(node.outputs[0]).shape);
      if ((po.h + 1) * pi.h > kInt32Max || (po.w + 1) * pi.w > kInt32Max) return refuse("adaptive window arithmetic beyond 32 bits");
    }
    return {};
  }

  std::vector<std::string> variants(const Node& node, const Graph& graph) const override {
    const Device* d = nullptr;
    try {
      d = &device("");
    } catch (const Error&) {
      return {};  // no device: nothing can run (compile() says why)
    }
    std::vector<std::string> out;
    for (const VariantRow& row : variant_rows()) {
      if (row.family == "copy") continue;
      if (why_not(row, node, graph, d, nullptr).empty()) out.emplace_back(row.id);
    }
    return out;
  }

  std::unique_ptr<Executable> compile(const Graph& graph, const CompileOptions& options) override {
    Device& d = device(options.device);
    throw_if_validation_failed();
    std::map<size_t, const VariantRow*> forced;  // node index -> variant
    for (const auto& [node_name, id] : options.variants) {
      const auto value = graph.find(node_name);
      if (!value || graph.value(*value).source != Value::Source::node) fail_bad_input("variant override for unknown node '" + node_name + "'");
      const Node& node = graph.nodes()[static_cast<size_t>(graph.value(*value).node)];
      const VariantRow* row = find_variant(id);
      const std::string why = row ? why_not(*row, node, graph, &d, &options.variants) : "no such variant";
      if (!why.empty()) {
        std::string list;
        for (const auto& v : variants(node, graph)) list += (list.empty() ? "" : ", ") + v;
        throw Error(ErrorKind::unsupported, detail::node_where(node.name, node.kind()) + ": variant '" + id +
                                                "' does not apply on backend 'vulkan': " + why + " (applicable: " + list + ")");
      }
      forced[static_cast<size_t>(graph.value(*value).node)] = row;
    }
    std::vector<Step> steps;
    std::set<size_t> absorbed;
    for (size_t i = 0; i < graph.nodes().size(); ++i) {
      const Node& node = graph.nodes()[i];
      if (absorbed.count(i)) continue;
      const VariantRow* row = forced.count(i) ? forced[i] : nullptr;
      for (const VariantRow& r : variant_rows()) {
        if (row) break;
        if (why_not(r, node, graph, &d, &options.variants).empty()) row = &r;
      }
      if (!row) {
        throw Error(ErrorKind::unsupported, detail::node_where(node.name, node.kind()) + ": no Vulkan variant applies on this device");
      }
      Step step{i, row, {}};
      if (row->family == "conv2d_relu_max_pool2d") {
        const auto [r, p] = fusion_of(node, graph, GraphUse(graph));
        step.absorbed = {static_cast<size_t>(r), static_cast<size_t>(p)};
        absorbed.insert(step.absorbed.begin(), step.absorbed.end());
      }
      steps.push_back(step);
    }
    auto exe = std::make_unique<VulkanExecutable>(d, graph, std::move(steps));
    d.pipelines().save();
    throw_if_validation_failed();
    return exe;
  }

  double copy_gbytes_per_s(int64_t bytes, int iters, int threads) override;

  Device& device(const std::string& choice) const {
    std::lock_guard lock(mutex_);
    ensure_instance();
    const PhysicalDevice& pd = choose_physical_device(physical_, choice);
    auto& slot = devices_[pd.index];
    if (!slot) slot = std::make_unique<Device>(*instance_, pd);
    return *slot;
  }

 private:
  void ensure_instance() const {
    if (instance_) return;
    if (!instance_error_.empty()) fail_runtime(instance_error_);
    try {
      instance_ = std::make_unique<Instance>();
      physical_ = query_physical_devices(*instance_);
    } catch (const Error& e) {
      instance_.reset();
      instance_error_ = std::string("Vulkan is not available: ") + e.what();
      fail_runtime(instance_error_);
    }
  }

  mutable std::recursive_mutex mutex_;
  mutable std::unique_ptr<Instance> instance_;
  mutable std::string instance_error_;
  mutable std::vector<PhysicalDevice> physical_;
  mutable std::map<int, std::unique_ptr<Device>> devices_;
};

double VulkanBackend::copy_gbytes_per_s(int64_t bytes, int iters, int) {
  Device& d = device("");
  throw_if_validation_failed();
  // The same traffic as the workload, split as the workload's dispatches are when it exceeds
  // maxStorageBufferRange (chunking.h), within what one buffer may hold.
  const BufferLimits limits = buffer_limits(d);
  const VkDeviceSize cap = std::min(d.physical().max_buffer, d.physical().max_allocation) / 16 * 16;
  const VkDeviceSize n = std::min<VkDeviceSize>((std::max<int64_t>(bytes, 4096) + 15) / 16 * 16, cap);
  Buffer src(d, n, Buffer::Role::device, "copy source"), dst(d, n, Buffer::Role::device, "copy destination");
  const VariantRow& row = *find_variant("copy__generic__vec4_wg256");
  CommandPool pool(d);
  Fence fence(d);
  std::unique_ptr<QueryPool> queries;
  if (d.physical().timestamp_bits) queries = std::make_unique<QueryPool>(d, 2);
  std::vector<double> seconds;
  {
    Recorder rec(d, pool.handle());
    rec.fill(src, 0x3f800000u);
    shader::CopyPush p{};
    const Pipeline& pl = d.pipelines().get(row.shader, {row.wg[0], row.wg[1], row.wg[2]}, sizeof p);
    if (queries) rec.reset_queries(queries->handle(), 2);
    if (queries) rec.timestamp(queries->handle(), 0);
    const UnitSplit splits[] = {{"copy source", 0, 16}, {"copy destination", 0, 16}};
    for (const Chunk& c : plan_chunks(n / 16, splits, limits, "vec4")) {
      p.count = static_cast<uint32_t>(c.count);
      const Access b[] = {{&src, false, c.first * 16, c.count * 16}, {&dst, true, c.first * 16, c.count * 16}};
      rec.dispatch(pl, b, words(p), {c.count, 1, 1});
    }
    if (queries) rec.timestamp(queries->handle(), 1);
    VkCommandBuffer cmd = rec.finish();
    const uint64_t mask = d.physical().timestamp_bits >= 64 ? ~0ull : ((1ull << d.physical().timestamp_bits) - 1);
    for (int i = 0; i <= std::max(1, iters); ++i) {
      const auto t0 = std::chrono::steady_clock::now();
      submit_and_wait(d, cmd, fence);
      double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      if (queries) {
        uint64_t t[2];
        if (vkGetQueryPoolResults(d.handle(), queries->handle(), 0, 2, sizeof t, t, 8, VK_QUERY_RESULT_64_BIT | VK_QUERY_RESULT_WAIT_BIT) ==
            VK_SUCCESS) {
          s = static_cast<double>(((t[1] & mask) - (t[0] & mask)) & mask) * d.limits().timestampPeriod * 1e-9;
        }
      }
      if (i > 0) seconds.push_back(s);  // run 0 warms up (pipeline compiled at first dispatch)
    }
  }
  d.pipelines().save();
  throw_if_validation_failed();
  std::nth_element(seconds.begin(), seconds.begin() + static_cast<long>(seconds.size() / 2), seconds.end());
  return 2.0 * static_cast<double>(n) / seconds[seconds.size() / 2] / 1e9;
}

}  // namespace
}  // namespace vulkan

std::unique_ptr<Backend> make_vulkan_backend() { return std::make_unique<vulkan::VulkanBackend>(); }

}  // namespace poolkit
