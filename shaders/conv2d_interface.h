// Interface of conv2d.comp, conv2d_tiled.comp (with conv2d_pack_weights.comp) and
// conv2d_relu_max_pool2d.comp. Bindings: 0 input x, 1 weight,
// 2 bias (bound to the weight when absent), 3 output.
#ifndef POOLKIT_SHADERS_CONV2D_INTERFACE_H
#define POOLKIT_SHADERS_CONV2D_INTERFACE_H

#include "common/interface_common.h"

#define PK_CONV2D_SC_BIAS (PK_SC_FIRST_FAMILY + 0)  // 1: binding 2 holds a bias
#define PK_CONV2D_SC_RELU (PK_SC_FIRST_FAMILY + 1)  // 1: apply relu to the result (conv2d*.comp)
// conv2d_tiled.comp: the window, and the block of output channels x columns one invocation computes.
#define PK_CONV2D_SC_KH (PK_SC_FIRST_FAMILY + 2)
#define PK_CONV2D_SC_KW (PK_SC_FIRST_FAMILY + 3)
#define PK_CONV2D_SC_CO_BLOCK (PK_SC_FIRST_FAMILY + 4)
#define PK_CONV2D_SC_PX_BLOCK (PK_SC_FIRST_FAMILY + 5)
#define PK_CONV2D_SC_PAD_W (PK_SC_FIRST_FAMILY + 6)   // conv2d_tiled.comp: pad_w as a constant
#define PK_CONV2D_SC_VEC4_X (PK_SC_FIRST_FAMILY + 7)  // 1: input rows read as vec4s (in_w % 4 == 0)
#define PK_CONV2D_SC_POOL (PK_SC_FIRST_FAMILY + 8)    // 1: relu + 2x2/s2 max epilogue (fused F1/F2)

// Convolution geometry (conv_* fields) and, for the fused shader, the max pool's window over the
// convolution's output plane (pool_* fields; out_h/out_w are then the pooled sizes and
// conv_out_h/conv_out_w the convolution's). planes: output planes of this dispatch.
// A dispatch covers output planes [co_first, co_first + planes) counted from the first batch item
// its bindings start at (chunking.h): whole items (co_first = 0), or output channels of one item;
// x is bound from that item's input channel ci_first, the output from plane co_first; weight and
// bias are bound whole.
#define PK_CONV2D_PUSH_FIELDS                                                                   \
  PK_DISPATCH_BASE PK_U(planes) PK_I(in_h) PK_I(in_w) PK_I(out_h) PK_I(out_w)                   \
  PK_I(conv_out_h) PK_I(conv_out_w) PK_U(c_in) PK_U(c_out) PK_U(c_in_per_group)                 \
  PK_U(c_out_per_group) PK_I(kernel_h) PK_I(kernel_w) PK_I(stride_h) PK_I(stride_w)             \
  PK_I(pad_h) PK_I(pad_w) PK_I(dilation_h) PK_I(dilation_w)                                     \
  PK_I(pool_kernel_h) PK_I(pool_kernel_w) PK_I(pool_stride_h) PK_I(pool_stride_w)               \
  PK_I(pool_pad_h) PK_I(pool_pad_w) PK_I(pool_dilation_h) PK_I(pool_dilation_w)              \
  PK_U(co_first) PK_U(ci_first)

// conv2d_pack_weights.comp: weights [C_out][C_in/groups][KH][KW] -> [C_out/co_block][C_in/groups]
// [KH][KW][co_block], so that conv2d_tiled.comp loads a tap's co_block weights as vec4s.
// count: weights; taps: (C_in/groups)*KH*KW, the weights of one output channel.
#define PK_CONV2D_PACK_PUSH_FIELDS PK_DISPATCH_BASE PK_U(count) PK_U(taps) PK_U(co_block)

#ifdef __cplusplus
namespace poolkit::vulkan::shader {
struct Conv2dPackPush {
  PK_CONV2D_PACK_PUSH_FIELDS
};
static_assert(sizeof(Conv2dPackPush) == 6 * 4, "must match conv2d_pack_weights.comp");
struct Conv2dPush {
  PK_CONV2D_PUSH_FIELDS
};
static_assert(sizeof(Conv2dPush) == 32 * 4, "must match conv2d.comp");
static_assert(sizeof(Conv2dPush) <= 128, "Vulkan guarantees 128 bytes of push constants");
}  // namespace poolkit::vulkan::shader
#endif

#endif
