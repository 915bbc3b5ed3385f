// Fractional max pooling (Graham 2014) with PyTorch 1.13's interval rule, as the reference
// backend's fractional_pool.cpp: every (n, c) plane has a pair of samples u in [0, 1) (u[0] drives
// the width axis, u[1] the height axis) and window i of |out| windows of |pool| taps over an axis
// of |in| elements starts at (engine/src/graph/fractional_intervals.h)
//   alpha = float(in - pool) / float(out - 1)
//   start(i) = int((i + u) * alpha) - int(u * alpha),   start(out - 1) = in - pool (also out == 1)
// in float32, truncating toward zero (Halide's float -> int cast truncates, like C++'s; every
// operand is >= 0 here anyway). The float Exprs are strict_float: Halide otherwise compiles float
// arithmetic with fast-math flags, and a reciprocal-multiply for the division or a fused
// multiply-add would move some starts by one.
//
// Samples come from the `samples` input ([N, C, 2] row-major = Halide dims (2, C, N)) when
// with_samples=true, else from the counter-based generator: rng::uniform(seed, n, c, axis). The
// host validates samples ([0, 1), no NaN) before the call: the kernel clamps each start into
// [0, in - pool] only so that Halide can bound the input reads (a no-op for valid samples).
//
// The function signature is the same for every variant:
//   (input, samples, seed_lo, seed_hi, kernel_h_in, kernel_w_in, out_h, out_w, output, indices)
// Variants with with_samples=false never read |samples| and those with with_indices=false never
// write real |indices|: the host passes 1-element dummies (Halide 14 cannot drop an Input or
// Output by a GeneratorParam; array Inputs/Outputs of size 0 are rejected).
#include <limits>

#include "common/counter_rng.h"
#include "common/generator_helpers.h"

namespace poolkit_gen {

class FractionalMaxPool2d : public Generator<FractionalMaxPool2d> {
 public:
  // Where the per-plane samples come from: the `samples` input (true) or the seed (false).
  GeneratorParam<bool> with_samples{"with_samples", false};
  // Also compute the per-plane argmax (h*W + w) into |indices|, in the same pass.
  GeneratorParam<bool> with_indices{"with_indices", false};
  // 0 = read from kernel_h_in / kernel_w_in at run time; > 0 = specialized (taps unroll).
  GeneratorParam<int> kernel_h{"kernel_h", 0}, kernel_w{"kernel_w", 0};
  // 16 f32 = one AVX-512 vector. Window starts are data-dependent, so taps are gathers.
  GeneratorParam<int> vector_width{"vector_width", 16};
  // Output rows per parallel task, as in pool2d (with_indices variants run whole planes per task).
  GeneratorParam<int> rows_per_task{"rows_per_task", 8};

  Input<Buffer<float>> input{"input", 4};
  Input<Buffer<float>> samples{"samples", 3};
  Input<uint32_t> seed_lo{"seed_lo"}, seed_hi{"seed_hi"};  // the 64-bit seed's words
  Input<int32_t> kernel_h_in{"kernel_h_in"}, kernel_w_in{"kernel_w_in"};
  // The output plane's size (Halide 14 cannot read an Output's extents in its own definition).
  Input<int32_t> out_h{"out_h"}, out_w{"out_w"};
  Output<Buffer<float>> output{"output", 4};
  Output<Buffer<int64_t>> indices{"indices", 4};

