// Interface of relu.comp and copy.comp (the elementwise shaders). Bindings: 0 input, 1 output.
#ifndef POOLKIT_SHADERS_RELU_INTERFACE_H
#define POOLKIT_SHADERS_RELU_INTERFACE_H

#include "common/interface_common.h"

#define PK_RELU_SC_VEC4 (PK_SC_FIRST_FAMILY + 0)  // 1: vec4 loads/stores (scalar tail)

// count: elements (floats). Invocation i handles element i, or elements 4i..4i+3 with vec4.
#define PK_RELU_PUSH_FIELDS PK_DISPATCH_BASE PK_U(count)

#ifdef __cplusplus
namespace poolkit::vulkan::shader {
struct ReluPush {
  PK_RELU_PUSH_FIELDS
};
static_assert(sizeof(ReluPush) == 4 * 4, "ReluPush must match relu.comp's push block");
using CopyPush = ReluPush;  // copy.comp: count in vec4s
}  // namespace poolkit::vulkan::shader
#endif

#endif
