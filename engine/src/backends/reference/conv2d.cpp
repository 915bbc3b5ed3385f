// conv2d (cross-correlation, as torch.nn.functional.conv2d): inputs [x, weight, optional bias]
// with x [N, Cin, H, W] or unbatched [Cin, H, W], weight [Cout, Cin/groups, KH, KW], bias [Cout].
// Output (oh, ow) reads rows oh*stride - pad_begin + kh*dilation; taps in the padding read 0.
// Sums are double.
#include <cstdint>
#include <span>

#include "backends/reference/kernels.h"
#include "backends/reference/planes.h"

namespace poolkit::reference {
namespace {

// Padding before the first row/column. "same" pads dilation*(kernel-1) in total and puts the
// odd element at the end, as PyTorch does; the padding after the last row/column is implied by
// the output size shape inference chose.
int64_t pad_begin(const Conv2dPadding& padding, int64_t explicit_value, int64_t kernel,
                  int64_t dilation) {
  switch (padding.mode) {
    case Conv2dPadding::Mode::explicit_values: return explicit_value;
    case Conv2dPadding::Mode::valid: return 0;
    case Conv2dPadding::Mode::same: return dilation * (kernel - 1) / 2;
  }
  return 0;
}

}  // namespace

void run(const Conv2dAttrs& a, const Inputs& inputs, const Outputs& outputs) {
  const Shape& ws = inputs.at(1)->shape();
  if (ws.rank() != 4) fail_internal("conv2d", "weight of shape " + ws.str());
  const Planes in = planes_2d(inputs.at(0)->shape(), "conv2d");
  const Planes out = planes_2d(outputs.at(0)->shape(), "conv2d");
  const int64_t c_out = ws[0], c_in_per_group = ws[1], kh_size = ws[2], kw_size = ws[3];
  if (c_out == 0 || a.groups < 1) return;  // nothing to compute (validation rejects both anyway)
  const int64_t c_out_per_group = c_out / a.groups;
  const int64_t c_in = c_in_per_group * a.groups;
  const int64_t batch = out.count / c_out;
  if (in.count != batch * c_in || out.count != batch * c_out) {
    fail_internal("conv2d", "input " + inputs[0]->shape().str() + ", weight " + ws.str() +
                                ", output " + outputs[0]->shape().str());
  }
  const int64_t pad_h = pad_begin(a.padding, a.padding.values.h, kh_size, a.dilation.h);
  const int64_t pad_w = pad_begin(a.padding, a.padding.values.w, kw_size, a.dilation.w);

  const std::span<const float> x = inputs[0]->data<float>();
  const std::span<const float> w = inputs[1]->data<float>();
  const bool has_bias = inputs.size() > 2 && inputs[2] != nullptr;
  const std::span<const float> bias = has_bias ? inputs[2]->data<float>() : std::span<const float>{};
  const std::span<float> y = outputs[0]->data<float>();

  for (int64_t n = 0; n < batch; ++n) {
    for (int64_t co = 0; co < c_out; ++co) {
      const int64_t first_ci = (co / c_out_per_group) * c_in_per_group;  // co's group's inputs
      const float* filters = w.data() + co * c_in_per_group * kh_size * kw_size;
      float* y_plane = y.data() + (n * c_out + co) * out.size();
      for (int64_t oh = 0; oh < out.h; ++oh) {
        for (int64_t ow = 0; ow < out.w; ++ow) {
          double sum = has_bias ? bias[static_cast<size_t>(co)] : 0.0;
          for (int64_t ci = 0; ci < c_in_per_group; ++ci) {
            const float* x_plane = x.data() + (n * c_in + first_ci + ci) * in.size();
            const float* filter = filters + ci * kh_size * kw_size;
            for (int64_t kh = 0; kh < kh_size; ++kh) {
              const int64_t ih = oh * a.stride.h - pad_h + kh * a.dilation.h;
              if (ih < 0 || ih >= in.h) continue;
              for (int64_t kw = 0; kw < kw_size; ++kw) {
                const int64_t iw = ow * a.stride.w - pad_w + kw * a.dilation.w;
                if (iw < 0 || iw >= in.w) continue;
                sum += static_cast<double>(x_plane[ih * in.w + iw]) * filter[kh * kw_size + kw];
              }
            }
          }
          y_plane[oh * out.w + ow] = static_cast<float>(sum);
        }
      }
    }
  }
}

}  // namespace poolkit::reference
