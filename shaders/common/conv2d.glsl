// One output element of conv2d (cross-correlation), shared by conv2d.comp and the fused
// conv2d_relu_max_pool2d.comp. Needs the Push block (PK_CONV2D_PUSH_FIELDS as `pc`), buffers x,
// w, b and the SC_BIAS constant. Sums in fp32 in the reference's order (bias, then ci, kh, kw),
// each step an fma: one rounding per tap keeps the error well inside DESIGN's 1e-5 tolerance
// for the reference's double sums.
#ifndef POOLKIT_CONV2D_GLSL
#define POOLKIT_CONV2D_GLSL

// |plane|: the dispatch's output plane (see conv2d_interface.h for co_first / ci_first).
float pk_conv2d_at(uint plane, int oh, int ow) {
  const uint p = plane + pc.co_first;
  const uint n = p / pc.c_out, co = p % pc.c_out;
  const uint first_ci = (co / pc.c_out_per_group) * pc.c_in_per_group - pc.ci_first;
  const uint in_size = uint(pc.in_h * pc.in_w);
  float sum = SC_BIAS != 0 ? b[co] : 0.0;
  uint w_at = co * pc.c_in_per_group * uint(pc.kernel_h * pc.kernel_w);
  for (uint ci = 0u; ci < pc.c_in_per_group; ++ci) {
    const uint x_plane = (n * pc.c_in + first_ci + ci) * in_size;
    for (int kh = 0; kh < pc.kernel_h; ++kh) {
      const int ih = oh * pc.stride_h - pc.pad_h + kh * pc.dilation_h;
      if (ih < 0 || ih >= pc.in_h) continue;
      for (int kw = 0; kw < pc.kernel_w; ++kw) {
        const int iw = ow * pc.stride_w - pc.pad_w + kw * pc.dilation_w;
        if (iw < 0 || iw >= pc.in_w) continue;
        sum = fma(x[x_plane + uint(ih * pc.in_w + iw)], w[w_at + uint(kh * pc.kernel_w + kw)], sum);
      }
    }
    w_at += uint(pc.kernel_h * pc.kernel_w);
  }
  return sum;
}

#endif
