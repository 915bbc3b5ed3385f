// Records one command buffer for a whole graph run (ncnn's VkCompute, Kompute's Sequence):
// transfers, dispatches and timestamps, with the barriers derived from tracked buffer use — each
// buffer remembers its last write and the reads since, and a command that would read after a
// write, or write after a read or write, gets exactly the buffer barrier it needs.
//
// A dispatch larger than maxComputeWorkGroupCount in any dimension is split into several, each
// told its first invocation through the PK_DISPATCH_BASE words at the start of its push
// constants (shaders/common/interface_common.h).
#pragma once

#include <vulkan/vulkan.h>

#include <array>
#include <map>
#include <span>
#include <vector>

#include "backends/vulkan/buffer.h"
#include "backends/vulkan/pipeline.h"

namespace poolkit::vulkan {

class Device;

// A buffer a command touches. Dispatches bind [offset, offset + range) of it (a chunk of a
// tensor larger than maxStorageBufferRange, see chunking.h); barriers cover the whole buffer.
struct Access {
  const Buffer* buffer;
  bool write;
  VkDeviceSize offset = 0;
  VkDeviceSize range = VK_WHOLE_SIZE;
};

class Recorder {
 public:
  // Allocates a primary command buffer from |pool| (owned by the caller) and begins recording.
  Recorder(Device& device, VkCommandPool pool);
  ~Recorder();  // frees the descriptor pools; the command buffer goes with its pool
  Recorder(const Recorder&) = delete;
  Recorder& operator=(const Recorder&) = delete;

  void fill(const Buffer& buffer, uint32_t value);
  void copy(const Buffer& src, const Buffer& dst, VkDeviceSize bytes);
  // |bindings[i]| is bound at binding i (its offset and range). |push| starts with the 3
  // dispatch-base words.
  void dispatch(const Pipeline& pipeline, std::span<const Access> bindings, std::vector<uint32_t> push,
                std::array<uint64_t, 3> invocations);
  void reset_queries(VkQueryPool pool, uint32_t count);
  void timestamp(VkQueryPool pool, uint32_t query);
  // Makes the last writes to |buffers| visible to the host (after the fence).
  void host_read(std::span<const Buffer* const> buffers);
  VkCommandBuffer finish();  // ends recording; the buffer may be submitted any number of times

  int dispatch_count() const { return dispatches_; }

 private:
  struct State {
    VkPipelineStageFlags write_stage = 0;
    VkAccessFlags write_access = 0;
    VkPipelineStageFlags visible = 0;      // stages the last write was made visible to
    VkPipelineStageFlags read_stages = 0;  // stages that read since the last write
  };
  void use(std::span<const Access> accesses, VkPipelineStageFlags stage, VkAccessFlags read, VkAccessFlags write);
  VkDescriptorSet allocate_set(VkDescriptorSetLayout layout, uint32_t bindings);

  Device& device_;
  VkCommandBuffer cmd_ = VK_NULL_HANDLE;
  std::map<VkBuffer, State> states_;
  std::vector<VkDescriptorPool> pools_;
  uint32_t sets_left_ = 0;
  int dispatches_ = 0;
};

}  // namespace poolkit::vulkan
