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

  // The shape the autoscheduled variants plan for (estimates only: every variant still takes any
  // shape; hand-scheduled variants ignore them): a 1 x 64 x estimate_size^2 input, estimate_pad
  // padding, the baked-in window (2x2/s2 when not baked in). Defaults: P1/P3 (224, no padding);
  // P2's rows say estimate_size=112 estimate_pad=1.
  GP<int> estimate_size{"estimate_size", 224};
  GP<int> estimate_pad{"estimate_pad", 0};

  void set_common_estimates() {
    input.set_estimates({{0, estimate_size}, {0, estimate_size}, {0, 64}, {0, 1}});
    for (auto* p : {&kernel_h_in, &kernel_w_in, &stride_h_in, &stride_w_in}) p->set_estimate(2);
    for (auto* p : {&pad_h, &pad_w}) p->set_estimate(estimate_pad);
    for (auto* p : {&dilation_h, &dilation_w}) p->set_estimate(1);
  }
  // The output side of the estimates, from the window as PyTorch sizes it (floor mode).
  int estimate_output_size() const {
    const int k = kernel_h > 0 ? int(kernel_h) : 2, s = stride_h > 0 ? int(stride_h) : 2;
    return (estimate_size + 2 * estimate_pad - k) / s + 1;
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
  // max only, kernel_h/kernel_w baked in, dilation 1 (the host checks): the window as two 1-D
  // passes, a max over the window's rows for every input column (dense loads) and then over
  // columns (strided loads from a small per-row buffer). Every tap of the padded input is read
  // once per output row instead of once per window. P2 (3x3/s2/p1, 1x64x112x112): 0.69 ms direct
  // -> 0.21 ms (1 thread, 2026-11-22); then with clamped rows instead of a padded input, vector
  // padding columns and nan_chain_max: kernel alone 0.125 -> 0.070 ms x86-64 (vector_width 8,
  // rows_per_task 56 against the old 16 / 8), 0.141 -> 0.114 ms wasm in node (2026-11-22).
  GeneratorParam<bool> separable{"separable", false};
  // separable on wasm: max_nan_mask (pmax pairs, one compare and an unsigned max per pass) instead of
  // nan_chain_max. See variants.cmake for what it measured.
  GeneratorParam<bool> nan_mask{"nan_mask", false};
  // separable: the row pass's clamps of window rows to the input marked likely(), so Halide splits
  // each task's row loop into its first rows, its interior rows (no clamps) and its last rows:
  // fewer scalar instructions per output row (about 100 of ~600 per P2 row in V8), 3x the code.
  GeneratorParam<bool> partition_rows{"partition_rows", false};
  // max or avg, kernel = stride baked in, in_bounds, dilation 1 (the host checks): windows that
  // tile the input, pooled per vector of outputs — the window's rows first over the dense input
  // columns under the vector (whole-vector loads), then its columns out of that small block
  // (one deinterleave in registers). Reading the strided taps from the input directly, Halide 14
  // assembled every stride-2 vector from 128-bit pieces and inserts (14 instructions each) so
  // as not to read past the buffer: P1 0.36 -> 0.20 ms, P3 0.29 -> 0.18 ms (1 thread, 2026-11-22).
  GeneratorParam<bool> vector_separable{"vector_separable", false};

  // The input as the window sees it: padded with |pad_value| unless in_bounds. Only W and H are
  // bounded: windows never leave their (c, n) plane, and tests on c and n in every tap's select
  // (plus clamps in its address) kept the loads from vectorizing cleanly.
  Func source(float pad_value) {
    if (in_bounds) return Func(input);
    return BoundaryConditions::constant_exterior(
        input, pad_value, {{input.dim(0).min(), input.dim(0).extent()}, {input.dim(1).min(), input.dim(1).extent()}, Range(), Range()});
  }

  // Separable max (see |separable|): rows(x, y) folds the kh taps of output row y for input
  // column x, output folds kw columns of rows. rows holds the input's columns and, left and right
  // of them, one vector of -inf for the horizontal padding: the interior loads are dense and
  // unguarded, and the column pass reads rows with dense loads and one deinterleave (Halide pads
  // internal allocations) instead of a boundary condition in x (which made the edge vectors of
  // every row gathers: 0.38 ms on P2 against 0.69 before, 2026-11-22).
  // Vertically there is no padding at all: a window row outside the input is read as the nearest
  // input row (clamped), which with dilation 1 and PyTorch's limits (padding at most half the
  // kernel, a last window starting inside the input) is always a row of the same window, so the
  // max and the NaN test are unchanged. The row pass then has no select and no branch per vector.
  Func rows{"rows"};
  RDom rcol, rtail, rleft, rright;
  void define_separable_max() {
    const float ninf = -std::numeric_limits<float>::infinity();
    const Expr x0 = input.dim(0).min(), W = input.dim(0).extent();
    const Expr y0 = input.dim(1).min(), H = input.dim(1).extent();
    const int vw = vector_width;
    // The input's columns as whole vectors, then the last vw columns again unless the width is a
    // multiple (an update cannot shift its tail inwards, and a GuardWithIf tail made every load of
    // it a lane-by-lane masked load).
    rcol = RDom(x0, (W / vw) * vw, "rcol");
    rtail = RDom(x0 + max(W - vw, 0), min(W, vw), "rtail");
    rtail.where(W % vw != 0);
    const auto column_max = [&](const Expr& col) {
      std::vector<Expr> taps;
      for (int i = 0; i < kernel_h; ++i) {
        const Expr row = y * sh - pad_h + i;
        taps.push_back(input(col, clamp(partition_rows ? likely(row) : row, y0, y0 + H - 1), c, n));
      }
      return nan_mask ? max_nan_mask(taps) : nan_chain_max(taps);
    };
    // One vector of -inf either side: pad_w <= kw / 2 columns on the left, and on the right at
    // most kw - 1, as far as a last window starting inside the input reaches (PyTorch's ceil-mode
    // rule); the generator checks kw - 1 <= vw. Output and input columns both start at 0, as the
    // host passes them.
    rleft = RDom(x0 - vw, vw, "rleft");
    rright = RDom(x0 + W, vw, "rright");
    rows(x, y, c, n) = undef<float>();
    rows(rleft, y, c, n) = ninf;
    rows(rright, y, c, n) = ninf;
    rows(rcol, y, c, n) = column_max(rcol);
    rows(rtail, y, c, n) = column_max(rtail);
    std::vector<Expr> taps;
    for (int j = 0; j < kernel_w; ++j) taps.push_back(rows(x * sw - pad_w + j, y, c, n));
    output(x, y, c, n) = nan_mask ? max_nan_mask(taps) : nan_chain_max(taps);
  }

  // vector_separable: cols(x, y) folds the kh rows of output row y for input column x (dense),
  // output folds kw columns of cols. Max on x86 as nan_max pairs; on wasm as (max, |bits|) pairs
  // (tap_max): between the passes |cols| is a vector in registers, so the pair costs no memory
  // traffic, and the column pass needs no NaN test of its own (P1 on wasm 0.42 -> 0.3x ms against nan_max, node, 1 thread,
  // 2026-11-22); avg as sums.
  Func cols{"cols"};
  void define_vector_separable() {
    if (op == PoolOp::max && get_target().arch != Target::WebAssembly) {
      // x86: pairs folded by nan_max (vmaxps, vcmpunordps, a masked vaddps that makes the NaN),
      // the NaN rule in 2 ops per pair where tap_max's |bits| spent ~12 per 16 outputs (ands,
      // integer maxes, their own deinterleave): 24 -> 15 instructions per 16 outputs; P1 kernel
      // alone 0.230 -> 0.210 ms (1 thread, 5 alternating rounds, 2026-11-22). Wasm keeps tap_max:
      // its NaN tests are 2 compares and an or per pair (nan_max lost there, see above).
      Expr col;
      for (int i = 0; i < kernel_h; ++i) {
        const Expr v = input(x, y * stride_h + i, c, n);
        col = i == 0 ? v : nan_max(get_target(), col, v);
      }
      cols(x, y, c, n) = col;
      Expr out;
      for (int j = 0; j < kernel_w; ++j) {
        const Expr v = cols(x * stride_w + j, y, c, n);
        out = j == 0 ? v : nan_max(get_target(), out, v);
      }
      output(x, y, c, n) = out;
      return;
    }
    if (op == PoolOp::max) {
      std::vector<Expr> taps;
      for (int i = 0; i < kernel_h; ++i) taps.push_back(input(x, y * stride_h + i, c, n));
      const TapMax column = tap_max(get_target(), taps);
      cols(x, y, c, n) = Tuple(column.max, column.bits);
      TapMax window;
      for (int j = 0; j < kernel_w; ++j) {
        const TapMax v{cols(x * stride_w + j, y, c, n)[0], cols(x * stride_w + j, y, c, n)[1]};
        window = j == 0 ? v : tap_max(get_target(), window, v);
      }
      output(x, y, c, n) = with_nan(window);
      return;
    }
    Expr col, out;
    for (int i = 0; i < kernel_h; ++i) {
      const Expr v = input(x, y * stride_h + i, c, n);
      col = i == 0 ? v : col + v;
    }
    cols(x, y, c, n) = col;
    for (int j = 0; j < kernel_w; ++j) {
      const Expr v = cols(x * stride_w + j, y, c, n);
      out = j == 0 ? v : out + v;
    }
    // Every window is whole (in_bounds): PyTorch's divisor is kh * kw unless overridden.
    const Expr divisor = select(divisor_override != 0, divisor_override, int(kernel_h) * int(kernel_w));
    const int window = int(kernel_h) * int(kernel_w);
    // A power-of-two window: the divide as a multiply, exact (the same real quotient, rounded
    // once), where vdivps costs far more; the schedule specializes on divisor_override == 0.
    if ((window & (window - 1)) == 0) {
      output(x, y, c, n) =
          strict_float(select(divisor_override != 0, out / cast<float>(divisor_override), out * (1.0f / window)));
      return;
    }
    output(x, y, c, n) = strict_float(out / cast<float>(divisor));
  }

  void generate() {
    define_window();
    const Expr W = input.dim(0).extent(), H = input.dim(1).extent();
    if (vector_separable) {
      if (op == PoolOp::lp || !in_bounds || kernel_h <= 0 || int(kernel_w) != int(stride_w) || int(kernel_h) != int(stride_h))
        throw std::invalid_argument("vector_separable=true needs op=max or avg, in_bounds, kernel = stride baked in");
      define_vector_separable();
    } else if (separable) {
      if (op != PoolOp::max || kernel_h <= 0 || kernel_w <= 0 || kernel_w - 1 > vector_width)
        throw std::invalid_argument("separable=true needs op=max and a baked-in kernel at most vector_width + 1 wide");
      define_separable_max();
    } else if (op == PoolOp::max) {
      // -inf padding is exact: it never wins a max.
      const Expr v = source(-std::numeric_limits<float>::infinity())(ix, iy, c, n);
      // Values only, so the cheap form of PyTorch's rule: a plain (fast) max, plus the largest
      // |bits| seen, which exceeds 0x7f800000 exactly when some tap is NaN — integer ops, which
      // fast-math cannot fold away. 2.5x faster on P1 than the tap-by-tap select (2026-11-22).
      const Expr bits = reinterpret<uint32_t>(v) & Expr(0x7fffffffu);
      acc(x, y, c, n) = Tuple(-std::numeric_limits<float>::infinity(), cast<uint32_t>(0));
      acc(x, y, c, n) = Tuple(value_max(get_target(), acc(x, y, c, n)[0], v), max(acc(x, y, c, n)[1], bits));
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
    output.set_estimates({{0, estimate_output_size()}, {0, estimate_output_size()}, {0, 64}, {0, 1}});
    count_include_pad.set_estimate(1);
    divisor_override.set_estimate(0);
    norm_type.set_estimate(2.0f);
  }

  // The separable schedules' output loops: schedule_rows_parallel's (rows of outputs in
  // parallel tasks), but the last vector of a row shifted inwards (recomputing a few outputs)
  // whenever a row holds a whole vector; narrower rows take the guarded loop. A guarded tail made
  // every strided load of it a lane-by-lane masked load (separable P2, 56-wide rows: 0.30 -> 0.21
  // ms, 1 thread, 2026-11-22), and vector_separable's per-vector |cols| covers whole input
  // vectors only when its vector is whole. Returns the vector loop |xo|, the row loop |yi| and
  // the task loop |t|, where the passes' buffers go.
  void schedule_rows_shifting_tail(Var& xo, Var& yi, Var& t) { schedule_rows_shifting_tail(output, xo, yi, t); }
  void schedule_rows_shifting_tail(Stage base, Var& xo, Var& yi, Var& t) {
    schedule_rows_parallel(base.specialize(output.dim(0).extent() >= vector_width), vector_width, rows_per_task, x, y,
                           c, n, xo, yi, t, TailStrategy::ShiftInwards);
    schedule_rows_parallel(base, vector_width, rows_per_task, x, y, c, n, xo, yi, t);
  }

  void schedule() {
    if (auto_schedule) return;
    if (vector_separable) {
      Var xo("xo"), yi("yi"), t("t");
      // avg: no divisor_override, a power-of-two window: the divide is a multiply (exact).
      const int window = int(kernel_h) * int(kernel_w);
      if (op == PoolOp::avg && (window & (window - 1)) == 0)
        schedule_rows_shifting_tail(output.specialize(divisor_override == 0), xo, yi, t);
      schedule_rows_shifting_tail(xo, yi, t);
      // One vector over all the columns an output vector's windows span (a loop of narrower
      // ones kept |cols| in memory: P1 on wasm 0.42 -> 0.33 ms, 2026-11-22).
      const int span = (vector_width - 1) * stride_w + kernel_w;
      cols.compute_at(output, xo).vectorize(x, span, TailStrategy::GuardWithIf);
      return;
    }
    if (separable) {
      Var xo("xo"), yi("yi"), t("t");
      schedule_rows_shifting_tail(xo, yi, t);
      RVar co("rcol_o"), ci("rcol_i");
      rows.compute_at(output, yi).store_at(output, t);
      rows.update(0).vectorize(rleft);  // the padding columns: one vector store each side
      rows.update(1).vectorize(rright);
      rows.update(2).split(rcol, co, ci, vector_width, TailStrategy::GuardWithIf).vectorize(ci);
      rows.update(3).split(rtail, co, ci, vector_width, TailStrategy::GuardWithIf).vectorize(ci);
      return;
    }
    schedule_window(output, in_bounds);
    // p = 2 (L2 pooling) is the common case: inside this branch pow() folds to x*x and sqrt.
    if (op == PoolOp::lp) output.specialize(norm_type == 2.0f);
  }
};

class MaxPool2dIndices : public PoolBase<MaxPool2dIndices> {
 public:
  Output<Func> output{"output", {Float(32), Int(64)}, 4};  // (values, per-plane argmax h*W+w)
  // true: windows tile the input — stride = kernel, no padding, dilation 1, every window inside
  // (the host checks; the stride inputs are then ignored). Kernel sizes stay run-time values (the
  // demo's slider). Two passes: each input column's best over the window's rows, with dense
  // vector loads, then each window's best over its columns from that small block. The generic
  // form read every tap with a strided load through the boundary condition: 1x3x1024x1024, k8,
  // 1 thread (2026-11-22): see variants.cmake.
  GP<bool> tiled{"tiled", false};

  void generate() {
    define_window();
    if (tiled) {
      generate_tiled();
    } else {
      generate_direct();
    }
    set_common_estimates();
    output.set_estimates({{0, estimate_output_size()}, {0, estimate_output_size()}, {0, 64}, {0, 1}});
  }

  void schedule() {
    if (auto_schedule) return;
    if (!tiled) {
      schedule_window(output);
      return;
    }
    schedule_tiled();
  }

 private:
  Var col{"col"};
  Func cols{"cols"};
  RDom ry, rx;

  // Every tap through the boundary condition, in row-major order.
  void generate_direct() {
    const Expr W = input.dim(0).extent();
    Func padded = BoundaryConditions::constant_exterior(input, -std::numeric_limits<float>::infinity());
    const Expr v = padded(ix, iy, c, n);
    const Expr h0 = first_nonnegative_tap(y, sh, pad_h, dilation_h);
    const Expr w0 = first_nonnegative_tap(x, sw, pad_w, dilation_w);
    acc(x, y, c, n) = Tuple(-std::numeric_limits<float>::infinity(), cast<int64_t>(h0) * W + w0);
    acc(x, y, c, n) = max_update(v, cast<int64_t>(iy) * W + ix, acc(x, y, c, n));
    output(x, y, c, n) = acc(x, y, c, n);
  }

  void schedule_tiled() {
    Var xo("xo"), ixo("ixo"), ixi("ixi");
    schedule_rows_parallel(output, vector_width, rows_per_task, x, y, c, n, xo);
    acc.compute_at(output, xo).vectorize(x, vector_width, TailStrategy::GuardWithIf);
    acc.update().reorder(x, rx).vectorize(x, vector_width, TailStrategy::GuardWithIf);
    // The column pass reads every kw-th column of the row pass's block: a gather (a load per
    // lane) at a run-time width; at these constant widths, whole vectors and a deinterleave
    // (wasm, against gathers at every width: see variants.cmake).
    for (int k : {2, 4, 8}) acc.update().specialize(kw == k);
    // The row pass keeps its running (max, row) pairs in registers across the window's rows.
    // Its block is vector_width * kw columns, a run-time size: stored per task (schedule_rows_parallel's
    // t), not allocated per vector of outputs (a malloc per vector doubled k2's time).
    cols.compute_at(output, xo).store_at(output, Var("t")).vectorize(col, vector_width, TailStrategy::GuardWithIf);
    cols.update()
        .split(col, ixo, ixi, vector_width, TailStrategy::GuardWithIf)
        .reorder(ixi, ry, ixo)
        .vectorize(ixi);
  }

  // The same answer as the tap-by-tap scan in row-major order (first max wins, the last NaN
  // wins): a column keeps its first max or last NaN over the rows (max_update); across columns,
  // scanned left to right, a tie in value goes to the smaller row, a NaN to the larger or equal
  // row, and a NaN is never displaced by a number. NaN tests on the bits: fast-math proof.
  void generate_tiled() {
    const Expr W = input.dim(0).extent();
    const float ninf = -std::numeric_limits<float>::infinity();
    ry = RDom(0, kh, "ry");
    rx = RDom(0, kw, "rx");
    cols(col, y, c, n) = Tuple(ninf, 0);
    cols(col, y, c, n) = max_update(input(col, y * kh + ry, c, n), ry, cols(col, y, c, n));
    const Expr bv = cols(x * kw + rx, y, c, n)[0], brow = cols(x * kw + rx, y, c, n)[1];
    acc(x, y, c, n) = Tuple(ninf, 0, 0);  // (value, row, column) in the window; all -inf: its first tap
    const Expr av = acc(x, y, c, n)[0], arow = acc(x, y, c, n)[1];
    const Expr a_nan = abs_bits(av) > 0x7f800000, b_nan = abs_bits(bv) > 0x7f800000;
    const Expr take = select(b_nan, !a_nan || brow >= arow, !a_nan && (bv > av || (bv == av && brow < arow)));
    acc(x, y, c, n) = Tuple(strict_float(select(take, bv, av)), select(take, brow, arow),
                            select(take, rx, acc(x, y, c, n)[2]));
    output(x, y, c, n) = Tuple(acc(x, y, c, n)[0],
                               cast<int64_t>(y * kh + acc(x, y, c, n)[1]) * W + x * kw + acc(x, y, c, n)[2]);
  }
};

}  // namespace poolkit_gen

HALIDE_REGISTER_GENERATOR(poolkit_gen::Pool2d, pool2d)
HALIDE_REGISTER_GENERATOR(poolkit_gen::MaxPool2dIndices, max_pool2d_indices)
