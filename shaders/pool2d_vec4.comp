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
layout(std430, binding = 0) readonly buffer In { vec4 x[]; };
layout(std430, binding = 1) writeonly buffer Out { vec4 y[]; };

vec4 take_max(vec4 best, vec4 v) {
  return mix(best, v, bvec4(uvec4(greaterThan(v, best)) | uvec4(isnan(v))));
}

void main() {
  const uvec3 gid = gl_GlobalInvocationID + uvec3(pc.base_x, pc.base_y, pc.base_z);
  const uint out_w4 = uint(pc.out_w) >> 2, in_w4 = uint(pc.in_w) >> 2;
  if (gid.x >= out_w4 || gid.y >= uint(pc.out_h) || gid.z >= pc.planes) return;
  const uint row0 = (gid.z * uint(pc.in_h) + 2u * gid.y) * in_w4 + 2u * gid.x;
  const vec4 a0 = x[row0], a1 = x[row0 + 1u];                  // row 2*oh, columns 8*ox .. +7
  const vec4 b0 = x[row0 + in_w4], b1 = x[row0 + in_w4 + 1u];  // row 2*oh + 1
  // Tap (r, c) of the 4 windows, in the reference's row-major tap order.
  const vec4 t00 = vec4(a0.x, a0.z, a1.x, a1.z), t01 = vec4(a0.y, a0.w, a1.y, a1.w);
  const vec4 t10 = vec4(b0.x, b0.z, b1.x, b1.z), t11 = vec4(b0.y, b0.w, b1.y, b1.w);
  vec4 r;
  if (SC_OP == PK_POOL_MAX) {
    r = take_max(take_max(take_max(take_max(vec4(pk_neg_inf()), t00), t01), t10), t11);
  } else {
    const float divisor = pc.divisor_override != 0 ? float(pc.divisor_override) : 4.0;
    r = (((t00 + t01) + t10) + t11) / divisor;
  }
  y[(gid.z * uint(pc.out_h) + gid.y) * out_w4 + gid.x] = r;
}
