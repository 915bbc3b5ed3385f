#include "backends/halide/magnitude_bound.h"

#include <cmath>
#include <cstdint>
#include <limits>

namespace poolkit::halide {
namespace {

// The scan runs before every Winograd call, over the whole input (F1: 3.2 MB): one clone per
// vector width so that it runs at cache bandwidth, whatever the engine's baseline target.
#if defined(__x86_64__)
#define POOLKIT_VECTOR_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define POOLKIT_VECTOR_CLONES
#endif

// The largest exponent field seen: all ones (0x7f800000) exactly when some value is NaN or inf.
POOLKIT_VECTOR_CLONES uint32_t max_exponent(const uint32_t* bits, size_t n) {
  uint32_t m = 0;
  for (size_t i = 0; i < n; ++i) {
    const uint32_t e = bits[i] & 0x7f800000u;
    m = e > m ? e : m;
  }
  return m;
}

}  // namespace

double magnitude_bound(const Tensor& t) {
  const auto values = t.data<float>();
  static_assert(sizeof(float) == sizeof(uint32_t));
  const uint32_t e = max_exponent(reinterpret_cast<const uint32_t*>(values.data()), values.size()) >> 23;
  if (e == 0xff) return std::numeric_limits<double>::infinity();
  // |x| < 2^(e - 126) for a biased exponent e (subnormals and zeros: e = 0, |x| < 2^-126).
  return e == 0 && values.empty() ? 0.0 : std::ldexp(1.0, static_cast<int>(e) - 126);
}

}  // namespace poolkit::halide
