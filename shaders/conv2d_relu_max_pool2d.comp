#version 450
// The fused block conv2d -> relu -> max_pool2d (DESIGN F1/F2): one invocation per pooled output
// element computes the convolution at each of its window's taps, applies relu and keeps the
// maximum, so the convolution's output never reaches memory. Window and max rule are the
// reference's max_pool2d over the relu'd plane (padding never wins, NaN propagates, empty
// dilated windows give -inf). Overlapping windows recompute shared taps: a trade the variant
// table only offers where the planner found the pattern (vulkan_backend.cpp, plan_fusions).
#extension GL_GOOGLE_include_directive : require
#include "conv2d_interface.h"
#include "common/pooling.glsl"

layout(local_size_x_id = PK_SC_WG_X, local_size_y_id = PK_SC_WG_Y, local_size_z_id = PK_SC_WG_Z) in;
layout(constant_id = PK_CONV2D_SC_BIAS) const uint SC_BIAS = 0;

layout(push_constant) uniform Push { PK_CONV2D_PUSH_FIELDS } pc;
layout(std430, binding = 0) readonly buffer In { float x[]; };
layout(std430, binding = 1) readonly buffer Weight { float w[]; };
layout(std430, binding = 2) readonly buffer Bias { float b[]; };
layout(std430, binding = 3) writeonly buffer Out { float y[]; };

#include "common/conv2d.glsl"

void main() {
  const uvec3 gid = gl_GlobalInvocationID + uvec3(pc.base_x, pc.base_y, pc.base_z);
  if (gid.x >= uint(pc.out_w) || gid.y >= uint(pc.out_h) || gid.z >= pc.planes) return;
  const int oh = int(gid.y), ow = int(gid.x);
  const TapRange rows = pk_valid_taps(oh, pc.conv_out_h, pc.pool_kernel_h, pc.pool_stride_h, pc.pool_pad_h, pc.pool_dilation_h);
  const TapRange cols = pk_valid_taps(ow, pc.conv_out_w, pc.pool_kernel_w, pc.pool_stride_w, pc.pool_pad_w, pc.pool_dilation_w);
  float best = pk_neg_inf();
  for (int kh = rows.begin; kh < rows.end; ++kh) {
    const int ch = oh * pc.pool_stride_h - pc.pool_pad_h + kh * pc.pool_dilation_h;
    for (int kw = cols.begin; kw < cols.end; ++kw) {
      const int cw = ow * pc.pool_stride_w - pc.pool_pad_w + kw * pc.pool_dilation_w;
      float v = pk_conv2d_at(gid.z, ch, cw);
      v = v < 0.0 ? 0.0 : v;
      if (pk_max_takes(v, best)) best = v;
    }
  }
  y[(gid.z * uint(pc.out_h) + gid.y) * uint(pc.out_w) + gid.x] = best;
}
