// adaptive max / avg pooling (halide_generators/adaptive_pool2d_generator.cpp).
#include "backends/halide/family_helpers.h"

namespace poolkit::halide {
namespace {

bool is_max(const Node& n) { return n.kind() == OpKind::adaptive_max_pool2d; }
bool wants_indices(const Node& n) { return is_max(n) && std::get<AdaptiveMaxPool2dAttrs>(n.attrs).return_indices; }

// The generator computes window bounds as ((i + 1) * in + out - 1) / out in int32.
bool bounds_fit_int32(int64_t in, int64_t out) { return fits_int32((out + 1) * in + out); }

bool accepts(const Step& step, const Graph& g) {
  if (step.nodes.size() != 1 || !fits_halide(step, g)) return false;
  const Node& n = step.first();
  if (n.kind() != OpKind::adaptive_max_pool2d && n.kind() != OpKind::adaptive_avg_pool2d) return false;
  // fits_halide bounds every extent below 2^31, so (out + 1) * in cannot overflow int64.
  const Shape& in = g.value(n.inputs[0]).shape;
  const Shape& out = g.value(n.outputs[0]).shape;
  const int r = in.rank();
  return bounds_fit_int32(in[r - 2], out[r - 2]) && bounds_fit_int32(in[r - 1], out[r - 1]);
}

bool applies(const Variant& v, const Step& step, const Graph&) {
  const Node& n = step.first();
  return v.str_param("op") == (is_max(n) ? "max" : "avg") && v.int_param("with_indices") == (wants_indices(n) ? 1 : 0);
}

using AdaptiveFn = int (*)(halide_buffer_t* input, int32_t out_h, int32_t out_w, halide_buffer_t* output,
                           halide_buffer_t* indices);

void run(const Variant& v, const Step& step, const Graph& g, ValueTable& values) {
  const Node& n = step.first();
  const Tensor& x = input_of(step, values, 0);
  Tensor& y = new_output(step, g, values, 0);
  const auto out_dims = as_nchw(y.shape(), false);
  // Variants without indices take a 1-element dummy (the generator's signature is fixed).
  Tensor dummy;
  Tensor* idx = &dummy;
  std::vector<int64_t> idx_dims{1, 1, 1, 1};
  if (wants_indices(n)) {
    idx = &new_output(step, g, values, 1);
    idx_dims.assign(out_dims.begin(), out_dims.end());
  } else {
    dummy = Tensor::zeros(Shape{1, 1, 1, 1}, DType::i64);
  }
  auto in = view<float>(x, as_nchw(x.shape(), false));
  auto out = view<float>(y, out_dims);
  auto out_idx = view<int64_t>(*idx, idx_dims);
  check(reinterpret_cast<AdaptiveFn>(v.function)(in, i32(out_dims[2]), i32(out_dims[3]), out, out_idx), v.id);
}

}  // namespace

extern const Family kAdaptivePool2dFamily{"adaptive_pool2d", "adaptive_pool2d", accepts, applies, run};

}  // namespace poolkit::halide
