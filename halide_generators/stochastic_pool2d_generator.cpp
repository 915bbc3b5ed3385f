// Stochastic pooling (Zeiler & Fergus 2013), bit for bit the reference backend's
// stochastic_pool.cpp (read its header comment for the contract):
//   - taps are the window's non-padding positions in row-major order; tap i weighs max(a_i, 0);
//   - training: total = Σ w_i in float, in tap order; total <= 0 gives 0; otherwise
//     u = rng::uniform(seed, n, c, oh*OW + ow), threshold = u * total (float), and the output is
//     the activation of the first tap whose running float sum exceeds threshold, or else of the
//     last tap with w_i > 0;
//   - inference: Σ w_i·a_i / Σ w_i accumulated in double (0 when Σ w_i = 0);
//   - a window holding a NaN gives NaN in both modes.
//
// Padding taps are read as 0 here instead of being skipped. That is exact: their weight is 0, a
// float sum plus +0 is unchanged, a weight-0 tap can never be the first to exceed threshold (>= 0)
// nor the last tap with weight > 0, and 0 is not NaN.
//
// Bit-exactness: Halide compiles float arithmetic with fast-math flags (contraction into FMA,
// no-NaN assumptions). Every float/double Expr of the sums, the threshold, the comparisons and
// the NaN selection is wrapped in strict_float, so it is evaluated in IEEE order as the C++ loop
// does; the sums run over the RDom serially in row-major tap order (r.x innermost), vectorized
// only across output columns.
#include <limits>

#include "common/counter_rng.h"
#include "common/generator_helpers.h"

namespace poolkit_gen {

class StochasticPool2d : public Generator<StochasticPool2d> {
 public:
  // true: sample one activation per window; false: the probability-weighted average.
  GeneratorParam<bool> training{"training", true};
  // 0 = read from the runtime input of the same name; > 0 = specialized at compile time.
  GeneratorParam<int> kernel_h{"kernel_h", 0}, kernel_w{"kernel_w", 0};
  GeneratorParam<int> stride_h{"stride_h", 0}, stride_w{"stride_w", 0};
  // 16 f32 = one AVX-512 vector (inference accumulates in double: two vectors per 16 lanes).
  GeneratorParam<int> vector_width{"vector_width", 16};
  // Output rows per parallel task, as in pool2d.
  GeneratorParam<int> rows_per_task{"rows_per_task", 8};

  Input<Buffer<float>> input{"input", 4};
  Input<int32_t> kernel_h_in{"kernel_h_in"}, kernel_w_in{"kernel_w_in"};
  Input<int32_t> stride_h_in{"stride_h_in"}, stride_w_in{"stride_w_in"};
  Input<int32_t> pad_h{"pad_h"}, pad_w{"pad_w"};
  Input<uint32_t> seed_lo{"seed_lo"}, seed_hi{"seed_hi"};  // the 64-bit seed's words (training)
  // The output plane's width: window index = oh*OW + ow (Halide 14 cannot read an Output's
  // extents in its own definition).
  Input<int32_t> out_w{"out_w"};
  Output<Buffer<float>> output{"output", 4};

  void generate() {
    const Expr kh = fixed_or(kernel_h, kernel_h_in), kw = fixed_or(kernel_w, kernel_w_in);
    const Expr sh = fixed_or(stride_h, stride_h_in), sw = fixed_or(stride_w, stride_w_in);
    r = RDom(0, kw, 0, kh, "r");
    Func padded = BoundaryConditions::constant_exterior(input, 0.0f);
    const Expr a = padded(x * sw - pad_w + r.x, y * sh - pad_h + r.y, c, n);
    const Expr w = strict_float(select(a > 0.0f, a, 0.0f));  // NaN > 0 is false: weight 0
    const Expr nan_tap = cast<uint8_t>(is_nan(a));
    const Expr nan = std::numeric_limits<float>::quiet_NaN();

    if (training) {
      // Pass 1: the window's total weight and whether it holds a NaN.
      stats(x, y, c, n) = Tuple(0.0f, cast<uint8_t>(0));
      stats(x, y, c, n) = Tuple(strict_float(stats(x, y, c, n)[0] + w), stats(x, y, c, n)[1] | nan_tap);
      const Expr total = stats(x, y, c, n)[0];
      const Expr u = rng::uniform(seed_lo, seed_hi, n, c, y * out_w + x);
      const Expr threshold = strict_float(u * total);
      // Pass 2, over (picked, last tap with weight > 0, running sum). The running sums are
      // non-decreasing (weights >= 0), so "the first tap whose running sum exceeds threshold" is
      // the one tap where the sum crosses it: old <= threshold < new. And some tap crossed iff
      // the final sum (the same float additions as |total|: equal to it) exceeds threshold, so
      // no "found" flag is needed.
      //
      // Element order matters: Halide 14 stores a Tuple update's elements one after the other,
      // and its check for "element i reads element j of the same site" (SplitTuples) does not
      // look inside intrinsic calls such as strict_float. So no element may read an element
      // stored before it: |picked| (stored first) reads the running sum (stored last).
      pick(x, y, c, n) = Tuple(0.0f, 0.0f, 0.0f);
      const Expr old_sum = pick(x, y, c, n)[2];
      const Expr new_sum = strict_float(old_sum + w);
      const Expr crossed = strict_float(old_sum <= threshold) && strict_float(new_sum > threshold);
      pick(x, y, c, n) = Tuple(select(crossed, a, pick(x, y, c, n)[0]), select(w > 0.0f, a, pick(x, y, c, n)[1]), new_sum);
      const Expr chosen = select(strict_float(total > threshold), pick(x, y, c, n)[0], pick(x, y, c, n)[1]);
      output(x, y, c, n) = strict_float(
          select(stats(x, y, c, n)[1] != 0, nan, select(total > 0.0f, chosen, 0.0f)));
    } else {
      // Σ w·a and Σ w in double, in tap order (the product of two floats is exact in double).
      const Expr wd = cast<double>(w);
      stats(x, y, c, n) = Tuple(cast<double>(0), cast<double>(0), cast<uint8_t>(0));
      stats(x, y, c, n) = Tuple(strict_float(stats(x, y, c, n)[0] + wd * cast<double>(a)),
                                strict_float(stats(x, y, c, n)[1] + wd), stats(x, y, c, n)[2] | nan_tap);
      const Expr weighted = stats(x, y, c, n)[0], total = stats(x, y, c, n)[1];
      output(x, y, c, n) = strict_float(select(stats(x, y, c, n)[2] != 0, nan,
                                               select(total > Expr(0.0), cast<float>(weighted / total), 0.0f)));
    }
  }

  void schedule() {
    Var xo("xo");
    schedule_rows_parallel(output, vector_width, rows_per_task, x, y, c, n, xo);
    const bool fixed = kernel_h > 0 && kernel_w > 0;
    for (Func f : training ? std::vector<Func>{stats, pick} : std::vector<Func>{stats}) {
      f.compute_at(output, xo).vectorize(x, vector_width);
      f.update().reorder(x, r.x, r.y).vectorize(x, vector_width);
      if (fixed) f.update().unroll(r.x).unroll(r.y);
    }
  }

 private:
  Var x{"x"}, y{"y"}, c{"c"}, n{"n"};
  Func stats{"stats"}, pick{"pick"};
  RDom r;
};

}  // namespace poolkit_gen

HALIDE_REGISTER_GENERATOR(poolkit_gen::StochasticPool2d, stochastic_pool2d)
