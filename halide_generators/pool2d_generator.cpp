// Sliding-window max / average / Lp pooling over NCHW planes (and 1-D pooling as 1-row planes).
//
// One algorithm per reduction kind, parameters at run time unless a variant bakes them in
// (kernel_h=2 stride_h=2 ...: the tap loops then unroll and strided loads become shuffles).
// Semantics are the reference backend's (engine/src/backends/reference/pool2d.cpp): padding never
// wins a max, NaN propagates, avg divisors follow PyTorch's CPU kernel, Lp sums |x|^p over the
// valid taps.
//
// Two generators share this file: `pool2d` (one float output) and `max_pool2d_indices` (a Tuple
// output: values and int64 argmax, computed in one pass and written as two buffers).
#include "common/generator_helpers.h"

namespace poolkit_gen {

enum class PoolOp { max, avg, lp };

// Knobs and inputs common to both generators (CRTP: Halide generators are Generator<T>).
template <class T>
class PoolBase : public Generator<T> {
 public:
  template <class V>
  using GP = GeneratorParam<V>;
  template <class V>
  using In = GeneratorInput<V>;

  // 0 = read from the runtime input of the same name; > 0 = specialized at compile time.
  GP<int> kernel_h{"kernel_h", 0}, kernel_w{"kernel_w", 0};
  GP<int> stride_h{"stride_h", 0}, stride_w{"stride_w", 0};
  // 16 f32 = one AVX-512 vector (the AVX2 path splits it in two). See variants.cmake for what
  // the benchmark said about the alternatives.
  GP<int> vector_width{"vector_width", 16};
  // Output rows per parallel task: enough work per task to amortize the thread pool, small
  // enough that 2 threads balance on a 56-row plane.
  GP<int> rows_per_task{"rows_per_task", 8};

  In<Buffer<float>> input{"input", 4};
  In<int32_t> kernel_h_in{"kernel_h_in"}, kernel_w_in{"kernel_w_in"};
  In<int32_t> stride_h_in{"stride_h_in"}, stride_w_in{"stride_w_in"};
  In<int32_t> pad_h{"pad_h"}, pad_w{"pad_w"};
  In<int32_t> dilation_h{"dilation_h"}, dilation_w{"dilation_w"};

 protected:
  Var x{"x"}, y{"y"}, c{"c"}, n{"n"};
  Func acc{"acc"};
  RDom r;
  Expr kh, kw, sh, sw, ix, iy;

  void define_window() {
    kh = fixed_or(kernel_h, kernel_h_in);
    kw = fixed_or(kernel_w, kernel_w_in);
    sh = fixed_or(stride_h, stride_h_in);
    sw = fixed_or(stride_w, stride_w_in);
    r = RDom(0, kw, 0, kh, "r");
    ix = x * sw - pad_w + r.x * dilation_w;
    iy = y * sh - pad_h + r.y * dilation_h;
  }

  void set_common_estimates() {
    // P1's shape, for the autoscheduled variants; harmless for the others.
    input.set_estimates({{0, 224}, {0, 224}, {0, 64}, {0, 1}});
    for (auto* p : {&kernel_h_in, &kernel_w_in, &stride_h_in, &stride_w_in}) p->set_estimate(2);
    for (auto* p : {&pad_h, &pad_w}) p->set_estimate(0);
    for (auto* p : {&dilation_h, &dilation_w}) p->set_estimate(1);
  }

  // acc is computed per vector of output columns: its tap loop runs over vectors of windows.
  // |unpadded_reads|: taps read the input with no boundary condition, so acc's vector tail must
  // be guarded (rounding it up would read past the input).
  void schedule_window(Func out, bool unpadded_reads = false) {
    Var xo("xo");
    schedule_rows_parallel(out, vector_width, rows_per_task, x, y, c, n, xo);
    const TailStrategy tail = unpadded_reads ? TailStrategy::GuardWithIf : TailStrategy::Auto;
    acc.compute_at(out, xo).vectorize(x, vector_width, tail);
    acc.update().reorder(x, r.x, r.y).vectorize(x, vector_width, tail);
    if (kernel_w > 0 && kernel_h > 0) acc.update().unroll(r.x).unroll(r.y);
  }
};

class Pool2d : public PoolBase<Pool2d> {
 public:
  GeneratorParam<PoolOp> op{"op", PoolOp::max, {{"max", PoolOp::max}, {"avg", PoolOp::avg}, {"lp", PoolOp::lp}}};
  Input<int32_t> count_include_pad{"count_include_pad"};  // avg: 1 = divide by the padded window
  Input<int32_t> divisor_override{"divisor_override"};    // avg: 0 = none
  Input<float> norm_type{"norm_type"};                    // lp: p
  Output<Buffer<float>> output{"output", 4};
  // true: every window lies inside the input (no padding, no ceil-mode overhang; the host checks),
  // so taps read the input directly, with no boundary test per load.
  GeneratorParam<bool> in_bounds{"in_bounds", false};

