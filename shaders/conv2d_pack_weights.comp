#version 450
// Reorders conv2d weights for conv2d_tiled.comp (see conv2d_interface.h): one invocation per
// weight. Run in the same command buffer before the convolution, so weights that are graph
// inputs are packed on every run like any other input.
#extension GL_GOOGLE_include_directive : require
#include "conv2d_interface.h"

layout(local_size_x_id = PK_SC_WG_X, local_size_y_id = PK_SC_WG_Y, local_size_z_id = PK_SC_WG_Z) in;

layout(push_constant) uniform Push { PK_CONV2D_PACK_PUSH_FIELDS } pc;
layout(std430, binding = 0) restrict readonly buffer Weight { float w[]; };
layout(std430, binding = 1) restrict writeonly buffer Packed { float packed[]; };

void main() {
  const uint i = gl_GlobalInvocationID.x + pc.base_x;  // [co][tap], the reference layout
  if (i >= pc.count) return;
  const uint co = i / pc.taps, tap = i - co * pc.taps;
  const uint block = co / pc.co_block, k = co - block * pc.co_block;
  packed[(block * pc.taps + tap) * pc.co_block + k] = w[i];
}
