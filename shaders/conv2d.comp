#version 450
// conv2d (+ optional relu): one invocation per output element (x column, y row, z = n*C_out+co),
// groups and dilation included; the arithmetic is common/conv2d.glsl.
#extension GL_GOOGLE_include_directive : require
#include "conv2d_interface.h"

layout(local_size_x_id = PK_SC_WG_X, local_size_y_id = PK_SC_WG_Y, local_size_z_id = PK_SC_WG_Z) in;
layout(constant_id = PK_CONV2D_SC_BIAS) const uint SC_BIAS = 0;
layout(constant_id = PK_CONV2D_SC_RELU) const uint SC_RELU = 0;

layout(push_constant) uniform Push { PK_CONV2D_PUSH_FIELDS } pc;
layout(std430, binding = 0) readonly buffer In { float x[]; };
layout(std430, binding = 1) readonly buffer Weight { float w[]; };
layout(std430, binding = 2) readonly buffer Bias { float b[]; };
layout(std430, binding = 3) writeonly buffer Out { float y[]; };

#include "common/conv2d.glsl"

void main() {
  const uvec3 gid = gl_GlobalInvocationID + uvec3(pc.base_x, pc.base_y, pc.base_z);
  if (gid.x >= uint(pc.out_w) || gid.y >= uint(pc.out_h) || gid.z >= pc.planes) return;
  float v = pk_conv2d_at(gid.z, int(gid.y), int(gid.x));
  if (SC_RELU != 0) v = v < 0.0 ? 0.0 : v;
  y[(gid.z * uint(pc.out_h) + gid.y) * uint(pc.out_w) + gid.x] = v;
}