  // The input as the window sees it: padded with |pad_value| unless in_bounds.
  Func source(float pad_value) {
    if (in_bounds) return Func(input);
    return BoundaryConditions::constant_exterior(input, pad_value);
  }

  void generate() {
    define_window();
    const Expr W = input.dim(0).extent(), H = input.dim(1).extent();
    if (op == PoolOp::max) {
      // -inf padding is exact: it never wins a max.
      const Expr v = source(-std::numeric_limits<float>::infinity())(ix, iy, c, n);
      // Values only, so the cheap form of PyTorch's rule: a plain (fast) max, plus the largest
      // |bits| seen, which exceeds 0x7f800000 exactly when some tap is NaN — integer ops, which
      // fast-math cannot fold away. 2.5x faster on P1 than the tap-by-tap select (2026-11-22).
      const Expr bits = reinterpret<uint32_t>(v) & Expr(0x7fffffffu);
      acc(x, y, c, n) = Tuple(-std::numeric_limits<float>::infinity(), cast<uint32_t>(0));
      acc(x, y, c, n) = Tuple(max(acc(x, y, c, n)[0], v), max(acc(x, y, c, n)[1], bits));
      output(x, y, c, n) = strict_float(
          select(Expr(acc(x, y, c, n)[1]) > Expr(0x7f800000u), std::numeric_limits<float>::quiet_NaN(), acc(x, y, c, n)[0]));
    } else if (op == PoolOp::avg) {
      Func padded = source(0.0f);
      acc(x, y, c, n) = 0.0f;
      acc(x, y, c, n) += padded(ix, iy, c, n);
      // PyTorch's divisors: the window cut at the far edge of the explicit padding (never the
      // ceil-mode overhang), or only its taps inside the input, or the override.
      const Expr h0 = y * sh - pad_h, w0 = x * sw - pad_w;
      const Expr h1 = min(h0 + kh, H + pad_h), w1 = min(w0 + kw, W + pad_w);
      const Expr padded_count = (h1 - h0) * (w1 - w0);
      const Expr valid_count = max(min(h1, H) - max(h0, 0), 0) * max(min(w1, W) - max(w0, 0), 0);
      const Expr divisor =
          select(divisor_override != 0, divisor_override, select(count_include_pad != 0, padded_count, valid_count));
      output(x, y, c, n) = strict_float(select(valid_count > 0, acc(x, y, c, n) / cast<float>(divisor), 0.0f));
    } else {
      Func padded = source(0.0f);
      acc(x, y, c, n) = 0.0f;
      acc(x, y, c, n) += lp_power(padded(ix, iy, c, n), norm_type);
      output(x, y, c, n) = lp_root(acc(x, y, c, n), norm_type);
    }
    set_common_estimates();
    output.set_estimates({{0, 112}, {0, 112}, {0, 64}, {0, 1}});
    count_include_pad.set_estimate(1);
    divisor_override.set_estimate(0);
    norm_type.set_estimate(2.0f);
  }

  void schedule() {
    if (auto_schedule) return;
    schedule_window(output, in_bounds);
    // p = 2 (L2 pooling) is the common case: inside this branch pow() folds to x*x and sqrt.
    if (op == PoolOp::lp) output.specialize(norm_type == 2.0f);
  }
};

class MaxPool2dIndices : public PoolBase<MaxPool2dIndices> {
 public:
  Output<Func> output{"output", {Float(32), Int(64)}, 4};  // (values, per-plane argmax h*W+w)

  void generate() {
    define_window();
    const Expr W = input.dim(0).extent();
    Func padded = BoundaryConditions::constant_exterior(input, -std::numeric_limits<float>::infinity());
    const Expr v = padded(ix, iy, c, n);
    const Expr h0 = first_nonnegative_tap(y, sh, pad_h, dilation_h);
    const Expr w0 = first_nonnegative_tap(x, sw, pad_w, dilation_w);
    acc(x, y, c, n) = Tuple(-std::numeric_limits<float>::infinity(), cast<int64_t>(h0) * W + w0);
    acc(x, y, c, n) = max_update(v, cast<int64_t>(iy) * W + ix, acc(x, y, c, n));
    output(x, y, c, n) = acc(x, y, c, n);
    set_common_estimates();
    output.set_estimates({{0, 112}, {0, 112}, {0, 64}, {0, 1}});
  }

  void schedule() {
    if (auto_schedule) return;
    schedule_window(output);
  }
};

}  // namespace poolkit_gen

HALIDE_REGISTER_GENERATOR(poolkit_gen::Pool2d, pool2d)
HALIDE_REGISTER_GENERATOR(poolkit_gen::MaxPool2dIndices, max_pool2d_indices)
