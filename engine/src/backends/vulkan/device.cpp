#include "backends/vulkan/device.h"

#include <algorithm>
#include <cctype>
#include <sstream>

#include "backends/vulkan/pipeline.h"
#include "backends/vulkan/vk_check.h"

namespace poolkit::vulkan {
namespace {

std::string version_text(uint32_t v) {
  return std::to_string(VK_API_VERSION_MAJOR(v)) + "." + std::to_string(VK_API_VERSION_MINOR(v)) + "." +
         std::to_string(VK_API_VERSION_PATCH(v));
}

int type_rank(VkPhysicalDeviceType t) {
  switch (t) {
    case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU: return 0;
    case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU: return 1;
    case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU: return 2;
    case VK_PHYSICAL_DEVICE_TYPE_CPU: return 3;
    default: return 4;
  }
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string mib(VkDeviceSize bytes) { return std::to_string(bytes >> 20) + " MiB"; }

bool has_extension(VkPhysicalDevice pd, const char* name) {
  uint32_t n = 0;
  if (vkEnumerateDeviceExtensionProperties(pd, nullptr, &n, nullptr) != VK_SUCCESS) return false;
  std::vector<VkExtensionProperties> ext(n);
  if (vkEnumerateDeviceExtensionProperties(pd, nullptr, &n, ext.data()) < 0) return false;
  for (uint32_t i = 0; i < n; ++i) {
    if (std::string(ext[i].extensionName) == name) return true;
  }
  return false;
}

}  // namespace

std::string PhysicalDevice::type_name() const {
  switch (props.deviceType) {
    case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU: return "discrete gpu";
    case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU: return "integrated gpu";
    case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU: return "virtual gpu";
    case VK_PHYSICAL_DEVICE_TYPE_CPU: return "cpu";
    default: return "other";
  }
}

std::string PhysicalDevice::details() const {
  const VkPhysicalDeviceLimits& l = props.limits;
  std::ostringstream os;
  os << "device " << index << ", Vulkan " << version_text(props.apiVersion) << ", driver version "
     << props.driverVersion << ", vendor 0x" << std::hex << props.vendorID << std::dec << "\n"
     << "    workgroup size max " << l.maxComputeWorkGroupSize[0] << "x" << l.maxComputeWorkGroupSize[1] << "x"
     << l.maxComputeWorkGroupSize[2] << " (" << l.maxComputeWorkGroupInvocations << " invocations), count max "
     << l.maxComputeWorkGroupCount[0] << "x" << l.maxComputeWorkGroupCount[1] << "x" << l.maxComputeWorkGroupCount[2]
     << ", shared memory " << l.maxComputeSharedMemorySize << " B\n"
     << "    storage buffer range " << mib(l.maxStorageBufferRange) << ", max allocation " << mib(max_allocation)
     << ", max buffer " << mib(max_buffer)
     << ", push constants " << l.maxPushConstantsSize << " B, subgroup size " << subgroup_size << "\n"
     << "    memory heaps:";
  for (uint32_t h = 0; h < memory.memoryHeapCount; ++h) {
    os << (h ? "," : "") << " " << mib(memory.memoryHeaps[h].size)
       << ((memory.memoryHeaps[h].flags & VK_MEMORY_HEAP_DEVICE_LOCAL_BIT) ? " device-local" : " host");
  }
  os << "\n    fp16 arithmetic " << (fp16 ? "yes" : "no") << ", int8 arithmetic " << (int8 ? "yes" : "no")
     << ", int64 " << (int64 ? "yes" : "no") << ", host-memory import " << (host_import_alignment ? "yes" : "no") << ", 16-bit storage " << (storage16 ? "yes" : "no") << ", 8-bit storage " << (storage8 ? "yes" : "no")
     << ", timestamps " << (timestamp_bits ? std::to_string(timestamp_bits) + " bits, " : "none")
     << (timestamp_bits ? std::to_string(l.timestampPeriod) + " ns/tick" : "");
  if (queue_family < 0) os << "\n    (unusable: no compute queue)";
  if (props.apiVersion < VK_API_VERSION_1_1) os << "\n    (unusable: poolkit needs Vulkan 1.1)";
  return os.str();
}

std::vector<PhysicalDevice> query_physical_devices(const Instance& instance) {
  std::vector<PhysicalDevice> out;
  int index = 0;
  for (VkPhysicalDevice pd : instance.physical_devices()) {
    PhysicalDevice d;
    d.handle = pd;
    d.index = index++;
    VkPhysicalDeviceSubgroupProperties subgroup{};
    subgroup.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SUBGROUP_PROPERTIES;
    VkPhysicalDeviceExternalMemoryHostPropertiesEXT host{};
    host.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_EXTERNAL_MEMORY_HOST_PROPERTIES_EXT;
    const bool host_import = has_extension(pd, VK_EXT_EXTERNAL_MEMORY_HOST_EXTENSION_NAME);
    if (host_import) subgroup.pNext = &host;
    VkPhysicalDeviceMaintenance4Properties m4{};
    m4.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MAINTENANCE_4_PROPERTIES;
    m4.pNext = &subgroup;
    VkPhysicalDeviceMaintenance3Properties m3{};
    m3.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MAINTENANCE_3_PROPERTIES;
    // maxBufferSize comes with VK_KHR_maintenance4 (the instance asks for Vulkan 1.1, so the
    // extension, not the device's 1.3, is what makes chaining its struct valid).
    const bool maintenance4 = has_extension(pd, VK_KHR_MAINTENANCE_4_EXTENSION_NAME);
    m3.pNext = maintenance4 ? static_cast<void*>(&m4) : static_cast<void*>(&subgroup);
    VkPhysicalDeviceProperties2 props2{};
    props2.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2;
    props2.pNext = &m3;
    vkGetPhysicalDeviceProperties(pd, &d.props);
    if (d.props.apiVersion >= VK_API_VERSION_1_1) {
      vkGetPhysicalDeviceProperties2(pd, &props2);
      d.subgroup_size = subgroup.subgroupSize;
      d.max_allocation = m3.maxMemoryAllocationSize;
      d.max_buffer = maintenance4 ? m4.maxBufferSize : d.max_allocation;
      if (host_import) d.host_import_alignment = std::max<VkDeviceSize>(1, host.minImportedHostPointerAlignment);
      VkPhysicalDeviceShaderFloat16Int8Features f16{};
      f16.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_FLOAT16_INT8_FEATURES;
      VkPhysicalDevice8BitStorageFeatures s8{};
      s8.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_8BIT_STORAGE_FEATURES;
      s8.pNext = &f16;
      VkPhysicalDevice16BitStorageFeatures s16{};
      s16.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_16BIT_STORAGE_FEATURES;
      s16.pNext = &s8;
      VkPhysicalDeviceFeatures2 f2{};
      f2.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2;
      f2.pNext = &s16;
      vkGetPhysicalDeviceFeatures2(pd, &f2);
      d.int64 = f2.features.shaderInt64;
      d.fp16 = f16.shaderFloat16;
      d.int8 = f16.shaderInt8;
      d.storage16 = s16.storageBuffer16BitAccess;
      d.storage8 = s8.storageBuffer8BitAccess;
    } else {
      d.max_allocation = d.props.limits.maxStorageBufferRange;
      d.max_buffer = d.max_allocation;
    }
    vkGetPhysicalDeviceMemoryProperties(pd, &d.memory);
    uint32_t nq = 0;
    vkGetPhysicalDeviceQueueFamilyProperties(pd, &nq, nullptr);
    std::vector<VkQueueFamilyProperties> families(nq);
    vkGetPhysicalDeviceQueueFamilyProperties(pd, &nq, families.data());
    for (uint32_t q = 0; q < nq; ++q) {
      if (families[q].queueFlags & VK_QUEUE_COMPUTE_BIT) {
        d.queue_family = static_cast<int>(q);
        d.timestamp_bits = families[q].timestampValidBits;
        break;
      }
    }
    out.push_back(d);
  }
  return out;
}

const PhysicalDevice& choose_physical_device(const std::vector<PhysicalDevice>& devices, const std::string& choice) {
  std::string names;
  for (const auto& d : devices) names += (names.empty() ? "" : ", ") + std::to_string(d.index) + ": " + d.props.deviceName;
  if (devices.empty()) fail_runtime("no Vulkan device found (the Vulkan driver lists none)");
  const PhysicalDevice* best = nullptr;
  const bool by_index = !choice.empty() && std::all_of(choice.begin(), choice.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
  for (const auto& d : devices) {
    if (by_index) {
      if (std::to_string(d.index) == choice) best = &d;
      continue;
    }
    if (!choice.empty() && lower(d.props.deviceName).find(lower(choice)) == std::string::npos) continue;
    if (!d.usable()) continue;
    if (!best || type_rank(d.props.deviceType) < type_rank(best->props.deviceType)) best = &d;
  }
  if (!best) {
    fail_runtime(choice.empty() ? "no usable Vulkan device (Vulkan 1.1 with a compute queue) among: " + names
                                : "no Vulkan device matches --device '" + choice + "' (devices: " + names + ")");
  }
  if (!best->usable()) {
    fail_runtime("Vulkan device '" + std::string(best->props.deviceName) + "' is unusable (poolkit needs Vulkan 1.1 and a compute queue)");
  }
  return *best;
}

Device::Device(const Instance& instance, const PhysicalDevice& physical) : physical_(physical) {
  (void)instance;
  const float priority = 1.0f;
  VkDeviceQueueCreateInfo queue_info{};
  queue_info.sType = VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO;
  queue_info.queueFamilyIndex = queue_family();
  queue_info.queueCount = 1;
  queue_info.pQueuePriorities = &priority;
  VkPhysicalDeviceFeatures features{};
  features.shaderInt64 = physical_.int64 ? VK_TRUE : VK_FALSE;
  std::vector<const char*> extensions;
  if (physical_.host_import_alignment) extensions.push_back(VK_EXT_EXTERNAL_MEMORY_HOST_EXTENSION_NAME);
  VkDeviceCreateInfo info{};
  info.sType = VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO;
  info.pEnabledFeatures = &features;
  info.enabledExtensionCount = static_cast<uint32_t>(extensions.size());
  info.ppEnabledExtensionNames = extensions.data();
  info.queueCreateInfoCount = 1;
  info.pQueueCreateInfos = &queue_info;
  vk_check(vkCreateDevice(physical_.handle, &info, nullptr, &device_), "vkCreateDevice");
  vkGetDeviceQueue(device_, queue_family(), 0, &queue_);
  if (physical_.host_import_alignment) {
    host_pointer_properties_ = reinterpret_cast<PFN_vkGetMemoryHostPointerPropertiesEXT>(
        vkGetDeviceProcAddr(device_, "vkGetMemoryHostPointerPropertiesEXT"));
  }
  const VkMemoryPropertyFlags direct = VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT | VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT |
                                       VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
  // Unified when the first device-local type (the one buffers would get) is host-visible too.
  for (uint32_t t = 0; t < physical_.memory.memoryTypeCount; ++t) {
    const VkMemoryPropertyFlags f = physical_.memory.memoryTypes[t].propertyFlags;
    if (f & VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT) {
      unified_ = (f & direct) == direct;
      break;
    }
  }
  try {
    pipelines_ = std::make_unique<PipelineCache>(*this);
  } catch (...) {
    vkDestroyDevice(device_, nullptr);
    throw;
  }
}

Device::~Device() {
  if (device_ != VK_NULL_HANDLE) vkDeviceWaitIdle(device_);
  pipelines_.reset();
  vkDestroyDevice(device_, nullptr);
}

uint32_t Device::host_pointer_memory_types(const void* pointer) const {
  if (!host_pointer_properties_) return 0;
  VkMemoryHostPointerPropertiesEXT props{};
  props.sType = VK_STRUCTURE_TYPE_MEMORY_HOST_POINTER_PROPERTIES_EXT;
  if (host_pointer_properties_(device_, VK_EXTERNAL_MEMORY_HANDLE_TYPE_HOST_ALLOCATION_BIT_EXT, pointer, &props) != VK_SUCCESS) return 0;
  return props.memoryTypeBits;
}

int Device::memory_type(uint32_t type_bits, VkMemoryPropertyFlags required, VkMemoryPropertyFlags preferred) const {
  int best = -1;
  int best_score = -1;
  for (uint32_t t = 0; t < physical_.memory.memoryTypeCount; ++t) {
    if (!(type_bits & (1u << t))) continue;
    const VkMemoryPropertyFlags f = physical_.memory.memoryTypes[t].propertyFlags;
    if ((f & required) != required) continue;
    const int score = __builtin_popcount(f & preferred);
    if (score > best_score) {
      best = static_cast<int>(t);
      best_score = score;
    }
  }
  return best;
}

}  // namespace poolkit::vulkan
