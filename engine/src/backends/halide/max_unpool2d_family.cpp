// max_unpool2d: a scatter (halide_generators/max_unpool2d_generator.cpp). The indices are checked
// here, before the kernel writes anything, with the reference's rule and message.
#include <algorithm>

#include "backends/halide/family_helpers.h"
#include "graph/kernel_input_checks.h"

namespace poolkit::halide {
namespace {

bool accepts(const Step& step, const Graph& g) {
  return step.nodes.size() == 1 && step.first().kind() == OpKind::max_unpool2d && fits_halide(step, g);
}
bool applies(const Variant&, const Step&, const Graph&) { return true; }

using UnpoolFn = int (*)(halide_buffer_t* values, halide_buffer_t* indices, int32_t out_h, int32_t out_w,
                         halide_buffer_t* output);

void run(const Variant& v, const Step& step, const Graph& g, ValueTable& values) {
  const Tensor& x = input_of(step, values, 0);
  const Tensor& indices = input_of(step, values, 1);
  Tensor& y = new_output(step, g, values, 0);  // uninitialized (recycled): the kernel zero-fills it
  if (indices.numel() != x.numel()) {
    fail_runtime("cpu max_unpool2d: internal error: indices of shape " + indices.shape().str() + " for values " +
                 x.shape().str());
  }
  if (x.numel() == 0) {  // nothing to scatter (an empty input plane): all zeros, no kernel call
    std::fill(y.data<float>().begin(), y.data<float>().end(), 0.0f);
    return;
  }
  const auto out_dims = as_nchw(y.shape(), false);
  for (int64_t index : indices.data<int64_t>()) check_unpool_index(index, out_dims[2], out_dims[3]);
  const auto in_dims = as_nchw(x.shape(), false);
  auto in = view<float>(x, in_dims);
  auto idx = view<int64_t>(indices, in_dims);
  auto out = view<float>(y, out_dims);
  check(reinterpret_cast<UnpoolFn>(v.function)(in, idx, i32(out_dims[2]), i32(out_dims[3]), out), v.id);
}

}  // namespace

extern const Family kMaxUnpool2dFamily{"max_unpool2d", "max_unpool2d", accepts, applies, run};

}  // namespace poolkit::halide
