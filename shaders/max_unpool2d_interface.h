// Interface of max_unpool2d.comp. Bindings: 0 values (f32), 1 indices (int64 as uint pairs),
// 2 winners (uint scratch, one per output element, zeroed by the host before each run),
// 3 output (f32), 4 status (uint[4], see interface_common.h).
#ifndef POOLKIT_SHADERS_MAX_UNPOOL2D_INTERFACE_H
#define POOLKIT_SHADERS_MAX_UNPOOL2D_INTERFACE_H

#include "common/interface_common.h"

// Two passes make the result independent of invocation order, as the reference's "last write in
// row-major input order wins": SCATTER (one invocation per input element) records, per output
// element, the largest in-plane input position + 1 that names it (atomicMax); GATHER (one per
// output element) copies that input's value, or 0.
#define PK_UNPOOL_PASS_SCATTER 0
#define PK_UNPOOL_PASS_GATHER 1
#define PK_MAX_UNPOOL2D_SC_PASS (PK_SC_FIRST_FAMILY + 0)

// in_size / out_size: elements per plane; count: elements of the grid of this pass.
#define PK_MAX_UNPOOL2D_PUSH_FIELDS \
  PK_DISPATCH_BASE PK_U(in_size) PK_U(out_size) PK_U(count) PK_U(node)

#ifdef __cplusplus
namespace poolkit::vulkan::shader {
struct MaxUnpool2dPush {
  PK_MAX_UNPOOL2D_PUSH_FIELDS
};
static_assert(sizeof(MaxUnpool2dPush) == 7 * 4, "must match max_unpool2d.comp");
}  // namespace poolkit::vulkan::shader
#endif

#endif
