// global max / avg / lp pooling: each (n, c) plane flattened to one axis (a free view of NCHW).
#include "backends/halide/family_helpers.h"

namespace poolkit::halide {
namespace {

const char* op_of(const Node& n) {
  switch (n.kind()) {
    case OpKind::global_max_pool: return "max";
    case OpKind::global_avg_pool: return "avg";
    case OpKind::global_lp_pool: return "lp";
    default: return "";
  }
}

bool accepts(const Step& step, const Graph& g) {
  return step.nodes.size() == 1 && *op_of(step.first()) != '\0' && fits_halide(step, g);
}

bool applies(const Variant& v, const Step& step, const Graph&) { return v.str_param("op") == op_of(step.first()); }

using GlobalFn = int (*)(halide_buffer_t*, float, halide_buffer_t*);

void run(const Variant& v, const Step& step, const Graph& g, ValueTable& values) {
  const Tensor& x = input_of(step, values, 0);
  Tensor& y = new_output(step, g, values, 0);
  const Shape& s = x.shape();
  const int64_t planes = s[0] * s[1];
  auto in = view<float>(x, {s[0], s[1], planes == 0 ? 0 : x.numel() / planes});
  auto out = view<float>(y, {s[0], s[1]});
  float p = 2.0f;
  if (step.first().kind() == OpKind::global_lp_pool) p = static_cast<float>(std::get<GlobalLpPoolAttrs>(step.first().attrs).norm_type);
  check(reinterpret_cast<GlobalFn>(v.function)(in, p, out), v.id);
}

}  // namespace

extern const Family kGlobalPoolFamily{"global_pool", "global_pool", accepts, applies, run};

}  // namespace poolkit::halide
