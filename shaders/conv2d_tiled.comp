#version 450
// conv2d (+ optional relu) with register blocking, for unit stride and dilation: each invocation
// computes CO_BLOCK output channels x PX_BLOCK consecutive output columns of one output row, so
// every input value loaded feeds up to CO_BLOCK * KW fmas and every weight PX_BLOCK. The window
// (KH x KW), the blocks and pad_w are specialization constants: the tap loops unroll and the
// input row segment a tap row needs (PX_BLOCK + KW - 1 values) is loaded once, as vec4s when
// in_w % 4 == 0 (VEC4_X). Weights come packed by conv2d_pack_weights.comp so that a tap's
// CO_BLOCK weights are CO_BLOCK / 4 vec4 loads. Grid: x = column block, y = output row, z = block
// of CO_BLOCK output planes of the dispatch (co_first / ci_first: conv2d_interface.h).
// Summation order per output is the reference's (bias, then ci, kh, kw, one fma per tap), and
// padding taps are skipped, not multiplied by zero (an inf weight must not meet them).
//
// Why: on lavapipe every buffer load is a loop over the SIMD lanes (lp_bld_nir_soa.c), so the
// direct shader (conv2d.comp, two scalar loads per fma) is bound by loads. Measured on lavapipe,
// C1 (1x64x56x56, 64->64, 3x3), device time, same process: direct 682 ms; blocked with scalar
// loads 112 ms (4 ch x 4 px), 97 ms (8x4), 77 ms (4x8), 64 ms (8x8) — and 29 ms for 8x8 with the
// weight loads replaced by constants, which is what packing them for vec4 loads goes after.
#extension GL_GOOGLE_include_directive : require
#include "conv2d_interface.h"
#include "common/pooling.glsl"

layout(local_size_x_id = PK_SC_WG_X, local_size_y_id = PK_SC_WG_Y, local_size_z_id = PK_SC_WG_Z) in;
layout(constant_id = PK_CONV2D_SC_BIAS) const uint SC_BIAS = 0;
layout(constant_id = PK_CONV2D_SC_RELU) const uint SC_RELU = 0;
layout(constant_id = PK_CONV2D_SC_KH) const int KH = 3;
layout(constant_id = PK_CONV2D_SC_KW) const int KW = 3;
layout(constant_id = PK_CONV2D_SC_CO_BLOCK) const uint CO_BLOCK = 4;  // a multiple of 4
layout(constant_id = PK_CONV2D_SC_PX_BLOCK) const int PX_BLOCK = 4;   // a multiple of 4
layout(constant_id = PK_CONV2D_SC_PAD_W) const int PAD_W = 1;
layout(constant_id = PK_CONV2D_SC_VEC4_X) const uint VEC4_X = 0;
layout(constant_id = PK_CONV2D_SC_POOL) const uint SC_POOL = 0;

// Input columns a block needs: [ow0 - PAD_W, ow0 - PAD_W + SPAN). With vec4 rows they are read
// from the aligned column ow0 - PAD_W - SKEW (ow0 is a multiple of 4), NV vec4s.
const int SPAN = PX_BLOCK + KW - 1;
const int SKEW = (4 - PAD_W % 4) % 4;
const int NV = (SKEW + SPAN + 3) / 4;
const int NX = VEC4_X != 0 ? 4 * NV : SPAN;  // values held per tap row
const int FIRST = VEC4_X != 0 ? SKEW : 0;    // of column ow0 - PAD_W among them

layout(push_constant) uniform Push { PK_CONV2D_PUSH_FIELDS } pc;
layout(std430, binding = 0) restrict readonly buffer In { float x[]; };
layout(std430, binding = 0) restrict readonly buffer In4 { vec4 x4[]; };
layout(std430, binding = 1) restrict readonly buffer Packed { vec4 wp[]; };
layout(std430, binding = 2) restrict readonly buffer Bias { float b[]; };
layout(std430, binding = 3) restrict writeonly buffer Out { float y[]; };

int oh0_of_block;  // the block's first convolution output row

// The fused conv2d -> relu -> max_pool2d (2x2, stride 2, no padding; SC_POOL): an invocation
// computes ROWS = 2 convolution rows, so each input row loaded feeds both, and pools them.
const int ROWS = SC_POOL != 0 ? 2 : 1;
float acc[CO_BLOCK][ROWS][PX_BLOCK];

// Loads the block's values of the input row starting at x index |row| (col0 = ow0 - PAD_W);
// |guarded|: some of the block's columns fall in the padding (blocks at the left/right edges).
void load_row(uint row, int col0, bool guarded, out float xs[NX], out bool inside[NX]) {
  if (VEC4_X != 0) {
    const int v0 = (col0 - SKEW) / 4;  // col0 - SKEW is a multiple of 4 (and may be negative)
    const int in_w4 = pc.in_w / 4;
    for (int j = 0; j < NV; ++j) {
      const int v = v0 + j;
      const bool valid = !guarded || (v >= 0 && v < in_w4);
      const vec4 q = x4[row / 4u + uint(guarded ? clamp(v, 0, in_w4 - 1) : v)];
      for (int e = 0; e < 4; ++e) {
        xs[4 * j + e] = q[e];
        inside[4 * j + e] = valid;
      }
    }
  } else {
    for (int j = 0; j < SPAN; ++j) {
      const int c = col0 + j;
      inside[j] = !guarded || (c >= 0 && c < pc.in_w);
      xs[j] = x[row + uint(guarded ? clamp(c, 0, pc.in_w - 1) : c)];
    }
  }
}