  void generate() {
    const Expr W = input.dim(0).extent(), H = input.dim(1).extent();
    const Expr kh = fixed_or(kernel_h, kernel_h_in), kw = fixed_or(kernel_w, kernel_w_in);
    // The plane's two samples, once per plane: a = 0 width, a = 1 height.
    if (with_samples) {
      u(a, c, n) = samples(a, c, n);
    } else {
      u(a, c, n) = rng::uniform(seed_lo, seed_hi, n, c, a);
    }
    const Expr w0 = start(x, u(0, c, n), W, out_w, kw);
    const Expr h0 = start(y, u(1, c, n), H, out_h, kh);
    r = RDom(0, kw, 0, kh, "r");
    const Expr ix = w0 + r.x, iy = h0 + r.y;
    const Expr v = input(ix, iy, c, n);
    if (!with_indices) {
      acc(x, y, c, n) = -std::numeric_limits<float>::infinity();
      acc(x, y, c, n) = max_update(v, acc(x, y, c, n));
      output(x, y, c, n) = acc(x, y, c, n);
      indices(x, y, c, n) = cast<int64_t>(0);
    } else {
      // max_pool2d's update rule in row-major tap order (NaN wins, the last NaN's index is kept);
      // an all -inf window reports its first element. The argmax is int32 until it is stored.
      // (index, value), in that order: Halide 14 stores a Tuple update's elements one by one, and
      // its check for an element reading another element of the same site (SplitTuples) misses
      // reads inside intrinsic calls. With the index first, the value it is selected by is
      // still the old one whatever that check concludes.
      acc(x, y, c, n) = Tuple(h0 * W + w0, -std::numeric_limits<float>::infinity());
      acc(x, y, c, n) = tuple_select(takes_over(v, acc(x, y, c, n)[1]), Tuple(iy * W + ix, v), acc(x, y, c, n));
      output(x, y, c, n) = acc(x, y, c, n)[1];
      indices(x, y, c, n) = cast<int64_t>(acc(x, y, c, n)[0]);
    }
  }

  void schedule() {
    u.compute_root();
    Var xo("xo");
    if (with_indices) {
      // One pass writes both outputs (as in adaptive_pool2d_generator.cpp): indices runs in
      // output's loops and reads the same acc; equal bounds, same splits, and no fused parallel
      // var (with one, Halide 14 sized acc to whole planes per vector: 1.3 s instead of ~1 ms).
      for (int d = 0; d < 4; ++d) indices.dim(d).set_bounds(output.dim(d).min(), output.dim(d).extent());
      for (Func f : {Func(output), Func(indices)}) schedule_planes_parallel(f, xo);
      indices.compute_with(output, xo);
    } else {
      schedule_rows_parallel(output, vector_width, rows_per_task, x, y, c, n, xo);
    }
    acc.compute_at(output, xo).vectorize(x, vector_width);
    acc.update().reorder(x, r.x, r.y).vectorize(x, vector_width);
    if (kernel_h > 0 && kernel_w > 0) acc.update().unroll(r.x).unroll(r.y);
  }

 private:
  Var x{"x"}, y{"y"}, c{"c"}, n{"n"}, a{"a"};
  Func u{"u"}, acc{"acc"};
  RDom r;

  // Vectors along x, output rows in order, (c, n) planes in parallel (nested parallel loops).
  void schedule_planes_parallel(Func f, const Var& xo) {
    Var xi("xi");
    f.split(x, xo, xi, vector_width, TailStrategy::GuardWithIf).reorder(xi, xo, y, c, n).vectorize(xi).parallel(c).parallel(n);
  }

  // fractional_start(i, sample, in, out, pool), then clamped into [0, in - pool] for bounds
  // inference. max(out - 1, 1) keeps the unused division finite when out == 1.
  static Expr start(const Expr& i, const Expr& sample, const Expr& in, const Expr& out, const Expr& pool) {
    const Expr alpha = strict_float(cast<float>(in - pool) / cast<float>(max(out - 1, 1)));
    const Expr s = cast<int32_t>(strict_float((cast<float>(i) + sample) * alpha)) -
                   cast<int32_t>(strict_float(sample * alpha));
    return clamp(select(out == 1 || i == out - 1, in - pool, s), 0, in - pool);
  }
};

}  // namespace poolkit_gen

HALIDE_REGISTER_GENERATOR(poolkit_gen::FractionalMaxPool2d, fractional_max_pool2d)
