#version 450
// fractional_max_pool2d with PyTorch's _random_samples interval rule, mirrored from
// engine/src/graph/fractional_intervals.h in float32:
//   start(i) = int((i + u) * alpha) - int(u * alpha),  start(out - 1) = in - pool
// `precise` keeps the driver from contracting or reassociating those products. Samples come from
// binding 3 ([w-sample, h-sample] per plane) or from the counter RNG keyed (seed, n, c, axis).
// A sample outside [0, 1) is the caller's input error: it is reported through the status buffer
// (the host turns it into Error{bad_input}) and the window is clamped so no read goes astray.
#extension GL_GOOGLE_include_directive : require
#include "fractional_max_pool2d_interface.h"
#include "common/pooling.glsl"
#include "common/counter_rng.glsl"

layout(local_size_x_id = PK_SC_WG_X, local_size_y_id = PK_SC_WG_Y, local_size_z_id = PK_SC_WG_Z) in;
layout(constant_id = PK_FRACTIONAL_SC_INDICES) const uint SC_INDICES = 0;
layout(constant_id = PK_FRACTIONAL_SC_SAMPLES) const uint SC_SAMPLES = 0;

layout(push_constant) uniform Push { PK_FRACTIONAL_PUSH_FIELDS } pc;
layout(std430, binding = 0) readonly buffer In { float x[]; };
layout(std430, binding = 1) writeonly buffer Out { float y[]; };
layout(std430, binding = 2) writeonly buffer Indices { uint indices[]; };
layout(std430, binding = 3) readonly buffer Samples { float samples[]; };
layout(std430, binding = 4) buffer Status { uint status[]; };

// |plane|: the dispatch's own plane index (the bindings start at plane pc.plane_base).
float sample_for(uint plane, uint axis) {
  const uint key_plane = plane + pc.plane_base;
  if (SC_SAMPLES != 0) {
    const float u = samples[2u * plane + axis];
    if (!(u >= 0.0 && u < 1.0)) {
      if (atomicCompSwap(status[0], PK_STATUS_OK, PK_STATUS_FRACTIONAL_SAMPLE) == PK_STATUS_OK) {
        status[1] = floatBitsToUint(u);
        status[2] = key_plane * 2u + axis;
        status[3] = pc.node;
      }
      return 0.0;
    }
    return u;
  }
  const uint n = pc.channels == 0u ? 0u : key_plane / pc.channels;
  const uint c = pc.channels == 0u ? key_plane : key_plane % pc.channels;
  return pk_rng_uniform(pc.seed_lo, pc.seed_hi, n, c, axis);
}

int start_of(int i, float u, int in_size, int out_size, int pool, float alpha) {
  if (out_size == 1 || i == out_size - 1) return in_size - pool;
  precise float a = (float(i) + u) * alpha;
  precise float b = u * alpha;
  return int(a) - int(b);
}

void main() {
  const uvec3 gid = gl_GlobalInvocationID + uvec3(pc.base_x, pc.base_y, pc.base_z);
  if (gid.x >= uint(pc.out_w) || gid.y >= uint(pc.out_h) || gid.z >= pc.planes) return;
  const float u_w = sample_for(gid.z, 0u), u_h = sample_for(gid.z, 1u);
  const int h0 = clamp(start_of(int(gid.y), u_h, pc.in_h, pc.out_h, pc.pool_h, pc.alpha_h), 0, pc.in_h - pc.pool_h);
  const int w0 = clamp(start_of(int(gid.x), u_w, pc.in_w, pc.out_w, pc.pool_w, pc.alpha_w), 0, pc.in_w - pc.pool_w);
  const uint plane = gid.z * uint(pc.in_h * pc.in_w);
  float best = pk_neg_inf();
  int best_index = h0 * pc.in_w + w0;
  for (int ih = h0; ih < h0 + pc.pool_h; ++ih) {
    for (int iw = w0; iw < w0 + pc.pool_w; ++iw) {
      const float v = x[plane + uint(ih * pc.in_w + iw)];
      if (pk_max_takes(v, best)) {
        best = v;
        best_index = ih * pc.in_w + iw;
      }
    }
  }
  const uint o = (gid.z * uint(pc.out_h) + gid.y) * uint(pc.out_w) + gid.x;
  y[o] = best;
  if (SC_INDICES != 0) {
    PK_STORE_INDEX(indices, o, best_index);
  }
}
