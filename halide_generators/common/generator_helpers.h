// Pieces shared by poolkit's generators: how NCHW tensors look to Halide, compile-time-or-runtime
// window parameters, PyTorch's max-update rule, and the parallel split every pooling schedule uses.
#pragma once

#include "Halide.h"

namespace poolkit_gen {

using namespace Halide;

// NCHW row-major tensors reach Halide with their dims reversed: (x = W, y = H, c = C, n = N).
// 1-D ops arrive as (L, 1, C, N) and unbatched tensors with N = 1: the host reshapes.

// A window parameter that is either baked in at compile time (|fixed| > 0: the generator
// specializes on it, loops unroll) or read from the runtime Input (|fixed| == 0).
inline Expr fixed_or(int fixed, const Expr& runtime) { return fixed > 0 ? Expr(fixed) : runtime; }

// PyTorch's max-pooling update, tap by tap: a tap replaces the running maximum when it is larger
// or NaN, so NaN propagates and the last NaN wins. Never max(): it maps to maxps, whose NaN
// behaviour depends on operand order. strict_float around the whole select: Halide marks float
// ops fast-math (no NaNs) by default, and LLVM then folds is_nan() to false and the select into a
// max — the flag on the select alone is enough for that.
inline Expr takes_over(const Expr& v, const Expr& running) { return v > running || is_nan(v); }
inline Expr max_update(const Expr& v, const Expr& running) {
  return strict_float(select(takes_over(v, running), v, running));
}
// The argmax version: (value, index) pairs. Only the value select is strict: in Halide 14,
// strict_float on the index select or on the shared condition (or the strict_float target
// feature) makes the index update vanish — the index stays at its initial value (checked with
// a JIT test, 2026-11-22). The index select reuses the same condition, so NaN still wins there.
inline Tuple max_update(const Expr& v, const Expr& index, const Tuple& running) {
  const Expr take = takes_over(v, running[0]);
  return Tuple(strict_float(select(take, v, running[0])), select(take, index, running[1]));
}

// The larger of two floats, NaN when either is (which NaN is unspecified): one max plus one
// unordered compare (LLVM merges the two is_nan tests into it) and a masked add to make the NaN.
// Cheaper than max_update's select when the order of taps does not matter (values only).
inline Expr nan_max(const Expr& a, const Expr& b) {
  return strict_float(select(is_nan(a) || is_nan(b), a + b, max(a, b)));
}

// Lp pieces that keep IEEE semantics: Halide's pow() is exp(y * log(x)) in its own code, which
// turned NaN into 2^64 (conformance, 2026-11-22), so non-finite values bypass it; p = 2 uses x*x
// and sqrt (exact IEEE ops, and the common L2 case).
inline Expr lp_power(const Expr& v, const Expr& p) {
  const Expr a = abs(v);
  return strict_float(select(p == 2.0f, a * a, select(is_nan(a) || is_inf(a), a, pow(a, p))));
}
inline Expr lp_root(const Expr& sum, const Expr& p) {
  return strict_float(select(p == 2.0f, sqrt(sum), select(is_nan(sum) || is_inf(sum), sum, pow(sum, 1.0f / p))));
}

// relu that keeps NaN (and -0), as torch.relu: select(v < 0, 0, v) under strict_float, or the
// simplifier and LLVM turn it into max(v, 0), which drops NaN.
inline Expr relu_keep_nan(const Expr& v) { return strict_float(select(v < 0.0f, 0.0f, v)); }

// Column (or row) of the first tap of window |o| that is >= 0, stepping by dilation: PyTorch's
// starting guess for the argmax, reported when no tap wins (all -inf, or an empty dilated window).
inline Expr first_nonnegative_tap(const Expr& o, const Expr& stride, const Expr& pad, const Expr& dilation) {
  Expr start = o * stride - pad;
  Expr steps = select(start < 0, (-start + dilation - 1) / dilation, 0);
  return start + steps * dilation;
}

// The schedule every memory-bound pooling output uses: vectors along x, tasks of |rows| output
// rows per (c, n) plane run in parallel. GuardWithIf: any output size works, tails included.
// Returns through |xo| the loop over vectors, where per-vector producers go.
inline void schedule_rows_parallel(Func out, int vector_width, int rows, const Var& x, const Var& y, const Var& c,
                                   const Var& n, Var& xo) {
  Var xi("xi"), yo("yo"), yi("yi"), t("t");
  out.split(x, xo, xi, vector_width, TailStrategy::GuardWithIf)
      .split(y, yo, yi, rows, TailStrategy::GuardWithIf)
      .reorder(xi, xo, yi, yo, c, n)
      .fuse(yo, c, t)
      .fuse(t, n, t)
      .parallel(t)
      .vectorize(xi);
}

}  // namespace poolkit_gen
