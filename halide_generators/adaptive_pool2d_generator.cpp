// Adaptive max / average pooling over NCHW planes (PyTorch 1.13 CPU semantics, as the reference
// backend's adaptive_pool.cpp): output cell (oh, ow) covers rows [floor(oh*H/OH), ceil((oh+1)*H/OH))
// and the same for columns (engine/src/graph/pool_geometry.h adaptive_start/adaptive_end).
//
// Windows differ in size from cell to cell, so the tap loop is an RDom over the largest window
// (ceil(H/OH) + 1 rows by ceil(W/OW) + 1 columns, from run-time extents) and each tap is masked
// by its cell's own bounds. Taps run in row-major order, as the reference's loops do: that fixes
// which NaN's index an all-NaN-tied window reports, and the summation order of the average.
//
// The function signature is the same for every variant: (input, out_h, out_w, output, indices). A variant with
// with_indices=false never writes real indices: the host passes a 1x1x1x1 dummy buffer (Halide 14
// cannot drop an Output by a GeneratorParam; an array Output of size 0 is rejected).
//
// The host guarantees (family accepts()) that (OH + 1) * H + OH and (OW + 1) * W + OW fit int32,
// so the window bounds are computed in int32.
#include <limits>

#include "common/generator_helpers.h"

namespace poolkit_gen {

enum class AdaptiveOp { max, avg };

class AdaptivePool2d : public Generator<AdaptivePool2d> {
 public:
  GeneratorParam<AdaptiveOp> op{"op", AdaptiveOp::max, {{"max", AdaptiveOp::max}, {"avg", AdaptiveOp::avg}}};
  // max only: also compute the per-plane argmax (h*W + w) into |indices|, in the same pass.
  GeneratorParam<bool> with_indices{"with_indices", false};
  // 16 f32 = one AVX-512 vector; windows start at data-dependent columns, so the taps are
  // gathers either way and a wider vector only pays where OW >= 16.
  GeneratorParam<int> vector_width{"vector_width", 16};
  // Output rows per parallel task (as pool2d): adaptive outputs are small (7x7, 1x1 ...), so the
  // parallelism comes from the planes. (with_indices variants run whole planes per task.)
  GeneratorParam<int> rows_per_task{"rows_per_task", 8};

  Input<Buffer<float>> input{"input", 4};
  // The output plane's size (the output buffer's extents; Halide 14 cannot read an Output's
  // extents inside its own definition).
  Input<int32_t> out_h{"out_h"}, out_w{"out_w"};
  Output<Buffer<float>> output{"output", 4};
  Output<Buffer<int64_t>> indices{"indices", 4};

  void generate() {
    const Expr W = input.dim(0).extent(), H = input.dim(1).extent();
    const Expr OW = out_w, OH = out_h;
    // Window bounds per output column / row: tiny, computed once per call.
    col_begin(x) = (x * W) / OW;
    col_end(x) = ((x + 1) * W + OW - 1) / OW;
    row_begin(y) = (y * H) / OH;
    row_end(y) = ((y + 1) * H + OH - 1) / OH;
    // The largest window: end - begin <= ceil(in/out) + 1, and never more than the axis.
    const Expr max_w = min((W + OW - 1) / OW + 1, W), max_h = min((H + OH - 1) / OH + 1, H);
    r = RDom(0, max_w, 0, max_h, "r");
    const Expr ix = col_begin(x) + r.x, iy = row_begin(y) + r.y;
    const Expr inside = ix < col_end(x) && iy < row_end(y);
    // Masked taps read a clamped (valid) position and are then ignored.
    const Expr v = input(clamp(ix, 0, W - 1), clamp(iy, 0, H - 1), c, n);

    if (op == AdaptiveOp::avg) {
      // Double accumulation, as the reference: exact to the last bit for the usual window sizes
      // and still within tolerance when a 1x1 output averages a whole large plane (float would
      // lose ~n * 2^-24 relative over n taps).
      acc(x, y, c, n) = cast<double>(0);
      acc(x, y, c, n) += select(inside, cast<double>(v), cast<double>(0));
      const Expr count = (row_end(y) - row_begin(y)) * (col_end(x) - col_begin(x));
      output(x, y, c, n) = cast<float>(acc(x, y, c, n) / cast<double>(count));
      indices(x, y, c, n) = cast<int64_t>(0);
    } else if (!with_indices) {
      acc(x, y, c, n) = -std::numeric_limits<float>::infinity();
      acc(x, y, c, n) = strict_float(select(inside && takes_over(v, acc(x, y, c, n)), v, acc(x, y, c, n)));
      output(x, y, c, n) = acc(x, y, c, n);
      indices(x, y, c, n) = cast<int64_t>(0);
    } else {
      // An all -inf window reports its first element (PyTorch's starting guess); the argmax is
      // carried as int32 (planes are below 2^31 elements) and widened on the way out.
      // (index, value), in that order: Halide 14 stores a Tuple update's elements one by one, and
      // its check for an element reading another element of the same site (SplitTuples) misses
      // reads inside intrinsic calls. With the index first, the value it is selected by is
      // still the old one whatever that check concludes.
      acc(x, y, c, n) = Tuple(row_begin(y) * W + col_begin(x), -std::numeric_limits<float>::infinity());
      acc(x, y, c, n) = tuple_select(inside && takes_over(v, acc(x, y, c, n)[1]), Tuple(iy * W + ix, v), acc(x, y, c, n));
      output(x, y, c, n) = acc(x, y, c, n)[1];
      indices(x, y, c, n) = cast<int64_t>(acc(x, y, c, n)[0]);
    }
  }

  void schedule() {
    for (Func f : {col_begin, col_end, row_begin, row_end}) f.compute_root();
    Var xo("xo");
    if (op == AdaptiveOp::max && with_indices) {
      // One pass writes both outputs: indices runs in output's loops (same splits, same parallel
      // loop) and reads the same acc. compute_with needs equal bounds, which the host provides
      // (both outputs have the node's shape). No fused parallel var here: with fused loops,
      // Halide 14 could not relate the two nests and sized acc to whole planes per vector
      // (measured 2.4 s instead of ~1 ms on 1x64x112x112 -> 56x56).
      for (int d = 0; d < 4; ++d) indices.dim(d).set_bounds(output.dim(d).min(), output.dim(d).extent());
      for (Func f : {Func(output), Func(indices)}) schedule_planes_parallel(f, xo);
      indices.compute_with(output, xo);
    } else {
      schedule_rows_parallel(output, vector_width, rows_per_task, x, y, c, n, xo);
      // Otherwise |indices| is the 1x1x1x1 dummy: a constant store, left unscheduled.
    }
    acc.compute_at(output, xo).vectorize(x, vector_width);
    acc.update().reorder(x, r.x, r.y).vectorize(x, vector_width);
  }

 private:
  Var x{"x"}, y{"y"}, c{"c"}, n{"n"};
  Func acc{"acc"};
  Func col_begin{"col_begin"}, col_end{"col_end"}, row_begin{"row_begin"}, row_end{"row_end"};
  RDom r;

  // Vectors along x, output rows in order, (c, n) planes in parallel (nested parallel loops).
  void schedule_planes_parallel(Func f, const Var& xo) {
    Var xi("xi");
    f.split(x, xo, xi, vector_width, TailStrategy::GuardWithIf).reorder(xi, xo, y, c, n).vectorize(xi).parallel(c).parallel(n);
  }
};

}  // namespace poolkit_gen

HALIDE_REGISTER_GENERATOR(poolkit_gen::AdaptivePool2d, adaptive_pool2d)
