// The Vulkan instance: loader, optional validation layer and its message log.
//
// Validation is on when POOLKIT_VK_VALIDATE=1 (the test suite sets it): VK_LAYER_KHRONOS_validation
// with synchronization validation, and a debug-utils messenger that records every warning and
// error. Any recorded message makes the next compile()/run() of the backend throw (see
// validation_failure()), so a validation message fails whichever test provoked it.
#pragma once

#include <vulkan/vulkan.h>

#include <string>
#include <vector>

namespace poolkit::vulkan {

class Instance {
 public:
  // Throws Error{runtime} naming the loader call that failed (VK_ERROR_INCOMPATIBLE_DRIVER when
  // no driver is installed) or the validation layer when it was asked for and is absent.
  Instance();
  ~Instance();
  Instance(const Instance&) = delete;
  Instance& operator=(const Instance&) = delete;

  VkInstance handle() const { return instance_; }
  bool validating() const { return messenger_ != VK_NULL_HANDLE; }
  std::vector<VkPhysicalDevice> physical_devices() const;

 private:
  VkInstance instance_ = VK_NULL_HANDLE;
  VkDebugUtilsMessengerEXT messenger_ = VK_NULL_HANDLE;
};

// Whether POOLKIT_VK_VALIDATE=1 is set.
bool validation_requested();
// Number of validation warnings/errors recorded in this process so far, and the first of them.
int validation_message_count();
std::string first_validation_message();
// "" while no message was recorded; otherwise a one-line description to throw.
std::string validation_failure();
// Forgets recorded messages: only for tests that provoke a message on purpose.
void reset_validation_messages_for_testing();

}  // namespace poolkit::vulkan
