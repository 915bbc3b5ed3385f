// Interface of adaptive_pool2d.comp (adaptive max / avg pooling). Bindings: 0 input, 1 output,
// 2 indices (int64 as uint pairs; bound to the output when unused).
#ifndef POOLKIT_SHADERS_ADAPTIVE_POOL2D_INTERFACE_H
#define POOLKIT_SHADERS_ADAPTIVE_POOL2D_INTERFACE_H

#include "common/interface_common.h"

#define PK_ADAPTIVE_MAX 0
#define PK_ADAPTIVE_AVG 1
#define PK_ADAPTIVE_POOL2D_SC_OP (PK_SC_FIRST_FAMILY + 0)
#define PK_ADAPTIVE_POOL2D_SC_INDICES (PK_SC_FIRST_FAMILY + 1)

#define PK_ADAPTIVE_POOL2D_PUSH_FIELDS \
  PK_DISPATCH_BASE PK_U(planes) PK_U(in_h) PK_U(in_w) PK_U(out_h) PK_U(out_w)

#ifdef __cplusplus
namespace poolkit::vulkan::shader {
struct AdaptivePool2dPush {
  PK_ADAPTIVE_POOL2D_PUSH_FIELDS
};
static_assert(sizeof(AdaptivePool2dPush) == 8 * 4, "must match adaptive_pool2d.comp");
}  // namespace poolkit::vulkan::shader
#endif

#endif
