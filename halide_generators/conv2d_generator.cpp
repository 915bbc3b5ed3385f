// conv2d (+ optional fused ReLU) over NCHW: direct convolution with a register-blocked schedule.
// Weight (Cout, Cin/groups, kH, kW) arrives as Halide dims (kx, ky, ci, co); bias is always passed
// (the host passes zeros when the graph has none).
#include "common/conv2d_algorithm.h"
#include "common/conv2d_winograd.h"

namespace poolkit_gen {

class Conv2d : public Generator<Conv2d> {
 public:
  GeneratorParam<bool> relu{"relu", false};  // conv2d -> relu fused (planner)
  // 0 = any kernel size; > 0 = specialized (taps unroll).
  GeneratorParam<int> kernel{"kernel", 0};
  // 16 f32 columns = one AVX-512 vector; 8 output channels x 2 rows of them = 16 accumulators,
  // half the 32 zmm registers, leaving room for the input vectors and broadcasts.
  GeneratorParam<int> vector_width{"vector_width", 16};
  GeneratorParam<int> co_block{"co_block", 8};
  GeneratorParam<int> row_block{"row_block", 2};
  // Output rows per parallel task: the padded input copy is (rows + kh - 1) rows, so 8 rows of a
  // 3x3 conv copy 1.25x the input; 56-row planes split into 7 tasks for 2 threads.
  GeneratorParam<int> rows_per_task{"rows_per_task", 8};
  // 2 = Winograd F(2x2, 3x3) instead of the direct loop (common/conv2d_winograd.h; 0 = direct,
  // the only other form here — the fused generator also has 1, along rows): 3x3 kernels, unit
  // stride and dilation, one group, even output width and height, at least vector_width tiles
  // per row, band_rows rows of tiles and co_block output channels — the host checks.
  GeneratorParam<int> winograd{"winograd", 0};
  // Rows of 2x2 tiles per parallel task: C1's 28-tile rows make whole vectors of 16 in bands of 4.
  GeneratorParam<int> band_rows{"band_rows", 4};

  Input<Buffer<float>> input{"input", 4};
  Input<Buffer<float>> weight{"weight", 4};
  Input<Buffer<float>> bias{"bias", 1};
  Input<int32_t> stride_h{"stride_h"}, stride_w{"stride_w"};
  Input<int32_t> pad_h{"pad_h"}, pad_w{"pad_w"};
  Input<int32_t> dilation_h{"dilation_h"}, dilation_w{"dilation_w"};
  Input<int32_t> groups{"groups"};
  Output<Buffer<float>> output{"output", 4};

  void generate() {
    const Expr kw = fixed_or(kernel, weight.dim(0).extent()), kh = fixed_or(kernel, weight.dim(1).extent());
    const Expr cout = weight.dim(3).extent();
    define_zero_padded(padded, pad_cols, pad_tail, input, input.dim(0).extent(), input.dim(1).extent(), vector_width);
    ConvInputs in{padded, weight, bias, kw, kh, weight.dim(2).extent(),
                  cout / groups, stride_w, stride_h, pad_w, pad_h, dilation_w, dilation_h, groups};
    if (winograd == 2) {
      // Output W + 2 pad - 2 (3x3, unit stride): tiles of 2x2 outputs.
      wino.define(padded, weight, weight.dim(2).extent(), pad_w, pad_h, (input.dim(0).extent() + 2 * pad_w - 2) / 2,
                  (input.dim(1).extent() + 2 * pad_h - 2) / 2, band_rows, vector_width);
      const auto yv = wino.tile_outputs(x / 2, y / 2, co, n);
      const Expr even_x = x % 2 == 0;
      const Expr v = select(y % 2 == 0, select(even_x, yv[0][0], yv[0][1]), select(even_x, yv[1][0], yv[1][1])) + bias(co);
      output(x, y, co, n) = relu ? relu_keep_nan(v) : v;
      // Even extents, min 0: the tile of output (x, y) is (x / 2, y / 2), and the schedule's
      // splits by 2 are exact.
      for (int d = 0; d < 2; ++d) output.dim(d).set_min(0).set_extent(output.dim(d).extent() / 2 * 2);
    } else {
      define_conv(conv, r, in, x, y, co, n);
      output(x, y, co, n) = relu ? relu_keep_nan(conv(x, y, co, n)) : conv(x, y, co, n);
    }

    // C1's shapes, for the autoscheduled variants.
    input.set_estimates({{0, 56}, {0, 56}, {0, 64}, {0, 1}});
    weight.set_estimates({{0, 3}, {0, 3}, {0, 64}, {0, 64}});
    bias.set_estimates({{0, 64}});
    output.set_estimates({{0, 56}, {0, 56}, {0, 64}, {0, 1}});
    for (auto* p : {&stride_h, &stride_w, &pad_h, &pad_w, &dilation_h, &dilation_w, &groups}) p->set_estimate(1);
  }

