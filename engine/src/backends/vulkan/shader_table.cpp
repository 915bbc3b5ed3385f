#include "backends/vulkan/shader_table.h"

#include "spirv_all.h"

namespace poolkit::vulkan {

const ShaderInfo& shader_info(ShaderId id) {
  static const ShaderInfo table[] = {
#define PK_VULKAN_SHADER(name, bindings) {#name, pk_spirv_##name, bindings},
#include "vulkan_tables.inc"
#undef PK_VULKAN_SHADER
  };
  return table[static_cast<size_t>(id)];
}

std::span<const VariantRow> variant_rows() {
  static const VariantRow rows[] = {
#define PK_VULKAN_VARIANT(id, family, specialization, shader, x, y, z, p0, p1) \
  {id, family, specialization, ShaderId::shader, {x, y, z}, {p0, p1}},
#include "vulkan_tables.inc"
#undef PK_VULKAN_VARIANT
  };
  return rows;
}

const VariantRow* find_variant(std::string_view id) {
  for (const VariantRow& r : variant_rows()) {
    if (r.id == id) return &r;
  }
  return nullptr;
}

}  // namespace poolkit::vulkan
