// max_unpool2d: scatters each value to the flat position its index names within its plane of the
// output; every other output element is 0. Duplicate indices: the last write in row-major input
// order wins (PyTorch's CPU loop order).
#include <algorithm>
#include <cstdint>
#include <span>
#include <string>

#include "backends/reference/kernels.h"
#include "backends/reference/planes.h"
#include "graph/kernel_input_checks.h"

namespace poolkit::reference {

void run(const MaxUnpool2dAttrs&, const Inputs& inputs, const Outputs& outputs) {
  const Planes in = planes_2d(inputs.at(0)->shape(), "max_unpool2d");
  const Planes out = planes_2d(outputs.at(0)->shape(), "max_unpool2d");
  expect_same_planes(in, out, "max_unpool2d");
  if (inputs.at(1)->numel() != inputs[0]->numel()) {
    fail_internal("max_unpool2d", "indices of shape " + inputs[1]->shape().str() + " for values " +
                                      inputs[0]->shape().str());
  }
  const std::span<const float> values = inputs[0]->data<float>();
  const std::span<const int64_t> indices = inputs[1]->data<int64_t>();
  const std::span<float> y = outputs[0]->data<float>();
  std::fill(y.begin(), y.end(), 0.0f);
  for (int64_t p = 0; p < in.count; ++p) {
    for (int64_t i = 0; i < in.size(); ++i) {
      const size_t from = static_cast<size_t>(p * in.size() + i);
      const int64_t index = indices[from];
      // Indices are run-time data, so a bad one is the caller's input error, not a bug.
      check_unpool_index(index, out.h, out.w);
      y[static_cast<size_t>(p * out.size() + index)] = values[from];
    }
  }
}

}  // namespace poolkit::reference
