#include "backends/vulkan/pipeline.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <unistd.h>

#include "backends/vulkan/device.h"
#include "backends/vulkan/vk_check.h"

namespace poolkit::vulkan {
namespace {

std::filesystem::path cache_file(const PhysicalDevice& d) {
  std::filesystem::path dir;
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg) {
    dir = xdg;
  } else if (const char* home = std::getenv("HOME"); home && *home) {
    dir = std::filesystem::path(home) / ".cache";
  } else {
    return {};
  }
  char uuid[2 * VK_UUID_SIZE + 1] = {};
  for (unsigned i = 0; i < VK_UUID_SIZE; ++i) std::snprintf(uuid + 2 * i, 3, "%02x", d.props.pipelineCacheUUID[i]);
  return dir / "poolkit" / ("vulkan-pipelines-" + std::to_string(d.props.vendorID) + "-" + std::to_string(d.props.deviceID) + "-" + uuid + ".bin");
}

std::vector<char> read_all(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return {};
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

PipelineCache::PipelineCache(Device& device) : device_(device) {
  const std::vector<char> data = read_all(cache_file(device.physical()));
  VkPipelineCacheCreateInfo info{};
  info.sType = VK_STRUCTURE_TYPE_PIPELINE_CACHE_CREATE_INFO;
  info.initialDataSize = data.size();
  info.pInitialData = data.empty() ? nullptr : data.data();
  if (vkCreatePipelineCache(device.handle(), &info, nullptr, &cache_) != VK_SUCCESS) {
    info.initialDataSize = 0;  // a stale or foreign file: start empty
    info.pInitialData = nullptr;
    vk_check(vkCreatePipelineCache(device.handle(), &info, nullptr, &cache_), "vkCreatePipelineCache");
  }
}

PipelineCache::~PipelineCache() {
  save();
  VkDevice d = device_.handle();
  for (auto& [key, p] : pipelines_) vkDestroyPipeline(d, p->pipeline, nullptr);
  for (auto& [key, m] : modules_) vkDestroyShaderModule(d, m, nullptr);
  for (auto& [key, l] : layouts_) vkDestroyPipelineLayout(d, l, nullptr);
  for (auto& [key, l] : set_layouts_) vkDestroyDescriptorSetLayout(d, l, nullptr);
  vkDestroyPipelineCache(d, cache_, nullptr);
}

void PipelineCache::save() {
  std::lock_guard lock(mutex_);
  if (!dirty_) return;
  dirty_ = false;
  const std::filesystem::path file = cache_file(device_.physical());
  if (file.empty()) return;
  size_t size = 0;
  if (vkGetPipelineCacheData(device_.handle(), cache_, &size, nullptr) != VK_SUCCESS || size == 0) return;
  std::vector<char> data(size);
  if (vkGetPipelineCacheData(device_.handle(), cache_, &size, data.data()) != VK_SUCCESS) return;
  std::error_code ec;
  std::filesystem::create_directories(file.parent_path(), ec);
  if (ec) return;
  const std::filesystem::path tmp = file.string() + ".tmp" + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return;
    out.write(data.data(), static_cast<std::streamsize>(size));
    if (!out) {
      out.close();
      std::filesystem::remove(tmp, ec);
      return;
    }
  }
  std::filesystem::rename(tmp, file, ec);  // atomic: readers see the old or the new file
  if (ec) std::filesystem::remove(tmp, ec);
}

VkDescriptorSetLayout PipelineCache::set_layout(uint32_t bindings) {
  if (auto it = set_layouts_.find(bindings); it != set_layouts_.end()) return it->second;
  std::vector<VkDescriptorSetLayoutBinding> b(bindings);
  for (uint32_t i = 0; i < bindings; ++i) {
    b[i] = {};
    b[i].binding = i;
    b[i].descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
    b[i].descriptorCount = 1;
    b[i].stageFlags = VK_SHADER_STAGE_COMPUTE_BIT;
  }
  VkDescriptorSetLayoutCreateInfo info{};
  info.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO;
  info.bindingCount = bindings;
  info.pBindings = b.data();
  VkDescriptorSetLayout layout;
  vk_check(vkCreateDescriptorSetLayout(device_.handle(), &info, nullptr, &layout), "vkCreateDescriptorSetLayout");
  return set_layouts_[bindings] = layout;
}

VkPipelineLayout PipelineCache::layout(uint32_t bindings, uint32_t push_bytes) {
  const auto key = std::make_pair(bindings, push_bytes);
  if (auto it = layouts_.find(key); it != layouts_.end()) return it->second;
  VkDescriptorSetLayout set = set_layout(bindings);
  VkPushConstantRange range{VK_SHADER_STAGE_COMPUTE_BIT, 0, push_bytes};
  VkPipelineLayoutCreateInfo info{};
  info.sType = VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO;
  info.setLayoutCount = 1;
  info.pSetLayouts = &set;
  info.pushConstantRangeCount = push_bytes ? 1 : 0;
  info.pPushConstantRanges = &range;
  VkPipelineLayout layout;
  vk_check(vkCreatePipelineLayout(device_.handle(), &info, nullptr, &layout), "vkCreatePipelineLayout");
  return layouts_[key] = layout;
}

const Pipeline& PipelineCache::get(ShaderId shader, const SpecConstants& constants, uint32_t push_bytes) {
  std::lock_guard lock(mutex_);
  const auto key = std::make_pair(shader, constants);
  if (auto it = pipelines_.find(key); it != pipelines_.end()) return *it->second;
  const ShaderInfo& info = shader_info(shader);
  VkShaderModule& module = modules_[shader];
  if (module == VK_NULL_HANDLE) {
    VkShaderModuleCreateInfo m{};
    m.sType = VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO;
    m.codeSize = info.code.size_bytes();
    m.pCode = info.code.data();
    const VkResult r = vkCreateShaderModule(device_.handle(), &m, nullptr, &module);
    if (r != VK_SUCCESS) {
      module = VK_NULL_HANDLE;
      modules_.erase(shader);
      vk_check(r, "vkCreateShaderModule");
    }
  }
  auto p = std::make_unique<Pipeline>();
  p->shader = shader;
  p->workgroup = {constants.at(0), constants.at(1), constants.at(2)};
  p->bindings = info.bindings;
  p->push_bytes = push_bytes;
  p->set_layout = set_layout(info.bindings);
  p->layout = layout(info.bindings, push_bytes);

  std::vector<VkSpecializationMapEntry> entries(constants.size());
  for (uint32_t i = 0; i < constants.size(); ++i) entries[i] = {i, 4 * i, 4};
  VkSpecializationInfo spec{};
  spec.mapEntryCount = static_cast<uint32_t>(entries.size());
  spec.pMapEntries = entries.data();
  spec.dataSize = constants.size() * 4;
  spec.pData = constants.data();
  VkComputePipelineCreateInfo ci{};
  ci.sType = VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO;
  ci.stage.sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO;
  ci.stage.stage = VK_SHADER_STAGE_COMPUTE_BIT;
  ci.stage.module = module;
  ci.stage.pName = "main";
  ci.stage.pSpecializationInfo = &spec;
  ci.layout = p->layout;
  vk_check(vkCreateComputePipelines(device_.handle(), cache_, 1, &ci, nullptr, &p->pipeline), "vkCreateComputePipelines");
  dirty_ = true;
  return *pipelines_.emplace(key, std::move(p)).first->second;
}

}  // namespace poolkit::vulkan
