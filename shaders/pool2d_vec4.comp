#version 450
// 2x2 / stride 2 max or average pooling with vec4 loads and stores: each invocation reads two
// input rows of 8 columns (4 vec4 loads) and writes 4 outputs (one vec4 store). On lavapipe scalar
// loads reach about a third of the bandwidth vec4 loads do (shared/NOTES.md), which is the whole
// reason for this variant. Applies (vulkan_backend.cpp, "k2s2") when padding is 0, dilation 1,
// no indices are wanted, in_w % 8 == 0 and the output is exactly (in_h/2, in_w/2) per plane;
// in_h may be odd (the last row is outside every window). Same max rule and fp32 average as
// pool2d.comp, taps visited in the same row-major order.
#extension GL_GOOGLE_include_directive : require
#include "pool2d_interface.h"
#include "common/pooling.glsl"

layout(local_size_x_id = PK_SC_WG_X, local_size_y_id = PK_SC_WG_Y, local_size_z_id = PK_SC_WG_Z) in;
layout(constant_id = PK_POOL2D_SC_OP) const uint SC_OP = PK_POOL_MAX;

layout(push_constant) uniform Push { PK_POOL2D_PUSH_FIELDS } pc;
layout(std430, binding = 0) restrict readonly buffer In { vec4 x[]; };
layout(std430, binding = 1) restrict writeonly buffer Out { vec4 y[]; };

vec4 take_max(vec4 best, vec4 v) {
  return mix(best, v, bvec4(uvec4(greaterThan(v, best)) | uvec4(isnan(v))));
}

void main() {
  // 1-D grid (x) over every output vec4 of every row of every plane, as copy.comp: full SIMD
  // lanes whatever the plane width. Measured on lavapipe (llvmpipe 15, 2 vCPUs, P1, interleaved
  // with copy.comp): this form ~31% of copy's GB/s, 2-D 8x8 ~29%, one vec2 output per
  // invocation ~17% (twice the invocations): the per-invocation cost dominates there.
  const uint out_w4 = uint(pc.out_w) >> 2, in_w4 = uint(pc.in_w) >> 2;
  const uint i = gl_GlobalInvocationID.x + pc.base_x;
  const uint rows = pc.planes * uint(pc.out_h);  // output rows over all planes
  if (i >= rows * out_w4) return;
  const uint r = i / out_w4, ox = i - r * out_w4;
  const uint plane = r / uint(pc.out_h), oh = r - plane * uint(pc.out_h);
  const uint row0 = (plane * uint(pc.in_h) + 2u * oh) * in_w4 + 2u * ox;
  const vec4 a0 = x[row0], a1 = x[row0 + 1u];                  // row 2*oh, columns 8*ox .. +7
  const vec4 b0 = x[row0 + in_w4], b1 = x[row0 + in_w4 + 1u];  // row 2*oh + 1
  // Tap (r, c) of the 4 windows, in the reference's row-major tap order.
  const vec4 t00 = vec4(a0.xz, a1.xz), t01 = vec4(a0.yw, a1.yw);
  const vec4 t10 = vec4(b0.xz, b1.xz), t11 = vec4(b0.yw, b1.yw);
  vec4 res;
  if (SC_OP == PK_POOL_MAX) {
    res = take_max(take_max(take_max(take_max(vec4(pk_neg_inf()), t00), t01), t10), t11);
  } else {
    const float divisor = pc.divisor_override != 0 ? float(pc.divisor_override) : 4.0;
    res = (((t00 + t01) + t10) + t11) / divisor;
  }
  y[i] = res;
}
