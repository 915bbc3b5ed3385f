// Physical-device discovery and choice, and the logical Device poolkit runs on: one compute queue,
// the limits the planner checks (workgroup size and count, storage buffer range, allocation
// size), the memory types buffers are placed in, and the pipeline cache. No vendor assumptions:
// everything comes from the device's own properties.
#pragma once

#include <vulkan/vulkan.h>

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "backends/vulkan/instance.h"

namespace poolkit::vulkan {

class PipelineCache;

struct PhysicalDevice {
  VkPhysicalDevice handle = VK_NULL_HANDLE;
  int index = 0;  // position in vkEnumeratePhysicalDevices (the "N" of --device N)
  VkPhysicalDeviceProperties props{};
  VkPhysicalDeviceMemoryProperties memory{};
  uint32_t subgroup_size = 0;
  VkDeviceSize max_allocation = 0;  // VkPhysicalDeviceMaintenance3Properties
  VkDeviceSize max_buffer = 0;      // VkPhysicalDeviceMaintenance4Properties (Vulkan 1.3), else max_allocation
  int queue_family = -1;            // first family with compute, -1 if none
  uint32_t timestamp_bits = 0;      // of that family; 0: no timestamps
  bool fp16 = false, int8 = false, storage16 = false, storage8 = false;
  bool int64 = false;  // shaderInt64: enabled on the Device when present (64-bit-wide loads)
  // VK_EXT_external_memory_host: buffers over host allocations (zero-copy inputs and outputs on
  // unified memory); 0 when absent, else minImportedHostPointerAlignment.
  VkDeviceSize host_import_alignment = 0;

  std::string type_name() const;  // "discrete gpu", "integrated gpu", "virtual gpu", "cpu", "other"
  std::string details() const;    // multi-line: API, driver, limits, memory, fp16/int8
  bool usable() const { return queue_family >= 0 && props.apiVersion >= VK_API_VERSION_1_1; }
};

std::vector<PhysicalDevice> query_physical_devices(const Instance& instance);

// |choice|: "" (prefer discrete > integrated > virtual > cpu), an index "N", or a case-insensitive
// substring of the device name. Throws Error{runtime} when nothing usable matches.
const PhysicalDevice& choose_physical_device(const std::vector<PhysicalDevice>& devices,
                                             const std::string& choice);

class Device {
 public:
  Device(const Instance& instance, const PhysicalDevice& physical);
  ~Device();
  Device(const Device&) = delete;
  Device& operator=(const Device&) = delete;

  VkDevice handle() const { return device_; }
  VkQueue queue() const { return queue_; }
  uint32_t queue_family() const { return static_cast<uint32_t>(physical_.queue_family); }
  const PhysicalDevice& physical() const { return physical_; }
  const VkPhysicalDeviceLimits& limits() const { return physical_.props.limits; }
  std::mutex& queue_mutex() { return queue_mutex_; }
  PipelineCache& pipelines() { return *pipelines_; }

  // A memory type index allowed by |type_bits| that has all of |required| (and as many of
  // |preferred| as possible); -1 if none.
  int memory_type(uint32_t type_bits, VkMemoryPropertyFlags required, VkMemoryPropertyFlags preferred) const;
  // Whether device-local memory is also host-visible and coherent (lavapipe, integrated GPUs):
  // then buffers are mapped directly and staging is skipped.
  bool unified_memory() const { return unified_; }
  // The memory types a host allocation at |pointer| can be imported as (0: it cannot), through
  // VK_EXT_external_memory_host; 0 when the device lacks the extension.
  uint32_t host_pointer_memory_types(const void* pointer) const;

 private:
  PhysicalDevice physical_;
  VkDevice device_ = VK_NULL_HANDLE;
  VkQueue queue_ = VK_NULL_HANDLE;
  std::mutex queue_mutex_;
  bool unified_ = false;
  PFN_vkGetMemoryHostPointerPropertiesEXT host_pointer_properties_ = nullptr;
  std::unique_ptr<PipelineCache> pipelines_;
};

}  // namespace poolkit::vulkan
