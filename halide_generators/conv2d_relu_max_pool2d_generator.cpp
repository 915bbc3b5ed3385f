// The fused block conv2d -> relu -> max_pool2d (F1, F2): the full-resolution conv output never
// goes to memory. Per vector of pooled outputs and block of output channels, the conv block
// under it is computed in registers (as conv2d's register-blocked loop) and pooled at once.
//
// Applies when the pool has no padding, no dilation, no indices and no window hanging past the
// conv output (the planner checks; ceil mode is fine when it adds no overhang). relu commutes with
// max (monotonic, NaN-preserving as written), so it is applied after pooling: 1/(kh·kw) the work.
#include "common/conv2d_algorithm.h"
#include "common/conv2d_winograd.h"

namespace poolkit_gen {

class Conv2dReluMaxPool2d : public Generator<Conv2dReluMaxPool2d> {
 public:
  GeneratorParam<int> kernel{"kernel", 0};            // conv kernel, 0 = any
  GeneratorParam<int> pool_kernel{"pool_kernel", 0};  // pool kernel = stride, 0 = any (runtime)
  // Pooled columns per block: the conv block is pool_kernel * vector_width columns (in vectors of
  // conv_vector) x pool_kernel rows x co_block channels. 16 x 4 channels (32 x 2 x 4 conv
  // values = 16 zmm accumulators) ran F2 in 0.356 ms, 8 x 8 channels (16 x 2 x 8, also 16
  // accumulators) 0.40 ms; F1 the other way round, 3.58 vs 4.05 ms, since its 56 pooled
  // columns are not whole vectors of 16 (1 thread, 2026-11-22). variants.cmake has both.
  GeneratorParam<int> vector_width{"vector_width", 16};
  GeneratorParam<int> co_block{"co_block", 4};
  GeneratorParam<int> conv_vector{"conv_vector", 16};  // one AVX-512 vector of f32
  // Pooled rows per parallel task: its padded input copy is (pool_kernel*rows + kh - 1) conv
  // rows. 4 and 8 measured alike on F2 (0.352 / 0.351 ms); 4 gives 2 threads 28 tasks to share.
  GeneratorParam<int> rows_per_task{"rows_per_task", 4};
  // Winograd (common/conv2d_winograd.h), with pool_kernel=2 and kernel=3: 0 = direct; 2 = F(2x2,
  // 3x3): a tile of 2x2 conv outputs is one pool window, pooled straight out of the output
  // transform; 1 = F(2, 3) along rows: a tile is one pool window's row, the direct path's
  // blocks otherwise (vector_width tiles x 2 rows x co_block). The host checks what they need:
  // unit stride and dilation, one group, at least vector_width pooled columns, band_rows (2)
  // or rows_per_task (1) pooled rows and co_block output channels.
  GeneratorParam<int> winograd{"winograd", 0};
  // Rows of tiles (= pooled rows) per parallel task: F1's 56-tile rows, 2 per band, make whole
  // vectors of 16 tiles.
  GeneratorParam<int> band_rows{"band_rows", 2};

  Input<Buffer<float>> input{"input", 4};
  Input<Buffer<float>> weight{"weight", 4};
  Input<Buffer<float>> bias{"bias", 1};
  Input<int32_t> stride_h{"stride_h"}, stride_w{"stride_w"};
  Input<int32_t> pad_h{"pad_h"}, pad_w{"pad_w"};
  Input<int32_t> dilation_h{"dilation_h"}, dilation_w{"dilation_w"};
  Input<int32_t> groups{"groups"};
  Input<int32_t> pool_kh{"pool_kh"}, pool_kw{"pool_kw"};
  Input<int32_t> pool_sh{"pool_sh"}, pool_sw{"pool_sw"};
  Output<Buffer<float>> output{"output", 4};

