#version 450
// 2x2 / stride 2 max or average pooling with wide loads: the P1/P3/P5/P6 kernels. Compiled twice
// (shaders/CMakeLists.txt): pool2d_k2s2_vec4 moves vec4s (4 outputs per step from two rows of 8
// columns), pool2d_k2s2_vec8 (-DPK_VEC8, needs shaderInt64) moves u64vec4s, i.e. 8 floats per
// load (8 outputs per step from two rows of 16 columns). Applies (vulkan_backend.cpp, "k2s2")
// when padding is 0, dilation 1, no indices are wanted, in_w is a multiple of 8 (vec4) or 16
// (vec8) and the output is exactly (in_h/2, in_w/2) per plane; in_h may be odd (the last row is
// outside every window). Same max rule and fp32 average as pool2d.comp, taps visited in the
// reference's row-major order.
//
// Layout: one invocation per output row (over all planes of the dispatch), looping over the
// row's steps: no integer division when in_h is even (input row = 2 * output row), and full SIMD
// lanes whatever the row width. Measured on lavapipe (llvmpipe 15, 2 vCPUs), device time vs the
// vec4 copy shader in the same process, P1 (1x64x224x224), 9 interleaved rounds:
//   one vec4 step per invocation over a flat grid (r = i / steps; the kernel until 2026-11-22) 55-58%
//   the same with the row loop (this layout, vec4)                                          76%
//   vec8 loads, flat grid with one division per invocation                                  94-96%
//   vec8 loads, flat grid, division by a magic multiply (umulExtended)                      ~100% (noise)
//   vec8 loads, row loop (this layout)                                                      94-95%
//   vec8 loads, row loop fully unrolled (row length as a specialization constant)           88-91%
// and on P5 (8x64x224x224): flat vec4 44%, row-loop vec4 79%, row-loop vec8 89-92%.
// llvmpipe runs every load or store as a loop over the 8 SIMD lanes with a bounds check per
// component (lp_bld_nir_soa.c): wider components move more bytes per such loop, which is why
// 64-bit components pay, and why the fixed per-invocation cost (index math, a division
// scalarized lane by lane) matters as much as it does.
#extension GL_GOOGLE_include_directive : require
#ifdef PK_VEC8
#extension GL_ARB_gpu_shader_int64 : require
#endif
#include "pool2d_interface.h"
#include "common/pooling.glsl"

layout(local_size_x_id = PK_SC_WG_X, local_size_y_id = PK_SC_WG_Y, local_size_z_id = PK_SC_WG_Z) in;
layout(constant_id = PK_POOL2D_SC_OP) const uint SC_OP = PK_POOL_MAX;

layout(push_constant) uniform Push { PK_POOL2D_PUSH_FIELDS } pc;
#ifdef PK_VEC8
layout(std430, binding = 0) restrict readonly buffer In { u64vec4 x[]; };
layout(std430, binding = 1) restrict writeonly buffer Out { u64vec4 y[]; };
const uint kColumnsLog2 = 3u;  // floats per element
#else
layout(std430, binding = 0) restrict readonly buffer In { vec4 x[]; };
layout(std430, binding = 1) restrict writeonly buffer Out { vec4 y[]; };
const uint kColumnsLog2 = 2u;
#endif

vec4 take_max(vec4 best, vec4 v) {
  return mix(best, v, bvec4(uvec4(greaterThan(v, best)) | uvec4(isnan(v))));
}

// The 4 windows over columns 0..7 of two rows: a = (a0, a1) the upper row, b = (b0, b1) the lower.
vec4 pool4(vec4 a0, vec4 a1, vec4 b0, vec4 b1) {
  const vec4 t00 = vec4(a0.xz, a1.xz), t01 = vec4(a0.yw, a1.yw);  // tap (row, column) of each window
  const vec4 t10 = vec4(b0.xz, b1.xz), t11 = vec4(b0.yw, b1.yw);
  if (SC_OP == PK_POOL_MAX) return take_max(take_max(take_max(take_max(vec4(pk_neg_inf()), t00), t01), t10), t11);
  const float divisor = pc.divisor_override != 0 ? float(pc.divisor_override) : 4.0;
  return (((t00 + t01) + t10) + t11) / divisor;
}

#ifdef PK_VEC8
vec4 low4(u64vec4 v) { return vec4(uintBitsToFloat(unpackUint2x32(v.x)), uintBitsToFloat(unpackUint2x32(v.y))); }
vec4 high4(u64vec4 v) { return vec4(uintBitsToFloat(unpackUint2x32(v.z)), uintBitsToFloat(unpackUint2x32(v.w))); }
uint64_t pack2(float a, float b) { return packUint2x32(uvec2(floatBitsToUint(a), floatBitsToUint(b))); }
#endif

// Output elements [s * 2^kColumnsLog2, ...) of output row |o|, from input rows |i| and i + 1.
void pool_step(uint i, uint o, uint s, uint in_row_elems, uint out_row_elems) {
  const uint a = i * in_row_elems + 2u * s;
#ifdef PK_VEC8
  const u64vec4 a0 = x[a], a1 = x[a + 1u], b0 = x[a + in_row_elems], b1 = x[a + in_row_elems + 1u];
  const vec4 lo = pool4(low4(a0), high4(a0), low4(b0), high4(b0));
  const vec4 hi = pool4(low4(a1), high4(a1), low4(b1), high4(b1));
  y[o * out_row_elems + s] = u64vec4(pack2(lo.x, lo.y), pack2(lo.z, lo.w), pack2(hi.x, hi.y), pack2(hi.z, hi.w));
#else
  y[o * out_row_elems + s] = pool4(x[a], x[a + 1u], x[a + in_row_elems], x[a + in_row_elems + 1u]);
#endif
}

void main() {
  const uint o = gl_GlobalInvocationID.x + pc.base_x;  // output row over all planes
  if (o >= pc.planes * uint(pc.out_h)) return;
  uint i = 2u * o;  // its upper input row
  if (pc.in_h != 2 * pc.out_h) {  // odd in_h: each plane has one row more
    const uint plane = o / uint(pc.out_h);
    i = plane * uint(pc.in_h) + 2u * (o - plane * uint(pc.out_h));
  }
  const uint in_row_elems = uint(pc.in_w) >> kColumnsLog2, out_row_elems = uint(pc.out_w) >> kColumnsLog2;
  for (uint s = 0u; s < out_row_elems; ++s) pool_step(i, o, s, in_row_elems, out_row_elems);
}
