// Interface of pool2d.comp and pool2d_vec4.comp (max / avg / lp pooling, 2-D and 1-D): included
// by the shaders (GL_GOOGLE_include_directive) and by engine/src/backends/vulkan, so the
// push-constant layout and the specialization constant ids have one definition.
//
// 1-D pools run as 2-D pools over planes of one row (in_h = out_h = 1, kernel_h = 1), as the
// reference does. Bindings: 0 input (f32), 1 output (f32), 2 indices (int64 as uint pairs; bound
// to the output buffer when unused).
#ifndef POOLKIT_SHADERS_POOL2D_INTERFACE_H
#define POOLKIT_SHADERS_POOL2D_INTERFACE_H

#include "common/interface_common.h"

// Which pool (PK_POOL2D_SC_OP).
#define PK_POOL_MAX 0
#define PK_POOL_AVG 1
#define PK_POOL_LP 2

#define PK_POOL2D_SC_OP (PK_SC_FIRST_FAMILY + 0)
// Window and stride: 0 means "read it from the push constants" (the generic variants, and any
// window too large to unroll: drivers that fully unroll a 20x20 window choke); a non-zero value
// is the compile-time constant the specialized variants (k2s2, k3s2) are built with.
#define PK_POOL2D_SC_KERNEL_H (PK_SC_FIRST_FAMILY + 1)
#define PK_POOL2D_SC_KERNEL_W (PK_SC_FIRST_FAMILY + 2)
#define PK_POOL2D_SC_STRIDE_H (PK_SC_FIRST_FAMILY + 3)
#define PK_POOL2D_SC_STRIDE_W (PK_SC_FIRST_FAMILY + 4)
#define PK_POOL2D_SC_INDICES (PK_SC_FIRST_FAMILY + 5)  // 1: write the indices binding

#define PK_POOL2D_PUSH_FIELDS                                                  \
  PK_DISPATCH_BASE                                                             \
  PK_U(planes) PK_I(in_h) PK_I(in_w) PK_I(out_h) PK_I(out_w)                   \
  PK_I(kernel_h) PK_I(kernel_w) PK_I(stride_h) PK_I(stride_w)                  \
  PK_I(pad_h) PK_I(pad_w) PK_I(dilation_h) PK_I(dilation_w)                    \
  PK_U(count_include_pad) PK_I(divisor_override) /* 0: none */                 \
  PK_F(norm_type) PK_F(inv_norm_type)

#ifdef __cplusplus
namespace poolkit::vulkan::shader {
struct Pool2dPush {
  PK_POOL2D_PUSH_FIELDS
};
static_assert(sizeof(Pool2dPush) == 20 * 4, "Pool2dPush must match pool2d.comp's push block");
}  // namespace poolkit::vulkan::shader
#endif

#endif
