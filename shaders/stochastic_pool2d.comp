#version 450
// stochastic_pool2d (Zeiler & Fergus 2013), bit for bit the reference's
// (engine/src/backends/reference/stochastic_pool.cpp): taps are the window's non-padding
// positions in row-major order with weight max(a, 0); training sums the weights in float in tap
// order, draws u = rng::uniform(seed, n, c, oh*OW + ow) and picks the first tap whose running
// float sum exceeds u * total (else the last weighted tap); inference gives sum(w*a) / sum(w).
// A NaN in the window gives NaN; a window of zero weight gives 0. `precise` forbids the driver
// from fusing or reordering the float arithmetic the pick depends on.
#extension GL_GOOGLE_include_directive : require
#include "stochastic_pool2d_interface.h"
#include "common/pooling.glsl"
#include "common/counter_rng.glsl"

layout(local_size_x_id = PK_SC_WG_X, local_size_y_id = PK_SC_WG_Y, local_size_z_id = PK_SC_WG_Z) in;
layout(constant_id = PK_STOCHASTIC_SC_TRAINING) const uint SC_TRAINING = 1;

layout(push_constant) uniform Push { PK_STOCHASTIC_PUSH_FIELDS } pc;
layout(std430, binding = 0) readonly buffer In { float x[]; };
layout(std430, binding = 1) writeonly buffer Out { float y[]; };

float weight_of(float a) { return a > 0.0 ? a : 0.0; }

void main() {
  const uvec3 gid = gl_GlobalInvocationID + uvec3(pc.base_x, pc.base_y, pc.base_z);
  if (gid.x >= uint(pc.out_w) || gid.y >= uint(pc.out_h) || gid.z >= pc.planes) return;
  const int oh = int(gid.y), ow = int(gid.x);
  const TapRange rows = pk_valid_taps(oh, pc.in_h, pc.kernel_h, pc.stride_h, pc.pad_h, 1);
  const TapRange cols = pk_valid_taps(ow, pc.in_w, pc.kernel_w, pc.stride_w, pc.pad_w, 1);
  const uint plane = gid.z * uint(pc.in_h * pc.in_w);
  const int row0 = oh * pc.stride_h - pc.pad_h, col0 = ow * pc.stride_w - pc.pad_w;
  const uint o = (gid.z * uint(pc.out_h) + gid.y) * uint(pc.out_w) + gid.x;

  precise float total = 0.0;
  precise float weighted = 0.0;
  bool nan_seen = false;
  for (int kh = rows.begin; kh < rows.end; ++kh) {
    for (int kw = cols.begin; kw < cols.end; ++kw) {
      const float a = x[plane + uint((row0 + kh) * pc.in_w + col0 + kw)];
      nan_seen = nan_seen || isnan(a);
      total += weight_of(a);
      if (SC_TRAINING == 0) weighted += weight_of(a) * a;
    }
  }
  if (nan_seen) {
    y[o] = pk_nan();
    return;
  }
  if (SC_TRAINING == 0) {
    y[o] = total > 0.0 ? weighted / total : 0.0;
    return;
  }
  if (!(total > 0.0)) {
    y[o] = 0.0;
    return;
  }
  const uint key_plane = gid.z + pc.plane_base;
  const uint n = pc.channels == 0u ? 0u : key_plane / pc.channels;
  const uint c = pc.channels == 0u ? key_plane : key_plane % pc.channels;
  const float u = pk_rng_uniform(pc.seed_lo, pc.seed_hi, n, c, gid.y * uint(pc.out_w) + gid.x);
  precise float threshold = u * total;
  precise float running = 0.0;
  float last_weighted = 0.0;
  for (int kh = rows.begin; kh < rows.end; ++kh) {
    for (int kw = cols.begin; kw < cols.end; ++kw) {
      const float a = x[plane + uint((row0 + kh) * pc.in_w + col0 + kw)];
      running += weight_of(a);
      if (running > threshold) {
        y[o] = a;
        return;
      }
      if (weight_of(a) > 0.0) last_weighted = a;
    }
  }
  y[o] = last_weighted;  // rounding left threshold at the total: the last tap carrying weight
}
