// conv2d (+ optional fused ReLU) over NCHW: direct convolution with a register-blocked schedule.
// Weight (Cout, Cin/groups, kH, kW) arrives as Halide dims (kx, ky, ci, co); bias is always passed
// (the host passes zeros when the graph has none).
#include "common/conv2d_algorithm.h"

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
    ConvInputs in{BoundaryConditions::constant_exterior(input, 0.0f), weight, bias, kw, kh, weight.dim(2).extent(),
                  cout / groups, stride_w, stride_h, pad_w, pad_h, dilation_w, dilation_h};
    define_conv(conv, r, in, x, y, co, n);
    output(x, y, co, n) = relu ? relu_keep_nan(conv(x, y, co, n)) : conv(x, y, co, n);

    // C1's shapes, for the autoscheduled variants.
    input.set_estimates({{0, 56}, {0, 56}, {0, 64}, {0, 1}});
    weight.set_estimates({{0, 3}, {0, 3}, {0, 64}, {0, 64}});
    bias.set_estimates({{0, 64}});
    output.set_estimates({{0, 56}, {0, 56}, {0, 64}, {0, 1}});
    for (auto* p : {&stride_h, &stride_w, &pad_h, &pad_w, &dilation_h, &dilation_w, &groups}) p->set_estimate(1);
  }

  void schedule() {
    if (auto_schedule) return;
    Var xo("xo"), xi("xi"), yo("yo"), yi("yi"), coo("coo"), coi("coi"), t("t");
    // Fast path: blocks of vector_width x row_block x co_block, ShiftInwards so that every block
    // is full (edge blocks overlap their neighbours and recompute a few outputs). Tasks are
    // (co block, n) pairs over all rows: each task streams its weights once.
    const Expr fits = output.dim(0).extent() >= vector_width && output.dim(1).extent() >= row_block &&
                      output.dim(2).extent() >= co_block;
    output.specialize(fits)
        .split(x, xo, xi, vector_width, TailStrategy::ShiftInwards)
        .split(y, yo, yi, row_block, TailStrategy::ShiftInwards)
        .split(co, coo, coi, co_block, TailStrategy::ShiftInwards)
        .reorder(xi, coi, yi, xo, yo, coo, n)
        .vectorize(xi)
        .unroll(coi)
        .unroll(yi)
        .fuse(coo, n, t)
        .parallel(t);
    // Fallback for small outputs: one channel at a time, vectors of 8 with guarded tails.
    output.split(x, xo, xi, 8, TailStrategy::GuardWithIf).reorder(xi, xo, y, co, n).vectorize(xi).parallel(co);
    // Both paths compute conv per output block: a vector_width x row_block x co_block region on
    // the fast path, vector x 1 x 1 on the fallback — constant extents either way, so one conv
    // schedule serves both (its x rounds up to a vector; reads past the edge hit the zero padding).
    conv.compute_at(output, xo);
    schedule_conv_block(conv, r, x, y, co, vector_width, kernel > 0);
  }

 private:
  Var x{"x"}, y{"y"}, co{"co"}, n{"n"};
  Func conv{"conv"};
  RDom r;
};

}  // namespace poolkit_gen

HALIDE_REGISTER_GENERATOR(poolkit_gen::Conv2d, conv2d)
