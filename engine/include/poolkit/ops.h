// poolkit/ops.h — the operators: one attribute struct per op, fields named and defaulted
// exactly as torch.nn.functional's parameters (DESIGN.md, "Ops").
//
// The structs are what the C++ builder takes:
//   g.add("p", MaxPool2dAttrs{.kernel_size = {3, 3}, .stride = Pair{2, 2}, .padding = {1, 1}}, {x});
// The op table (op_info) describes each op once — name, inputs, parameters with their defaults,
// shape inference — and drives JSON parsing, validation and `poolkit ops`.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "poolkit/tensor.h"

namespace poolkit {

// (height, width), as torch's _pair: JSON accepts an int for both or a list [h, w].
struct Pair {
  int64_t h = 0;
  int64_t w = 0;
  bool operator==(const Pair&) const = default;
};

struct MaxPool2dAttrs {
  Pair kernel_size{};
  std::optional<Pair> stride{};  // none: stride = kernel_size
  Pair padding{0, 0};
  Pair dilation{1, 1};
  bool ceil_mode = false;
  bool return_indices = false;
};
struct AvgPool2dAttrs {
  Pair kernel_size{};
  std::optional<Pair> stride{};
  Pair padding{0, 0};
  bool ceil_mode = false;
  bool count_include_pad = true;
  std::optional<int64_t> divisor_override{};
};
// (Σ|x|^p)^(1/p) over the valid taps (ONNX's formula). PyTorch computes
// (sign(s)·relu(|s|)·kh·kw)^(1/p) with s = avg_pool2d(x^p): the same wherever x^p is
// non-negative and the window is full; it differs for odd p with negative inputs and on
// ceil-mode overhang windows.
struct LpPool2dAttrs {
  double norm_type = 2;
  Pair kernel_size{};
  std::optional<Pair> stride{};
  bool ceil_mode = false;
};
struct MaxPool1dAttrs {
  int64_t kernel_size = 0;
  std::optional<int64_t> stride{};
  int64_t padding = 0;
  int64_t dilation = 1;
  bool ceil_mode = false;
  bool return_indices = false;
};
struct AvgPool1dAttrs {
  int64_t kernel_size = 0;
  std::optional<int64_t> stride{};
  int64_t padding = 0;
  bool ceil_mode = false;
  bool count_include_pad = true;
};
struct LpPool1dAttrs {
  double norm_type = 2;
  int64_t kernel_size = 0;
  std::optional<int64_t> stride{};
  bool ceil_mode = false;
};
// output_size entries may be null (JSON) / nullopt: keep that input dimension, as PyTorch's None.
using AdaptiveSize = std::array<std::optional<int64_t>, 2>;
struct AdaptiveMaxPool2dAttrs {
  AdaptiveSize output_size{};
  bool return_indices = false;
};
struct AdaptiveAvgPool2dAttrs {
  AdaptiveSize output_size{};
};
struct GlobalMaxPoolAttrs {};
struct GlobalAvgPoolAttrs {};
struct GlobalLpPoolAttrs {
  double norm_type = 2;
};
// Exactly one of output_size / output_ratio. Interval starts follow PyTorch's _random_samples
// rule; samples come from the optional second input (N×C×2: [w-sample, h-sample] per plane)
// or, when it is absent, from the counter-based generator keyed by |seed|.
struct FractionalMaxPool2dAttrs {
  Pair kernel_size{};
  std::optional<Pair> output_size{};
  std::optional<std::array<double, 2>> output_ratio{};
  bool return_indices = false;
  uint64_t seed = 0;
};
// Zeiler & Fergus 2013. training: sample one activation per window with probability ∝ its
// value (negative activations weigh 0); otherwise the probability-weighted average Σa²/Σa.
// A window whose weights sum to 0 gives 0. Padding taps are not part of the window.
struct StochasticPool2dAttrs {
  Pair kernel_size{};
  std::optional<Pair> stride{};
  Pair padding{0, 0};
  bool training = true;
  uint64_t seed = 0;
};
// Inputs [values, indices]; output_size (optional) is the full output shape or its last two dims.
struct MaxUnpool2dAttrs {
  Pair kernel_size{};
  std::optional<Pair> stride{};
  Pair padding{0, 0};
  std::optional<std::vector<int64_t>> output_size{};
};
// padding: explicit [h, w], or PyTorch's strings "valid" (no padding) and "same" (stride 1 only;
// an odd total is split with the extra element at the end, as PyTorch does).
struct Conv2dPadding {
  enum class Mode : uint8_t { explicit_values, same, valid };
  Mode mode = Mode::explicit_values;
  Pair values{0, 0};
  bool operator==(const Conv2dPadding&) const = default;
};
struct Conv2dAttrs {
  Pair stride{1, 1};
  Conv2dPadding padding{};
  Pair dilation{1, 1};
  int64_t groups = 1;
};
struct ReluAttrs {};

// The alternatives are in OpKind order: OpKind(attrs.index()) names the op.
using OpAttrs =
    std::variant<MaxPool2dAttrs, AvgPool2dAttrs, LpPool2dAttrs, MaxPool1dAttrs, AvgPool1dAttrs,
                 LpPool1dAttrs, AdaptiveMaxPool2dAttrs, AdaptiveAvgPool2dAttrs, GlobalMaxPoolAttrs,
                 GlobalAvgPoolAttrs, GlobalLpPoolAttrs, FractionalMaxPool2dAttrs,
                 StochasticPool2dAttrs, MaxUnpool2dAttrs, Conv2dAttrs, ReluAttrs>;

enum class OpKind : uint8_t {
  max_pool2d, avg_pool2d, lp_pool2d, max_pool1d, avg_pool1d, lp_pool1d,
  adaptive_max_pool2d, adaptive_avg_pool2d, global_max_pool, global_avg_pool, global_lp_pool,
  fractional_max_pool2d, stochastic_pool2d, max_unpool2d, conv2d, relu,
};
inline constexpr int kOpCount = static_cast<int>(std::variant_size_v<OpAttrs>);

inline OpKind op_kind(const OpAttrs& attrs) { return static_cast<OpKind>(attrs.index()); }

// Description of one parameter, for `poolkit ops` and documentation.
struct ParamInfo {
  std::string name;
  std::string type;           // "int", "int pair", "bool", "float", ...
  std::string default_value;  // JSON text of the default; "required" when there is none
};
struct OpInfo {
  OpKind kind;
  std::string name;                      // PyTorch's: "max_pool2d"
  std::vector<std::string> input_names;  // e.g. {"input", "weight", "bias?"} ('?' = optional)
  std::vector<ParamInfo> params;
  std::string summary;                   // one line
};

const OpInfo& op_info(OpKind kind);
const std::vector<OpInfo>& all_ops();
std::optional<OpKind> op_kind_from_name(std::string_view name);

}  // namespace poolkit
