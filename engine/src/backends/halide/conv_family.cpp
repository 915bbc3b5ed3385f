// conv2d, conv2d -> relu, and conv2d -> relu -> max_pool2d: one conv algorithm, three steps.
#include <limits>

#include "backends/halide/family_helpers.h"
#include "backends/halide/magnitude_bound.h"
#include "graph/pool_geometry.h"

namespace poolkit::halide {
namespace {

const Conv2dAttrs& conv_attrs(const Step& s) { return std::get<Conv2dAttrs>(s.first().attrs); }

struct ConvGeometry {
  int32_t kh, kw, sh, sw, ph, pw, dh, dw, groups;
};

ConvGeometry geometry(const Step& s, const Graph& g) {
  const Conv2dAttrs& a = conv_attrs(s);
  const Shape& w = g.value(s.first().inputs[1]).shape;
  Pair pad = a.padding.values;
  if (a.padding.mode == Conv2dPadding::Mode::valid) pad = {0, 0};
  if (a.padding.mode == Conv2dPadding::Mode::same) {
    // PyTorch: total d*(k-1), the odd element at the end; the output size implies the end.
    pad = {a.dilation.h * (w[2] - 1) / 2, a.dilation.w * (w[3] - 1) / 2};
  }
  return {i32(w[2]), i32(w[3]), i32(a.stride.h), i32(a.stride.w), i32(pad.h), i32(pad.w),
          i32(a.dilation.h), i32(a.dilation.w), i32(a.groups)};
}

bool conv_accepts(const Step& s, const Graph& g) {
  if (s.first().kind() != OpKind::conv2d || !fits_halide(s, g)) return false;
  const Conv2dAttrs& a = conv_attrs(s);
  for (int64_t v : {a.stride.h, a.stride.w, a.padding.values.h, a.padding.values.w, a.dilation.h, a.dilation.w, a.groups})
    if (!fits_int32(v)) return false;
  return true;
}

bool kernel_fits(const Variant& v, const Step& s, const Graph& g) {
  const ConvGeometry c = geometry(s, g);
  return param_fits(v, "kernel", c.kh) && param_fits(v, "kernel", c.kw);
}

// Winograd variants (winograd=1 or 2, halide_generators/common/conv2d_winograd.h) compute 3x3
// convolutions with unit stride and dilation and one group, on outputs holding at least one of
// their blocks: vector_width tiles per row, band_rows (2-D) or rows_per_task (1-D, rows) rows of
// tiles, co_block channels. |tiles| is the grid of tiles: conv2d's output halved (its extents
// must be even), or the fused block's pooled output.
bool winograd_fits(const Variant& v, const Step& s, const Graph& g, const Shape& tiles, bool needs_even_conv) {
  const ConvGeometry c = geometry(s, g);
  if (c.kh != 3 || c.kw != 3 || c.sh != 1 || c.sw != 1 || c.dh != 1 || c.dw != 1 || c.groups != 1) return false;
  const Shape& conv_out = g.value(s.first().outputs[0]).shape;
  const int r = conv_out.rank();
  if (needs_even_conv && (conv_out[r - 1] % 2 != 0 || conv_out[r - 2] % 2 != 0)) return false;
  const int rows = v.int_param(v.int_param("winograd") == 1 ? "rows_per_task" : "band_rows");
  return tiles[r - 1] >= v.int_param("vector_width") && tiles[r - 2] >= rows && conv_out[r - 3] >= v.int_param("co_block");
}

// Which form of the convolution the planner prefers, by input channels (Winograd's transforms
// cost the same per channel whatever the reduction's length). 1 thread, 2026-11-22, medians:
// conv2d, 2-D Winograd against direct: 64 channels (C1) 0.61 vs 0.98 ms, 16: equal, 3: 0.64 vs
// 0.37 — from 32. Fused with a 2x2 pool, 2-D / 1-D (rows) / best direct: 64 (F1) 2.4 / - / 3.6,
// 32: 1.38 / - / 2.02, 16: 0.40 / 0.48 / 0.47, 8: - / 0.75 / 0.93, 3 (F2): - / 0.30 / 0.35,
// 1: - / 0.134 / 0.133 — 2-D from 16, rows below. The costs are those time ratios.
int64_t input_channels(const Step& s, const Graph& g) {
  const Shape& x = g.value(s.first().inputs[0]).shape;
  return x[x.rank() - 3];
}
double conv_winograd_cost(const Step& s, const Graph& g) { return input_channels(s, g) >= 32 ? 0.62 : -1.0; }

// Whole tasks on |threads| threads: the share of thread time the last, partly idle round leaves
// busy. C1 in bands of 4 rows of tiles is 7 tasks, 4 rounds on 2 threads; in bands of 14, 2
// tasks: 0.68 vs 0.70 ms on 1 thread, 0.41 vs 0.36 ms on 2 (2026-11-22).
double parallel_efficiency(int64_t tasks, int threads) {
  const int64_t rounds = (tasks + threads - 1) / threads;
  return static_cast<double>(tasks) / static_cast<double>(rounds * threads);
}
double rounded_up(int64_t n, int64_t block) {
  return static_cast<double>((n + block - 1) / block * block) / static_cast<double>(n);
}
double fused_winograd_cost(int form, const Step& s, const Graph& g) {
  const bool many = input_channels(s, g) >= 16;
  if (form == 2) return many ? 0.6 : -1.0;
  return many ? -1.0 : 0.85;
}

// conv2d alone, and conv2d -> relu (the planner only forms the latter when relu is conv's sole reader).
bool accepts_conv(const Step& s, const Graph& g) { return s.nodes.size() == 1 && conv_accepts(s, g); }
bool accepts_conv_relu(const Step& s, const Graph& g) {
  return s.nodes.size() == 2 && s.nodes[1]->kind() == OpKind::relu && conv_accepts(s, g);
}
Shape conv_tiles(const Step& s, const Graph& g) {
  std::vector<int64_t> d = g.value(s.first().outputs[0]).shape.dims();
  d[d.size() - 1] /= 2;
  d[d.size() - 2] /= 2;
  return Shape(d);
}
bool applies_conv(const Variant& v, const Step& s, const Graph& g) {
  if (v.int_param("relu") != (s.nodes.size() == 2 ? 1 : 0) || !kernel_fits(v, s, g)) return false;
  return !v.int_param("winograd") || winograd_fits(v, s, g, conv_tiles(s, g), true);
}
// The planner's pick (Family::default_cost): Winograd where worth it — among its rows, the least
// tile-vector recomputation (ShiftInwards over a band's flat tiles) and idle thread time —, else
// table order.
double conv_default_cost(const Variant& v, const Step& s, const Graph& g, int threads) {
  if (!v.int_param("winograd")) return 1.0;
  const double form = conv_winograd_cost(s, g);
  if (form < 0) return form;
  const Shape tiles = conv_tiles(s, g);
  const int r = tiles.rank();
  const int64_t band_rows = v.int_param("band_rows"), images = r == 4 ? tiles[0] : 1;
  const int64_t bands = (tiles[r - 2] + band_rows - 1) / band_rows;
  return form * rounded_up(band_rows * tiles[r - 1], v.int_param("vector_width")) /
         parallel_efficiency(bands * images, threads);
}

// conv2d -> relu -> max_pool2d: the generator pools the conv output without padding, dilation or
// indices, and every window must lie inside the conv output (no ceil-mode overhang).
bool accepts_fused(const Step& s, const Graph& g) {
  if (s.nodes.size() != 3 || s.nodes[2]->kind() != OpKind::max_pool2d || !conv_accepts(s, g)) return false;
  const MaxPool2dAttrs& p = std::get<MaxPool2dAttrs>(s.nodes[2]->attrs);
  if (p.return_indices || p.padding != Pair{0, 0} || p.dilation != Pair{1, 1}) return false;
  const Window2d w = window_of(p);
  const Shape& conv_out = g.value(s.first().outputs[0]).shape;
  const Shape& pooled = g.value(s.last().outputs[0]).shape;
  const int r = conv_out.rank();
  return (pooled[r - 2] - 1) * w.h.stride + w.h.kernel <= conv_out[r - 2] &&
         (pooled[r - 1] - 1) * w.w.stride + w.w.kernel <= conv_out[r - 1] && fits_int32(w.h.kernel) &&
         fits_int32(w.w.kernel) && fits_int32(w.h.stride) && fits_int32(w.w.stride);
}
bool applies_fused(const Variant& v, const Step& s, const Graph& g) {
  const Window2d w = window_of(std::get<MaxPool2dAttrs>(s.nodes[2]->attrs));
  const int pk = v.int_param("pool_kernel");  // pool kernel = stride = pk when baked in
  const bool pool_fits = pk == 0 || (w.h.kernel == pk && w.w.kernel == pk && w.h.stride == pk && w.w.stride == pk);
  if (!pool_fits || !kernel_fits(v, s, g)) return false;
  return !v.int_param("winograd") || winograd_fits(v, s, g, g.value(s.last().outputs[0]).shape, false);
}

// The planner's pick among fused variants (Family::default_cost). Only a variant with the pool
// window baked in (kernel = stride: every conv value is computed once and pooled in registers)
// on its register-blocked path (the generator's `fits`: unit conv stride and dilation, one
// group, at least one block of output) is a default: there the direct form did the conv's FMAs
// with no conv output written or read back — F2 0.36 ms vs 0.58 ms for conv2d_relu + max_pool2d,
// F1 3.6 vs 3.8 ms (1 thread, 2026-11-22). A run-time window recomputes conv values under
// overlapping windows and runs one channel at a time off that path, so it only runs on request.
// Cost = the form's measured time ratio (fused_winograd_cost; direct 1) times the recomputation
// of ShiftInwards blocks that overlap where the pooled width, height or channel count is not a
// multiple of the block (F1's 56 pooled columns: v8 blocks fit, v16 blocks recompute 8 of 64),
// over the parallel efficiency of the tasks (rows of the pooled output per task).
double fused_default_cost(const Variant& v, const Step& s, const Graph& g, int threads) {
  const ConvGeometry c = geometry(s, g);
  if (v.int_param("pool_kernel") == 0 || c.groups != 1 || c.sh != 1 || c.sw != 1 || c.dh != 1 || c.dw != 1) return -1;
  const Shape& pooled = g.value(s.last().outputs[0]).shape;
  const int r = pooled.rank();
  const int64_t w = pooled[r - 1], h = pooled[r - 2], ch = pooled[r - 3];
  const int form = v.int_param("winograd");
  const int64_t vw = v.int_param("vector_width"), cb = v.int_param("co_block");
  const int64_t rows = v.int_param(form == 2 ? "band_rows" : "rows_per_task");
  if (w < vw || h < rows || ch < cb) return -1;
  const double recomputed = rounded_up(w, vw) * rounded_up(h, rows) * rounded_up(ch, cb) /
                            parallel_efficiency((h + rows - 1) / rows * (r == 4 ? pooled[0] : 1), threads);
  if (form == 0) return recomputed;
  const double cost = fused_winograd_cost(form, s, g);
  return cost < 0 ? cost : cost * recomputed;
}

struct ConvBuffers {
  Halide::Runtime::Buffer<float> input, weight, bias, output;
  Tensor bias_storage;  // zeros when the graph has no bias
};

ConvBuffers conv_buffers(const Step& s, const Graph& g, ValueTable& values) {
  ConvBuffers b;
  const Tensor& x = input_of(s, values, 0);
  const Tensor& w = input_of(s, values, 1);
  if (s.first().inputs.size() == 3) {
    b.bias_storage = input_of(s, values, 2);
  } else {
    b.bias_storage = Tensor::zeros({w.shape()[0]});
  }
  Tensor& y = new_output(s, g, values, 0);
  b.input = view<float>(x, as_nchw(x.shape(), false));
  b.weight = view<float>(w, w.shape().dims());
  b.bias = view<float>(b.bias_storage, b.bias_storage.shape().dims());
  b.output = view<float>(y, as_nchw(y.shape(), false));
  return b;
}

using ConvFn = int (*)(halide_buffer_t*, halide_buffer_t*, halide_buffer_t*, int32_t, int32_t, int32_t, int32_t, int32_t,
                       int32_t, int32_t, halide_buffer_t*);
using FusedFn = int (*)(halide_buffer_t*, halide_buffer_t*, halide_buffer_t*, int32_t, int32_t, int32_t, int32_t, int32_t,
                        int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, halide_buffer_t*);

// A Winograd variant's transforms turn some infinite results into NaN (conv2d_winograd.h), and
// its intermediates can exceed direct convolution's: |B^T d B| <= 4 max|x|, |G g G^T| <= 2.25
// max|w|, so |A^T M A| <= 81 * cin * max|x| * max|w|, 9 times direct's own bound. When the input
// or the weights hold a NaN or an infinity, or that bound nears FLT_MAX, the direct variant the
// planner would pick runs instead (the scans read input and weights once: ~1.5% of C1, perf;
// every family ends in a generic direct row; costed for one thread: the run does not know the
// count). Family::resolve: the executable reports the variant that ran.
bool winograd_safe(const Step& s, const ValueTable& values) {
  const Tensor& weight = input_of(s, values, 1);
  const double bound = 81.0 * static_cast<double>(weight.shape()[1]) * magnitude_bound(input_of(s, values, 0)) *
                       magnitude_bound(weight);
  return bound <= std::numeric_limits<float>::max() / 4;  // NaN/inf: +inf (or NaN for 0 * inf): false
}

const Variant& winograd_or_direct(const Variant& v, const Step& s, const Graph& g, const ValueTable& values) {
  if (!v.int_param("winograd") || winograd_safe(s, values)) return v;
  const Variant* best = nullptr;
  double best_cost = 0;
  for (const Variant* d : applicable_variants(s, g)) {
    if (d->int_param("winograd") || d->autoscheduled()) continue;
    const double cost = family(s.family)->default_cost(*d, s, g, 1);
    if (!best || (cost >= 0 && (best_cost < 0 || cost < best_cost))) best = d, best_cost = cost;
  }
  return best ? *best : v;
}

void run_conv(const Variant& v, const Step& s, const Graph& g, ValueTable& values) {
  const ConvGeometry c = geometry(s, g);
  ConvBuffers b = conv_buffers(s, g, values);
  check(reinterpret_cast<ConvFn>(v.function)(b.input, b.weight, b.bias, c.sh, c.sw, c.ph, c.pw, c.dh, c.dw, c.groups,
                                              b.output),
        v.id);
}

void run_fused(const Variant& v, const Step& s, const Graph& g, ValueTable& values) {
  const ConvGeometry c = geometry(s, g);
  const Window2d w = window_of(std::get<MaxPool2dAttrs>(s.nodes[2]->attrs));
  ConvBuffers b = conv_buffers(s, g, values);
  check(reinterpret_cast<FusedFn>(v.function)(b.input, b.weight, b.bias, c.sh, c.sw, c.ph, c.pw, c.dh, c.dw, c.groups,
                                               i32(w.h.kernel), i32(w.w.kernel), i32(w.h.stride), i32(w.w.stride),
                                               b.output),
        v.id);
}

}  // namespace

extern const Family kConvFamily{"conv2d", "conv2d", accepts_conv, applies_conv, run_conv, conv_default_cost,
                                winograd_or_direct};
extern const Family kConvReluFamily{"conv2d_relu", "conv2d", accepts_conv_relu, applies_conv, run_conv,
                                    conv_default_cost, winograd_or_direct};
extern const Family kConvReluMaxPoolFamily{"conv2d_relu_max_pool2d", "conv2d_relu_max_pool2d", accepts_fused,
                                           applies_fused, run_fused, fused_default_cost, winograd_or_direct};

}  // namespace poolkit::halide
