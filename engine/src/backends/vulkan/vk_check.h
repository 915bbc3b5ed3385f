// Vulkan results as poolkit errors: vk_check(r, "vkAllocateMemory") throws
// Error{runtime, "vkAllocateMemory: VK_ERROR_OUT_OF_DEVICE_MEMORY"} for any failing result.
#pragma once

#include <vulkan/vulkan.h>

#include <string>

#include "poolkit/errors.h"

namespace poolkit::vulkan {

const char* result_name(VkResult result);

inline void vk_check(VkResult result, const char* call) {
  if (result < 0) fail_runtime(std::string(call) + ": " + result_name(result));
}

}  // namespace poolkit::vulkan
