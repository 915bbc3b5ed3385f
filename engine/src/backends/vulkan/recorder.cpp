#include "backends/vulkan/recorder.h"

#include <algorithm>
#include <cstring>

#include "backends/vulkan/device.h"
#include "backends/vulkan/vk_check.h"

namespace poolkit::vulkan {
namespace {
constexpr uint32_t kSetsPerPool = 64;
constexpr uint32_t kMaxBindings = 8;
}  // namespace

Recorder::Recorder(Device& device, VkCommandPool pool) : device_(device) {
  VkCommandBufferAllocateInfo alloc{};
  alloc.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO;
  alloc.commandPool = pool;
  alloc.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
  alloc.commandBufferCount = 1;
  vk_check(vkAllocateCommandBuffers(device.handle(), &alloc, &cmd_), "vkAllocateCommandBuffers");
  VkCommandBufferBeginInfo begin{};
  begin.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO;
  vk_check(vkBeginCommandBuffer(cmd_, &begin), "vkBeginCommandBuffer");
  // The buffer is submitted again and again: order this run after everything the previous run
  // did to the same buffers (the host waited for its fence, but the device-side hazard between
  // two submissions still needs a dependency).
  VkMemoryBarrier all{};
  all.sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER;
  all.srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT | VK_ACCESS_TRANSFER_WRITE_BIT;
  all.dstAccessMask = VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT | VK_ACCESS_TRANSFER_READ_BIT |
                      VK_ACCESS_TRANSFER_WRITE_BIT;
  const VkPipelineStageFlags stages = VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT;
  vkCmdPipelineBarrier(cmd_, stages, stages, 0, 1, &all, 0, nullptr, 0, nullptr);
}

Recorder::~Recorder() {
  for (VkDescriptorPool p : pools_) vkDestroyDescriptorPool(device_.handle(), p, nullptr);
}

void Recorder::use(std::span<const Access> accesses, VkPipelineStageFlags stage, VkAccessFlags read, VkAccessFlags write) {
  // One access per buffer: a buffer bound twice (a dummy binding) counts as written if either is.
  std::map<VkBuffer, bool> merged;
  for (const Access& a : accesses) merged[a.buffer->handle()] |= a.write;
  std::vector<VkBufferMemoryBarrier> barriers;
  VkPipelineStageFlags src = 0;
  for (const auto& [buffer, writes] : merged) {
    State& s = states_[buffer];
    VkAccessFlags src_access = 0;
    VkPipelineStageFlags src_stage = 0;
    if (writes) {
      // write-after-write (memory dependency) and write-after-read (execution dependency)
      if (s.write_stage) src_stage |= s.write_stage, src_access |= s.write_access;
      src_stage |= s.read_stages;
    } else if (s.write_stage && !(s.visible & stage)) {
      src_stage |= s.write_stage, src_access |= s.write_access;  // read-after-write
    }
    if (src_stage) {
      VkBufferMemoryBarrier b{};
      b.sType = VK_STRUCTURE_TYPE_BUFFER_MEMORY_BARRIER;
      b.srcAccessMask = src_access;
      b.dstAccessMask = writes ? (read | write) : read;
      b.srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
      b.dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
      b.buffer = buffer;
      b.offset = 0;
      b.size = VK_WHOLE_SIZE;
      barriers.push_back(b);
      src |= src_stage;
    }
    if (writes) {
      s = State{stage, write, 0, 0};
    } else {
      s.read_stages |= stage;
      s.visible |= stage;  // the last write is now visible to this stage: later reads need nothing
    }
  }
  if (!barriers.empty()) {
    vkCmdPipelineBarrier(cmd_, src, stage, 0, 0, nullptr, static_cast<uint32_t>(barriers.size()), barriers.data(), 0,
                         nullptr);
  }
}

void Recorder::fill(const Buffer& buffer, uint32_t value) {
  const Access a{&buffer, true};
  use({&a, 1}, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_ACCESS_TRANSFER_READ_BIT, VK_ACCESS_TRANSFER_WRITE_BIT);
  vkCmdFillBuffer(cmd_, buffer.handle(), 0, VK_WHOLE_SIZE, value);
}

void Recorder::copy(const Buffer& src, const Buffer& dst, VkDeviceSize bytes) {
  const Access a[] = {{&src, false}, {&dst, true}};
  use(a, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_ACCESS_TRANSFER_READ_BIT, VK_ACCESS_TRANSFER_WRITE_BIT);
  const VkBufferCopy region{0, 0, std::max<VkDeviceSize>(16, (bytes + 15) / 16 * 16)};
  vkCmdCopyBuffer(cmd_, src.handle(), dst.handle(), 1, &region);
}

VkDescriptorSet Recorder::allocate_set(VkDescriptorSetLayout layout, uint32_t bindings) {
  if (bindings > kMaxBindings) fail_runtime("internal error: shader with more than 8 bindings");
  if (sets_left_ == 0) {
    VkDescriptorPoolSize size{VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, kSetsPerPool * kMaxBindings};
    VkDescriptorPoolCreateInfo info{};
    info.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO;
    info.maxSets = kSetsPerPool;
    info.poolSizeCount = 1;
    info.pPoolSizes = &size;
    VkDescriptorPool pool;
    vk_check(vkCreateDescriptorPool(device_.handle(), &info, nullptr, &pool), "vkCreateDescriptorPool");
    pools_.push_back(pool);
    sets_left_ = kSetsPerPool;
  }
  VkDescriptorSetAllocateInfo alloc{};
  alloc.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO;
  alloc.descriptorPool = pools_.back();
  alloc.descriptorSetCount = 1;
  alloc.pSetLayouts = &layout;
  VkDescriptorSet set;
  vk_check(vkAllocateDescriptorSets(device_.handle(), &alloc, &set), "vkAllocateDescriptorSets");
  --sets_left_;
  return set;
}

void Recorder::dispatch(const Pipeline& pipeline, std::span<const Access> bindings, std::vector<uint32_t> push,
                        std::array<uint64_t, 3> invocations) {
  if (bindings.size() != pipeline.bindings) fail_runtime("internal error: binding count mismatch");
  if (push.size() * 4 != pipeline.push_bytes || push.size() < 3) fail_runtime("internal error: push constant size mismatch");
  for (uint64_t n : invocations) {
    if (n == 0) return;  // an empty tensor: nothing to do
  }
  VkDescriptorSet set = allocate_set(pipeline.set_layout, pipeline.bindings);
  std::vector<VkDescriptorBufferInfo> infos(bindings.size());
  std::vector<VkWriteDescriptorSet> writes(bindings.size());
  for (size_t i = 0; i < bindings.size(); ++i) {
    infos[i] = {bindings[i].buffer->handle(), bindings[i].offset, bindings[i].range};
    writes[i] = {};
    writes[i].sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET;
    writes[i].dstSet = set;
    writes[i].dstBinding = static_cast<uint32_t>(i);
    writes[i].descriptorCount = 1;
    writes[i].descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
    writes[i].pBufferInfo = &infos[i];
  }
  vkUpdateDescriptorSets(device_.handle(), static_cast<uint32_t>(writes.size()), writes.data(), 0, nullptr);
  vkCmdBindPipeline(cmd_, VK_PIPELINE_BIND_POINT_COMPUTE, pipeline.pipeline);
  vkCmdBindDescriptorSets(cmd_, VK_PIPELINE_BIND_POINT_COMPUTE, pipeline.layout, 0, 1, &set, 0, nullptr);

  const uint32_t* max_count = device_.limits().maxComputeWorkGroupCount;
  uint64_t groups[3];
  for (int d = 0; d < 3; ++d) groups[d] = (invocations[d] + pipeline.workgroup[d] - 1) / pipeline.workgroup[d];
  for (uint64_t bz = 0; bz < groups[2]; bz += max_count[2]) {
    for (uint64_t by = 0; by < groups[1]; by += max_count[1]) {
      for (uint64_t bx = 0; bx < groups[0]; bx += max_count[0]) {
        // Every chunk is its own access for the tracker: synchronization validation cannot know
        // that chunks write disjoint elements, so consecutive chunks are ordered by barriers.
        use(bindings, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_ACCESS_SHADER_READ_BIT, VK_ACCESS_SHADER_WRITE_BIT);
        push[0] = static_cast<uint32_t>(bx * pipeline.workgroup[0]);
        push[1] = static_cast<uint32_t>(by * pipeline.workgroup[1]);
        push[2] = static_cast<uint32_t>(bz * pipeline.workgroup[2]);
        vkCmdPushConstants(cmd_, pipeline.layout, VK_SHADER_STAGE_COMPUTE_BIT, 0, pipeline.push_bytes, push.data());
        vkCmdDispatch(cmd_, static_cast<uint32_t>(std::min<uint64_t>(groups[0] - bx, max_count[0])),
                      static_cast<uint32_t>(std::min<uint64_t>(groups[1] - by, max_count[1])),
                      static_cast<uint32_t>(std::min<uint64_t>(groups[2] - bz, max_count[2])));
        ++dispatches_;
      }
    }
  }
}

void Recorder::reset_queries(VkQueryPool pool, uint32_t count) { vkCmdResetQueryPool(cmd_, pool, 0, count); }

void Recorder::timestamp(VkQueryPool pool, uint32_t query) {
  vkCmdWriteTimestamp(cmd_, VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT, pool, query);
}

void Recorder::host_read(std::span<const Buffer* const> buffers) {
  std::vector<Access> a;
  for (const Buffer* b : buffers) a.push_back({b, false});
  use(a, VK_PIPELINE_STAGE_HOST_BIT, VK_ACCESS_HOST_READ_BIT, 0);
}

VkCommandBuffer Recorder::finish() {
  vk_check(vkEndCommandBuffer(cmd_), "vkEndCommandBuffer");
  return cmd_;
}

}  // namespace poolkit::vulkan
