// A VkBuffer with its own memory (RAII). Roles, as Kompute's: |device| buffers hold tensors the
// shaders read and write — placed in device-local memory, and mapped for direct host access when
// that memory is host-visible and coherent (queried, never assumed); |staging| buffers are
// host-visible copies for devices whose device-local memory is not.
#pragma once

#include <vulkan/vulkan.h>

#include <memory>
#include <string>

namespace poolkit::vulkan {

class Device;

class Buffer {
 public:
  enum class Role { device, staging };
  // |what| names the buffer in error messages ("value 'x' [1, 3, 8, 8]"). Sizes are rounded up
  // to 16 bytes (vec4 shaders may touch a whole last vec4; Vulkan forbids empty buffers).
  // Throws Error{runtime} when the size exceeds the device's maxBufferSize, maxMemoryAllocationSize
  // or memory heap, or the allocation fails (VK_ERROR_OUT_OF_DEVICE_MEMORY). The size may exceed
  // maxStorageBufferRange: dispatches bind chunks of such buffers (chunking.h).
  Buffer(Device& device, VkDeviceSize bytes, Role role, const std::string& what, bool map_if_possible = true);
  // A storage buffer over host memory the caller owns and keeps alive while the buffer is used:
  // the whole pages around [data, data + bytes) are imported (VK_EXT_external_memory_host) and
  // offset() locates |data| in the buffer. nullptr when this device cannot import that memory
  // (no extension, no compatible memory type, or limits exceeded): the caller copies instead.
  static std::unique_ptr<Buffer> import_host(Device& device, const void* data, VkDeviceSize bytes);
  ~Buffer();
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;

  VkBuffer handle() const { return buffer_; }
  VkDeviceSize size() const { return size_; }
  void* mapped() const { return mapped_; }  // nullptr when not host-visible (or not mapped)
  VkDeviceSize offset() const { return offset_; }  // of the imported data (0 for allocated buffers)

 private:
  explicit Buffer(Device& device) : device_(device) {}

  Device& device_;
  VkDeviceSize offset_ = 0;
  VkBuffer buffer_ = VK_NULL_HANDLE;
  VkDeviceMemory memory_ = VK_NULL_HANDLE;
  VkDeviceSize size_ = 0;
  void* mapped_ = nullptr;
};

}  // namespace poolkit::vulkan
