// relu: max(x, 0) with torch.relu's edge cases — NaN stays NaN and -0 stays -0 (both fail
// `x < 0`), so the result matches PyTorch bit for bit.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

#include "backends/reference/kernels.h"
#include "backends/reference/planes.h"

namespace poolkit::reference {

void run(const ReluAttrs&, const Inputs& inputs, const Outputs& outputs) {
  const std::span<const float> x = inputs.at(0)->data<float>();
  const std::span<float> y = outputs.at(0)->data<float>();
  if (x.size() != y.size()) {
    fail_internal("relu", "output of shape " + outputs[0]->shape().str() + " for input " +
                              inputs[0]->shape().str());
  }
  // As a bit mask, not `x < 0 ? 0 : x`: clang 14 for wasm32 (em++ 3.1.6, -O3) turns that select
  // into a max that returns +0 for -0 (seen in the wasm engine tests).
  for (size_t i = 0; i < x.size(); ++i) {
    uint32_t bits;
    std::memcpy(&bits, &x[i], sizeof bits);
    bits &= x[i] < 0.0f ? 0u : ~0u;
    std::memcpy(&y[i], &bits, sizeof bits);
  }
}

}  // namespace poolkit::reference
