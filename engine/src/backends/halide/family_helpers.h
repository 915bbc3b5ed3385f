// Small pieces every family uses: value lookup, output allocation, the int32 limits of Halide
// buffers, and variant-param matching.
#pragma once

#include <HalideBuffer.h>

#include <cstdint>
#include <limits>

#include "backends/halide/halide_glue.h"
#include "backends/halide/plan.h"

namespace poolkit::halide {

inline const Tensor& input_of(const Step& step, const ValueTable& values, size_t i) {
  return values[static_cast<size_t>(step.first().inputs.at(i))];
}
// Output |i| of the step's last node: the executable's recycled buffer when it has one, else a
// new one. Contents are undefined: kernels must write every element (unpool zero-fills itself).
inline Tensor& new_output(const Step& step, const Graph& g, ValueTable& values, size_t i) {
  const ValueId id = step.last().outputs.at(i);
  const Value& v = g.value(id);
  Tensor& t = values[static_cast<size_t>(id)];
  if (t.raw() == nullptr || t.shape() != v.shape || t.dtype() != v.dtype) t = Tensor::uninitialized(v.shape, v.dtype);
  return t;
}

// Halide buffers have int32 extents and strides: every tensor the step touches must have fewer
// than 2^31 elements.
inline bool fits_halide(const Step& step, const Graph& g) {
  constexpr int64_t kMax = std::numeric_limits<int32_t>::max();
  for (const Node* n : step.nodes) {
    for (ValueId v : n->inputs)
      if (g.value(v).shape.numel() >= kMax) return false;
    for (ValueId v : n->outputs)
      if (g.value(v).shape.numel() >= kMax) return false;
  }
  return true;
}
inline bool fits_int32(int64_t v) { return v >= 0 && v <= std::numeric_limits<int32_t>::max(); }
inline int32_t i32(int64_t v) { return static_cast<int32_t>(v); }

// A specialization param fits when the variant leaves it open (0) or bakes in exactly |value|.
inline bool param_fits(const Variant& v, std::string_view name, int64_t value) {
  const int p = v.int_param(name);
  return p == 0 || p == value;
}

}  // namespace poolkit::halide
