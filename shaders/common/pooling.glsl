// Window helpers shared by the pooling shaders: GLSL versions of engine/src/graph/pool_geometry.h
// (valid_taps) and of the reference's max update rule. Index arithmetic is int: every dispatch
// binds at most maxStorageBufferRange (< 2^32) bytes of each tensor (larger tensors are split
// between planes, engine/src/backends/vulkan/chunking.h), and the host refuses planes of 2^31
// elements or more, so every element offset and every in-plane position fits.
#ifndef POOLKIT_POOLING_GLSL
#define POOLKIT_POOLING_GLSL

// valid_taps(o, in, a): taps [begin, end) whose position o*stride - pad + k*dilation is inside
// [0, in); first_nonneg is the first tap position >= 0 (PyTorch's index guess for an empty window).
struct TapRange {
  int begin;
  int end;
  int first_nonneg;
};
TapRange pk_valid_taps(int o, int in_size, int kernel, int stride, int pad, int dilation) {
  const int base = o * stride - pad;
  TapRange r;
  r.begin = base >= 0 ? 0 : (-base + dilation - 1) / dilation;
  r.first_nonneg = base + r.begin * dilation;
  const int past = in_size - base;
  r.end = past <= 0 ? 0 : min(kernel, (past + dilation - 1) / dilation);
  if (r.end < r.begin) r.end = r.begin;
  return r;
}

// The reference's max rule: a tap replaces the running maximum when it is larger or NaN, so NaN
// propagates and the last NaN's index is kept. GLSL's max() is not NaN-propagating, hence the
// explicit test (llvmpipe honours isnan; no fast-math decorations are used anywhere).
bool pk_max_takes(float v, float best) { return v > best || isnan(v); }

float pk_neg_inf() { return uintBitsToFloat(0xff800000u); }
float pk_nan() { return uintBitsToFloat(0x7fc00000u); }

// |x|^p for the Lp pools. p = 1, 2, 3, 4 by multiplication (exact or one rounding per product, as
// the reference's double pow then float cast nearly is); other p through pow().
float pk_abs_pow(float x, float p) {
  const float a = abs(x);
  if (p == 1.0) return a;
  if (p == 2.0) return a * a;
  if (p == 3.0) return a * a * a;
  if (p == 4.0) return (a * a) * (a * a);
  return pow(a, p);
}
float pk_root(float s, float p, float inv_p) {
  if (p == 1.0) return s;
  if (p == 2.0) return sqrt(s);
  return pow(s, inv_p);
}

// int64 index outputs are written as (lo, hi) uint pairs: the buffer holds int64 little-endian.
#define PK_STORE_INDEX(buf, o, idx) \
  buf[2u * (o)] = uint(idx);        \
  buf[2u * (o) + 1u] = (idx) < 0 ? 0xffffffffu : 0u

#endif