  void generate() {
    const Expr kw = fixed_or(kernel, weight.dim(0).extent()), kh = fixed_or(kernel, weight.dim(1).extent());
    const Expr cout = weight.dim(3).extent();
    define_zero_padded(padded, pad_cols, pad_tail, input, input.dim(0).extent(), input.dim(1).extent(), conv_vector);
    ConvInputs in{padded, weight, bias, kw, kh, weight.dim(2).extent(),
                  cout / groups, stride_w, stride_h, pad_w, pad_h, dilation_w, dilation_h, groups};
    define_conv(conv, r, in, x, y, co, n);

    if (winograd && (pool_kernel != 2 || kernel != 3)) throw std::invalid_argument("winograd needs kernel=3 pool_kernel=2");
    if (winograd == 1) {
      rows.define(padded, weight, weight.dim(2).extent(), pad_w, pad_h);
      Expr m;
      for (int dy = 0; dy < 2; ++dy)
        for (int dx = 0; dx < 2; ++dx) {
          const Expr v = rows.output(dx, x, 2 * y + dy, co, n);
          m = m.defined() ? nan_max(get_target(), m, v) : v;
        }
      output(x, y, co, n) = relu_keep_nan(m + bias(co));  // + bias commutes with max
    } else if (winograd == 2) {
      // Tile (x, y) = pooled output (x, y): tiles cover the conv output's first 2*floor(W/2)
      // columns and rows, exactly the pool windows.
      wino.define(padded, weight, weight.dim(2).extent(), pad_w, pad_h, (input.dim(0).extent() + 2 * pad_w - 2) / 2,
                  (input.dim(1).extent() + 2 * pad_h - 2) / 2, band_rows, vector_width);
      const auto yv = wino.tile_outputs(x, y, co, n);
      const Expr m = nan_max(get_target(), nan_max(get_target(), yv[0][0], yv[0][1]), nan_max(get_target(), yv[1][0], yv[1][1]));
      output(x, y, co, n) = relu_keep_nan(m + bias(co));  // + bias commutes with max
      for (int d = 0; d < 2; ++d) output.dim(d).set_min(0);
    } else if (pool_kernel > 0) {
      // Baked-in window (= stride): the max over each column's pool_kernel rows first (dense
      // vectors of the conv block), then over pool_kernel columns (one deinterleave), NaN-aware
      // pairwise maxes (nan_max). The tap-by-tap max_update chain below cost 15% of F2 in
      // compares and shuffles (0.41 vs 0.34 ms with a plain max, 1 thread, 2026-11-22).
      Expr m, mc;
      for (int i = 0; i < pool_kernel; ++i) {
        const Expr v = conv(x, y * pool_kernel + i, co, n);
        m = i == 0 ? v : nan_max(get_target(), m, v);
      }
      colmax(x, y, co, n) = m;
      for (int j = 0; j < pool_kernel; ++j) {
        const Expr v = colmax(x * pool_kernel + j, y, co, n);
        mc = j == 0 ? v : nan_max(get_target(), mc, v);
      }
      output(x, y, co, n) = relu_keep_nan(mc);
    } else {
      p = RDom(0, pool_kw, 0, pool_kh, "p");
      const Expr v = conv(x * pool_sw + p.x, y * pool_sh + p.y, co, n);
      pooled(x, y, co, n) = -std::numeric_limits<float>::infinity();
      pooled(x, y, co, n) = max_update(v, pooled(x, y, co, n));
      output(x, y, co, n) = relu_keep_nan(pooled(x, y, co, n));
    }

    input.set_estimates({{0, 112}, {0, 112}, {0, 64}, {0, 1}});
    weight.set_estimates({{0, 3}, {0, 3}, {0, 64}, {0, 64}});
    bias.set_estimates({{0, 64}});
    output.set_estimates({{0, 56}, {0, 56}, {0, 64}, {0, 1}});
    for (auto* q : {&stride_h, &stride_w, &pad_h, &pad_w, &dilation_h, &dilation_w, &groups}) q->set_estimate(1);
    for (auto* q : {&pool_kh, &pool_kw, &pool_sh, &pool_sw}) q->set_estimate(2);
  }

