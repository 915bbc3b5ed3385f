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
  // avg / lp: the lane sums added as a tree of whole 4-lane vectors (upper half onto lower half),
  // then the last vector's 4 lanes one by one, instead of Halide's vector reduction (whose
  // shuffles LLVM leaves with undefined lanes: V8 cannot match them to a 32-bit lane shuffle and
  // emits 5 x86 instructions per shuffle). Also unrolls 7x7 planes (ResNet's last pool, P4).
  // For wasm (vector_width a multiple of 4).
  GeneratorParam<bool> lane_tree{"lane_tree", false};

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
      if (lane_tree && (vw < 4 || (vw & (vw - 1)) != 0)) throw std::invalid_argument("lane_tree needs a power-of-two vector_width >= 4");
      const auto term = [&](const Expr& e) { return op == GlobalOp::avg ? e : lp_power(e, norm_type); };
      rv = RDom(0, L / vw, "rv");
      rt = RDom((L / vw) * vw, L % vw, "rt");
      rl = RDom(0, vw, "rl");
      lanes(i, c, n) = 0.0f;
      acc(c, n) = 0.0f;
      // Lp sums are NaN or +inf where the plane holds one, and lp_root must see it: strict adds.
      // Halide's default adds carry LLVM's nnan/ninf flags, from which LLVM concluded the sum is
      // never NaN and dropped lp_root's is_nan: pow's exp(log(x) / p) then made a NaN plane -inf
      // at p = 1 (random_vs_torch, wasm and native alike).
      const bool strict = op == GlobalOp::lp;
      const auto add = [&](const Expr& a, const Expr& b) { return strict ? strict_float(a + b) : a + b; };
      lanes(i, c, n) = add(lanes(i, c, n), term(input(rv * vw + i, c, n)));
      acc(c, n) = add(acc(c, n), term(input(rt, c, n)));
      if (lane_tree) {
        Func level = lanes;
        for (int w = vw / 2; w >= 4; w /= 2) {
          Func half("half_" + std::to_string(w));
          half(i, c, n) = add(level(i, c, n), level(i + w, c, n));
          halves.push_back(half);
          level = half;
        }
        sums(c, n) = add(add(add(level(0, c, n), level(1, c, n)), add(level(2, c, n), level(3, c, n))), acc(c, n));
      } else if (strict) {
        // The lanes summed one by one (an atomic vector reduction would not be strict).
        Expr total = acc(c, n);
        for (int k = 0; k < vw; ++k) total = total + lanes(k, c, n);
        sums(c, n) = strict_float(total);
      } else {
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
    if (lane_tree) {
      // Each level in registers (a 4-lane vector's lanes are then read one by one); 7x7 planes:
      // straight-line code (12 vector loads, no loop or tail-loop tests).
      int w = vector_width;
      for (Func& h : halves) h.compute_at(output, ci).bound(i, 0, w /= 2).vectorize(i);
      const Expr L = input.dim(0).extent();
      lanes.update().specialize(L == 49).unroll(rv);
      acc.update().specialize(L == 49).unroll(rt);
    } else if (op != GlobalOp::lp) {
      sums.update().atomic().vectorize(rl);
    }
    if (op == GlobalOp::lp) output.specialize(norm_type == 2.0f);
  }

 private:
  static constexpr int kChannelsPerTask = 64;
  Var c{"c"}, n{"n"}, i{"i"};
  Func acc{"acc"}, lanes{"lanes"}, sums{"sums"};
  std::vector<Func> halves;  // lane_tree: the lane sums halved down to one 4-lane vector
  RDom r, rv, rt, rl;
};

}  // namespace poolkit_gen

HALIDE_REGISTER_GENERATOR(poolkit_gen::GlobalPool, global_pool)
