// Global max / average / Lp pooling: each (c, n) plane reduces to one value. The host passes the
// plane flattened, as (L = H*W, C, N): NCHW planes are contiguous, so this is a free view.
#include "common/generator_helpers.h"

namespace poolkit_gen {

enum class GlobalOp { max, avg, lp };

class GlobalPool : public Generator<GlobalPool> {
 public:
  GeneratorParam<GlobalOp> op{"op", GlobalOp::avg, {{"max", GlobalOp::max}, {"avg", GlobalOp::avg}, {"lp", GlobalOp::lp}}};
  // max: channels per vector, planes reduced side by side, one channel per lane (loads strided
  // by L). avg / lp: elements of one plane per vector (contiguous loads), see generate().
  GeneratorParam<int> vector_width{"vector_width", 16};

  Input<Buffer<float>> input{"input", 3};
  Input<float> norm_type{"norm_type"};
  Output<Buffer<float>> output{"output", 2};  // (C, N)

  void generate() {
    const Expr L = input.dim(0).extent();
    r = RDom(0, L, "r");
    const Expr v = input(r, c, n);
    if (op == GlobalOp::max) {
      acc(c, n) = -std::numeric_limits<float>::infinity();
      acc(c, n) = max_update(v, acc(c, n));
      output(c, n) = acc(c, n);
    } else {
      // Sums, one plane at a time with contiguous vector loads: lanes(i) sums the plane's
      // elements i, i + vw, i + 2vw, ... over its whole vectors, the last L % vw elements are
      // added one by one, then the lanes are summed (a horizontal reduction). Channels across
      // vector lanes instead made every load a gather with stride L (P4, 1 thread: 20 -> 10 us;
      // 4.7 us once the host stopped reading sysfs per run, 2026-11-22).
      const int vw = vector_width;
      const auto term = [&](const Expr& e) { return op == GlobalOp::avg ? e : lp_power(e, norm_type); };
      rv = RDom(0, L / vw, "rv");
      rt = RDom((L / vw) * vw, L % vw, "rt");
      rl = RDom(0, vw, "rl");
      lanes(i, c, n) = 0.0f;
      acc(c, n) = 0.0f;
      if (op == GlobalOp::lp) {
        // Lp sums are NaN or +inf where the plane holds one, and lp_root must see it: strict
        // adds and an unrolled sum of the lanes. Halide's default adds carry LLVM's nnan/ninf
        // flags, from which LLVM concluded the sum is never NaN and dropped lp_root's is_nan:
        // pow's exp(log(x) / p) then made a NaN plane -inf at p = 1 (random_vs_torch, wasm and
        // native alike).
        lanes(i, c, n) = strict_float(lanes(i, c, n) + term(input(rv * vw + i, c, n)));
        acc(c, n) = strict_float(acc(c, n) + term(input(rt, c, n)));
        Expr total = acc(c, n);
        for (int k = 0; k < vw; ++k) total = total + lanes(k, c, n);
        sums(c, n) = strict_float(total);
      } else {
        lanes(i, c, n) += term(input(rv * vw + i, c, n));
        acc(c, n) += term(input(rt, c, n));
        sums(c, n) = acc(c, n);
        sums(c, n) += lanes(rl, c, n);
      }
      if (op == GlobalOp::avg) {
        output(c, n) = strict_float(sums(c, n) / cast<float>(L));
      } else {
        output(c, n) = lp_root(sums(c, n), norm_type);
      }
    }
    input.set_estimates({{0, 49}, {0, 2048}, {0, 1}});
    output.set_estimates({{0, 2048}, {0, 1}});
    norm_type.set_estimate(2.0f);
  }

  void schedule() {
    if (auto_schedule) return;
    Var co("co"), ci("ci");
    if (op == GlobalOp::max) {
      // GuardWithIf all the way down: the input has no boundary condition, so nothing may read a
      // channel past C (RoundUp/ShiftInwards would).
      output.split(c, co, ci, vector_width, TailStrategy::GuardWithIf).vectorize(ci).parallel(co);
      acc.compute_at(output, co).vectorize(c, vector_width, TailStrategy::GuardWithIf);
      acc.update().reorder(c, r).vectorize(c, vector_width, TailStrategy::GuardWithIf);
      return;
    }
    // Blocks of channels per parallel task; one plane at a time inside.
    output.split(c, co, ci, kChannelsPerTask, TailStrategy::GuardWithIf).parallel(co);
    lanes.compute_at(output, ci).vectorize(i);
    lanes.update().reorder(i, rv).vectorize(i);
    acc.compute_at(output, ci);
    sums.compute_at(output, ci);
    if (op == GlobalOp::lp) {
      output.specialize(norm_type == 2.0f);
      return;
    }
    sums.update().atomic().vectorize(rl);
  }

 private:
  static constexpr int kChannelsPerTask = 64;
  Var c{"c"}, n{"n"}, i{"i"};
  Func acc{"acc"}, lanes{"lanes"}, sums{"sums"};
  RDom r, rv, rt, rl;
};

}  // namespace poolkit_gen

HALIDE_REGISTER_GENERATOR(poolkit_gen::GlobalPool, global_pool)