  void schedule() {
    if (auto_schedule) return;
    if (winograd == 1) {
      // The direct path's blocks (below), but the channel blocks innermost: the block's
      // transformed input (vector_width tiles x 4 x 4 rows x Cin) stays in L1 across them.
      Var xo("xo"), xi("xi"), yt("yt"), yi("yi"), coo("coo"), coi("coi"), t("t");
      output.split(y, yt, yi, rows_per_task, TailStrategy::ShiftInwards)
          .split(co, coo, coi, co_block, TailStrategy::ShiftInwards)
          .split(x, xo, xi, vector_width, TailStrategy::ShiftInwards)
          .reorder(xi, coi, coo, xo, yi, yt, n)
          .vectorize(xi)
          .unroll(coi)
          .fuse(yt, n, t)
          .parallel(t);
      rows.schedule(LoopLevel(output, t), LoopLevel(output, coo), vector_width);
      schedule_zero_padded(padded, pad_cols, pad_tail, LoopLevel(output, t), conv_vector);
      return;
    }
    if (winograd == 2) {
      // Per task (band_rows pooled rows of one image): padded input rows, V and M, then per
      // channel and pooled row the output transform and pool over vectors of vector_width tiles.
      Var xo("xo"), xi("xi"), yb("yb"), yi("yi"), t("t");
      output.split(x, xo, xi, vector_width, TailStrategy::ShiftInwards)
          .split(y, yb, yi, band_rows, TailStrategy::GuardWithIf)
          .reorder(xi, xo, yi, co, yb, n)
          .vectorize(xi)
          .fuse(yb, n, t)
          .parallel(t);
      wino.schedule(LoopLevel(output, t), vector_width, co_block);
      schedule_zero_padded(padded, pad_cols, pad_tail, LoopLevel(output, t), conv_vector);
      return;
    }
    Var xo("xo"), xi("xi"), yt("yt"), yi("yi"), coo("coo"), coi("coi"), t("t"), ni("ni"), cxo("cxo"), cxi("cxi");
    // Fast path (groups 1, unit conv stride/dilation, output at least one block): a task is
    // rows_per_task pooled rows of one image. It copies the zero-padded input rows it needs (all
    // channels) once; then, per pooled row, block of co_block channels and vector of vector_width
    // pooled columns, it computes the conv block under that vector (pool_kh rows x vector_width *
    // pool_kw columns x co_block channels) in registers, as conv2d's register-blocked loop does,
    // and pools it at once: no conv value ever leaves the core. ShiftInwards keeps every block
    // full, so the block's extents are constants and its loops unroll.
    const Expr fits = output.dim(0).extent() >= vector_width && output.dim(1).extent() >= rows_per_task &&
                      output.dim(2).extent() >= co_block && groups == 1 && stride_w == 1 && stride_h == 1 &&
                      dilation_w == 1 && dilation_h == 1;
    output.specialize(fits)
        .split(y, yt, yi, rows_per_task, TailStrategy::ShiftInwards)
        .split(co, coo, coi, co_block, TailStrategy::ShiftInwards)
        .split(x, xo, xi, vector_width, TailStrategy::ShiftInwards)
        .reorder(xi, coi, xo, coo, yi, yt, n)
        .vectorize(xi)
        .unroll(coi)
        .fuse(yt, n, t)
        .parallel(t);
    // Fallback: one channel at a time. The loops keep the fast
    // path's names (t = image, xo = vector) because a producer's compute_at level must exist in
    // every specialization.
    output.split(co, coo, coi, 1)
        .split(n, t, ni, 1)
        .split(x, xo, xi, vector_width, TailStrategy::GuardWithIf)
        .reorder(xi, xo, coi, y, coo, ni, t)
        .vectorize(xi)
        .parallel(coo);
    if (pool_kernel > 0) {
      colmax.compute_at(output, xo).split(x, cxo, cxi, conv_vector).vectorize(cxi).unroll(cxo).unroll(co);
    } else {
      pooled.compute_at(output, xo).vectorize(x, vector_width).unroll(co);
      pooled.update().reorder(x, co, p.x, p.y).vectorize(x, vector_width).unroll(co);
    }
    // The conv block under one vector of pooled outputs.
    conv.compute_at(output, xo);
    if (pool_kernel > 0) {
      // Baked-in pool window: the block is vector_width * pool_kernel columns x
      // pool_kernel rows x (co_block or 1) channels, all constants: vectors of conv_vector
      // columns, everything unrolled, the reduction (ci, then the unrolled taps) outermost, as in
      // schedule_conv_block.
      conv.split(x, cxo, cxi, conv_vector).vectorize(cxi).unroll(cxo).unroll(co).unroll(y);
      conv.update()
          .split(x, cxo, cxi, conv_vector)
          .reorder(cxi, cxo, co, y, r.x, r.y, r.z)
          .vectorize(cxi)
          .unroll(cxo)
          .unroll(co)
          .unroll(y);
    } else {
      // Run-time pool window: block extents are unknown, so nothing unrolls but the channels.
      conv.vectorize(x, conv_vector, TailStrategy::RoundUp);
      conv.update().reorder(x, co, r.x, r.y, r.z, y).vectorize(x, conv_vector, TailStrategy::RoundUp);
    }
    if (kernel > 0) conv.update().unroll(r.x).unroll(r.y);
    schedule_zero_padded(padded, pad_cols, pad_tail, LoopLevel(output, t), conv_vector);
  }

 private:
  Var x{"x"}, y{"y"}, co{"co"}, n{"n"};
  Func conv{"conv"}, colmax{"colmax"}, pooled{"pooled"}, padded{"padded"};
  RDom pad_cols, pad_tail;
  RDom r, p;
  WinogradF23 wino;
  WinogradF23Rows rows;
};

}  // namespace poolkit_gen

HALIDE_REGISTER_GENERATOR(poolkit_gen::Conv2dReluMaxPool2d, conv2d_relu_max_pool2d)
