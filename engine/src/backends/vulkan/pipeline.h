// Compute pipelines: SPIR-V + specialization constants -> VkPipeline, cached by (shader,
// constants) for the life of the Device, and through a VkPipelineCache persisted on disk in
// $XDG_CACHE_HOME/poolkit (or ~/.cache/poolkit) — lavapipe compiles each pipeline at first use
// (5-50 ms), so the second process starts warm. Failing to read or write that file is silent
// and harmless: the cache is an optimization only.
#pragma once

#include <vulkan/vulkan.h>

#include <array>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include "backends/vulkan/shader_table.h"

namespace poolkit::vulkan {

class Device;

// Specialization constants by id: [0..2] the workgroup size, then the family's (see
// shaders/*_interface.h). Unused ids are ignored by the driver.
using SpecConstants = std::vector<uint32_t>;

struct Pipeline {
  ShaderId shader;
  std::array<uint32_t, 3> workgroup;
  uint32_t bindings;
  uint32_t push_bytes;
  VkPipeline pipeline = VK_NULL_HANDLE;
  VkPipelineLayout layout = VK_NULL_HANDLE;     // owned by the PipelineCache
  VkDescriptorSetLayout set_layout = VK_NULL_HANDLE;  // owned by the PipelineCache
};

class PipelineCache {
 public:
  explicit PipelineCache(Device& device);
  ~PipelineCache();  // saves the on-disk cache if pipelines were created
  PipelineCache(const PipelineCache&) = delete;
  PipelineCache& operator=(const PipelineCache&) = delete;

  // |constants| must start with the workgroup size. The push-constant range is |push_bytes|.
  const Pipeline& get(ShaderId shader, const SpecConstants& constants, uint32_t push_bytes);
  void save();  // writes the VkPipelineCache to disk (atomically; errors ignored)

 private:
  VkDescriptorSetLayout set_layout(uint32_t bindings);
  VkPipelineLayout layout(uint32_t bindings, uint32_t push_bytes);

  Device& device_;
  std::mutex mutex_;
  VkPipelineCache cache_ = VK_NULL_HANDLE;
  bool dirty_ = false;
  std::map<uint32_t, VkDescriptorSetLayout> set_layouts_;
  std::map<std::pair<uint32_t, uint32_t>, VkPipelineLayout> layouts_;
  std::map<std::pair<ShaderId, SpecConstants>, std::unique_ptr<Pipeline>> pipelines_;
  std::map<ShaderId, VkShaderModule> modules_;
};

}  // namespace poolkit::vulkan
