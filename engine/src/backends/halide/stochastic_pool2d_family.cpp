// stochastic pooling, training and inference (halide_generators/stochastic_pool2d_generator.cpp).
#include "backends/halide/family_helpers.h"
#include "graph/pool_geometry.h"

namespace poolkit::halide {
namespace {

const StochasticPool2dAttrs& attrs_of(const Step& step) { return std::get<StochasticPool2dAttrs>(step.first().attrs); }

bool accepts(const Step& step, const Graph& g) {
  if (step.nodes.size() != 1 || step.first().kind() != OpKind::stochastic_pool2d || !fits_halide(step, g)) return false;
  const Window2d w = window_of(attrs_of(step));
  for (const Axis* a : {&w.h, &w.w})
    if (!fits_int32(a->kernel) || !fits_int32(a->stride) || !fits_int32(a->pad)) return false;
  return true;
}

bool applies(const Variant& v, const Step& step, const Graph&) {
  const StochasticPool2dAttrs& a = attrs_of(step);
  const Window2d w = window_of(a);
  return v.int_param("training") == (a.training ? 1 : 0) && param_fits(v, "kernel_h", w.h.kernel) &&
         param_fits(v, "kernel_w", w.w.kernel) && param_fits(v, "stride_h", w.h.stride) &&
         param_fits(v, "stride_w", w.w.stride);
}

using StochasticFn = int (*)(halide_buffer_t* input, int32_t kernel_h, int32_t kernel_w, int32_t stride_h,
                             int32_t stride_w, int32_t pad_h, int32_t pad_w, uint32_t seed_lo, uint32_t seed_hi,
                             int32_t out_w, halide_buffer_t* output);

void run(const Variant& v, const Step& step, const Graph& g, ValueTable& values) {
  const StochasticPool2dAttrs& a = attrs_of(step);
  const Window2d w = window_of(a);
  const Tensor& x = input_of(step, values, 0);
  Tensor& y = new_output(step, g, values, 0);
  const auto out_dims = as_nchw(y.shape(), false);
  auto in = view<float>(x, as_nchw(x.shape(), false));
  auto out = view<float>(y, out_dims);
  check(reinterpret_cast<StochasticFn>(v.function)(in, i32(w.h.kernel), i32(w.w.kernel), i32(w.h.stride),
                                                    i32(w.w.stride), i32(w.h.pad), i32(w.w.pad),
                                                    static_cast<uint32_t>(a.seed), static_cast<uint32_t>(a.seed >> 32),
                                                    i32(out_dims[3]), out),
        v.id);
}

}  // namespace

extern const Family kStochasticPool2dFamily{"stochastic_pool2d", "stochastic_pool2d", accepts, applies, run};

}  // namespace poolkit::halide
