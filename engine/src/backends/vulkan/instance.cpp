#include "backends/vulkan/instance.h"

#include <cstdlib>
#include <cstring>
#include <mutex>

#include "backends/vulkan/vk_check.h"

namespace poolkit::vulkan {

const char* result_name(VkResult r) {
  switch (r) {
#define PK_RESULT(name) \
  case name: return #name;
    PK_RESULT(VK_SUCCESS) PK_RESULT(VK_NOT_READY) PK_RESULT(VK_TIMEOUT) PK_RESULT(VK_INCOMPLETE)
    PK_RESULT(VK_ERROR_OUT_OF_HOST_MEMORY) PK_RESULT(VK_ERROR_OUT_OF_DEVICE_MEMORY)
    PK_RESULT(VK_ERROR_INITIALIZATION_FAILED) PK_RESULT(VK_ERROR_DEVICE_LOST)
    PK_RESULT(VK_ERROR_MEMORY_MAP_FAILED) PK_RESULT(VK_ERROR_LAYER_NOT_PRESENT)
    PK_RESULT(VK_ERROR_EXTENSION_NOT_PRESENT) PK_RESULT(VK_ERROR_FEATURE_NOT_PRESENT)
    PK_RESULT(VK_ERROR_INCOMPATIBLE_DRIVER) PK_RESULT(VK_ERROR_TOO_MANY_OBJECTS)
    PK_RESULT(VK_ERROR_FORMAT_NOT_SUPPORTED) PK_RESULT(VK_ERROR_FRAGMENTED_POOL)
    PK_RESULT(VK_ERROR_OUT_OF_POOL_MEMORY) PK_RESULT(VK_ERROR_UNKNOWN)
#undef PK_RESULT
    default: return "VkResult error";
  }
}

namespace {

struct MessageLog {
  std::mutex mutex;
  int count = 0;
  std::string first;
};
MessageLog& message_log() {
  static MessageLog log;
  return log;
}

VKAPI_ATTR VkBool32 VKAPI_CALL on_message(VkDebugUtilsMessageSeverityFlagBitsEXT severity,
                                          VkDebugUtilsMessageTypeFlagsEXT,
                                          const VkDebugUtilsMessengerCallbackDataEXT* data, void*) {
  if (severity < VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT) return VK_FALSE;
  MessageLog& log = message_log();
  std::lock_guard lock(log.mutex);
  if (log.count++ == 0) {
    log.first = data && data->pMessage ? data->pMessage : "(no text)";
    for (char& c : log.first) {
      if (c == '\n') c = ' ';  // errors are one line
    }
  }
  return VK_FALSE;
}

bool has_layer(const char* name) {
  uint32_t n = 0;
  vkEnumerateInstanceLayerProperties(&n, nullptr);
  std::vector<VkLayerProperties> layers(n);
  vkEnumerateInstanceLayerProperties(&n, layers.data());
  for (const auto& l : layers) {
    if (std::strcmp(l.layerName, name) == 0) return true;
  }
  return false;
}

constexpr VkDebugUtilsMessengerCreateInfoEXT messenger_info() {
  VkDebugUtilsMessengerCreateInfoEXT info{};
  info.sType = VK_STRUCTURE_TYPE_DEBUG_UTILS_MESSENGER_CREATE_INFO_EXT;
  info.messageSeverity =
      VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT | VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT;
  info.messageType = VK_DEBUG_UTILS_MESSAGE_TYPE_GENERAL_BIT_EXT |
                     VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT |
                     VK_DEBUG_UTILS_MESSAGE_TYPE_PERFORMANCE_BIT_EXT;
  info.pfnUserCallback = on_message;
  return info;
}

}  // namespace

bool validation_requested() {
  const char* v = std::getenv("POOLKIT_VK_VALIDATE");
  return v && std::strcmp(v, "1") == 0;
}
int validation_message_count() {
  std::lock_guard lock(message_log().mutex);
  return message_log().count;
}
std::string first_validation_message() {
  std::lock_guard lock(message_log().mutex);
  return message_log().first;
}
std::string validation_failure() {
  std::lock_guard lock(message_log().mutex);
  if (message_log().count == 0) return "";
  return "Vulkan validation reported " + std::to_string(message_log().count) +
         " message(s); first: " + message_log().first;
}

void reset_validation_messages_for_testing() {
  std::lock_guard lock(message_log().mutex);
  message_log().count = 0;
  message_log().first.clear();
}

Instance::Instance() {
  const bool validate = validation_requested();
  constexpr const char* kLayer = "VK_LAYER_KHRONOS_validation";
  if (validate && !has_layer(kLayer)) {
    fail_runtime("POOLKIT_VK_VALIDATE=1 but the Vulkan validation layer (" + std::string(kLayer) +
                 ") is not installed (Debian: vulkan-validationlayers)");
  }
  VkApplicationInfo app{};
  app.sType = VK_STRUCTURE_TYPE_APPLICATION_INFO;
  app.pApplicationName = "poolkit";
  app.pEngineName = "poolkit";
  app.apiVersion = VK_API_VERSION_1_1;

  std::vector<const char*> layers, extensions;
  VkDebugUtilsMessengerCreateInfoEXT messenger = messenger_info();
  // Synchronization validation is off by default in the layer; poolkit's barriers are derived
  // from tracked buffer use (recorder.cpp), which is exactly what it checks.
  const VkValidationFeatureEnableEXT enables[] = {VK_VALIDATION_FEATURE_ENABLE_SYNCHRONIZATION_VALIDATION_EXT};
  VkValidationFeaturesEXT features{};
  features.sType = VK_STRUCTURE_TYPE_VALIDATION_FEATURES_EXT;
  features.enabledValidationFeatureCount = 1;
  features.pEnabledValidationFeatures = enables;
  features.pNext = &messenger;

  VkInstanceCreateInfo info{};
  info.sType = VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO;
  info.pApplicationInfo = &app;
  if (validate) {
    layers.push_back(kLayer);
    extensions.push_back(VK_EXT_DEBUG_UTILS_EXTENSION_NAME);
    extensions.push_back(VK_EXT_VALIDATION_FEATURES_EXTENSION_NAME);
    info.pNext = &features;
  }
  info.enabledLayerCount = static_cast<uint32_t>(layers.size());
  info.ppEnabledLayerNames = layers.data();
  info.enabledExtensionCount = static_cast<uint32_t>(extensions.size());
  info.ppEnabledExtensionNames = extensions.data();
  vk_check(vkCreateInstance(&info, nullptr, &instance_), "vkCreateInstance");

  if (validate) {
    auto create = reinterpret_cast<PFN_vkCreateDebugUtilsMessengerEXT>(
        vkGetInstanceProcAddr(instance_, "vkCreateDebugUtilsMessengerEXT"));
    const VkResult r = create ? create(instance_, &messenger, nullptr, &messenger_) : VK_ERROR_EXTENSION_NOT_PRESENT;
    if (r != VK_SUCCESS) {
      vkDestroyInstance(instance_, nullptr);
      vk_check(r, "vkCreateDebugUtilsMessengerEXT");
    }
  }
}

Instance::~Instance() {
  if (messenger_ != VK_NULL_HANDLE) {
    auto destroy = reinterpret_cast<PFN_vkDestroyDebugUtilsMessengerEXT>(
        vkGetInstanceProcAddr(instance_, "vkDestroyDebugUtilsMessengerEXT"));
    if (destroy) destroy(instance_, messenger_, nullptr);
  }
  vkDestroyInstance(instance_, nullptr);
}

std::vector<VkPhysicalDevice> Instance::physical_devices() const {
  uint32_t n = 0;
  vk_check(vkEnumeratePhysicalDevices(instance_, &n, nullptr), "vkEnumeratePhysicalDevices");
  std::vector<VkPhysicalDevice> devices(n);
  vk_check(vkEnumeratePhysicalDevices(instance_, &n, devices.data()), "vkEnumeratePhysicalDevices");
  devices.resize(n);
  return devices;
}

}  // namespace poolkit::vulkan
