// The fused block conv2d -> relu -> max_pool2d (F1, F2): the full-resolution conv output never
// goes to memory; each task computes a few conv rows for a block of output channels into a
// cache-resident tile and pools it at once.
//
// Applies when the pool has no padding, no dilation, no indices and no window hanging past the
// conv output (the planner checks; ceil mode is fine when it adds no overhang). relu commutes with
// max (monotonic, NaN-preserving as written), so it is applied after pooling: 1/(kh·kw) the work.
#include "common/conv2d_algorithm.h"

namespace poolkit_gen {

class Conv2dReluMaxPool2d : public Generator<Conv2dReluMaxPool2d> {
 public:
  GeneratorParam<int> kernel{"kernel", 0};       // conv kernel, 0 = any
  GeneratorParam<int> pool_kernel{"pool_kernel", 0};  // pool kernel = stride, 0 = any (runtime)
  GeneratorParam<int> vector_width{"vector_width", 16};
  GeneratorParam<int> co_block{"co_block", 8};
  // Pooled rows per parallel task: its padded input copy is (2*rows + kh - 1) conv rows.
  GeneratorParam<int> rows_per_task{"rows_per_task", 4};

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
    padded = BoundaryConditions::constant_exterior(input, 0.0f);
    ConvInputs in{padded, weight, bias, kw, kh, weight.dim(2).extent(),
                  cout / groups, stride_w, stride_h, pad_w, pad_h, dilation_w, dilation_h, groups};
    define_conv(conv, r, in, x, y, co, n);

    const Expr pkh = fixed_or(pool_kernel, pool_kh), pkw = fixed_or(pool_kernel, pool_kw);
    const Expr psh = fixed_or(pool_kernel, pool_sh), psw = fixed_or(pool_kernel, pool_sw);
    p = RDom(0, pkw, 0, pkh, "p");
    const Expr v = conv(x * psw + p.x, y * psh + p.y, co, n);
    pooled(x, y, co, n) = -std::numeric_limits<float>::infinity();
    pooled(x, y, co, n) = max_update(v, pooled(x, y, co, n));
    output(x, y, co, n) = relu_keep_nan(pooled(x, y, co, n));

    input.set_estimates({{0, 112}, {0, 112}, {0, 64}, {0, 1}});
    weight.set_estimates({{0, 3}, {0, 3}, {0, 64}, {0, 64}});
    bias.set_estimates({{0, 64}});
    output.set_estimates({{0, 56}, {0, 56}, {0, 64}, {0, 1}});
    for (auto* q : {&stride_h, &stride_w, &pad_h, &pad_w, &dilation_h, &dilation_w, &groups}) q->set_estimate(1);
    for (auto* q : {&pool_kh, &pool_kw, &pool_sh, &pool_sw}) q->set_estimate(2);
  }

  void schedule() {
    if (auto_schedule) return;
    Var xo("xo"), xi("xi"), yt("yt"), yi("yi"), coo("coo"), coi("coi"), t("t"), ni("ni"), cxo("cxo"), cxi("cxi");
    // Fast path (groups 1, unit conv stride/dilation, output at least one block): a task is rows_per_task
    // pooled rows of one image. It copies the zero-padded input rows it needs (all channels) once,
    // then per pooled row and block of co_block channels computes the conv tile (pool_kh rows x all
    // columns x co_block) into L1 and pools it at once: the full-resolution conv output never
    // reaches memory. ShiftInwards keeps blocks full so the tile's co extent is a constant.
    const Expr fits = output.dim(0).extent() >= vector_width && output.dim(1).extent() >= rows_per_task &&
                      output.dim(2).extent() >= co_block && groups == 1 && stride_w == 1 && stride_h == 1 && dilation_w == 1 &&
                      dilation_h == 1;
    output.specialize(fits)
        .split(y, yt, yi, rows_per_task, TailStrategy::ShiftInwards)
        .split(co, coo, coi, co_block, TailStrategy::ShiftInwards)
        .split(x, xo, xi, vector_width, TailStrategy::ShiftInwards)
        .reorder(xi, xo, coi, coo, yi, yt, n)
        .vectorize(xi)
        .fuse(yt, n, t)
        .parallel(t);
    // Fallback: one channel at a time (coo blocks of 1, so the conv tile is that channel's plane),
    // vectors of 8. The loops keep the fast path's names (t = image, coo = channel) because a
    // producer's compute_at level must exist in every specialization.
    output.split(co, coo, coi, 1)
        .split(n, t, ni, 1)
        .split(x, xo, xi, 8, TailStrategy::GuardWithIf)
        .reorder(xi, xo, coi, y, coo, ni, t)
        .vectorize(xi)
        .parallel(coo);
    // 8 lanes: a whole vector on the fallback path, two per block on the fast path.
    pooled.compute_at(output, xo).vectorize(x, 8);
    pooled.update().reorder(x, p.x, p.y).vectorize(x, 8);
    // The conv tile: per block of channels (fast path) or per channel plane (fallback).
    conv.compute_at(output, coo);
    conv.split(x, cxo, cxi, vector_width).reorder(cxi, co, y, cxo).vectorize(cxi).unroll(co);
    // With the pool kernel baked in, the tile's pool_kernel rows are a constant: unroll them
    // inside the reduction, so each weight broadcast feeds one FMA per row (as conv2d's
    // row_block); otherwise the rows stay an outer loop.
    if (pool_kernel > 0) {
      conv.update()
          .split(x, cxo, cxi, vector_width)
          .reorder(cxi, co, y, r.x, r.y, r.z, cxo)
          .vectorize(cxi)
          .unroll(co)
          .unroll(y, pool_kernel);  // a factor: on the fallback path the tile is a whole plane
    } else {
      conv.update()
          .split(x, cxo, cxi, vector_width)
          .reorder(cxi, co, r.x, r.y, r.z, y, cxo)
          .vectorize(cxi)
          .unroll(co);
    }
    if (kernel > 0) conv.update().unroll(r.x).unroll(r.y);
    padded.compute_at(output, t).vectorize(padded.args()[0], vector_width);
  }

 private:
  Var x{"x"}, y{"y"}, co{"co"}, n{"n"};
  Func conv{"conv"}, pooled{"pooled"}, padded{"padded"};
  RDom r, p;
};

}  // namespace poolkit_gen

HALIDE_REGISTER_GENERATOR(poolkit_gen::Conv2dReluMaxPool2d, conv2d_relu_max_pool2d)
