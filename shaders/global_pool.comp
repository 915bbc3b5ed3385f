#version 450
// global_max_pool / global_avg_pool / global_lp_pool: each (n, c) plane reduces to one value.
// One workgroup per plane (z); each invocation folds a strided slice, then a shared-memory tree.
// Max: NaN anywhere gives NaN (the reference's rule; the order of a max does not change its
// value, only the sign of a zero, which compares equal). Avg and lp: fp32 partial sums.
#extension GL_GOOGLE_include_directive : require
#include "global_pool_interface.h"
#include "common/pooling.glsl"

layout(local_size_x_id = PK_SC_WG_X, local_size_y_id = PK_SC_WG_Y, local_size_z_id = PK_SC_WG_Z) in;
layout(constant_id = PK_GLOBAL_POOL_SC_OP) const uint SC_OP = PK_POOL_MAX;
layout(constant_id = PK_SC_WG_X) const uint WG = 64;

layout(push_constant) uniform Push { PK_GLOBAL_POOL_PUSH_FIELDS } pc;
layout(std430, binding = 0) readonly buffer In { float x[]; };
layout(std430, binding = 1) writeonly buffer Out { float y[]; };

shared float partial[WG];
// Lp: whether the plane holds a NaN, tracked apart from the sums. On llvmpipe the NaN of a
// plane's |x|^p did not survive to the result (conformance, NaN planes at every p gave the
// finite sum of the rest); an explicit isnan, as the max rule uses, does.
shared uint plane_has_nan;

float combine(float a, float b) {
  if (SC_OP == PK_POOL_MAX) return pk_max_takes(b, a) ? b : a;
  return a + b;
}

void main() {
  const uint plane = gl_WorkGroupID.z + pc.base_z;
  const uint lane = gl_LocalInvocationID.x;
  float acc = SC_OP == PK_POOL_MAX ? pk_neg_inf() : 0.0;
  bool nan_seen = false;
  if (lane == 0u) plane_has_nan = 0u;
  barrier();
  if (plane < pc.planes) {
    const uint first = plane * pc.spatial;
    for (uint i = lane; i < pc.spatial; i += WG) {
      const float v = x[first + i];
      if (SC_OP == PK_POOL_LP) nan_seen = nan_seen || isnan(v);
      acc = SC_OP == PK_POOL_LP ? acc + pk_abs_pow(v, pc.norm_type) : combine(acc, v);
    }
  }
  if (nan_seen) atomicOr(plane_has_nan, 1u);
  partial[lane] = acc;
  barrier();
  for (uint half_size = WG / 2u; half_size > 0u; half_size /= 2u) {
    if (lane < half_size) partial[lane] = combine(partial[lane], partial[lane + half_size]);
    barrier();
  }
  if (lane == 0u && plane < pc.planes) {
    const float r = partial[0];
    if (SC_OP == PK_POOL_AVG) y[plane] = r / float(pc.spatial);
    else if (SC_OP == PK_POOL_LP) y[plane] = plane_has_nan != 0u ? pk_nan() : pk_root(r, pc.norm_type, pc.inv_norm_type);
    else y[plane] = r;
  }
}
