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
    output.split(i, io, ii, 1 << 16, TailStrategy::GuardWithIf).parallel(io).vectorize(ii, vector_width,
                                                                                          TailStrategy::GuardWithIf);
  }

 private:
  Var i{"i"};
};

}  // namespace poolkit_gen

HALIDE_REGISTER_GENERATOR(poolkit_gen::Relu, relu)
