#version 450
// relu: x < 0 ? 0 : x, so NaN stays NaN and -0 stays -0 (torch.relu, the reference). With
// SC_VEC4 each invocation handles 4 elements through vec4 loads when all 4 are in range (the
// buffers are vec4-sized: the host rounds every allocation up to 16 bytes) and the tail scalar.
// The grid is 1-D over x; the host splits it past maxComputeWorkGroupCount[0] via base_x.
#extension GL_GOOGLE_include_directive : require
#include "relu_interface.h"

layout(local_size_x_id = PK_SC_WG_X, local_size_y_id = PK_SC_WG_Y, local_size_z_id = PK_SC_WG_Z) in;
layout(constant_id = PK_RELU_SC_VEC4) const uint SC_VEC4 = 0;

layout(push_constant) uniform Push { PK_RELU_PUSH_FIELDS } pc;
layout(std430, binding = 0) readonly buffer In { float x[]; };
layout(std430, binding = 1) writeonly buffer Out { float y[]; };
layout(std430, binding = 0) readonly buffer In4 { vec4 x4[]; };
layout(std430, binding = 1) writeonly buffer Out4 { vec4 y4[]; };

void main() {
  const uint i = gl_GlobalInvocationID.x + pc.base_x;
  if (SC_VEC4 != 0) {
    const uint first = 4u * i;
    if (first >= pc.count) return;
    if (first + 4u <= pc.count) {
      const vec4 v = x4[i];
      y4[i] = mix(v, vec4(0.0), lessThan(v, vec4(0.0)));
    } else {
      for (uint e = first; e < pc.count; ++e) y[e] = x[e] < 0.0 ? 0.0 : x[e];
    }
  } else {
    if (i >= pc.count) return;
    const float v = x[i];
    y[i] = v < 0.0 ? 0.0 : v;
  }
}
