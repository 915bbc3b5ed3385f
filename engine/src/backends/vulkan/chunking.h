// Splitting one op's work into dispatches whose bound buffer ranges each fit the device's
// maxStorageBufferRange (128 MiB on lavapipe; P6's 411 MB input is larger). Every op the backend
// runs is independent per unit of some outer dimension — an (n, c) plane for pooling and relu, a
// batch item or a group of output channels for conv2d — so a chunk is a run of whole units, and
// each tensor binding of the chunk covers that run's bytes of its buffer:
//
//   offset = base + first * unit_bytes,   range = count * unit_bytes
//
// Chunk starts must land on minStorageBufferOffsetAlignment. A unit larger than the range, or a
// split no aligned start allows, is an Error{runtime} naming the tensor: the shaders are never
// asked to cross a binding.
#pragma once

#include <vulkan/vulkan.h>

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace poolkit::vulkan {

class Device;

struct BufferLimits {
  VkDeviceSize storage_range = 0;     // bytes one storage-buffer binding may cover (a multiple of 16)
  VkDeviceSize offset_alignment = 1;  // minStorageBufferOffsetAlignment
};

// The device's limits, with POOLKIT_VK_MAX_STORAGE_RANGE=<bytes> (if set, and smaller) capping the
// range: tests use it to exercise the chunked paths on small tensors.
BufferLimits buffer_limits(const Device& device);

// One binding that follows the chunks: |unit_bytes| per unit, unit 0 at byte |base| of its buffer.
struct UnitSplit {
  std::string what;  // "value 'x' [32, 64, 224, 224]", for error messages
  VkDeviceSize base = 0;
  VkDeviceSize unit_bytes = 0;
};

struct Chunk {
  uint64_t first = 0;
  uint64_t count = 0;
};

// Chunks covering units [0, units) in order: one chunk when everything fits; else as few chunks
// of near-equal size as the range allows, each starting at an aligned offset in every split.
// |unit| names the unit in error messages ("plane", "batch item", ...).
std::vector<Chunk> plan_chunks(uint64_t units, std::span<const UnitSplit> splits, const BufferLimits& limits,
                               const std::string& unit);

}  // namespace poolkit::vulkan