// Tap row |w_at| (the vec4 of tap (ci, kh, 0)'s weights) of the loaded input row into output row t.
void accumulate(int t, in float xs[NX], in bool inside[NX], uint w_at, bool guarded) {
  for (int kw = 0; kw < KW; ++kw) {
    for (uint q = 0u; q < CO_BLOCK / 4u; ++q) {
      const vec4 wv = wp[w_at + uint(kw) * (CO_BLOCK / 4u) + q];
      for (int p = 0; p < PX_BLOCK; ++p) {
        const int at = FIRST + p + kw;
        if (guarded && !inside[at]) continue;
        for (uint e = 0u; e < 4u; ++e) acc[4u * q + e][t][p] = fma(xs[at], wv[e], acc[4u * q + e][t][p]);
      }
    }
  }
}

// Input row r of the block (r = 0 .. KH + ROWS - 2) into every output row t it is tap kh = r - t of.
void input_row(uint x_plane, int ih, int col0, uint w_ci, bool guarded) {
  float xs[NX];
  bool inside[NX];
  load_row(x_plane + uint(ih * pc.in_w), col0, guarded, xs, inside);
  for (int t = 0; t < ROWS; ++t) {
    const int kh = ih - (oh0_of_block + t - pc.pad_h);
    if (kh < 0 || kh >= KH) continue;
    accumulate(t, xs, inside, w_ci + uint(kh * KW) * (CO_BLOCK / 4u), guarded);
  }
}

void main() {
  const uvec3 gid = gl_GlobalInvocationID + uvec3(pc.base_x, pc.base_y, pc.base_z);
  const int ow0 = int(gid.x) * PX_BLOCK;  // first convolution column of the block
  const uint plane0 = gid.z * CO_BLOCK;   // the dispatch's output plane of the block's channel 0
  oh0_of_block = SC_POOL != 0 ? 2 * int(gid.y) : int(gid.y);
  const int out_w_conv = SC_POOL != 0 ? pc.conv_out_w : pc.out_w;
  if (ow0 >= out_w_conv || int(gid.y) >= pc.out_h || plane0 >= pc.planes) return;
  const uint p = plane0 + pc.co_first;
  const uint n = p / pc.c_out, co0 = p % pc.c_out;  // CO_BLOCK divides c_out_per_group: one group
  const uint first_ci = (co0 / pc.c_out_per_group) * pc.c_in_per_group - pc.ci_first;
  const uint in_size = uint(pc.in_h * pc.in_w);
  const uint taps = uint(KH * KW);
  for (uint k = 0u; k < CO_BLOCK; ++k) {
    const float init = SC_BIAS != 0 ? b[co0 + k] : 0.0;
    for (int t = 0; t < ROWS; ++t) {
      for (int q = 0; q < PX_BLOCK; ++q) acc[k][t][q] = init;
    }
  }
  const int col0 = ow0 - PAD_W;
  const bool guarded = col0 - FIRST < 0 || col0 - FIRST + NX > pc.in_w;
  // The packed weights of this channel block: [ci][kh][kw][CO_BLOCK] from vec4 w_block.
  const uint w_block = (co0 / CO_BLOCK) * pc.c_in_per_group * taps * (CO_BLOCK / 4u);
  for (uint ci = 0u; ci < pc.c_in_per_group; ++ci) {
    const uint x_plane = (n * pc.c_in + first_ci + ci) * in_size;
    const uint w_ci = w_block + ci * taps * (CO_BLOCK / 4u);
    for (int r = 0; r < KH + ROWS - 1; ++r) {
      const int ih = oh0_of_block - pc.pad_h + r;
      if (ih < 0 || ih >= pc.in_h) continue;
      if (guarded) input_row(x_plane, ih, col0, w_ci, true);
      else input_row(x_plane, ih, col0, w_ci, false);
    }
  }
  const uint out_size = uint(pc.out_h * pc.out_w);
  for (uint k = 0u; k < CO_BLOCK; ++k) {
    if (SC_POOL != 0) {  // relu, then the 2x2 max in the reference's tap order
      const uint at = (plane0 + k) * out_size + gid.y * uint(pc.out_w) + uint(ow0 / 2);
      for (int j = 0; j < PX_BLOCK / 2; ++j) {
        if (ow0 / 2 + j >= pc.out_w) break;
        float best = pk_neg_inf();
        for (int t = 0; t < 2; ++t) {
          for (int c = 0; c < 2; ++c) {
            float v = acc[k][t][2 * j + c];
            v = v < 0.0 ? 0.0 : v;
            if (pk_max_takes(v, best)) best = v;
          }
        }
        y[at + uint(j)] = best;
      }
    } else {
      const uint at = (plane0 + k) * out_size + gid.y * uint(pc.out_w) + uint(ow0);
      for (int q = 0; q < PX_BLOCK; ++q) {
        if (ow0 + q >= pc.out_w) break;
        float v = acc[k][0][q];
        if (SC_RELU != 0) v = v < 0.0 ? 0.0 : v;
        y[at + uint(q)] = v;
      }
    }
  }
}
