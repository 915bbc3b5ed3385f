#include "backends/vulkan/buffer.h"

#include "backends/vulkan/device.h"
#include "backends/vulkan/vk_check.h"

namespace poolkit::vulkan {

Buffer::Buffer(Device& device, VkDeviceSize bytes, Role role, const std::string& what, bool map_if_possible)
    : device_(device), size_((std::max<VkDeviceSize>(bytes, 16) + 15) / 16 * 16) {
  // A buffer may exceed maxStorageBufferRange (dispatches then bind chunks of it, chunking.h),
  // but not what one buffer or one allocation can be.
  if (size_ > device.physical().max_buffer) {
    fail_runtime(what + " needs " + std::to_string(bytes) + " bytes, more than this Vulkan device's maxBufferSize (" +
                 std::to_string(device.physical().max_buffer) + " bytes)");
  }
  if (size_ > device.physical().max_allocation) {
    fail_runtime(what + " needs " + std::to_string(bytes) + " bytes, more than this Vulkan device's maxMemoryAllocationSize (" +
                 std::to_string(device.physical().max_allocation) + " bytes)");
  }
  VkBufferCreateInfo info{};
  info.sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO;
  info.size = size_;
  info.usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | VK_BUFFER_USAGE_TRANSFER_SRC_BIT | VK_BUFFER_USAGE_TRANSFER_DST_BIT;
  info.sharingMode = VK_SHARING_MODE_EXCLUSIVE;
  vk_check(vkCreateBuffer(device.handle(), &info, nullptr, &buffer_), "vkCreateBuffer");
  try {
    VkMemoryRequirements req;
    vkGetBufferMemoryRequirements(device.handle(), buffer_, &req);
    const VkMemoryPropertyFlags host = VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
    int type = role == Role::staging
                   ? device.memory_type(req.memoryTypeBits, host, VK_MEMORY_PROPERTY_HOST_CACHED_BIT)
                   : device.memory_type(req.memoryTypeBits, VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT, host);
    if (type < 0 && role == Role::device) type = device.memory_type(req.memoryTypeBits, 0, host);
    if (type < 0) fail_runtime(what + ": no suitable Vulkan memory type");
    // A heap smaller than the request would only fail later, less clearly.
    const uint32_t heap = device.physical().memory.memoryTypes[type].heapIndex;
    if (req.size > device.physical().memory.memoryHeaps[heap].size) {
      fail_runtime(what + " needs " + std::to_string(req.size) + " bytes, more than the Vulkan memory heap holds (" +
                   std::to_string(device.physical().memory.memoryHeaps[heap].size) + " bytes)");
    }
    if (req.size > device.physical().max_allocation) {  // alignment padding can push it over
      fail_runtime(what + " needs " + std::to_string(req.size) + " bytes of memory, more than this Vulkan device's maxMemoryAllocationSize (" +
                   std::to_string(device.physical().max_allocation) + " bytes)");
    }
    VkMemoryAllocateInfo alloc{};
    alloc.sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO;
    alloc.allocationSize = req.size;
    alloc.memoryTypeIndex = static_cast<uint32_t>(type);
    const VkResult r = vkAllocateMemory(device.handle(), &alloc, nullptr, &memory_);
    if (r != VK_SUCCESS) {
      fail_runtime(what + ": vkAllocateMemory of " + std::to_string(req.size) + " bytes: " + result_name(r));
    }
    vk_check(vkBindBufferMemory(device.handle(), buffer_, memory_, 0), "vkBindBufferMemory");
    const VkMemoryPropertyFlags flags = device.physical().memory.memoryTypes[type].propertyFlags;
    if (map_if_possible && (flags & host) == host) {
      vk_check(vkMapMemory(device.handle(), memory_, 0, VK_WHOLE_SIZE, 0, &mapped_), "vkMapMemory");
    }
  } catch (...) {
    if (memory_ != VK_NULL_HANDLE) vkFreeMemory(device.handle(), memory_, nullptr);
    vkDestroyBuffer(device.handle(), buffer_, nullptr);
    throw;
  }
}

std::unique_ptr<Buffer> Buffer::import_host(Device& device, const void* data, VkDeviceSize bytes) {
  const VkDeviceSize align = device.physical().host_import_alignment;
  if (!align || !data || bytes == 0) return nullptr;
  const uintptr_t begin = reinterpret_cast<uintptr_t>(data) / align * align;
  const uintptr_t end = (reinterpret_cast<uintptr_t>(data) + bytes + align - 1) / align * align;
  const VkDeviceSize size = end - begin;
  if (size > device.physical().max_buffer || size > device.physical().max_allocation) return nullptr;
  void* base = reinterpret_cast<void*>(begin);
  const uint32_t types = device.host_pointer_memory_types(base);
  const VkMemoryPropertyFlags host = VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
  std::unique_ptr<Buffer> b(new Buffer(device));
  b->size_ = size;
  b->offset_ = reinterpret_cast<uintptr_t>(data) - begin;
  VkExternalMemoryBufferCreateInfo external{};
  external.sType = VK_STRUCTURE_TYPE_EXTERNAL_MEMORY_BUFFER_CREATE_INFO;
  external.handleTypes = VK_EXTERNAL_MEMORY_HANDLE_TYPE_HOST_ALLOCATION_BIT_EXT;
  VkBufferCreateInfo info{};
  info.sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO;
  info.pNext = &external;
  info.size = size;
  info.usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | VK_BUFFER_USAGE_TRANSFER_SRC_BIT | VK_BUFFER_USAGE_TRANSFER_DST_BIT;
  info.sharingMode = VK_SHARING_MODE_EXCLUSIVE;
  if (vkCreateBuffer(device.handle(), &info, nullptr, &b->buffer_) != VK_SUCCESS) {
    b->buffer_ = VK_NULL_HANDLE;
    return nullptr;  // the destructor ignores null handles
  }
  VkMemoryRequirements req;
  vkGetBufferMemoryRequirements(device.handle(), b->buffer_, &req);
  const int type = device.memory_type(req.memoryTypeBits & types, host, 0);
  if (type < 0 || req.size > size) return nullptr;
  VkImportMemoryHostPointerInfoEXT import{};
  import.sType = VK_STRUCTURE_TYPE_IMPORT_MEMORY_HOST_POINTER_INFO_EXT;
  import.handleType = VK_EXTERNAL_MEMORY_HANDLE_TYPE_HOST_ALLOCATION_BIT_EXT;
  import.pHostPointer = base;
  VkMemoryAllocateInfo alloc{};
  alloc.sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO;
  alloc.pNext = &import;
  alloc.allocationSize = size;
  alloc.memoryTypeIndex = static_cast<uint32_t>(type);
  if (vkAllocateMemory(device.handle(), &alloc, nullptr, &b->memory_) != VK_SUCCESS) {
    b->memory_ = VK_NULL_HANDLE;
    return nullptr;
  }
  if (vkBindBufferMemory(device.handle(), b->buffer_, b->memory_, 0) != VK_SUCCESS) return nullptr;
  return b;
}

Buffer::~Buffer() {
  if (mapped_) vkUnmapMemory(device_.handle(), memory_);
  vkDestroyBuffer(device_.handle(), buffer_, nullptr);
  vkFreeMemory(device_.handle(), memory_, nullptr);
}

}  // namespace poolkit::vulkan