  void schedule() {
    if (auto_schedule) return;
    if (winograd == 2) {
      // Per task (a band of band_rows rows of tiles of one image): the padded input rows, V and
      // M (common/conv2d_winograd.h), then per channel and row of tiles the output transform over
      // vectors of 2 * vector_width columns: Halide computes the even and odd columns as vectors
      // of vector_width tiles and interleaves them (a split into tile and column-in-tile made
      // each column a stride-2 store, lane by lane: 3x slower overall).
      Var xo("xo"), xi("xi"), yb("yb"), yi("yi"), ty("ty"), dy("dy"), t("t");
      output.split(x, xo, xi, 2 * vector_width, TailStrategy::ShiftInwards)
          .split(y, yb, yi, 2 * band_rows, TailStrategy::GuardWithIf)
          .split(yi, ty, dy, 2)
          .reorder(xi, dy, xo, ty, co, yb, n)
          .vectorize(xi)
          .unroll(dy)
          .fuse(yb, n, t)
          .parallel(t);
      wino.schedule(LoopLevel(output, t), vector_width, co_block);
      schedule_zero_padded(padded, pad_cols, pad_tail, LoopLevel(output, t), vector_width);
      return;
    }
    Var xo("xo"), xi("xi"), yt("yt"), yb("yb"), yr("yr"), coo("coo"), coi("coi"), t("t");
    // Fast path (groups 1 — else each output channel reads its own input channels —, unit stride
    // and dilation, output at least one block): tasks of rows_per_task
    // output rows per image run in parallel; each task first copies the zero-padded input rows
    // it needs (all channels, into L2) so the FMA loop does dense, unguarded vector loads, then
    // walks blocks of vector_width x row_block x co_block outputs. ShiftInwards keeps every block
    // full (edge blocks overlap their neighbours), so unrolled extents are constants.
    const Expr fits = output.dim(0).extent() >= vector_width && output.dim(1).extent() >= rows_per_task &&
                      output.dim(2).extent() >= co_block && groups == 1 && stride_w == 1 && stride_h == 1 && dilation_w == 1 &&
                      dilation_h == 1;
    output.specialize(fits)
        .split(y, yt, yb, rows_per_task, TailStrategy::ShiftInwards)
        .split(yb, yb, yr, row_block, TailStrategy::ShiftInwards)
        .split(x, xo, xi, vector_width, TailStrategy::ShiftInwards)
        .split(co, coo, coi, co_block, TailStrategy::ShiftInwards)
        .reorder(xi, coi, yr, xo, coo, yb, yt, n)
        .vectorize(xi)
        .unroll(coi)
        .unroll(yr)
        .fuse(yt, n, t)
        .parallel(t);
    // Fallback (strides, dilation, small outputs): one channel at a time, vectors of 8.
    output.split(x, xo, xi, 8, TailStrategy::GuardWithIf).reorder(xi, xo, y, co, n).vectorize(xi).fuse(co, n, t).parallel(t);
    // Both paths compute conv per output block (vector_width x row_block x co_block on the fast
    // path, 8 x 1 x 1 on the fallback): constant extents, so one conv schedule serves both.
    conv.compute_at(output, xo);
    schedule_conv_block(conv, r, x, y, co, vector_width, kernel > 0);
    // The padded input rows of a task (fast path) or of a channel's whole plane (fallback).
    schedule_zero_padded(padded, pad_cols, pad_tail, LoopLevel(output, t), vector_width);
  }

 private:
  Var x{"x"}, y{"y"}, co{"co"}, n{"n"};
  Func conv{"conv"}, padded{"padded"};
  RDom pad_cols, pad_tail;
  RDom r;
  WinogradF23 wino;
};

}  // namespace poolkit_gen

HALIDE_REGISTER_GENERATOR(poolkit_gen::Conv2d, conv2d)
