// relu over the flat tensor.
#include "backends/halide/family_helpers.h"

namespace poolkit::halide {
namespace {

bool accepts(const Step& step, const Graph& g) {
  return step.nodes.size() == 1 && step.first().kind() == OpKind::relu && fits_halide(step, g);
}
bool applies(const Variant&, const Step&, const Graph&) { return true; }

using ReluFn = int (*)(halide_buffer_t*, halide_buffer_t*);

void run(const Variant& v, const Step& step, const Graph& g, ValueTable& values) {
  const Tensor& x = input_of(step, values, 0);
  Tensor& y = new_output(step, g, values, 0);
  if (x.numel() == 0) return;
  auto in = view<float>(x, {x.numel()});
  auto out = view<float>(y, {y.numel()});
  check(reinterpret_cast<ReluFn>(v.function)(in, out), v.id);
}

}  // namespace

extern const Family kReluFamily{"relu", "relu", accepts, applies, run};

}  // namespace poolkit::halide
