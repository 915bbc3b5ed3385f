// Interface of stochastic_pool2d.comp. Bindings: 0 input, 1 output.
#ifndef POOLKIT_SHADERS_STOCHASTIC_POOL2D_INTERFACE_H
#define POOLKIT_SHADERS_STOCHASTIC_POOL2D_INTERFACE_H

#include "common/interface_common.h"

#define PK_STOCHASTIC_SC_TRAINING (PK_SC_FIRST_FAMILY + 0)  // 1: sample; 0: expected value

// channels: as in fractional_max_pool2d_interface.h (0 for an unbatched input). plane_base: the
// tensor-wide index of the dispatch's first plane (the bindings start there: chunking.h), for
// the generator's (n, c) key.
#define PK_STOCHASTIC_PUSH_FIELDS                                                      \
  PK_DISPATCH_BASE PK_U(planes) PK_I(in_h) PK_I(in_w) PK_I(out_h) PK_I(out_w)          \
  PK_I(kernel_h) PK_I(kernel_w) PK_I(stride_h) PK_I(stride_w) PK_I(pad_h) PK_I(pad_w)  \
  PK_U(channels) PK_U(seed_lo) PK_U(seed_hi) PK_U(plane_base)

#ifdef __cplusplus
namespace poolkit::vulkan::shader {
struct StochasticPush {
  PK_STOCHASTIC_PUSH_FIELDS
};
static_assert(sizeof(StochasticPush) == 18 * 4, "must match stochastic_pool2d.comp");
}  // namespace poolkit::vulkan::shader
#endif

#endif
