// Global max / average / Lp pooling: each (c, n) plane reduces to one value. The host passes the
// plane flattened, as (L = H*W, C, N): NCHW planes are contiguous, so this is a free view.
#include "common/generator_helpers.h"

namespace poolkit_gen {

enum class GlobalOp { max, avg, lp };

class GlobalPool : public Generator<GlobalPool> {
 public:
  GeneratorParam<GlobalOp> op{"op", GlobalOp::avg, {{"max", GlobalOp::max}, {"avg", GlobalOp::avg}, {"lp", GlobalOp::lp}}};
  // Channels per vector: planes are reduced side by side, one channel per lane. P4 (2048 planes
  // of 49) is a few microseconds of work, so the loads being strided by L matters less than
  // keeping all lanes busy.
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
    } else if (op == GlobalOp::avg) {
      acc(c, n) = 0.0f;
      acc(c, n) += v;
      output(c, n) = strict_float(acc(c, n) / cast<float>(L));
    } else {
      acc(c, n) = 0.0f;
      acc(c, n) += lp_power(v, norm_type);
      output(c, n) = lp_root(acc(c, n), norm_type);
    }
    input.set_estimates({{0, 49}, {0, 2048}, {0, 1}});
    output.set_estimates({{0, 2048}, {0, 1}});
    norm_type.set_estimate(2.0f);
  }

  void schedule() {
    if (auto_schedule) return;
    Var co("co"), ci("ci");
    // GuardWithIf all the way down: the input has no boundary condition, so nothing may read a
    // channel past C (RoundUp/ShiftInwards would).
    output.split(c, co, ci, vector_width, TailStrategy::GuardWithIf).vectorize(ci).parallel(co);
    acc.compute_at(output, co).vectorize(c, vector_width, TailStrategy::GuardWithIf);
    acc.update().reorder(c, r).vectorize(c, vector_width, TailStrategy::GuardWithIf);
    if (op == GlobalOp::lp) output.specialize(norm_type == 2.0f);
  }

 private:
  Var c{"c"}, n{"n"};
  Func acc{"acc"};
  RDom r;
};

}  // namespace poolkit_gen

HALIDE_REGISTER_GENERATOR(poolkit_gen::GlobalPool, global_pool)
