// relu over a flat view of any tensor: select(v < 0, 0, v) keeps NaN and -0 (as torch.relu).
#include "common/generator_helpers.h"

namespace poolkit_gen {

class Relu : public Generator<Relu> {
 public:
  GeneratorParam<int> vector_width{"vector_width", 16};
  Input<Buffer<float>> input{"input", 1};
  Output<Buffer<float>> output{"output", 1};

  void generate() {
    output(i) = relu_keep_nan(input(i));
    input.set_estimates({{0, 1 << 20}});
    output.set_estimates({{0, 1 << 20}});
  }
  void schedule() {
    if (auto_schedule) return;
    Var io("io"), ii("ii");
    // 64K-element tasks: large enough to amortize a task, small enough to split across threads.
    // The last task shifted inwards (it redoes part of the one before): a GuardWithIf split ran
    // the last task's whole 64K range, 4096 predicated vector stores even for a 1-element tensor
    // (40-90 us in Chromium, 2026-11-22). Under one task: one loop of vectors, the last shifted
    // inwards; under one vector: scalar.
    const Expr n = output.dim(0).extent();
    output.specialize(n >= (1 << 16))
        .split(i, io, ii, 1 << 16, TailStrategy::ShiftInwards)
        .parallel(io)
        .vectorize(ii, vector_width);
    output.specialize(n >= vector_width).vectorize(i, vector_width, TailStrategy::ShiftInwards);
  }

 private:
  Var i{"i"};
};

}  // namespace poolkit_gen

HALIDE_REGISTER_GENERATOR(poolkit_gen::Relu, relu)
