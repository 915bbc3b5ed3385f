#version 450
// The bandwidth baseline of the Vulkan performance target (DESIGN.md): the plainest vec4 copy.
// `poolkit bench` reports every pooling number as a percentage of this shader's GB/s on the same
// device in the same run (Backend::copy_gbytes_per_s). vec4 matters: on lavapipe scalar loads
// reach 1.3-3.5 GB/s, vec4 ~9 GB/s (shared/NOTES.md).
#extension GL_GOOGLE_include_directive : require
#include "relu_interface.h"

layout(local_size_x_id = PK_SC_WG_X, local_size_y_id = PK_SC_WG_Y, local_size_z_id = PK_SC_WG_Z) in;

layout(push_constant) uniform Push { PK_RELU_PUSH_FIELDS } pc;
layout(std430, binding = 0) readonly buffer In { vec4 x[]; };
layout(std430, binding = 1) writeonly buffer Out { vec4 y[]; };

void main() {
  const uint i = gl_GlobalInvocationID.x + pc.base_x;
  if (i < pc.count) y[i] = x[i];
}
