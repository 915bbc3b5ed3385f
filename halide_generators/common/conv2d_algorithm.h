// Direct 2-D convolution (cross-correlation) over NCHW with groups, stride, dilation and
// explicit begin-padding, plus its register-blocked schedule. Shared by conv2d_generator.cpp
// and conv2d_relu_max_pool2d_generator.cpp so the fused block computes exactly what conv2d does.
#pragma once

#include "common/generator_helpers.h"

namespace poolkit_gen {

struct ConvInputs {
  Func input_padded;  // zero outside the input
  Func weight;        // (kx, ky, ci_in_group, co)
  Func bias;          // (co)
  Expr kw, kh, ci_per_group, co_per_group;
  Expr stride_w, stride_h, pad_w, pad_h, dilation_w, dilation_h;
  Expr groups;
};

// conv(x, y, co, n) = bias(co) + Σ weight(kx, ky, ci, co) · input(x·s - p + kx·d, ..., g·cig + ci, n)
// where g = co / co_per_group. Summation order: ci outermost, then ky, kx (the schedule relies on
// it to keep one input row vector live across the taps).
inline void define_conv(Func conv, RDom& r, const ConvInputs& in, const Var& x, const Var& y, const Var& co,
                        const Var& n) {
  r = RDom(0, in.kw, 0, in.kh, 0, in.ci_per_group, "r");
  // With one group every output channel reads channels 0..Cin-1; saying so (rather than
  // (co / Cout) * Cin + ci, which Halide cannot prove is ci) lets a groups == 1 specialization
  // share each input vector across the block of output channels.
  const Expr g = co / in.co_per_group;
  const Expr channel = select(in.groups == 1, r.z, g * in.ci_per_group + r.z);
  const Expr ix = x * in.stride_w - in.pad_w + r.x * in.dilation_w;
  const Expr iy = y * in.stride_h - in.pad_h + r.y * in.dilation_h;
  conv(x, y, co, n) = in.bias(co);
  conv(x, y, co, n) += in.weight(r.x, r.y, r.z, co) * in.input_padded(ix, iy, channel, n);
}

// The zero-padded input as a Func that a schedule copies per task (compute_at), with dense
// unguarded loads and stores: zeros over the whole region first, then every row's W input
// columns over them as whole vectors of |vw| — |cols| — and, when W is not a multiple of |vw|,
// the last |vw| columns once more — |tail| (an update cannot shift its own tail inwards).
// Rows outside the input stay zero through a select that is uniform along the row.
// BoundaryConditions::constant_exterior copied the edge vectors of every row lane by lane
// (clamped-index loads and a select per lane): 5% of F2, 2026-11-22.
inline void define_zero_padded(Func padded, RDom& cols, RDom& tail, const Func& input, const Expr& W, const Expr& H,
                               int vw) {
  const Var x("x"), y("y"), c("c"), n("n");
  cols = RDom(0, (W / vw) * vw, "cols");
  tail = RDom(max(W - vw, 0), min(W, vw), "tail");
  tail.where(W % vw != 0);
  const auto row = [&](const Expr& col) { return select(y >= 0 && y < H, input(col, clamp(y, 0, H - 1), c, n), 0.0f); };
  padded(x, y, c, n) = 0.0f;
  padded(cols, y, c, n) = row(cols);
  padded(tail, y, c, n) = row(tail);
}
inline void schedule_zero_padded(Func padded, const RDom& cols, const RDom& tail, const LoopLevel& at, int vw) {
  padded.compute_at(at).vectorize(padded.args()[0], vw);
  RVar o("o"), i("i");
  padded.update(0).split(cols.x, o, i, vw, TailStrategy::GuardWithIf).vectorize(i);
  padded.update(1).split(tail.x, o, i, vw, TailStrategy::GuardWithIf).vectorize(i);
}

// Register blocking: |vector_width| output columns x |co_block| output channels x |row_block|
// rows of accumulators stay in registers while the reduction walks ci, ky, kx; each input vector
// load feeds co_block FMAs. The caller computes conv at a loop whose region is exactly one block
// (ShiftInwards tiles), so the unrolled extents are constants.
inline void schedule_conv_block(Func conv, const RDom& r, const Var& x, const Var& y, const Var& co, int vector_width,
                                bool unroll_taps) {
  conv.vectorize(x, vector_width).unroll(co).unroll(y);
  auto upd = conv.update();
  upd.reorder(x, co, y, r.x, r.y, r.z).vectorize(x, vector_width).unroll(co).unroll(y);
  if (unroll_taps) upd.unroll(r.x).unroll(r.y);
}

}  // namespace poolkit_gen
