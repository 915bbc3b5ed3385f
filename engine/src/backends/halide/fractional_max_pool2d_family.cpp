// fractional max pooling with samples or seed, with or without indices
// (halide_generators/fractional_max_pool2d_generator.cpp).
#include "backends/halide/family_helpers.h"
#include "graph/kernel_input_checks.h"

namespace poolkit::halide {
namespace {

const FractionalMaxPool2dAttrs& attrs_of(const Step& step) { return std::get<FractionalMaxPool2dAttrs>(step.first().attrs); }
bool has_samples(const Step& step) { return step.first().inputs.size() > 1; }

bool accepts(const Step& step, const Graph& g) {
  if (step.nodes.size() != 1 || step.first().kind() != OpKind::fractional_max_pool2d || !fits_halide(step, g)) return false;
  const Pair k = attrs_of(step).kernel_size;
  return fits_int32(k.h) && fits_int32(k.w);
}

bool applies(const Variant& v, const Step& step, const Graph&) {
  const FractionalMaxPool2dAttrs& a = attrs_of(step);
  return v.int_param("with_samples") == (has_samples(step) ? 1 : 0) &&
         v.int_param("with_indices") == (a.return_indices ? 1 : 0) && param_fits(v, "kernel_h", a.kernel_size.h) &&
         param_fits(v, "kernel_w", a.kernel_size.w);
}

using FractionalFn = int (*)(halide_buffer_t* input, halide_buffer_t* samples, uint32_t seed_lo, uint32_t seed_hi,
                             int32_t kernel_h, int32_t kernel_w, int32_t out_h, int32_t out_w, halide_buffer_t* output,
                             halide_buffer_t* indices);

void run(const Variant& v, const Step& step, const Graph& g, ValueTable& values) {
  const FractionalMaxPool2dAttrs& a = attrs_of(step);
  const Tensor& x = input_of(step, values, 0);
  const auto in_dims = as_nchw(x.shape(), false);
  const int64_t planes = in_dims[0] * in_dims[1];
  // Samples: [N, C, 2] ([1, C, 2] for an unbatched input), checked here as the reference checks
  // them (same order, same message) since the kernel cannot report a bad value. Absent: a
  // 1-element dummy the seeded variants never read.
  Tensor dummy_samples;
  const Tensor* samples = &dummy_samples;
  std::vector<int64_t> samples_dims{1, 1, 1};
  if (has_samples(step)) {
    samples = &input_of(step, values, 1);
    if (samples->numel() != 2 * planes) {
      fail_runtime("cpu fractional_max_pool2d: internal error: samples of shape " + samples->shape().str() +
                   " for input " + x.shape().str());
    }
    const std::span<const float> s = samples->data<float>();
    for (int64_t p = 0; p < planes; ++p) {
      check_fractional_sample(s[static_cast<size_t>(2 * p)], p, 0);
      check_fractional_sample(s[static_cast<size_t>(2 * p + 1)], p, 1);
    }
    samples_dims = {in_dims[0], in_dims[1], 2};
  } else {
    dummy_samples = Tensor::zeros(Shape{1, 1, 1});
  }
  Tensor& y = new_output(step, g, values, 0);
  const auto out_dims = as_nchw(y.shape(), false);
  Tensor dummy_indices;
  Tensor* idx = &dummy_indices;
  std::vector<int64_t> idx_dims{1, 1, 1, 1};
  if (a.return_indices) {
    idx = &new_output(step, g, values, 1);
    idx_dims.assign(out_dims.begin(), out_dims.end());
  } else {
    dummy_indices = Tensor::zeros(Shape{1, 1, 1, 1}, DType::i64);
  }
  auto in = view<float>(x, in_dims);
  auto smp = view<float>(*samples, samples_dims);
  auto out = view<float>(y, out_dims);
  auto out_idx = view<int64_t>(*idx, idx_dims);
  check(reinterpret_cast<FractionalFn>(v.function)(in, smp, static_cast<uint32_t>(a.seed),
                                                    static_cast<uint32_t>(a.seed >> 32), i32(a.kernel_size.h),
                                                    i32(a.kernel_size.w), i32(out_dims[2]), i32(out_dims[3]), out,
                                                    out_idx),
        v.id);
}

}  // namespace

extern const Family kFractionalMaxPool2dFamily{"fractional_max_pool2d", "fractional_max_pool2d", accepts, applies, run};

}  // namespace poolkit::halide
