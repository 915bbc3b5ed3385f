// DESIGN.md's tolerance rule for comparing a result against `reference` (or a hand-worked value):
//   - max/min-type results and indices: exact;
//   - avg, lp, conv (and stochastic pooling's inference mode): |got − want| ≤ tol·(1 + |want|)
//     with tol = 1e-5;
//   - NaN equals NaN (NaN propagation is part of the semantics), an infinity equals only itself.
//
// Usage:
//   CHECK(compare_tensors(got, want, tolerance_for(attrs)) == "");
// compare_tensors returns "" on a match, otherwise one line naming the first differing element,
// so Catch2 prints the reason without further help.
#pragma once

#include <cmath>
#include <cstdint>
#include <sstream>
#include <string>
#include <type_traits>
#include <variant>

#include "poolkit/ops.h"
#include "poolkit/tensor.h"

namespace poolkit::test {

inline constexpr double kExact = 0.0;
inline constexpr double kDefaultTolerance = 1e-5;

// The tolerance for an op's first output (index outputs are always compared exactly).
inline double tolerance_for(const OpAttrs& attrs) {
  switch (op_kind(attrs)) {
    case OpKind::avg_pool2d:
    case OpKind::avg_pool1d:
    case OpKind::lp_pool2d:
    case OpKind::lp_pool1d:
    case OpKind::adaptive_avg_pool2d:
    case OpKind::global_avg_pool:
    case OpKind::global_lp_pool:
    case OpKind::conv2d:
      return kDefaultTolerance;
    case OpKind::stochastic_pool2d:
      // Training picks an input element (exact); inference is a weighted average.
      return std::get<StochasticPool2dAttrs>(attrs).training ? kExact : kDefaultTolerance;
    default:
      return kExact;  // max-type pools, fractional, unpool, relu: they copy input elements
  }
}

// Whether |got| matches |want| under tolerance |tol| (0 = exact).
inline bool values_match(double got, double want, double tol) {
  if (std::isnan(got) || std::isnan(want)) return std::isnan(got) && std::isnan(want);
  if (got == want) return true;  // also the only way two infinities match
  if (std::isinf(got) || std::isinf(want)) return false;
  return std::fabs(got - want) <= tol * (1.0 + std::fabs(want));
}

namespace detail {

inline std::string multi_index(const Shape& shape, int64_t flat) {
  std::string s = "]";
  for (int axis = shape.rank() - 1; axis >= 0; --axis) {
    const int64_t d = shape[axis] > 0 ? shape[axis] : 1;
    s = (axis > 0 ? ", " : "") + std::to_string(flat % d) + s;
    flat /= d;
  }
  return "[" + s;
}

template <class T>
std::string compare_values(const Tensor& got, const Tensor& want, double tol) {
  const auto g = got.data<T>();
  const auto w = want.data<T>();
  int64_t bad = 0;
  int64_t first = -1;
  for (size_t i = 0; i < g.size(); ++i) {
    bool ok;
    if constexpr (std::is_floating_point_v<T>) {
      ok = values_match(static_cast<double>(g[i]), static_cast<double>(w[i]), tol);
    } else {
      ok = g[i] == w[i];
    }
    if (!ok && bad++ == 0) first = static_cast<int64_t>(i);
  }
  if (bad == 0) return "";
  std::ostringstream os;
  os.precision(9);
  os << bad << " of " << g.size() << " elements differ";
  if (std::is_floating_point_v<T> && tol > 0) os << " (tolerance " << tol << "*(1+|want|))";
  os << "; first at " << multi_index(got.shape(), first) << ": got " << g[static_cast<size_t>(first)]
     << ", want " << w[static_cast<size_t>(first)];
  return os.str();
}

}  // namespace detail

// "" when |got| matches |want| (same dtype, same shape, every element within the rule), else a
// one-line description of the difference. int64 tensors are compared exactly whatever |tol| is.
inline std::string compare_tensors(const Tensor& got, const Tensor& want, double tol) {
  if (got.dtype() != want.dtype()) {
    return "dtype " + std::string(dtype_name(got.dtype())) + ", want " +
           std::string(dtype_name(want.dtype()));
  }
  if (got.shape() != want.shape()) return "shape " + got.shape().str() + ", want " + want.shape().str();
  return got.dtype() == DType::f32 ? detail::compare_values<float>(got, want, tol)
                                   : detail::compare_values<int64_t>(got, want, tol);
}

}  // namespace poolkit::test
