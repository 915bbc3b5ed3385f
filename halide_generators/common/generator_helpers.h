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

// The larger of two floats whose NaNs the caller handles apart, so any NaN behaviour will do. On
// WebAssembly, select(a < b, b, a) under strict_float, which LLVM emits as f32x4.pmax: one maxps
// in V8. Halide's max() becomes f32x4.max there, which the wasm spec makes NaN-propagating and V8
// lowers to ~8 x86 instructions (P1 2x2 max on wasm: 0.74 -> 0.35 ms, node, 1 thread,
// 2026-11-22). Elsewhere max() is already one instruction (maxps / vmaxps).
inline Expr value_max(const Target& target, const Expr& a, const Expr& b) {
  if (target.arch == Target::WebAssembly) return strict_float(select(a < b, b, a));
  return max(a, b);
}

// Values-only max pooling with PyTorch's NaN rule (a NaN tap makes the result NaN), fast-math
// proof: a value_max tree over the taps, plus the largest |bits| of any tap, which exceeds
// +inf's (0x7f800000) exactly when some tap is NaN: integer ops, which fast-math cannot fold.
// (Float NaN tests under strict_float were lost in GuardWithIf tails, Halide 14, 2026-11-22.)
// |bits| < 2^31, so its compares may be signed: one instruction where unsigned vector compares
// are emulated (SSE/AVX2, wasm simd128).
struct TapMax {
  Expr max, bits;
};
inline Expr abs_bits(const Expr& v) { return reinterpret<int32_t>(v) & Expr(0x7fffffff); }
inline TapMax tap_max(const Target& target, const std::vector<Expr>& taps) {
  TapMax t{taps[0], abs_bits(taps[0])};
  for (size_t i = 1; i < taps.size(); ++i) {
    t.max = value_max(target, t.max, taps[i]);
    t.bits = max(t.bits, abs_bits(taps[i]));
  }
  return t;
}
// Two partial results (e.g. of a window's rows) into one.
inline TapMax tap_max(const Target& target, const TapMax& a, const TapMax& b) {
  return {value_max(target, a.max, b.max), max(a.bits, b.bits)};
}
// The result: the max, or PyTorch's quiet NaN.
inline Expr with_nan(const TapMax& t) {
  return reinterpret<float>(select(t.bits > Expr(0x7f800000), Expr(0x7fc00000), reinterpret<int32_t>(t.max)));
}
// Max pooling with PyTorch's NaN rule for values only (any NaN's payload), in one float op per tap
// plus an unordered compare per two taps, where tap_max spends an and, a max and a max per tap.
// max_keeping_nan_of(kept, other) = strict_float(select(kept < other, other, kept)) is exactly
// x86's maxps(other, kept) and wasm's pmax(kept, other), both of which return |kept| when either
// is NaN: so each step of the chain keeps one operand's NaN, and one NaN test of the other
// operands (LLVM merges two is_nan tests into one unordered compare) restores the rule. For
// 3 taps: m1 = keep(t0, t1), m = keep(t2, m1), NaN test of t1 and m1: a load and a max, not two
// loads — with two loads in the compare, LLVM's SLP vectorizer computed both loads' addresses as
// one 2-lane vector add (vpbroadcastq, vpaddq, vmovq, vpextrq per pair; P2 separable 0.098 ms
// against 0.070, x86-64, 1 thread, 2026-11-22).
inline Expr max_keeping_nan_of(const Expr& kept, const Expr& other) {
  return strict_float(select(kept < other, other, kept));
}
inline Expr nan_chain_max(const std::vector<Expr>& taps) {
  if (taps.size() == 1) return taps[0];
  Expr m = max_keeping_nan_of(taps[0], taps[1]);
  Expr lost = is_nan(taps[1]);
  for (size_t i = 2; i < taps.size(); ++i) {
    lost = lost || is_nan(m);
    m = max_keeping_nan_of(taps[i], m);
  }
  return strict_float(select(lost, std::numeric_limits<float>::quiet_NaN(), m));
}

// nan_chain_max's rule for WebAssembly in fewer V8 x86 instructions: the NaN test of a pair as
// pmax(a, b) != pmax(b, a) (each keeps its first operand's NaN, so they differ exactly when a or
// b is NaN; +0/-0 ties compare equal), and the result made NaN by an unsigned max of its bits
// with the mask (all ones: a NaN; which NaN PyTorch leaves unspecified for max pooling, the tests
// take any). An OR of the mask would do the same, but LLVM rewrites or(x, sext(cmp)) as a select,
// which becomes v128.bitselect (3 x86 instructions in V8); i32x4.max_u stays one (vpmaxud). The
// same pmax chain as nan_chain_max, so non-NaN results are bit-identical. Three taps: vmaxps x3,
// vcmpneqps, vpmaxud in V8, where nan_chain_max's two compares, or and bitselect cost 6 x86
// instructions beside its 2 maxps.
inline Expr max_nan_mask(const std::vector<Expr>& taps) {
  if (taps.size() == 1) return taps[0];
  Expr m = max_keeping_nan_of(taps[0], taps[1]);
  Expr lost = m != max_keeping_nan_of(taps[1], taps[0]);
  for (size_t i = 2; i < taps.size(); ++i) {
    const Expr next = max_keeping_nan_of(taps[i], m);
    // The last step keeps its tap's NaN; m's NaN (from a tested tap or an earlier step) needs a
    // test wherever a later step would drop it.
    if (i + 1 < taps.size()) lost = lost || next != max_keeping_nan_of(m, taps[i]);
    m = next;
  }
  return strict_float(reinterpret<float>(max(reinterpret<uint32_t>(m), select(lost, Expr(0xffffffffu), Expr(0u)))));
}

// The larger of two floats, NaN when either is (which NaN is unspecified): one max plus one
// unordered compare (LLVM merges the two is_nan tests into it) and a masked add to make the NaN.
// Cheaper than max_update's select when the order of taps does not matter (values only). The
// max is value_max's (wasm: pmax, the NaN case being handled here).
inline Expr nan_max(const Target& target, const Expr& a, const Expr& b) {
  return strict_float(select(is_nan(a) || is_nan(b), a + b, value_max(target, a, b)));
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
// rows per (c, n) plane run in parallel. GuardWithIf (the default |x_tail|): any output size
// works, tails included. Returns through |xo| the loop over vectors, where per-vector producers
// go, through |yi| the row loop and through |t| the task loop.
inline void schedule_rows_parallel(Stage out, int vector_width, int rows, const Var& x, const Var& y, const Var& c,
                                   const Var& n, Var& xo, Var& yi, Var& t,
                                   TailStrategy x_tail = TailStrategy::GuardWithIf) {
  Var xi("xi"), yo("yo");
  out.split(x, xo, xi, vector_width, x_tail)
      .split(y, yo, yi, rows, TailStrategy::GuardWithIf)
      .reorder(xi, xo, yi, yo, c, n)
      .fuse(yo, c, t)
      .fuse(t, n, t)
      .parallel(t)
      .vectorize(xi);
}
inline void schedule_rows_parallel(Func out, int vector_width, int rows, const Var& x, const Var& y, const Var& c,
                                   const Var& n, Var& xo) {
  Var yi("yi"), t("t");
  schedule_rows_parallel(Stage(out), vector_width, rows, x, y, c, n, xo, yi, t);
}

}  // namespace poolkit_gen
