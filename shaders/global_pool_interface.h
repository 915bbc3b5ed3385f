// Interface of global_pool.comp (global max / avg / lp pooling). Bindings: 0 input, 1 output.
#ifndef POOLKIT_SHADERS_GLOBAL_POOL_INTERFACE_H
#define POOLKIT_SHADERS_GLOBAL_POOL_INTERFACE_H

#include "common/interface_common.h"
#include "pool2d_interface.h"  // PK_POOL_MAX / PK_POOL_AVG / PK_POOL_LP

#define PK_GLOBAL_POOL_SC_OP (PK_SC_FIRST_FAMILY + 0)

// One workgroup per plane (z = plane); the workgroup's invocations stride over the plane's
// |spatial| elements and reduce in shared memory. The workgroup size must be a power of two
// (the variant table only lists such).
#define PK_GLOBAL_POOL_PUSH_FIELDS \
  PK_DISPATCH_BASE PK_U(planes) PK_U(spatial) PK_F(norm_type) PK_F(inv_norm_type)

#ifdef __cplusplus
namespace poolkit::vulkan::shader {
struct GlobalPoolPush {
  PK_GLOBAL_POOL_PUSH_FIELDS
};
static_assert(sizeof(GlobalPoolPush) == 7 * 4, "must match global_pool.comp");
}  // namespace poolkit::vulkan::shader
#endif

#endif
