// Interface of fractional_max_pool2d.comp. Bindings: 0 input, 1 output, 2 indices (int64 as uint
// pairs; bound to the output when unused), 3 samples (N×C×2 f32; bound to the input when the
// samples come from the seed), 4 status (uint[4], see interface_common.h).
#ifndef POOLKIT_SHADERS_FRACTIONAL_MAX_POOL2D_INTERFACE_H
#define POOLKIT_SHADERS_FRACTIONAL_MAX_POOL2D_INTERFACE_H

#include "common/interface_common.h"

#define PK_FRACTIONAL_SC_INDICES (PK_SC_FIRST_FAMILY + 0)
#define PK_FRACTIONAL_SC_SAMPLES (PK_SC_FIRST_FAMILY + 1)  // 1: read binding 3; 0: the seed

// alpha_h / alpha_w: (in - pool) / (out - 1) in float32, computed on the host exactly as
// graph/fractional_intervals.h does (so the shader's division precision cannot matter);
// channels: C of an [N, C, H, W] input (plane p is n = p / C, c = p % C), 0 for [C, H, W]
// (n = 0, c = p). node: written to the status buffer with an error. plane_base: the tensor-wide
// index of the dispatch's first plane (bindings 0-3 start there: chunking.h), for the generator's
// key and error reports.
#define PK_FRACTIONAL_PUSH_FIELDS                                                       \
  PK_DISPATCH_BASE PK_U(planes) PK_I(in_h) PK_I(in_w) PK_I(out_h) PK_I(out_w)           \
  PK_I(pool_h) PK_I(pool_w) PK_F(alpha_h) PK_F(alpha_w) PK_U(channels) PK_U(seed_lo)    \
  PK_U(seed_hi) PK_U(node) PK_U(plane_base)

#ifdef __cplusplus
namespace poolkit::vulkan::shader {
struct FractionalPush {
  PK_FRACTIONAL_PUSH_FIELDS
};
static_assert(sizeof(FractionalPush) == 17 * 4, "must match fractional_max_pool2d.comp");
}  // namespace poolkit::vulkan::shader
#endif

#endif
