#version 450
// max_unpool2d: each value goes to the flat position its index names within its plane of the
// output; every other output element is 0; duplicates resolve to the last input in row-major
// order (the reference, PyTorch's CPU loop). See max_unpool2d_interface.h for the two passes.
// An index outside [0, out_size) is the caller's input error: reported through the status buffer
// (Error{bad_input} on the host), never written.
#extension GL_GOOGLE_include_directive : require
#include "max_unpool2d_interface.h"

layout(local_size_x_id = PK_SC_WG_X, local_size_y_id = PK_SC_WG_Y, local_size_z_id = PK_SC_WG_Z) in;
layout(constant_id = PK_MAX_UNPOOL2D_SC_PASS) const uint SC_PASS = PK_UNPOOL_PASS_SCATTER;

layout(push_constant) uniform Push { PK_MAX_UNPOOL2D_PUSH_FIELDS } pc;
layout(std430, binding = 0) readonly buffer Values { float values[]; };
layout(std430, binding = 1) readonly buffer Indices { uint indices[]; };
layout(std430, binding = 2) buffer Winners { uint winners[]; };
layout(std430, binding = 3) writeonly buffer Out { float y[]; };
layout(std430, binding = 4) buffer Status { uint status[]; };

void main() {
  const uint i = gl_GlobalInvocationID.x + pc.base_x;
  if (i >= pc.count) return;
  if (SC_PASS == PK_UNPOOL_PASS_SCATTER) {
    const uint lo = indices[2u * i], hi = indices[2u * i + 1u];
    if (hi != 0u || lo >= pc.out_size) {
      if (atomicCompSwap(status[0], PK_STATUS_OK, PK_STATUS_UNPOOL_INDEX) == PK_STATUS_OK) {
        status[1] = lo;
        status[2] = hi;
        status[3] = pc.node;
      }
      return;
    }
    const uint plane = i / pc.in_size;
    atomicMax(winners[plane * pc.out_size + lo], i - plane * pc.in_size + 1u);
  } else {
    const uint w = winners[i];
    y[i] = w == 0u ? 0.0 : values[(i / pc.out_size) * pc.in_size + w - 1u];
  }
}
