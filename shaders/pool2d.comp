#version 450
// max_pool2d / avg_pool2d / lp_pool2d and their 1-D forms: one invocation per output element
// (x: output column, y: output row, z: plane). Semantics are the reference's
// (engine/src/backends/reference/pool2d.cpp), corner cases included: padding never wins a max,
// NaN propagates and keeps the last NaN's index, an empty dilated window gives -inf with
// PyTorch's starting-guess index, avg's divisor counts explicit padding but not the ceil-mode
// overhang. Sums accumulate in fp32 (the reference uses double: DESIGN's 1e-5 tolerance).
#extension GL_GOOGLE_include_directive : require
#include "pool2d_interface.h"
#include "common/pooling.glsl"

layout(local_size_x_id = PK_SC_WG_X, local_size_y_id = PK_SC_WG_Y, local_size_z_id = PK_SC_WG_Z) in;
layout(constant_id = PK_POOL2D_SC_OP) const uint SC_OP = PK_POOL_MAX;
layout(constant_id = PK_POOL2D_SC_KERNEL_H) const int SC_KERNEL_H = 0;
layout(constant_id = PK_POOL2D_SC_KERNEL_W) const int SC_KERNEL_W = 0;
layout(constant_id = PK_POOL2D_SC_STRIDE_H) const int SC_STRIDE_H = 0;
layout(constant_id = PK_POOL2D_SC_STRIDE_W) const int SC_STRIDE_W = 0;
layout(constant_id = PK_POOL2D_SC_INDICES) const uint SC_INDICES = 0;

layout(push_constant) uniform Push { PK_POOL2D_PUSH_FIELDS } pc;
layout(std430, binding = 0) readonly buffer In { float x[]; };
layout(std430, binding = 1) writeonly buffer Out { float y[]; };
layout(std430, binding = 2) writeonly buffer Indices { uint indices[]; };

void main() {
  const uvec3 gid = gl_GlobalInvocationID + uvec3(pc.base_x, pc.base_y, pc.base_z);
  if (gid.x >= uint(pc.out_w) || gid.y >= uint(pc.out_h) || gid.z >= pc.planes) return;
  const int ow = int(gid.x), oh = int(gid.y);
  const int kernel_h = SC_KERNEL_H != 0 ? SC_KERNEL_H : pc.kernel_h;
  const int kernel_w = SC_KERNEL_W != 0 ? SC_KERNEL_W : pc.kernel_w;
  const int stride_h = SC_STRIDE_H != 0 ? SC_STRIDE_H : pc.stride_h;
  const int stride_w = SC_STRIDE_W != 0 ? SC_STRIDE_W : pc.stride_w;
  const uint plane = gid.z * uint(pc.in_h * pc.in_w);
  const uint o = (gid.z * uint(pc.out_h) + gid.y) * uint(pc.out_w) + gid.x;

  if (SC_OP == PK_POOL_AVG) {
    // The window cut at the far edge of the explicit padding gives count_include_pad's divisor;
    // clipped to the input it gives the taps and the valid count.
    int h0 = oh * stride_h - pc.pad_h, w0 = ow * stride_w - pc.pad_w;
    int h1 = min(h0 + kernel_h, pc.in_h + pc.pad_h), w1 = min(w0 + kernel_w, pc.in_w + pc.pad_w);
    const int padded_size = (h1 - h0) * (w1 - w0);
    h0 = max(h0, 0);
    w0 = max(w0, 0);
    h1 = min(h1, pc.in_h);
    w1 = min(w1, pc.in_w);
    if (h0 >= h1 || w0 >= w1) {
      y[o] = 0.0;
      return;
    }
    float sum = 0.0;
    for (int ih = h0; ih < h1; ++ih) {
      for (int iw = w0; iw < w1; ++iw) sum += x[plane + uint(ih * pc.in_w + iw)];
    }
    const int divisor = pc.divisor_override != 0 ? pc.divisor_override
                        : pc.count_include_pad != 0 ? padded_size
                                                    : (h1 - h0) * (w1 - w0);
    y[o] = sum / float(divisor);
    return;
  }

  const TapRange rows = pk_valid_taps(oh, pc.in_h, kernel_h, stride_h, pc.pad_h, pc.dilation_h);
  const TapRange cols = pk_valid_taps(ow, pc.in_w, kernel_w, stride_w, pc.pad_w, pc.dilation_w);
  if (SC_OP == PK_POOL_MAX) {
    float best = pk_neg_inf();
    int best_index = rows.first_nonneg * pc.in_w + cols.first_nonneg;
    for (int kh = rows.begin; kh < rows.end; ++kh) {
      const int ih = oh * stride_h - pc.pad_h + kh * pc.dilation_h;
      for (int kw = cols.begin; kw < cols.end; ++kw) {
        const int at = ih * pc.in_w + ow * stride_w - pc.pad_w + kw * pc.dilation_w;
        const float v = x[plane + uint(at)];
        if (pk_max_takes(v, best)) {
          best = v;
          best_index = at;
        }
      }
    }
    y[o] = best;
    if (SC_INDICES != 0) {
      PK_STORE_INDEX(indices, o, best_index);
    }
  } else {  // PK_POOL_LP: (sum |x|^p)^(1/p) over the taps inside the input (no padding)
    // A NaN tap is tracked with isnan: on llvmpipe it did not survive |x|^p and the sum
    // (conformance, Lp pooling with NaN at every p).
    float sum = 0.0;
    bool nan_seen = false;
    for (int kh = rows.begin; kh < rows.end; ++kh) {
      const int ih = oh * stride_h + kh;
      for (int kw = cols.begin; kw < cols.end; ++kw) {
        const float v = x[plane + uint(ih * pc.in_w + ow * stride_w + kw)];
        nan_seen = nan_seen || isnan(v);
        sum += pk_abs_pow(v, pc.norm_type);
      }
    }
    y[o] = nan_seen ? pk_nan() : pk_root(sum, pc.norm_type, pc.inv_norm_type);
  }
}
