#version 450
// adaptive_max_pool2d / adaptive_avg_pool2d: output (oh, ow) covers rows
// [floor(oh*H/OH), ceil((oh+1)*H/OH)) and likewise columns (pool_geometry.h adaptive_start/end).
// Max: the reference's rule (NaN wins, last NaN's index; all -inf reports the first element).
// Avg: fp32 sum / count. One invocation per output element (x column, y row, z plane).
#extension GL_GOOGLE_include_directive : require
#include "adaptive_pool2d_interface.h"
#include "common/pooling.glsl"

layout(local_size_x_id = PK_SC_WG_X, local_size_y_id = PK_SC_WG_Y, local_size_z_id = PK_SC_WG_Z) in;
layout(constant_id = PK_ADAPTIVE_POOL2D_SC_OP) const uint SC_OP = PK_ADAPTIVE_MAX;
layout(constant_id = PK_ADAPTIVE_POOL2D_SC_INDICES) const uint SC_INDICES = 0;

layout(push_constant) uniform Push { PK_ADAPTIVE_POOL2D_PUSH_FIELDS } pc;
layout(std430, binding = 0) readonly buffer In { float x[]; };
layout(std430, binding = 1) writeonly buffer Out { float y[]; };
layout(std430, binding = 2) writeonly buffer Indices { uint indices[]; };

void main() {
  const uvec3 gid = gl_GlobalInvocationID + uvec3(pc.base_x, pc.base_y, pc.base_z);
  if (gid.x >= pc.out_w || gid.y >= pc.out_h || gid.z >= pc.planes) return;
  const uint h0 = (gid.y * pc.in_h) / pc.out_h, h1 = ((gid.y + 1u) * pc.in_h + pc.out_h - 1u) / pc.out_h;
  const uint w0 = (gid.x * pc.in_w) / pc.out_w, w1 = ((gid.x + 1u) * pc.in_w + pc.out_w - 1u) / pc.out_w;
  const uint plane = gid.z * pc.in_h * pc.in_w;
  const uint o = (gid.z * pc.out_h + gid.y) * pc.out_w + gid.x;
  if (SC_OP == PK_ADAPTIVE_MAX) {
    float best = pk_neg_inf();
    int best_index = int(h0 * pc.in_w + w0);
    for (uint ih = h0; ih < h1; ++ih) {
      for (uint iw = w0; iw < w1; ++iw) {
        const float v = x[plane + ih * pc.in_w + iw];
        if (pk_max_takes(v, best)) {
          best = v;
          best_index = int(ih * pc.in_w + iw);
        }
      }
    }
    y[o] = best;
    if (SC_INDICES != 0) {
      PK_STORE_INDEX(indices, o, best_index);
    }
  } else {
    float sum = 0.0;
    for (uint ih = h0; ih < h1; ++ih) {
      for (uint iw = w0; iw < w1; ++iw) sum += x[plane + ih * pc.in_w + iw];
    }
    y[o] = sum / float((h1 - h0) * (w1 - w0));
  }
}
