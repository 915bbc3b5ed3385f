// The cpu backend's step families: one line each. A family file defines how its generator's
// variants are matched and called; adding a generator family means adding its file and a line here.
#include "backends/halide/plan.h"

namespace poolkit::halide {

extern const Family kPoolFamily, kMaxPoolIndicesFamily, kGlobalPoolFamily, kReluFamily, kConvFamily, kConvReluFamily,
    kConvReluMaxPoolFamily;
extern const Family kAdaptivePool2dFamily;
extern const Family kFractionalMaxPool2dFamily;
extern const Family kStochasticPool2dFamily;
extern const Family kMaxUnpool2dFamily;

const std::vector<Family>& families() {
  static const std::vector<Family> all = {
      kPoolFamily, kMaxPoolIndicesFamily, kGlobalPoolFamily, kReluFamily,
      kConvFamily, kConvReluFamily,       kConvReluMaxPoolFamily,
      kAdaptivePool2dFamily,
      kFractionalMaxPool2dFamily,
      kStochasticPool2dFamily,
      kMaxUnpool2dFamily,
  };
  return all;
}

}  // namespace poolkit::halide
