#include "backends/vulkan/chunking.h"

#include <algorithm>
#include <cstdlib>
#include <numeric>

#include "backends/vulkan/device.h"
#include "poolkit/errors.h"

namespace poolkit::vulkan {

BufferLimits buffer_limits(const Device& device) {
  BufferLimits l;
  l.storage_range = device.limits().maxStorageBufferRange;
  if (const char* cap = std::getenv("POOLKIT_VK_MAX_STORAGE_RANGE"); cap && *cap) {
    char* end = nullptr;
    const unsigned long long v = std::strtoull(cap, &end, 10);
    if (*end != '\0' || v < 16) fail_runtime("POOLKIT_VK_MAX_STORAGE_RANGE='" + std::string(cap) + "': expected a byte count >= 16");
    l.storage_range = std::min<VkDeviceSize>(l.storage_range, v);
  }
  l.storage_range = l.storage_range / 16 * 16;  // vec4 bindings cover whole vec4s
  l.offset_alignment = std::max<VkDeviceSize>(1, device.limits().minStorageBufferOffsetAlignment);
  return l;
}

std::vector<Chunk> plan_chunks(uint64_t units, std::span<const UnitSplit> splits, const BufferLimits& limits,
                               const std::string& unit) {
  if (units == 0) return {};
  const VkDeviceSize range = limits.storage_range, align = limits.offset_alignment;
  uint64_t per_chunk = units;  // the most units one chunk can hold
  uint64_t step = 1;           // chunk starts are multiples of |step| units: aligned in every split
  for (const UnitSplit& s : splits) {
    if (s.unit_bytes == 0) continue;
    if (s.unit_bytes > range) {
      fail_runtime(s.what + ": one " + unit + " (" + std::to_string(s.unit_bytes) +
                   " bytes) exceeds this Vulkan device's maxStorageBufferRange (" + std::to_string(range) +
                   " bytes), and the Vulkan backend splits work only at " + unit + " boundaries");
    }
    per_chunk = std::min<uint64_t>(per_chunk, range / s.unit_bytes);
    step = std::lcm(step, align / std::gcd(align, s.unit_bytes));
  }
  if (per_chunk >= units) return {{0, units}};
  for (const UnitSplit& s : splits) {
    if (s.unit_bytes && s.base % align != 0) {
      fail_runtime(s.what + " starts at byte " + std::to_string(s.base) + " of its buffer, not a multiple of this Vulkan device's "
                   "minStorageBufferOffsetAlignment (" + std::to_string(align) + "): it cannot be split to fit maxStorageBufferRange");
    }
  }
  per_chunk = per_chunk / step * step;
  if (per_chunk == 0) {
    fail_runtime(splits.front().what + ": no split at " + unit + " boundaries both fits this Vulkan device's maxStorageBufferRange (" +
                 std::to_string(range) + " bytes) and starts on its minStorageBufferOffsetAlignment (" + std::to_string(align) +
                 " bytes)");
  }
  // As few chunks as the range allows, of near-equal size (the last one may be shorter).
  const uint64_t chunks = (units + per_chunk - 1) / per_chunk;
  const uint64_t even = ((units + chunks - 1) / chunks + step - 1) / step * step;  // <= per_chunk
  std::vector<Chunk> out;
  for (uint64_t first = 0; first < units; first += even) out.push_back({first, std::min(even, units - first)});
  return out;
}

}  // namespace poolkit::vulkan
