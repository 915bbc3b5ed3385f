// max / avg / lp pooling, 2-D and 1-D (1-row planes), with or without indices.
#include "backends/halide/family_helpers.h"
#include "graph/pool_geometry.h"

namespace poolkit::halide {
namespace {

struct PoolStep {
  Window2d window;
  const char* op;  // "max" | "avg" | "lp"
  bool one_dimensional;
  bool count_include_pad = true;
  int64_t divisor_override = 0;
  double norm_type = 2;
};

PoolStep describe(const Node& n) {
  return std::visit(
      [](const auto& a) -> PoolStep {
        using A = std::decay_t<decltype(a)>;
        if constexpr (std::is_same_v<A, MaxPool2dAttrs>) return {window_of(a), "max", false};
        else if constexpr (std::is_same_v<A, MaxPool1dAttrs>) return {window_of(a), "max", true};
        else if constexpr (std::is_same_v<A, AvgPool2dAttrs>)
          return {window_of(a), "avg", false, a.count_include_pad, a.divisor_override.value_or(0)};
        else if constexpr (std::is_same_v<A, AvgPool1dAttrs>) return {window_of(a), "avg", true, a.count_include_pad, 0};
        else if constexpr (std::is_same_v<A, LpPool2dAttrs>) return {window_of(a), "lp", false, true, 0, a.norm_type};
        else if constexpr (std::is_same_v<A, LpPool1dAttrs>) return {window_of(a), "lp", true, true, 0, a.norm_type};
        else throw Error(ErrorKind::unsupported, "not a pooling node");
      },
      n.attrs);
}

bool window_fits_int32(const Window2d& w) {
  for (const Axis* a : {&w.h, &w.w})
    if (!fits_int32(a->kernel) || !fits_int32(a->stride) || !fits_int32(a->pad) || !fits_int32(a->dilation)) return false;
  return true;
}

bool accepts(const Step& step, const Graph& g) {
  if (step.nodes.size() != 1 || !fits_halide(step, g)) return false;
  const OpKind k = step.first().kind();
  const bool pool = k == OpKind::max_pool2d || k == OpKind::avg_pool2d || k == OpKind::lp_pool2d ||
                    k == OpKind::max_pool1d || k == OpKind::avg_pool1d || k == OpKind::lp_pool1d;
  return pool && window_fits_int32(describe(step.first()).window);
}

bool window_applies(const Variant& v, const Window2d& w) {
  return param_fits(v, "kernel_h", w.h.kernel) && param_fits(v, "kernel_w", w.w.kernel) &&
         param_fits(v, "stride_h", w.h.stride) && param_fits(v, "stride_w", w.w.stride);
}

// Every window lies inside the input: no padding and the last window ends by the edge.
bool windows_inside(const Window2d& w, const Shape& in, const Shape& out) {
  const int r = in.rank();
  const auto inside = [](const Axis& a, int64_t in_size, int64_t out_size) {
    return a.pad == 0 && (out_size - 1) * a.stride + (a.kernel - 1) * a.dilation + 1 <= in_size;
  };
  return inside(w.h, r >= 2 ? in[r - 2] : 1, out.rank() >= 2 ? out[r - 2] : 1) && inside(w.w, in[r - 1], out[r - 1]);
}

bool all_windows_inside(const PoolStep& p, const Step& step, const Graph& g) {
  const Shape& in = g.value(step.first().inputs[0]).shape;
  const Shape& out = g.value(step.first().outputs[0]).shape;
  // 1-D ops: the H axis is the trivial 1-row window over a 1-row plane.
  if (p.one_dimensional) {
    const Axis& a = p.window.w;
    return a.pad == 0 && (out.back() - 1) * a.stride + (a.kernel - 1) * a.dilation + 1 <= in.back();
  }
  return windows_inside(p.window, in, out);
}

bool applies_pool(const Variant& v, const Step& step, const Graph& g) {
  const PoolStep p = describe(step.first());
  if (v.str_param("op") != p.op || !window_applies(v, p.window)) return false;
  // vector_separable variants read dense input columns under each vector of windows, separable
  // ones read window rows outside the input as the nearest input row (a row of the same window
  // only when undilated): the generator assumes undilated windows.
  if ((v.int_param("vector_separable") || v.int_param("separable")) &&
      (p.window.h.dilation != 1 || p.window.w.dilation != 1))
    return false;
  return !v.int_param("in_bounds") || all_windows_inside(p, step, g);
}

bool applies_indices(const Variant& v, const Step& step, const Graph& g) {
  const PoolStep p = describe(step.first());
  if (!window_applies(v, p.window)) return false;
  if (v.int_param("tiled")) {  // windows tile the input: stride = kernel, undilated, all inside
    for (const Axis* a : {&p.window.h, &p.window.w})
      if (a->stride != a->kernel || a->dilation != 1) return false;
    return all_windows_inside(p, step, g);
  }
  return true;
}

using Pool2dFn = int (*)(halide_buffer_t*, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t,
                         int32_t, int32_t, float, halide_buffer_t*);
using IndicesFn = int (*)(halide_buffer_t*, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t,
                          halide_buffer_t*, halide_buffer_t*);

void run_pool(const Variant& v, const Step& step, const Graph& g, ValueTable& values) {
  const PoolStep p = describe(step.first());
  const Tensor& x = input_of(step, values, 0);
  Tensor& y = new_output(step, g, values, 0);
  auto in = view<float>(x, as_nchw(x.shape(), p.one_dimensional));
  auto out = view<float>(y, as_nchw(y.shape(), p.one_dimensional));
  const Window2d& w = p.window;
  check(reinterpret_cast<Pool2dFn>(v.function)(in, i32(w.h.kernel), i32(w.w.kernel), i32(w.h.stride), i32(w.w.stride),
                                                i32(w.h.pad), i32(w.w.pad), i32(w.h.dilation), i32(w.w.dilation),
                                                p.count_include_pad ? 1 : 0, static_cast<int32_t>(p.divisor_override),
                                                static_cast<float>(p.norm_type), out),
        v.id);
}

void run_indices(const Variant& v, const Step& step, const Graph& g, ValueTable& values) {
  const PoolStep p = describe(step.first());
  const Tensor& x = input_of(step, values, 0);
  Tensor& y = new_output(step, g, values, 0);
  Tensor& idx = new_output(step, g, values, 1);
  auto in = view<float>(x, as_nchw(x.shape(), p.one_dimensional));
  auto out = view<float>(y, as_nchw(y.shape(), p.one_dimensional));
  auto out_idx = view<int64_t>(idx, as_nchw(idx.shape(), p.one_dimensional));
  const Window2d& w = p.window;
  check(reinterpret_cast<IndicesFn>(v.function)(in, i32(w.h.kernel), i32(w.w.kernel), i32(w.h.stride), i32(w.w.stride),
                                                 i32(w.h.pad), i32(w.w.pad), i32(w.h.dilation), i32(w.w.dilation), out,
                                                 out_idx),
        v.id);
}

}  // namespace

extern const Family kPoolFamily{"pool2d", "pool2d", accepts, applies_pool, run_pool};
extern const Family kMaxPoolIndicesFamily{"max_pool2d_indices", "max_pool2d_indices", accepts, applies_indices,
                                          run_indices};

}  // namespace poolkit::halide
