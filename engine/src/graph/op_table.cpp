// The op table: each op described once — name, inputs, parameters (with PyTorch's names and
// defaults), validation and shape inference. JSON parsing, `poolkit ops`, Graph::add and every
// backend's output allocation all read this file; no op is described anywhere else.
#include "graph/op_table.h"

#include <cmath>
#include <set>

#include "graph/param_codec.h"
#include "graph/pool_geometry.h"
#include "poolkit/graph.h"

namespace poolkit {
namespace detail {
namespace {

enum class Presence { optional, required };
constexpr Presence kRequired = Presence::required;

// ---- validation context for one node ---------------------------------------------------------

struct NodeCtx {
  std::string where;
  const std::vector<const Value*>& in;

  [[noreturn]] void fail(const std::string& message) const { fail_bad_input(where + ": " + message); }
  const Shape& shape(size_t i) const { return in[i]->shape; }

  void expect_rank(size_t i, std::initializer_list<int> ranks, const char* layout) const {
    for (int r : ranks)
      if (shape(i).rank() == r) return;
    fail("input '" + in[i]->name + "' has shape " + shape(i).str() + ": expected " + layout);
  }
  void expect_dtype(size_t i, DType dtype) const {
    if (in[i]->dtype != dtype) {
      fail("input '" + in[i]->name + "' has dtype " + std::string(dtype_name(in[i]->dtype)) +
           ": expected " + std::string(dtype_name(dtype)));
    }
  }
  // Spatial dims (from |first_axis| on) must be >= 1: PyTorch rejects empty planes for pooling.
  void expect_nonempty_from(size_t i, int first_axis) const {
    const Shape& s = shape(i);
    for (int a = first_axis; a < s.rank(); ++a)
      if (s[a] < 1) fail("input '" + in[i]->name + "' has shape " + s.str() + ": spatial dimensions must be >= 1");
  }
  void expect_at_least(const char* param, const std::string& value_text, int64_t value, int64_t min) const {
    if (value < min) fail("parameter '" + std::string(param) + "' " + value_text + ": must be >= " + std::to_string(min));
  }
};

// Built with append rather than "[" + ...: GCC 12 reports a false -Wrestrict on that chain
// (GCC bug 105329).
std::string pair_text(Pair p) {
  std::string s = "[";
  s.append(std::to_string(p.h)).append(", ").append(std::to_string(p.w)).append("]");
  return s;
}

void expect_pair_at_least(const NodeCtx& c, const char* param, Pair p, int64_t min) {
  c.expect_at_least(param, pair_text(p), std::min(p.h, p.w), min);
}

// Padding may be at most half the kernel (PyTorch: a window must never be all padding at the edge).
void expect_pad_at_most_half(const NodeCtx& c, Pair padding, Pair kernel) {
  expect_pair_at_least(c, "padding", padding, 0);
  if (padding.h > kernel.h / 2 || padding.w > kernel.w / 2) {
    c.fail("parameter 'padding' " + pair_text(padding) + ": must be at most half of kernel_size " + pair_text(kernel));
  }
}

Shape with_spatial(const Shape& in, std::initializer_list<int64_t> spatial) {
  std::vector<int64_t> dims = in.dims();
  size_t k = dims.size() - spatial.size();
  for (int64_t d : spatial) dims[k++] = d;
  return Shape(std::move(dims));
}

// Rejects window parameters whose extents leave kMaxExtent (pool_geometry.h): past that, the
// output-size rule and the kernels' index arithmetic would overflow int64.
void expect_axis_fits(const NodeCtx& c, int64_t in, const Axis& a, const char* axis) {
  if (axis_fits(in, a)) return;
  c.fail(std::string("window along ") + axis + " (kernel_size " + std::to_string(a.kernel) + ", stride " +
         std::to_string(a.stride) + ", padding " + std::to_string(a.pad) + ", dilation " + std::to_string(a.dilation) +
         ") over " + std::to_string(in) + " elements is too large: input + 2*padding and dilation*(kernel_size-1)+1 must be at most 2^60");
}

// Output shape of a sliding 2-D window over the last two dims of input 0.
Shape sliding_output(const NodeCtx& c, const Window2d& w) {
  const Shape& s = c.shape(0);
  expect_axis_fits(c, s[s.rank() - 2], w.h, "H");
  expect_axis_fits(c, s[s.rank() - 1], w.w, "W");
  const int64_t oh = pooled_size(s[s.rank() - 2], w.h);
  const int64_t ow = pooled_size(s[s.rank() - 1], w.w);
  if (oh < 1 || ow < 1) {
    c.fail("output size [" + std::to_string(oh) + ", " + std::to_string(ow) + "] for input " + s.str() +
           " is too small: must be >= 1 (kernel, dilation or padding too large for the input)");
  }
  return with_spatial(s, {oh, ow});
}
// The same over the last dim only (1-D ops).
Shape sliding_output_1d(const NodeCtx& c, const Window2d& w) {
  const Shape& s = c.shape(0);
  expect_axis_fits(c, s.back(), w.w, "L");
  const int64_t ol = pooled_size(s.back(), w.w);
  if (ol < 1) {
    c.fail("output size " + std::to_string(ol) + " for input " + s.str() +
           " is too small: must be >= 1 (kernel, dilation or padding too large for the input)");
  }
  return with_spatial(s, {ol});
}

void expect_norm_type(const NodeCtx& c, double p) {
  if (!std::isfinite(p) || p < 1.0) c.fail("parameter 'norm_type' " + nlohmann::json(p).dump() + ": must be a finite number >= 1");
}

std::vector<OutputSpec> values_and_maybe_indices(Shape out, bool indices) {
  std::vector<OutputSpec> specs{{out, DType::f32}};
  if (indices) specs.push_back({out, DType::i64});
  return specs;
}

// ---- one definition per op -------------------------------------------------------------------
// fields(): the parameters in PyTorch's order; infer(): validation + output shapes.

template <class A>
struct OpDef;

constexpr const char* kPlanes2d = "[N, C, H, W] or [C, H, W]";
constexpr const char* kPlanes1d = "[N, C, L] or [C, L]";

template <>
struct OpDef<MaxPool2dAttrs> {
  static constexpr const char* name = "max_pool2d";
  static constexpr const char* summary = "max over each (dilated) window; padding never wins; NaN propagates";
  static std::vector<std::string> inputs() { return {"input"}; }
  template <class V>
  static void fields(MaxPool2dAttrs& a, V& v) {
    v("kernel_size", a.kernel_size, kRequired);
    v("stride", a.stride);
    v("padding", a.padding);
    v("dilation", a.dilation);
    v("ceil_mode", a.ceil_mode);
    v("return_indices", a.return_indices);
  }
  static std::vector<OutputSpec> infer(const MaxPool2dAttrs& a, const NodeCtx& c) {
    c.expect_rank(0, {3, 4}, kPlanes2d);
    c.expect_nonempty_from(0, c.shape(0).rank() - 3);
    expect_pair_at_least(c, "kernel_size", a.kernel_size, 1);
    if (a.stride) expect_pair_at_least(c, "stride", *a.stride, 1);
    expect_pair_at_least(c, "dilation", a.dilation, 1);
    expect_pad_at_most_half(c, a.padding, a.kernel_size);
    return values_and_maybe_indices(sliding_output(c, window_of(a)), a.return_indices);
  }
};

template <>
struct OpDef<AvgPool2dAttrs> {
  static constexpr const char* name = "avg_pool2d";
  static constexpr const char* summary = "mean over each window; count_include_pad counts explicit padding, never the ceil-mode overhang";
  static std::vector<std::string> inputs() { return {"input"}; }
  template <class V>
  static void fields(AvgPool2dAttrs& a, V& v) {
    v("kernel_size", a.kernel_size, kRequired);
    v("stride", a.stride);
    v("padding", a.padding);
    v("ceil_mode", a.ceil_mode);
    v("count_include_pad", a.count_include_pad);
    v("divisor_override", a.divisor_override);
  }
  static std::vector<OutputSpec> infer(const AvgPool2dAttrs& a, const NodeCtx& c) {
    c.expect_rank(0, {3, 4}, kPlanes2d);
    c.expect_nonempty_from(0, c.shape(0).rank() - 3);
    expect_pair_at_least(c, "kernel_size", a.kernel_size, 1);
    if (a.stride) expect_pair_at_least(c, "stride", *a.stride, 1);
    expect_pad_at_most_half(c, a.padding, a.kernel_size);
    if (a.divisor_override && *a.divisor_override == 0) c.fail("parameter 'divisor_override' 0: must not be zero");
    return {{sliding_output(c, window_of(a)), DType::f32}};
  }
};

template <>
struct OpDef<LpPool2dAttrs> {
  static constexpr const char* name = "lp_pool2d";
  static constexpr const char* summary = "(sum |x|^p)^(1/p) over each window (p = norm_type; 2 = L2 pooling)";
  static std::vector<std::string> inputs() { return {"input"}; }
  template <class V>
  static void fields(LpPool2dAttrs& a, V& v) {
    v("norm_type", a.norm_type, kRequired);
    v("kernel_size", a.kernel_size, kRequired);
    v("stride", a.stride);
    v("ceil_mode", a.ceil_mode);
  }
  static std::vector<OutputSpec> infer(const LpPool2dAttrs& a, const NodeCtx& c) {
    c.expect_rank(0, {3, 4}, kPlanes2d);
    c.expect_nonempty_from(0, c.shape(0).rank() - 3);
    expect_norm_type(c, a.norm_type);
    expect_pair_at_least(c, "kernel_size", a.kernel_size, 1);
    if (a.stride) expect_pair_at_least(c, "stride", *a.stride, 1);
    return {{sliding_output(c, window_of(a)), DType::f32}};
  }
};

template <>
struct OpDef<MaxPool1dAttrs> {
  static constexpr const char* name = "max_pool1d";
  static constexpr const char* summary = "max over windows of the last axis (max-over-time)";
  static std::vector<std::string> inputs() { return {"input"}; }
  template <class V>
  static void fields(MaxPool1dAttrs& a, V& v) {
    v("kernel_size", a.kernel_size, kRequired);
    v("stride", a.stride);
    v("padding", a.padding);
    v("dilation", a.dilation);
    v("ceil_mode", a.ceil_mode);
    v("return_indices", a.return_indices);
  }
  static std::vector<OutputSpec> infer(const MaxPool1dAttrs& a, const NodeCtx& c) {
    c.expect_rank(0, {2, 3}, kPlanes1d);
    c.expect_nonempty_from(0, c.shape(0).rank() - 2);
    c.expect_at_least("kernel_size", std::to_string(a.kernel_size), a.kernel_size, 1);
    if (a.stride) c.expect_at_least("stride", std::to_string(*a.stride), *a.stride, 1);
    c.expect_at_least("dilation", std::to_string(a.dilation), a.dilation, 1);
    expect_pad_at_most_half(c, {0, a.padding}, {1, a.kernel_size});
    return values_and_maybe_indices(sliding_output_1d(c, window_of(a)), a.return_indices);
  }
};

template <>
struct OpDef<AvgPool1dAttrs> {
  static constexpr const char* name = "avg_pool1d";
  static constexpr const char* summary = "mean over windows of the last axis";
  static std::vector<std::string> inputs() { return {"input"}; }
  template <class V>
  static void fields(AvgPool1dAttrs& a, V& v) {
    v("kernel_size", a.kernel_size, kRequired);
    v("stride", a.stride);
    v("padding", a.padding);
    v("ceil_mode", a.ceil_mode);
    v("count_include_pad", a.count_include_pad);
  }
  static std::vector<OutputSpec> infer(const AvgPool1dAttrs& a, const NodeCtx& c) {
    c.expect_rank(0, {2, 3}, kPlanes1d);
    c.expect_nonempty_from(0, c.shape(0).rank() - 2);
    c.expect_at_least("kernel_size", std::to_string(a.kernel_size), a.kernel_size, 1);
    if (a.stride) c.expect_at_least("stride", std::to_string(*a.stride), *a.stride, 1);
    expect_pad_at_most_half(c, {0, a.padding}, {1, a.kernel_size});
    return {{sliding_output_1d(c, window_of(a)), DType::f32}};
  }
};

template <>
struct OpDef<LpPool1dAttrs> {
  static constexpr const char* name = "lp_pool1d";
  static constexpr const char* summary = "(sum |x|^p)^(1/p) over windows of the last axis";
  static std::vector<std::string> inputs() { return {"input"}; }
  template <class V>
  static void fields(LpPool1dAttrs& a, V& v) {
    v("norm_type", a.norm_type, kRequired);
    v("kernel_size", a.kernel_size, kRequired);
    v("stride", a.stride);
    v("ceil_mode", a.ceil_mode);
  }
  static std::vector<OutputSpec> infer(const LpPool1dAttrs& a, const NodeCtx& c) {
    c.expect_rank(0, {2, 3}, kPlanes1d);
    c.expect_nonempty_from(0, c.shape(0).rank() - 2);
    expect_norm_type(c, a.norm_type);
    c.expect_at_least("kernel_size", std::to_string(a.kernel_size), a.kernel_size, 1);
    if (a.stride) c.expect_at_least("stride", std::to_string(*a.stride), *a.stride, 1);
    return {{sliding_output_1d(c, window_of(a)), DType::f32}};
  }
};

Shape adaptive_output(const NodeCtx& c, const AdaptiveSize& size) {
  c.expect_rank(0, {3, 4}, kPlanes2d);
  c.expect_nonempty_from(0, c.shape(0).rank() - 2);
  const Shape& s = c.shape(0);
  const int64_t oh = size[0].value_or(s[s.rank() - 2]);
  const int64_t ow = size[1].value_or(s[s.rank() - 1]);
  if (oh < 1 || ow < 1) c.fail("parameter 'output_size' " + pair_text({oh, ow}) + ": must be >= 1");
  // Window bounds are computed as (i + 1) * in / out: keep that product inside int64.
  if (!adaptive_fits(s[s.rank() - 2], oh) || !adaptive_fits(s[s.rank() - 1], ow)) {
    c.fail("parameter 'output_size' " + pair_text({oh, ow}) + " for input " + s.str() +
           ": too large (input size * output size must be at most 2^60 on each axis)");
  }
  return with_spatial(s, {oh, ow});
}

template <>
struct OpDef<AdaptiveMaxPool2dAttrs> {
  static constexpr const char* name = "adaptive_max_pool2d";
  static constexpr const char* summary = "max over windows [floor(i*H/OH), ceil((i+1)*H/OH)) giving output_size";
  static std::vector<std::string> inputs() { return {"input"}; }
  template <class V>
  static void fields(AdaptiveMaxPool2dAttrs& a, V& v) {
    v("output_size", a.output_size, kRequired);
    v("return_indices", a.return_indices);
  }
  static std::vector<OutputSpec> infer(const AdaptiveMaxPool2dAttrs& a, const NodeCtx& c) {
    return values_and_maybe_indices(adaptive_output(c, a.output_size), a.return_indices);
  }
};

template <>
struct OpDef<AdaptiveAvgPool2dAttrs> {
  static constexpr const char* name = "adaptive_avg_pool2d";
  static constexpr const char* summary = "mean over windows [floor(i*H/OH), ceil((i+1)*H/OH)) giving output_size";
  static std::vector<std::string> inputs() { return {"input"}; }
  template <class V>
  static void fields(AdaptiveAvgPool2dAttrs& a, V& v) {
    v("output_size", a.output_size, kRequired);
  }
  static std::vector<OutputSpec> infer(const AdaptiveAvgPool2dAttrs& a, const NodeCtx& c) {
    return {{adaptive_output(c, a.output_size), DType::f32}};
  }
};

Shape global_output(const NodeCtx& c) {
  c.expect_rank(0, {3, 4}, "[N, C, H, W] or [N, C, L]");
  c.expect_nonempty_from(0, 2);
  std::vector<int64_t> dims = c.shape(0).dims();
  for (size_t i = 2; i < dims.size(); ++i) dims[i] = 1;
  return Shape(std::move(dims));
}

template <>
struct OpDef<GlobalMaxPoolAttrs> {
  static constexpr const char* name = "global_max_pool";
  static constexpr const char* summary = "max over the whole plane: N x C x 1 x 1";
  static std::vector<std::string> inputs() { return {"input"}; }
  template <class V>
  static void fields(GlobalMaxPoolAttrs&, V&) {}
  static std::vector<OutputSpec> infer(const GlobalMaxPoolAttrs&, const NodeCtx& c) { return {{global_output(c), DType::f32}}; }
};

template <>
struct OpDef<GlobalAvgPoolAttrs> {
  static constexpr const char* name = "global_avg_pool";
  static constexpr const char* summary = "mean over the whole plane: N x C x 1 x 1";
  static std::vector<std::string> inputs() { return {"input"}; }
  template <class V>
  static void fields(GlobalAvgPoolAttrs&, V&) {}
  static std::vector<OutputSpec> infer(const GlobalAvgPoolAttrs&, const NodeCtx& c) { return {{global_output(c), DType::f32}}; }
};

template <>
struct OpDef<GlobalLpPoolAttrs> {
  static constexpr const char* name = "global_lp_pool";
  static constexpr const char* summary = "(sum |x|^p)^(1/p) over the whole plane: N x C x 1 x 1";
  static std::vector<std::string> inputs() { return {"input"}; }
  template <class V>
  static void fields(GlobalLpPoolAttrs& a, V& v) {
    v("norm_type", a.norm_type);
  }
  static std::vector<OutputSpec> infer(const GlobalLpPoolAttrs& a, const NodeCtx& c) {
    expect_norm_type(c, a.norm_type);
    return {{global_output(c), DType::f32}};
  }
};

template <>
struct OpDef<FractionalMaxPool2dAttrs> {
  static constexpr const char* name = "fractional_max_pool2d";
  static constexpr const char* summary = "max over pseudo-random windows (Graham 2015) driven by samples (N x C x 2) or seed";
  static std::vector<std::string> inputs() { return {"input", "samples?"}; }
  template <class V>
  static void fields(FractionalMaxPool2dAttrs& a, V& v) {
    v("kernel_size", a.kernel_size, kRequired);
    v("output_size", a.output_size);
    v("output_ratio", a.output_ratio);
    v("return_indices", a.return_indices);
    v("seed", a.seed);
  }
  static std::vector<OutputSpec> infer(const FractionalMaxPool2dAttrs& a, const NodeCtx& c) {
    c.expect_rank(0, {3, 4}, kPlanes2d);
    c.expect_nonempty_from(0, c.shape(0).rank() - 3);
    expect_pair_at_least(c, "kernel_size", a.kernel_size, 1);
    const Shape& s = c.shape(0);
    const int64_t ih = s[s.rank() - 2], iw = s[s.rank() - 1];
    if (a.output_size.has_value() == a.output_ratio.has_value()) {
      c.fail("exactly one of parameters 'output_size' and 'output_ratio' must be given");
    }
    Pair out;
    if (a.output_size) {
      out = *a.output_size;
    } else {
      const auto r = *a.output_ratio;
      if (!(r[0] > 0 && r[0] < 1 && r[1] > 0 && r[1] < 1)) {
        c.fail("parameter 'output_ratio' " + brief(nlohmann::json(r)) + ": must be in (0, 1)");
      }
      out = {static_cast<int64_t>(static_cast<double>(ih) * r[0]), static_cast<int64_t>(static_cast<double>(iw) * r[1])};
    }
    if (out.h < 1 || out.w < 1) c.fail("output size " + pair_text(out) + " for input " + s.str() + ": must be >= 1");
    // output + kernel - 1 <= input, written so that huge values cannot overflow.
    if (out.h > ih || out.w > iw || a.kernel_size.h > ih - out.h + 1 || a.kernel_size.w > iw - out.w + 1) {
      c.fail("output size " + pair_text(out) + " with kernel_size " + pair_text(a.kernel_size) +
             " does not fit input " + s.str() + ": need output + kernel - 1 <= input");
    }
    // Window starts are computed in float and truncated to int (PyTorch's rule, mirrored by
    // every backend in 32-bit arithmetic): keep each axis where that cannot overflow.
    constexpr int64_t kMaxAxis = int64_t{1} << 30;
    if (ih > kMaxAxis || iw > kMaxAxis) c.fail("input " + s.str() + ": fractional pooling supports at most 2^30 rows and columns");
    if (c.in.size() == 2) {
      c.expect_dtype(1, DType::f32);
      const Shape want = s.rank() == 4 ? Shape{s[0], s[1], 2} : Shape{1, s[0], 2};
      if (c.shape(1) != want) {
        c.fail("input '" + c.in[1]->name + "' (samples) has shape " + c.shape(1).str() + ": expected " + want.str());
      }
    }
    return values_and_maybe_indices(with_spatial(s, {out.h, out.w}), a.return_indices);
  }
};

template <>
struct OpDef<StochasticPool2dAttrs> {
  static constexpr const char* name = "stochastic_pool2d";
  static constexpr const char* summary = "training: one activation per window drawn with probability proportional to its value; else the probability-weighted mean";
  static std::vector<std::string> inputs() { return {"input"}; }
  template <class V>
  static void fields(StochasticPool2dAttrs& a, V& v) {
    v("kernel_size", a.kernel_size, kRequired);
    v("stride", a.stride);
    v("padding", a.padding);
    v("training", a.training);
    v("seed", a.seed);
  }
  static std::vector<OutputSpec> infer(const StochasticPool2dAttrs& a, const NodeCtx& c) {
    c.expect_rank(0, {3, 4}, kPlanes2d);
    c.expect_nonempty_from(0, c.shape(0).rank() - 3);
    expect_pair_at_least(c, "kernel_size", a.kernel_size, 1);
    if (a.stride) expect_pair_at_least(c, "stride", *a.stride, 1);
    expect_pad_at_most_half(c, a.padding, a.kernel_size);
    return {{sliding_output(c, window_of(a)), DType::f32}};
  }
};

template <>
struct OpDef<MaxUnpool2dAttrs> {
  static constexpr const char* name = "max_unpool2d";
  static constexpr const char* summary = "scatter values to their max_pool2d indices; zeros elsewhere";
  static std::vector<std::string> inputs() { return {"input", "indices"}; }
  template <class V>
  static void fields(MaxUnpool2dAttrs& a, V& v) {
    v("kernel_size", a.kernel_size, kRequired);
    v("stride", a.stride);
    v("padding", a.padding);
    v("output_size", a.output_size);
  }
  static std::vector<OutputSpec> infer(const MaxUnpool2dAttrs& a, const NodeCtx& c) {
    c.expect_rank(0, {3, 4}, kPlanes2d);
    c.expect_dtype(1, DType::i64);
    if (c.shape(1) != c.shape(0)) {
      c.fail("input '" + c.in[1]->name + "' (indices) has shape " + c.shape(1).str() + ": expected the input's shape " + c.shape(0).str());
    }
    expect_pair_at_least(c, "kernel_size", a.kernel_size, 1);
    const Pair stride = a.stride.value_or(a.kernel_size);
    expect_pair_at_least(c, "stride", stride, 1);
    expect_pair_at_least(c, "padding", a.padding, 0);
    const Shape& s = c.shape(0);
    const int r = s.rank();
    // PyTorch's default: (in - 1) * stride - 2 * padding + kernel, computed without overflow
    // (all parameters are bounded by kMaxExtent first, which bounds every term).
    const auto bounded = [&](const char* param, Pair p) {
      if (p.h > kMaxExtent || p.w > kMaxExtent) c.fail("parameter '" + std::string(param) + "' " + pair_text(p) + ": must be at most 2^60");
    };
    bounded("kernel_size", a.kernel_size);
    bounded("stride", stride);
    bounded("padding", a.padding);
    const auto default_size = [&](int64_t in, int64_t st, int64_t pad, int64_t k, const char* axis) {
      int64_t v = 0;
      if (in > 0 && __builtin_mul_overflow(in - 1, st, &v)) v = INT64_MAX;
      if (in == 0) v = -st;
      if (v > kMaxExtent) {
        c.fail("output size along " + std::string(axis) + " for input " + s.str() + ", stride " + pair_text(stride) +
               " and kernel_size " + pair_text(a.kernel_size) + " is too large (more than 2^60)");
      }
      return v - 2 * pad + k;
    };
    const Pair def{default_size(s[r - 2], stride.h, a.padding.h, a.kernel_size.h, "H"),
                   default_size(s[r - 1], stride.w, a.padding.w, a.kernel_size.w, "W")};
    Pair out = def;
    if (a.output_size) {
      const auto& o = *a.output_size;
      if (o.size() != 2 && o.size() != static_cast<size_t>(r)) {
        c.fail("parameter 'output_size' " + brief(nlohmann::json(o)) + ": expected [H, W] or the full output shape");
      }
      out = {o[o.size() - 2], o[o.size() - 1]};
      bounded("output_size", out);
      // As PyTorch: the requested size must lie within one stride of the default.
      if (out.h < def.h - stride.h || out.h > def.h + stride.h || out.w < def.w - stride.w || out.w > def.w + stride.w) {
        c.fail("parameter 'output_size' " + pair_text(out) + ": must be within one stride of the default " + pair_text(def));
      }
    }
    if (out.h < 1 || out.w < 1) c.fail("output size " + pair_text(out) + " for input " + s.str() + ": must be >= 1");
    return {{with_spatial(s, {out.h, out.w}), DType::f32}};
  }
};

template <>
struct OpDef<Conv2dAttrs> {
  static constexpr const char* name = "conv2d";
  static constexpr const char* summary = "2-D cross-correlation with stride, padding, dilation, groups and optional bias";
  static std::vector<std::string> inputs() { return {"input", "weight", "bias?"}; }
  template <class V>
  static void fields(Conv2dAttrs& a, V& v) {
    v("stride", a.stride);
    v("padding", a.padding);
    v("dilation", a.dilation);
    v("groups", a.groups);
  }
  static std::vector<OutputSpec> infer(const Conv2dAttrs& a, const NodeCtx& c) {
    c.expect_rank(0, {3, 4}, kPlanes2d);
    c.expect_rank(1, {4}, "[C_out, C_in / groups, kH, kW]");
    for (size_t i = 0; i < c.in.size(); ++i) c.expect_dtype(i, DType::f32);
    expect_pair_at_least(c, "stride", a.stride, 1);
    expect_pair_at_least(c, "dilation", a.dilation, 1);
    c.expect_at_least("groups", std::to_string(a.groups), a.groups, 1);
    const Shape& x = c.shape(0);
    const Shape& w = c.shape(1);
    const int r = x.rank();
    const int64_t cin = x[r - 3];
    for (int i = 0; i < 4; ++i)
      if (w[i] < 1) c.fail("input '" + c.in[1]->name + "' (weight) has shape " + w.str() + ": dimensions must be >= 1");
    c.expect_nonempty_from(0, r - 3);
    if (cin % a.groups != 0 || w[0] % a.groups != 0) {
      c.fail("parameter 'groups' " + std::to_string(a.groups) + ": must divide input channels " + std::to_string(cin) +
             " and output channels " + std::to_string(w[0]));
    }
    if (w[1] != cin / a.groups) {
      c.fail("input '" + c.in[1]->name + "' (weight) has shape " + w.str() + ": expected " + std::to_string(cin / a.groups) +
             " input channels per group for input " + x.str() + " and groups " + std::to_string(a.groups));
    }
    if (c.in.size() == 3 && c.shape(2) != Shape{w[0]}) {
      c.fail("input '" + c.in[2]->name + "' (bias) has shape " + c.shape(2).str() + ": expected [" + std::to_string(w[0]) + "]");
    }
    Window2d win{{w[2], a.stride.h, 0, a.dilation.h, false}, {w[3], a.stride.w, 0, a.dilation.w, false}};
    expect_axis_fits(c, x[r - 2], win.h, "H");  // kernel and dilation (padding is checked below)
    expect_axis_fits(c, x[r - 1], win.w, "W");
    int64_t extra_h = 0, extra_w = 0;  // total padding beyond 2 * pad ("same" may be odd)
    switch (a.padding.mode) {
      case Conv2dPadding::Mode::explicit_values:
        expect_pair_at_least(c, "padding", a.padding.values, 0);
        win.h.pad = a.padding.values.h;
        win.w.pad = a.padding.values.w;
        break;
      case Conv2dPadding::Mode::valid: break;
      case Conv2dPadding::Mode::same:
        if (a.stride.h != 1 || a.stride.w != 1) c.fail("parameter 'padding' \"same\": requires stride 1, got stride " + pair_text(a.stride));
        extra_h = a.dilation.h * (w[2] - 1);
        extra_w = a.dilation.w * (w[3] - 1);
        break;
    }
    // extra <= dilation*(kernel-1) <= 2^60 (checked above), so the sums cannot overflow.
    expect_axis_fits(c, x[r - 2] + extra_h, win.h, "H");
    expect_axis_fits(c, x[r - 1] + extra_w, win.w, "W");
    const int64_t oh = pooled_size(x[r - 2] + extra_h, win.h);
    const int64_t ow = pooled_size(x[r - 1] + extra_w, win.w);
    if (oh < 1 || ow < 1) {
      c.fail("output size " + pair_text({oh, ow}) + " for input " + x.str() + " and weight " + w.str() + " is too small: must be >= 1");
    }
    std::vector<int64_t> out = x.dims();
    out[static_cast<size_t>(r - 3)] = w[0];
    out[static_cast<size_t>(r - 2)] = oh;
    out[static_cast<size_t>(r - 1)] = ow;
    return {{Shape(std::move(out)), DType::f32}};
  }
};

template <>
struct OpDef<ReluAttrs> {
  static constexpr const char* name = "relu";
  static constexpr const char* summary = "max(x, 0) elementwise; NaN stays NaN";
  static std::vector<std::string> inputs() { return {"input"}; }
  template <class V>
  static void fields(ReluAttrs&, V&) {}
  static std::vector<OutputSpec> infer(const ReluAttrs&, const NodeCtx& c) { return {{c.shape(0), DType::f32}}; }
};

// ---- visitors over fields() ------------------------------------------------------------------

struct JsonReader {
  const json& node;
  std::string where;
  std::set<std::string> seen;
  template <class T>
  void operator()(const char* name, T& member, Presence presence = Presence::optional) {
    seen.insert(name);
    const auto it = node.find(name);
    if (it == node.end()) {
      if (presence == Presence::required) fail_bad_input(where + ": missing required parameter '" + std::string(name) + "'");
      return;
    }
    member = Codec<T>::read(*it, ParamSite{where, name});
  }
};

struct JsonWriter {
  json& node;
  template <class T>
  void operator()(const char* name, T& member, Presence = Presence::optional) {
    node[name] = Codec<T>::write(member);
  }
};

struct Describer {
  std::vector<ParamInfo>& out;
  template <class T>
  void operator()(const char* name, T& member, Presence presence = Presence::optional) {
    out.push_back({name, Codec<T>::type, presence == Presence::required ? "required" : Codec<T>::write(member).dump()});
  }
};

template <class A>
OpInfo describe() {
  OpInfo info{static_cast<OpKind>(OpAttrs(A{}).index()), OpDef<A>::name, OpDef<A>::inputs(), {}, OpDef<A>::summary};
  A defaults{};
  Describer d{info.params};
  OpDef<A>::fields(defaults, d);
  return info;
}

template <size_t... I>
std::vector<OpInfo> describe_all(std::index_sequence<I...>) {
  return {describe<std::variant_alternative_t<I, OpAttrs>>()...};
}

template <size_t... I>
OpAttrs default_attrs(OpKind kind, std::index_sequence<I...>) {
  OpAttrs out;
  ((static_cast<size_t>(kind) == I ? (out = std::variant_alternative_t<I, OpAttrs>{}, 0) : 0), ...);
  return out;
}

}  // namespace

std::string node_where(const std::string& node_name, OpKind kind) {
  return "node '" + node_name + "' (" + op_info(kind).name + ")";
}

OpAttrs parse_attrs(OpKind kind, const json& node, const std::string& where) {
  OpAttrs attrs = default_attrs(kind, std::make_index_sequence<kOpCount>{});
  JsonReader reader{node, where, {}};
  std::visit([&](auto& a) { OpDef<std::decay_t<decltype(a)>>::fields(a, reader); }, attrs);
  for (const auto& [key, value] : node.items()) {
    if (key == "name" || key == "op" || key == "inputs" || reader.seen.count(key)) continue;
    std::string known;
    for (const auto& p : op_info(kind).params) known += (known.empty() ? "" : ", ") + p.name;
    fail_bad_input(where + ": unknown parameter '" + key + "' (" + op_info(kind).name + " takes: " +
                   (known.empty() ? "no parameters" : known) + ")");
  }
  return attrs;
}

void write_attrs(const OpAttrs& attrs, json& node) {
  JsonWriter writer{node};
  OpAttrs copy = attrs;
  std::visit([&](auto& a) { OpDef<std::decay_t<decltype(a)>>::fields(a, writer); }, copy);
}

}  // namespace detail

const std::vector<OpInfo>& all_ops() {
  static const std::vector<OpInfo> ops = detail::describe_all(std::make_index_sequence<kOpCount>{});
  return ops;
}

const OpInfo& op_info(OpKind kind) { return all_ops().at(static_cast<size_t>(kind)); }

std::optional<OpKind> op_kind_from_name(std::string_view name) {
  for (const auto& op : all_ops())
    if (op.name == name) return op.kind;
  return std::nullopt;
}

std::vector<OutputSpec> infer_outputs(const std::string& node_name, const OpAttrs& attrs,
                                      const std::vector<const Value*>& inputs) {
  const OpInfo& info = op_info(op_kind(attrs));
  const std::string where = detail::node_where(node_name, info.kind);
  size_t required = 0;
  for (const auto& n : info.input_names) required += n.back() != '?';
  if (inputs.size() < required || inputs.size() > info.input_names.size()) {
    std::string names;
    for (const auto& n : info.input_names) names += (names.empty() ? "" : ", ") + n;
    fail_bad_input(where + ": takes " +
                   (required == info.input_names.size() ? std::to_string(required)
                                                        : std::to_string(required) + " to " + std::to_string(info.input_names.size())) +
                   " inputs (" + names + "), got " + std::to_string(inputs.size()));
  }
  // All inputs are float32 unless the op says otherwise (unpool's indices).
  detail::NodeCtx ctx{where, inputs};
  if (info.kind != OpKind::max_unpool2d) {
    for (size_t i = 0; i < inputs.size(); ++i) ctx.expect_dtype(i, DType::f32);
  } else {
    ctx.expect_dtype(0, DType::f32);
  }
  for (const Value* v : inputs) v->shape.numel();  // rejects overflowing shapes early
  auto specs = std::visit([&](const auto& a) { return detail::OpDef<std::decay_t<decltype(a)>>::infer(a, ctx); }, attrs);
  for (const auto& s : specs) s.shape.numel();
  return specs;
}

}  // namespace poolkit
